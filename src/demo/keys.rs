//! A fresh API key for each demo partner, printed with a curl line.

use crate::credentials::api_keys::KeyVault;
use crate::store::Db;
use crate::store::api_keys;
use crate::store::partners::Partner;
use chrono::Utc;

pub(super) const DEMO_KEY_NAME: &str = "Demo key";

/// Revokes the key an earlier run printed and issues a new one (the private half exists only
/// in this run's output).
pub(super) async fn fresh_demo_key(
    db: &Db,
    vault: &KeyVault,
    partner: &Partner,
    public_url: &str,
) -> Result<String, crate::app::Error> {
    let now = Utc::now();
    let key = vault.issue()?;
    let mut tx = db.begin().await?;
    for old in api_keys::list(&mut tx, partner.partner_id).await? {
        if old.name == DEMO_KEY_NAME && old.revoked_at.is_none() {
            api_keys::revoke(&mut tx, partner.partner_id, old.key_id, now).await?;
        }
    }
    let new = api_keys::NewApiKey {
        partner_id: partner.partner_id,
        name: DEMO_KEY_NAME,
        public_key: &key.public_key,
        ha1_sha256: &key.ha1_sha256_enc,
        ha1_md5: &key.ha1_md5_enc,
        created_by: None,
    };
    api_keys::insert(&mut tx, new, now).await?;
    tx.commit().await?;
    Ok(crate::paths::first_api_call(
        public_url,
        &format!("{}:{}", key.public_key, key.private_key),
        partner.is_msp(),
    ))
}
