//! A fresh customer signup link for the demo MSP on every run.

use crate::paths as routes;
use crate::store::Db;
use crate::store::partners::Partner;
use crate::store::signup_links::{self, NewLink};
use crate::tokens::hash_token;
use crate::tokens::random_token;
use chrono::Duration;
use chrono::Utc;

pub(super) const DEMO_LINK_LABEL: &str = "Demo link";

/// Revokes the link an earlier run printed and makes a new one (only its hash is stored, so the
/// old URL cannot be printed again).
pub(super) async fn fresh_demo_link(
    db: &Db,
    partner: &Partner,
    public_url: &str,
) -> Result<String, crate::app::Error> {
    let now = Utc::now();
    let token = random_token();
    let mut tx = db.begin().await?;
    signup_links::revoke_by_label(&mut tx, partner.partner_id, DEMO_LINK_LABEL, now).await?;
    let new = NewLink {
        partner_id: partner.partner_id,
        label: DEMO_LINK_LABEL,
        token_hash: &hash_token(&token),
        expires_at: now + Duration::days(30),
        max_uses: None,
        created_by: None,
    };
    signup_links::insert(&mut tx, new, now).await?;
    tx.commit().await?;
    Ok(format!(
        "{public_url}{}",
        routes::signup(&partner.slug, &token)
    ))
}
