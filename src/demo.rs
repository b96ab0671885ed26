//! `partner-console demo`: demo accounts on the embedded default, so a newcomer can sign in at
//! once. Running it again keeps the data and resets these accounts to the printed passwords.

use chrono::Utc;

use crate::domain::SvgLogo;
use crate::domain::{PartnerKind, Role};
use crate::operators::{self, CreateUserError};
use crate::store::applications::{self, NewApplication};
use crate::store::logos;
use crate::store::partners::NewPartner;
use crate::store::users::Membership;
use crate::store::{Db, partners};
use crate::tokens::random_token;

pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
    pub who: String,
}

struct DemoPartner {
    name: &'static str,
    slug: &'static str,
    kind: PartnerKind,
    website: &'static str,
    owner: &'static str,
    password: &'static str,
}

const OPERATOR: (&str, &str) = ("ops@demo.example", "Demo-Operator-2026!");

const PARTNERS: &[DemoPartner] = &[
    DemoPartner {
        name: "Acme Cloud",
        slug: "acme-cloud",
        kind: PartnerKind::Msp,
        website: "https://acme.example",
        owner: "owner@acme.example",
        password: "Acme-Demo-Pass-2026",
    },
    DemoPartner {
        name: "Borealis Resale",
        slug: "borealis-resale",
        kind: PartnerKind::Reseller,
        website: "https://borealis.example",
        owner: "owner@borealis.example",
        password: "Borealis-Demo-Pass-2026",
    },
];

pub async fn seed(db: &Db) -> Result<Vec<DemoLogin>, CreateUserError> {
    let mut logins = vec![DemoLogin {
        email: OPERATOR.0,
        password: OPERATOR.1,
        who: "operator".into(),
    }];
    operators::ensure_user(db, OPERATOR.0, OPERATOR.1, Membership::Operator).await?;
    for p in PARTNERS {
        let partner_id = {
            let mut tx = db.begin().await?;
            let id = match partners::find_by_slug(&mut tx, p.slug).await? {
                Some(found) => found.partner_id,
                None => {
                    let new = NewPartner {
                        name: p.name,
                        kind: p.kind,
                        website_url: p.website,
                        logo_light_id: None,
                        logo_dark_id: None,
                    };
                    partners::insert(&mut tx, new, Utc::now()).await?.0
                }
            };
            tx.commit().await?;
            id
        };
        operators::ensure_user(
            db,
            p.owner,
            p.password,
            operators::member(partner_id, Role::Owner),
        )
        .await?;
        ensure_logos(db, partner_id, p.name).await?;
        let kind = match p.kind {
            PartnerKind::Msp => "MSP",
            PartnerKind::Reseller => "reseller",
        };
        logins.push(DemoLogin {
            email: p.owner,
            password: p.password,
            who: format!("owner of {kind} \"{}\"", p.name),
        });
    }
    ensure_pending_application(db).await?;
    Ok(logins)
}

/// A wordmark logo: a rounded mark and the name, in the given colours.
fn logo_svg(name: &str, mark: &str, text: &str) -> String {
    let initial = name.chars().next().unwrap_or('P');
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48" viewBox="0 0 256 48"><rect x="2" y="4" width="40" height="40" rx="10" fill="{mark}"/><text x="22" y="32" font-family="DejaVu Sans, sans-serif" font-size="22" font-weight="bold" fill="#ffffff" text-anchor="middle">{initial}</text><text x="52" y="32" font-family="DejaVu Sans, sans-serif" font-size="21" font-weight="bold" fill="{text}">{name}</text></svg>"##
    )
}

async fn store_logo(db: &Db, svg: &str) -> Result<i64, CreateUserError> {
    let (logo, _) =
        SvgLogo::parse(svg.as_bytes()).map_err(|e| CreateUserError::Invalid(e.key.to_string()))?;
    let mut tx = db.begin().await?;
    let id = logos::insert(&mut tx, &random_token(), &logo, Utc::now()).await?;
    tx.commit().await?;
    Ok(id)
}

async fn ensure_logos(db: &Db, partner_id: i64, name: &str) -> Result<(), CreateUserError> {
    let mut c = db.acquire().await?;
    let partner = partners::find_by_id(&mut c, partner_id).await?;
    drop(c);
    if partner.is_some_and(|p| p.logo_light_id.is_some()) {
        return Ok(());
    }
    let light = store_logo(db, &logo_svg(name, "#3b5bdb", "#1d2433")).await?;
    let dark = store_logo(db, &logo_svg(name, "#7b96ff", "#e4e8f1")).await?;
    let mut tx = db.begin().await?;
    partners::set_logo(&mut tx, partner_id, false, light).await?;
    partners::set_logo(&mut tx, partner_id, true, dark).await?;
    tx.commit().await?;
    Ok(())
}

/// One application waiting for review, so an operator has something to look at.
async fn ensure_pending_application(db: &Db) -> Result<(), CreateUserError> {
    const COMPANY: &str = "Nimbus Data Services";
    let mut c = db.acquire().await?;
    let waiting = applications::list(&mut c, "pending", 500).await?;
    drop(c);
    if waiting.iter().any(|a| a.company_name == COMPANY) {
        return Ok(());
    }
    let light = store_logo(db, &logo_svg("Nimbus", "#0ca678", "#1d2433")).await?;
    let dark = store_logo(db, &logo_svg("Nimbus", "#38d9a9", "#e4e8f1")).await?;
    let mut tx = db.begin().await?;
    let new = NewApplication {
        kind: "msp",
        company_name: COMPANY,
        contact_email: "hello@nimbus.example",
        website_url: "https://nimbus.example",
        message: "We run managed databases for 40 mid-size retailers in Japan and would like to offer your cloud database to them.",
        logo_light_id: light,
        logo_dark_id: dark,
        address: "127.0.0.1",
    };
    applications::insert(&mut tx, new, Utc::now()).await?;
    tx.commit().await?;
    Ok(())
}
