//! A partner's API keys (SPEC 2.3, 6): issued with their private half shown once (only the
//! encrypted digest verifiers are kept), and revoked at once. Owners and admins do it in the
//! console; the first key comes with the owner's activation.

use super::error::{Error, FieldError, Result, Thing};
use crate::domain::{AuditAction, KeyScope, Role};
use crate::i18n::I18n;
use crate::mail;
use crate::store::users;
use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{Actor, Ctx};
use crate::credentials::api_keys::{IssuedKey, KeyVault};
use crate::store::Tx;
use crate::store::api_keys::{self, ApiKeyRow, NewApiKey};
use crate::store::partners::{self, Partner};

pub const MAX_NAME_CHARS: usize = 60;
/// The longest a replaced key keeps working beside its successor.
pub const MAX_GRACE_DAYS: i64 = 30;
/// Keys stopping within this many days are flagged on the key list.
pub const WARN_LIST_DAYS: i64 = 14;
/// Owners are e-mailed this many days before a key stops.
pub const WARN_MAIL_DAYS: i64 = 7;

/// An instant as the audit log and the mails tell a key's end.
fn utc_minute(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// What a new key is to be, as the form or API gave it.
#[derive(Debug, Clone, Default)]
pub struct KeyRequest {
    pub name: String,
    /// `read`, `billing` or `full`; empty for `full`.
    pub scope: String,
    /// `YYYY-MM-DD`, the last day the key works (UTC); empty for a key that does not expire.
    pub expires_on: String,
}

/// A checked [`KeyRequest`].
struct KeyTerms {
    name: String,
    scope: KeyScope,
    expires_at: Option<DateTime<Utc>>,
}

impl KeyRequest {
    /// Every field's fault at once, or the key's terms. A key works through its last day: it
    /// stops at the next midnight, UTC.
    fn check(&self, now: DateTime<Utc>) -> Result<KeyTerms> {
        let mut bad = Vec::new();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            bad.push(FieldError::new("name", "error-key-name"));
        }
        // The form always sends one; a request without (as before scopes) means what every
        // key was then: `full`.
        let scope = match self.scope.trim() {
            "" => Ok(KeyScope::Full),
            s => KeyScope::parse(s),
        };
        if scope.is_err() {
            bad.push(FieldError::new("scope", "error-key-scope"));
        }
        let expires_at = match self.expires_on.trim() {
            "" => Ok(None),
            day => match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
                Ok(d) if d >= now.date_naive() => Ok(d
                    .succ_opt()
                    .and_then(|next| next.and_hms_opt(0, 0, 0))
                    .map(|t| t.and_utc())),
                Ok(_) => Err(FieldError::new("expires_on", "error-key-expiry-past")),
                Err(_) => Err(FieldError::new("expires_on", "error-key-expiry")),
            },
        };
        let expires_at = expires_at.unwrap_or_else(|e| {
            bad.push(e);
            None
        });
        match scope {
            Ok(scope) if bad.is_empty() => Ok(KeyTerms {
                name: name.to_string(),
                scope,
                expires_at,
            }),
            _ => Err(Error::Invalid(bad)),
        }
    }
}

/// A new key (its private half is in `key`, shown once) and its partner.
pub struct Created {
    pub key: IssuedKey,
    pub partner: Partner,
}

/// Issues a key for the actor's partner as `request` asks, audited.
pub async fn create(
    ctx: Ctx<'_>,
    vault: &KeyVault,
    actor: &Actor,
    request: &KeyRequest,
) -> Result<Created> {
    actor.require(crate::domain::Action::ManageApiKeys)?;
    let terms = request.check(ctx.now)?;
    let partner_id = actor.partner_id.ok_or(Error::NotFound(Thing::ApiKey))?;
    let mut tx = ctx.db.begin().await?;
    let partner = partners::find_by_id(&mut tx, partner_id)
        .await?
        .ok_or(Error::NotFound(Thing::ApiKey))?;
    let key = issue_with(&mut tx, vault, partner_id, &terms, None, actor, ctx.now).await?;
    tx.commit().await?;
    Ok(Created { key, partner })
}

