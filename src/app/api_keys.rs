//! A partner's API keys (SPEC 2.3, 6): issued with their private half shown once (only the
//! encrypted digest verifiers are kept), and revoked at once. Owners and admins do it in the
//! console; the first key comes with the owner's activation.

use super::error::{Error, Result, Thing};
use crate::domain::AuditAction;
use chrono::{DateTime, Utc};

use super::{Actor, Ctx};
use crate::credentials::api_keys::{IssuedKey, KeyVault};
use crate::store::Tx;
use crate::store::api_keys::{self, ApiKeyRow, NewApiKey};
use crate::store::partners::{self, Partner};

pub const MAX_NAME_CHARS: usize = 60;

/// A new key (its private half is in `key`, shown once) and its partner.
pub struct Created {
    pub key: IssuedKey,
    pub partner: Partner,
}

/// Issues a key named `name` for the actor's partner, audited.
pub async fn create(ctx: Ctx<'_>, vault: &KeyVault, actor: &Actor, name: &str) -> Result<Created> {
    actor.require(crate::domain::Action::ManageApiKeys)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid("name", "error-key-name"));
    }
    let partner_id = actor.partner_id.ok_or(Error::NotFound(Thing::ApiKey))?;
    let mut tx = ctx.db.begin().await?;
    let partner = partners::find_by_id(&mut tx, partner_id)
        .await?
        .ok_or(Error::NotFound(Thing::ApiKey))?;
    let key = issue(&mut tx, vault, partner_id, name, actor, ctx.now).await?;
    tx.commit().await?;
    Ok(Created { key, partner })
}

/// The actor's partner's keys, newest first, revoked ones included.
pub async fn list(ctx: Ctx<'_>, actor: &Actor) -> Result<Vec<ApiKeyRow>> {
    actor.require(crate::domain::Action::ManageApiKeys)?;
    let partner_id = actor.partner_id.ok_or(Error::NotFound(Thing::ApiKey))?;
    let mut c = ctx.db.acquire().await?;
    Ok(api_keys::list(&mut c, partner_id).await?)
}

/// One of the actor's partner's keys.
pub async fn find(ctx: Ctx<'_>, actor: &Actor, key_id: i64) -> Result<ApiKeyRow> {
    let partner_id = actor.partner_id.ok_or(Error::NotFound(Thing::ApiKey))?;
    let mut c = ctx.db.acquire().await?;
    api_keys::find(&mut c, partner_id, key_id)
        .await?
        .ok_or(Error::NotFound(Thing::ApiKey))
}

/// Issues a key for `partner_id` in `tx`, stores its encrypted verifiers and audits it; the
/// activation issues the first key this way, in its own transaction.
pub async fn issue(
    tx: &mut Tx,
    vault: &KeyVault,
    partner_id: i64,
    name: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<IssuedKey> {
    let key = vault.issue()?;
    let new = NewApiKey {
        partner_id,
        name,
        public_key: &key.public_key,
        ha1_sha256: &key.ha1_sha256_enc,
        ha1_md5: &key.ha1_md5_enc,
        created_by: actor.user_id(),
    };
    api_keys::insert(tx, new, now).await?;
    actor
        .audit_on(
            tx,
            Some(partner_id),
            AuditAction::ApiKeyCreated,
            &format!("{name} ({})", key.public_key),
            now,
        )
        .await?;
    Ok(key)
}

/// Revokes a key of the actor's partner: from now on it gets 401. Revoking twice changes
/// nothing and is audited once.
pub async fn revoke(ctx: Ctx<'_>, actor: &Actor, key_id: i64) -> Result<ApiKeyRow> {
    actor.require(crate::domain::Action::ManageApiKeys)?;
    let partner_id = actor.partner_id.ok_or(Error::NotFound(Thing::ApiKey))?;
    let mut tx = ctx.db.begin().await?;
    let key = api_keys::find(&mut tx, partner_id, key_id)
        .await?
        .ok_or(Error::NotFound(Thing::ApiKey))?;
    if api_keys::revoke(&mut tx, partner_id, key.key_id, ctx.now).await? {
        let detail = format!("{} ({})", key.name, key.public_key);
        actor
            .audit_on(
                &mut tx,
                Some(partner_id),
                AuditAction::ApiKeyRevoked,
                &detail,
                ctx.now,
            )
            .await?;
    }
    tx.commit().await?;
    Ok(key)
}
