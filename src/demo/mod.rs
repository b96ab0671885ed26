//! `partner-console demo`: demo accounts on the embedded default, so a newcomer can sign in at
//! once. Running it again keeps the data and resets these accounts to the printed passwords.

use chrono::Utc;

use crate::app::operators;
use crate::credentials::api_keys::KeyVault;
use crate::domain::{PartnerKind, Role};
use crate::store::StoreError;
use crate::store::partners::NewPartner;
use crate::store::users::Membership;
use crate::store::{Db, partners};

mod accounts;
mod application;
mod brands;
mod history;
mod invoices;
mod keys;
mod links;
mod offers;
mod orgs;
mod plans;
pub mod scale;

use accounts::{OPERATOR, PARTNERS};

pub struct Demo {
    pub logins: Vec<DemoLogin>,
    /// A ready `curl --digest` line per demo partner, with a fresh key.
    pub curls: Vec<String>,
    /// A fresh signup link of the demo MSP, printed so a newcomer can try the customer signup.
    pub signup_url: String,
    /// What `demo --customers N` added.
    pub scaled: Option<scale::Scaled>,
}

/// `demo --customers N`: the demo MSP grows to `customers` before the finished months close,
/// so that the closed months bill every customer as an operator's close would (usage loaded
/// after a close is late and stays out of the closed bill). `progress` is told the usage rows
/// loaded so far and how many there are to load.
pub struct Grow<'a> {
    pub customers: usize,
    pub progress: &'a mut dyn FnMut(usize, usize),
}

pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
    pub who: String,
}

pub async fn seed(db: &Db, vault: &KeyVault, public_url: &str) -> Result<Demo, crate::app::Error> {
    seed_and_grow(db, vault, public_url, None).await
}

/// [`seed`], with the demo MSP grown first when `grow` says so.
pub async fn seed_and_grow(
    db: &Db,
    vault: &KeyVault,
    public_url: &str,
    grow: Option<Grow<'_>>,
) -> Result<Demo, crate::app::Error> {
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
        let owner_id = operators::ensure_user(
            db,
            p.owner,
            p.password,
            operators::member(partner_id, Role::Owner),
        )
        .await?;
        brands::ensure_logos(db, partner_id, p.name).await?;
        if p.kind == PartnerKind::Reseller {
            offers::ensure_offers(db, partner_id, owner_id, public_url).await?;
        }
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
    application::ensure_pending_application(db).await?;
    let mut signup_url = String::new();
    let mut curls = Vec::new();
    let mut msp = None;
    for p in PARTNERS {
        let mut c = db.acquire().await?;
        let partner = partners::find_by_slug(&mut c, p.slug)
            .await?
            .ok_or(StoreError::NotFound)?;
        drop(c);
        orgs::ensure_customers(db, &partner).await?;
        history::ensure_usage(db, &partner).await?;
        if partner.is_msp() {
            plans::ensure_plans(db, &partner).await?;
            signup_url = links::fresh_demo_link(db, &partner, public_url).await?;
            keys::ensure_scoped_keys(db, vault, &partner).await?;
        }
        curls.push(keys::fresh_demo_key(db, vault, &partner, public_url).await?);
        if partner.is_msp() {
            msp = Some(partner);
        }
    }
    let mut scaled = None;
    if let (Some(grow), Some(partner)) = (grow, &msp) {
        let grown = scale::ensure(db, partner.partner_id, grow.customers, grow.progress).await?;
        scaled = Some(grown);
    }
    // Closing months bills every partner, so it comes once all of them have their usage.
    if let Some(partner) = msp {
        invoices::ensure_invoices(db, &partner, public_url).await?;
    }
    Ok(Demo {
        logins,
        signup_url,
        curls,
        scaled,
    })
}

/// The demo MSP's partner id, for `demo --customers N`.
pub async fn scale_target(db: &Db) -> Result<i64, StoreError> {
    let mut c = db.acquire().await?;
    let slug = PARTNERS
        .iter()
        .find(|p| p.kind == PartnerKind::Msp)
        .map(|p| p.slug)
        .unwrap_or_default();
    Ok(partners::find_by_slug(&mut c, slug)
        .await?
        .ok_or(StoreError::NotFound)?
        .partner_id)
}
