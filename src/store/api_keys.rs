//! API keys of partners. Only what digest authentication needs is kept: the HA1 values,
//! encrypted (see `credentials::api_keys`); never the private key.

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::credentials::api_keys::IssuedKey;
use crate::domain::{KeyScope, PartnerKind, PartnerState};
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub key_id: i64,
    pub partner_id: i64,
    pub name: String,
    pub public_key: String,
    pub created_by_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_address: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub scope: KeyScope,
    /// When the key stops working: its chosen expiry, or the end of its grace period once a
    /// successor replaced it.
    pub expires_at: Option<DateTime<Utc>>,
    /// The key this one was created to replace.
    pub replaces_key_id: Option<i64>,
}

impl ApiKeyRow {
    /// Neither revoked nor expired at `now`.
    pub fn works_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && !expired(self.expires_at, now)
    }
}

/// Whether a key whose end is `expires_at` has stopped at `now`.
pub fn expired(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    expires_at.is_some_and(|e| e <= now)
}

pub struct NewApiKey<'a> {
    pub partner_id: i64,
    pub name: &'a str,
    pub public_key: &'a str,
    pub ha1_sha256: &'a str,
    pub ha1_md5: &'a str,
    pub created_by: Option<i64>,
    pub scope: KeyScope,
    pub expires_at: Option<DateTime<Utc>>,
    pub replaces_key_id: Option<i64>,
}

impl<'a> NewApiKey<'a> {
    /// The row of a key just issued: `full`, no expiry, made by nobody in particular; callers
    /// change what differs.
    pub fn issued(partner_id: i64, name: &'a str, key: &'a IssuedKey) -> NewApiKey<'a> {
        NewApiKey {
            partner_id,
            name,
            public_key: &key.public_key,
            ha1_sha256: &key.ha1_sha256_enc,
            ha1_md5: &key.ha1_md5_enc,
            created_by: None,
            scope: KeyScope::Full,
            expires_at: None,
            replaces_key_id: None,
        }
    }
}

pub async fn insert(c: &mut impl Conn, k: NewApiKey<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO api_keys (partner_id, name, public_key, ha1_sha256, ha1_md5, created_by, created_at, \
         scope, expires_at, replaces_key_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING key_id",
    )
    .bind(k.partner_id)
    .bind(k.name)
    .bind(k.public_key)
    .bind(k.ha1_sha256)
    .bind(k.ha1_md5)
    .bind(k.created_by)
    .bind(now)
    .bind(k.scope)
    .bind(k.expires_at)
    .bind(k.replaces_key_id)
    .fetch_one(c)
    .await)?)
}

/// The one SELECT of a key as the console shows it, with a caller's WHERE appended.
macro_rules! select_key {
    ($where:literal) => {
        concat!(
            "SELECT k.key_id, k.partner_id, k.name, k.public_key, u.email AS created_by_email, ",
            "k.created_at, k.last_used_at, k.last_used_address, k.revoked_at, k.scope, k.expires_at, ",
            "k.replaces_key_id FROM api_keys k LEFT JOIN users u ON u.user_id = k.created_by ",
            $where
        )
    };
}

/// A partner's keys, newest first. Scoped by partner: no other partner's key is ever listed.
pub async fn list(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<ApiKeyRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, ApiKeyRow>(
        select_key!("WHERE k.partner_id = $1 ORDER BY k.key_id DESC"),
    )
    .bind(partner_id)
    .fetch_all(c)
    .await)?)
}

/// One key of one partner; another partner's key id finds nothing.
pub async fn find(
    c: &mut impl Conn,
    partner_id: i64,
    key_id: i64,
) -> StoreResult<Option<ApiKeyRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, ApiKeyRow>(
        select_key!("WHERE k.partner_id = $1 AND k.key_id = $2"),
    )
    .bind(partner_id)
    .bind(key_id)
    .fetch_optional(c)
    .await)?)
}

pub async fn revoke(
    c: &mut impl Conn,
    partner_id: i64,
    key_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE api_keys SET revoked_at = $1 WHERE partner_id = $2 AND key_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(partner_id)
    .bind(key_id))?;
    Ok(n == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeySecrets {
    pub key_id: i64,
    pub partner_id: i64,
    pub ha1_sha256: String,
    pub ha1_md5: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub scope: KeyScope,
    pub last_used_at: Option<DateTime<Utc>>,
    pub partner_state: PartnerState,
    pub partner_kind: PartnerKind,
}

/// What the API's digest check needs for a public key.
pub async fn secrets_by_public_key(
    c: &mut impl Conn,
    public_key: &str,
) -> StoreResult<Option<KeySecrets>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, KeySecrets>(
        "SELECT k.key_id, k.partner_id, k.ha1_sha256, k.ha1_md5, k.revoked_at, k.expires_at, k.scope, k.last_used_at, \
         p.state AS partner_state, p.kind AS partner_kind FROM api_keys k JOIN partners p ON p.partner_id = k.partner_id WHERE k.public_key = $1",
    )
    .bind(public_key)
    .fetch_optional(c)
    .await)?)
}

/// Records that a key was used, at most once a minute per key. Callers skip it when the
/// `last_used_at` they read is recent: even an UPDATE that changes nothing takes SQLite's write
/// lock, which would serialize every API request.
pub async fn touch(
    c: &mut impl Conn,
    key_id: i64,
    address: &str,
    now: DateTime<Utc>,
    older_than: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "UPDATE api_keys SET last_used_at = $1, last_used_address = $2 \
         WHERE key_id = $3 AND (last_used_at IS NULL OR last_used_at < $4)",
    )
    .bind(now)
    .bind(address)
    .bind(key_id)
    .bind(older_than))?;
    Ok(())
}

/// Brings a working key's end forward to `at` (a successor replaced it), never later than the
/// end it had; its owners chose that end, so they are not warned of it.
pub async fn retire_at(
    c: &mut impl Conn,
    partner_id: i64,
    key_id: i64,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE api_keys SET expires_at = CASE WHEN expires_at IS NULL OR expires_at > $1 THEN $1 ELSE expires_at END, \
         expiry_warned_at = $2 WHERE partner_id = $3 AND key_id = $4 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(now)
    .bind(partner_id)
    .bind(key_id))?;
    Ok(n == 1)
}

/// A working key that stops soon, whose partner's owners were not told yet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Expiring {
    pub key_id: i64,
    pub partner_id: i64,
    pub name: String,
    pub public_key: String,
    pub expires_at: DateTime<Utc>,
}

/// Keys of active partners that still work at `now` and stop by `by`, not yet warned of.
pub async fn expiring_unwarned(
    c: &mut impl Conn,
    now: DateTime<Utc>,
    by: DateTime<Utc>,
) -> StoreResult<Vec<Expiring>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, Expiring>(
        "SELECT k.key_id, k.partner_id, k.name, k.public_key, k.expires_at FROM api_keys k \
         JOIN partners p ON p.partner_id = k.partner_id \
         WHERE k.revoked_at IS NULL AND k.expiry_warned_at IS NULL AND k.expires_at IS NOT NULL \
         AND k.expires_at > $1 AND k.expires_at <= $2 AND p.state = 'active' ORDER BY k.key_id",
    )
    .bind(now)
    .bind(by)
    .fetch_all(c)
    .await)?)
}

/// Notes that a key's owners were told it expires; true for the one caller that noted it.
pub async fn mark_warned(c: &mut impl Conn, key_id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE api_keys SET expiry_warned_at = $1 WHERE key_id = $2 AND expiry_warned_at IS NULL",
    )
    .bind(now)
    .bind(key_id))?;
    Ok(n == 1)
}
