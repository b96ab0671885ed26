//! The demo partners' customers, with names that read like companies.

use crate::app::customers::new_org_id;
use crate::credentials::password::Passwords;
use crate::domain::CustomerState;
use crate::store::Db;
use crate::store::customers::{self, NewCustomer};
use crate::store::partners::Partner;
use crate::store::signup_links::{self, NewLink};
use crate::tokens::hash_token;
use crate::tokens::random_token;
use chrono::Duration;
use chrono::Utc;

pub(super) const ORG_WORDS: &[&str] = &[
    "Sakura",
    "Harbor",
    "Kestrel",
    "Orchid",
    "Granite",
    "Maple",
    "Nova",
    "Pioneer",
    "Quartz",
    "Riverbend",
    "Summit",
    "Tidewater",
    "Umbra",
    "Vertex",
    "Willow",
    "Zephyr",
    "Aurora",
    "Beacon",
    "Cedar",
    "Delta",
];
pub(super) const ORG_KINDS: &[&str] = &[
    "Retail",
    "Logistics",
    "Games",
    "Health",
    "Foods",
    "Labs",
    "Finance",
    "Media",
];

/// A few dozen customers in every state for the MSP, a few for the reseller, once.
pub(super) async fn ensure_customers(db: &Db, partner: &Partner) -> Result<(), crate::app::Error> {
    let mut c = db.acquire().await?;
    let existing = customers::page(
        &mut c,
        &customers::Matching::all(partner.partner_id),
        None,
        1,
    )
    .await?;
    drop(c);
    if !existing.is_empty() {
        return Ok(());
    }
    // One hash for every demo customer: nobody signs in as them, and argon2 is slow on purpose.
    let hash = Passwords::default().hash(&random_token()).await?;
    let now = Utc::now();
    let (count, link_id) = if partner.is_msp() {
        let mut tx = db.begin().await?;
        let new = NewLink {
            partner_id: partner.partner_id,
            label: "Spring campaign",
            token_hash: &hash_token(&random_token()),
            expires_at: now + Duration::days(60),
            max_uses: Some(100),
            created_by: None,
        };
        let id = signup_links::insert(&mut tx, new, now - Duration::days(150)).await?;
        tx.commit().await?;
        (36, Some(id))
    } else {
        (5, None)
    };
    let mut tx = db.begin().await?;
    for i in 0..count {
        let name = format!(
            "{} {}",
            ORG_WORDS[i % ORG_WORDS.len()],
            ORG_KINDS[(i * 7 + 3) % ORG_KINDS.len()]
        );
        let email = format!(
            "admin{}@{}.example",
            i + 1,
            name.to_lowercase().replace(' ', "-")
        );
        let state = match i % 9 {
            0 => CustomerState::Pending,
            1 => CustomerState::Suspended,
            2 => CustomerState::Expired,
            _ => CustomerState::Active,
        };
        let created = now - Duration::days(170 - (i as i64) * 4);
        let new = NewCustomer {
            partner_id: partner.partner_id,
            org_id: &new_org_id(),
            org_name: &name,
            email: &email,
            password_hash: &hash,
            state,
            signup_link_id: link_id,
            effected_at: (state != CustomerState::Pending).then_some(created + Duration::hours(2)),
            aws_account: None,
        };
        let id = customers::insert(&mut tx, new, created).await?;
        if state == CustomerState::Expired {
            customers::set_state(
                &mut tx,
                partner.partner_id,
                id,
                CustomerState::Expired,
                Some(now - Duration::days(3)),
            )
            .await?;
        }
        if state == CustomerState::Pending {
            customers::insert_token(
                &mut tx,
                &hash_token(&random_token()),
                id,
                now + Duration::hours(48),
            )
            .await?;
        }
    }
    if let Some(id) = link_id {
        for _ in 0..count {
            signup_links::claim_use(&mut tx, id, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
