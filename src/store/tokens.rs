//! Single-use e-mail tokens (password reset now; activation, invitation and confirmation later).
//! Only a SHA-256 of the token is stored; the token itself exists in the mail alone.

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::execute;
use crate::on_conn;

pub async fn insert(
    c: &mut impl Conn,
    purpose: &str,
    token_hash: &str,
    user_id: i64,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "INSERT INTO email_tokens (purpose, token_hash, user_id, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(purpose)
    .bind(token_hash)
    .bind(user_id)
    .bind(expires_at)
    .bind(now))?;
    Ok(())
}

/// Why a token cannot be used, so pages can say which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Usable(i64),
    Used,
    Expired,
    Unknown,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    user_id: i64,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
}

/// Looks a token up without using it (to decide what page to show).
pub async fn peek(
    c: &mut impl Conn,
    purpose: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<TokenState> {
    let row = on_conn!(c, c => sqlx::query_as::<_, TokenRow>(
        "SELECT user_id, expires_at, used_at FROM email_tokens WHERE purpose = $1 AND token_hash = $2",
    )
    .bind(purpose)
    .bind(token_hash)
    .fetch_optional(c)
    .await)?;
    Ok(match row {
        None => TokenState::Unknown,
        Some(r) if r.used_at.is_some() => TokenState::Used,
        Some(r) if r.expires_at <= now => TokenState::Expired,
        Some(r) => TokenState::Usable(r.user_id),
    })
}

/// Claims a token write-first, so two concurrent uses cannot both succeed. Returns the user on
/// success; otherwise the reason it could not be used.
pub async fn consume(
    c: &mut impl Conn,
    purpose: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<TokenState> {
    let claimed = on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "UPDATE email_tokens SET used_at = $1 \
         WHERE purpose = $2 AND token_hash = $3 AND used_at IS NULL AND expires_at > $1 \
         RETURNING user_id",
    )
    .bind(now)
    .bind(purpose)
    .bind(token_hash)
    .fetch_optional(c)
    .await)?;
    match claimed {
        Some(user_id) => Ok(TokenState::Usable(user_id)),
        None => peek(c, purpose, token_hash, now).await,
    }
}

/// Ends every unused token of `purpose` for `user_id` (a resent invitation replaces the old).
pub async fn void(
    c: &mut impl Conn,
    purpose: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "UPDATE email_tokens SET used_at = $1 WHERE purpose = $2 AND user_id = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(purpose)
    .bind(user_id))?;
    Ok(())
}

/// When `user_id`'s newest unused token of `purpose` expires, if it has one.
pub async fn pending_until(
    c: &mut impl Conn,
    purpose: &str,
    user_id: i64,
) -> StoreResult<Option<DateTime<Utc>>> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, DateTime<Utc>>(
        "SELECT expires_at FROM email_tokens WHERE purpose = $1 AND user_id = $2 AND used_at IS NULL \
         ORDER BY token_id DESC LIMIT 1",
    )
    .bind(purpose)
    .bind(user_id)
    .fetch_optional(c)
    .await)?)
}
