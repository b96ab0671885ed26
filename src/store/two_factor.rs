//! A person's second factors: the authenticator (TOTP) secret, sealed by the key vault, and the
//! recovery codes, kept as hashes. Every check that spends something (a code's time step, a
//! recovery code) is one conditional UPDATE, so two instances racing spend it once.

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::{execute, on_conn};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TotpRow {
    pub secret_enc: String,
    pub created_at: DateTime<Utc>,
    /// None while enrolling: the secret counts once a first code confirmed it.
    pub confirmed_at: Option<DateTime<Utc>>,
    pub last_step: Option<i64>,
}

pub async fn find_totp(c: &mut impl Conn, user_id: i64) -> StoreResult<Option<TotpRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, TotpRow>(
        "SELECT secret_enc, created_at, confirmed_at, last_step FROM totp_credentials \
         WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(c)
    .await)?)
}

/// Starts (or starts again) an enrolment with a new sealed secret; a confirmed secret is left
/// alone (0 rows), it must be turned off first.
pub async fn put_pending(
    c: &mut impl Conn,
    user_id: i64,
    secret_enc: &str,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    Ok(execute!(c, c => sqlx::query(
        "INSERT INTO totp_credentials (user_id, secret_enc, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET secret_enc = excluded.secret_enc, \
         created_at = excluded.created_at, last_step = NULL \
         WHERE totp_credentials.confirmed_at IS NULL",
    )
    .bind(user_id)
    .bind(secret_enc)
    .bind(now))?)
}

/// Confirms the pending secret `secret_enc` with the step of its first code; 0 rows if it is no
/// longer the pending one.
pub async fn confirm(
    c: &mut impl Conn,
    user_id: i64,
    secret_enc: &str,
    step: i64,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    Ok(execute!(c, c => sqlx::query(
        "UPDATE totp_credentials SET confirmed_at = $2, last_step = $3 \
         WHERE user_id = $1 AND secret_enc = $4 AND confirmed_at IS NULL",
    )
    .bind(user_id)
    .bind(now)
    .bind(step)
    .bind(secret_enc))?)
}

/// Spends time step `step` of a confirmed secret: 1 row if no code of that step or a later one
/// was accepted before, else 0 (a replay, or a race another request won).
pub async fn spend_step(c: &mut impl Conn, user_id: i64, step: i64) -> StoreResult<u64> {
    Ok(execute!(c, c => sqlx::query(
        "UPDATE totp_credentials SET last_step = $2 \
         WHERE user_id = $1 AND confirmed_at IS NOT NULL \
         AND (last_step IS NULL OR last_step < $2)",
    )
    .bind(user_id)
    .bind(step))?)
}

/// Turns the authenticator off and forgets the recovery codes with it.
pub async fn delete_all(c: &mut impl Conn, user_id: i64) -> StoreResult<()> {
    execute!(c, c => sqlx::query("DELETE FROM totp_credentials WHERE user_id = $1").bind(user_id))?;
    execute!(c, c => sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id))?;
    Ok(())
}

/// Replaces the person's recovery codes with `hashes`: the old ones stop working.
pub async fn replace_recovery_codes(
    c: &mut impl Conn,
    user_id: i64,
    hashes: &[String],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id))?;
    for h in hashes {
        execute!(c, c => sqlx::query(
            "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
        )
        .bind(user_id)
        .bind(h)
        .bind(now))?;
    }
    Ok(())
}

/// Spends the recovery code of hash `hash`: 1 row the first time, 0 after (or if unknown).
pub async fn spend_recovery_code(
    c: &mut impl Conn,
    user_id: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    Ok(execute!(c, c => sqlx::query(
        "UPDATE recovery_codes SET used_at = $3 \
         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user_id)
    .bind(hash)
    .bind(now))?)
}

/// How many of the person's recovery codes are still unused.
pub async fn recovery_codes_left(c: &mut impl Conn, user_id: i64) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(c)
    .await)?)
}
