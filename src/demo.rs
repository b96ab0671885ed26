//! `partner-console demo`: demo accounts on the embedded default, so a newcomer can sign in at
//! once. Running it again keeps the data and resets these accounts to the printed passwords.

use chrono::Utc;

use crate::domain::{PartnerKind, Role};
use crate::operators::{self, CreateUserError};
use crate::store::users::Membership;
use crate::store::{Db, partners};

pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
    pub who: String,
}

struct DemoPartner {
    name: &'static str,
    slug: &'static str,
    kind: PartnerKind,
    owner: &'static str,
    password: &'static str,
}

const OPERATOR: (&str, &str) = ("ops@demo.example", "Demo-Operator-2026!");

const PARTNERS: &[DemoPartner] = &[
    DemoPartner {
        name: "Acme Cloud",
        slug: "acme-cloud",
        kind: PartnerKind::Msp,
        owner: "owner@acme.example",
        password: "Acme-Demo-Pass-2026",
    },
    DemoPartner {
        name: "Borealis Resale",
        slug: "borealis-resale",
        kind: PartnerKind::Reseller,
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
                None => partners::insert(&mut tx, p.name, p.slug, p.kind, Utc::now()).await?,
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
    Ok(logins)
}
