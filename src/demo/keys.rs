//! A fresh API key for each demo partner, printed with a curl line.

use crate::credentials::api_keys::KeyVault;
use crate::domain::KeyScope;
use crate::store::Db;
use crate::store::api_keys;
use crate::store::partners::Partner;
use chrono::{Duration, Utc};

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
    let new = api_keys::NewApiKey::issued(partner.partner_id, DEMO_KEY_NAME, &key);
    api_keys::insert(&mut tx, new, now).await?;
    tx.commit().await?;
    Ok(crate::paths::first_api_call(
        public_url,
        &format!("{}:{}", key.public_key, key.private_key),
        partner.is_msp(),
    ))
}

/// The MSP's other keys, so the key list shows what scopes, expiry and rotation look like: a
/// read-only export key that stops within two weeks (the list warns of it), a billing key for
/// sending invoices, and a CRM key replaced by its successor, the old one in its grace period.
/// Made once; their private halves were never printed, as no script uses them.
pub(super) async fn ensure_scoped_keys(
    db: &Db,
    vault: &KeyVault,
    partner: &Partner,
) -> Result<(), crate::app::Error> {
    const EXPORT: &str = "Nightly usage export";
    let mut tx = db.begin().await?;
    let existing = api_keys::list(&mut tx, partner.partner_id).await?;
    if existing.iter().any(|k| k.name == EXPORT) {
        tx.rollback().await?;
        return Ok(());
    }
    let now = Utc::now();
    let midnight = |days: i64| {
        (now + Duration::days(days))
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
    };
    let keys = [
        ("Old CRM sync", KeyScope::Full, None, false),
        ("CRM sync", KeyScope::Full, None, true),
        ("Invoice sender", KeyScope::Billing, None, false),
        (EXPORT, KeyScope::Read, midnight(11), false),
    ];
    let mut previous = None;
    for (name, scope, expires_at, replaces) in keys {
        let key = vault.issue()?;
        let new = api_keys::NewApiKey {
            scope,
            expires_at,
            replaces_key_id: if replaces { previous } else { None },
            ..api_keys::NewApiKey::issued(partner.partner_id, name, &key)
        };
        let id = api_keys::insert(&mut tx, new, now).await?;
        if replaces && let Some(old) = previous {
            api_keys::retire_at(
                &mut tx,
                partner.partner_id,
                old,
                now + Duration::days(5),
                now,
            )
            .await?;
        }
        previous = Some(id);
    }
    tx.commit().await?;
    Ok(())
}