/// A successor of key `key_id`, as `request` asks; the old key keeps working for
/// `grace_hours` (at most [`MAX_GRACE_DAYS`] days, 0 for "stop now"), then stops. Audited.
pub async fn rotate(
    ctx: Ctx<'_>,
    vault: &KeyVault,
    actor: &Actor,
    key_id: i64,
    request: &KeyRequest,
    grace_hours: i64,
) -> Result<Created> {
    actor.require(crate::domain::Action::ManageApiKeys)?;
    let partner_id = actor.partner_id.ok_or(Error::NotFound(Thing::ApiKey))?;
    let mut bad = Vec::new();
    let terms = match request.check(ctx.now) {
        Ok(t) => Some(t),
        Err(Error::Invalid(fields)) => {
            bad.extend(fields);
            None
        }
        Err(e) => return Err(e),
    };
    if !(0..=MAX_GRACE_DAYS * 24).contains(&grace_hours) {
        bad.push(FieldError::new("grace", "error-key-grace"));
    }
    let Some(terms) = terms.filter(|_| bad.is_empty()) else {
        return Err(Error::Invalid(bad));
    };
    let grace = Duration::hours(grace_hours);
    let mut tx = ctx.db.begin().await?;
    let old = api_keys::find(&mut tx, partner_id, key_id)
        .await?
        .ok_or(Error::NotFound(Thing::ApiKey))?;
    if !old.works_at(ctx.now) {
        return Err(Error::conflict("error-key-not-working"));
    }
    let partner = partners::find_by_id(&mut tx, partner_id)
        .await?
        .ok_or(Error::NotFound(Thing::ApiKey))?;
    let stops = ctx.now + grace;
    api_keys::retire_at(&mut tx, partner_id, old.key_id, stops, ctx.now).await?;
    let key = issue_with(
        &mut tx,
        vault,
        partner_id,
        &terms,
        Some(old.key_id),
        actor,
        ctx.now,
    )
    .await?;
    let detail = format!(
        "{} ({}) replaced by {} ({}); it stops at {}",
        old.name,
        old.public_key,
        terms.name,
        key.public_key,
        utc_minute(stops)
    );
    actor
        .audit_on(
            &mut tx,
            Some(partner_id),
            AuditAction::ApiKeyRotated,
            &detail,
            ctx.now,
        )
        .await?;
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

/// Issues a `full` key that does not expire for `partner_id` in `tx`; the activation issues
/// the first key this way, in its own transaction.
pub async fn issue(
    tx: &mut Tx,
    vault: &KeyVault,
    partner_id: i64,
    name: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<IssuedKey> {
    let terms = KeyTerms {
        name: name.to_string(),
        scope: KeyScope::Full,
        expires_at: None,
    };
    issue_with(tx, vault, partner_id, &terms, None, actor, now).await
}

/// Stores a new key's encrypted verifiers with its terms, and audits it.
async fn issue_with(
    tx: &mut Tx,
    vault: &KeyVault,
    partner_id: i64,
    terms: &KeyTerms,
    replaces_key_id: Option<i64>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<IssuedKey> {
    let key = vault.issue()?;
    let new = NewApiKey {
        created_by: actor.user_id(),
        scope: terms.scope,
        expires_at: terms.expires_at,
        replaces_key_id,
        ..NewApiKey::issued(partner_id, &terms.name, &key)
    };
    api_keys::insert(tx, new, now).await?;
    let expiry = terms.expires_at.map_or_else(
        || "no expiry".to_string(),
        |e| format!("stops {}", utc_minute(e)),
    );
    let detail = format!(
        "{} ({}), scope {}, {expiry}",
        terms.name, key.public_key, terms.scope
    );
    actor
        .audit_on(
            tx,
            Some(partner_id),
            AuditAction::ApiKeyCreated,
            &detail,
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

/// E-mails the owners of each partner whose working key stops within [`WARN_MAIL_DAYS`] days,
/// once per key (claimed write-first, so several instances send it once). Returns how many
/// keys were warned of.
pub async fn warn_expiring(ctx: Ctx<'_>) -> Result<usize> {
    let soon = {
        let mut c = ctx.db.acquire().await?;
        let by = ctx.now + Duration::days(WARN_MAIL_DAYS);
        api_keys::expiring_unwarned(&mut c, ctx.now, by).await?
    };
    let keys_page = format!("{}{}", ctx.public_url, crate::paths::CONSOLE_API_KEYS);
    let mut warned = 0;
    for k in soon {
        let mut tx = ctx.db.begin().await?;
        if !api_keys::mark_warned(&mut tx, k.key_id, ctx.now).await? {
            tx.rollback().await?;
            continue;
        }
        let owners = users::list_by_partner(&mut tx, k.partner_id).await?;
        let owners = owners
            .iter()
            .filter(|u| u.role() == Some(Role::Owner) && u.password_hash.is_some());
        for owner in owners {
            let i18n = owner
                .language
                .as_deref()
                .and_then(I18n::for_tag)
                .unwrap_or_default();
            let expiring = mail::ExpiringKey {
                name: &k.name,
                public_key: &k.public_key,
                stops: &utc_minute(k.expires_at),
                link: &keys_page,
            };
            let message = mail::key_expiring(&i18n, &owner.email, &expiring)?;
            mail::enqueue(&mut tx, &message, ctx.now).await?;
        }
        ctx.commit_and_send(tx).await?;
        warned += 1;
    }
    Ok(warned)
}
