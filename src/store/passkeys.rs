//! A person's passkeys: the credential as `credentials::passkeys` keeps it (JSON), under the
//! credential id the browser names it by, and the person's user handle.

use chrono::{DateTime, Utc};

use super::{Conn, OnConflict, StoreResult};
use crate::{execute, on_conn};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PasskeyRow {
    pub passkey_id: i64,
    pub user_id: i64,
    pub user_handle: String,
    pub name: String,
    pub credential_id: String,
    pub credential: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The one SELECT of a passkey, with a caller's WHERE appended (`concat!` keeps it a literal).
macro_rules! select_passkey {
    ($where:literal) => {
        concat!(
            "SELECT passkey_id, user_id, user_handle, name, credential_id, credential, ",
            "created_at, last_used_at FROM passkeys ",
            $where
        )
    };
}

pub async fn list_for_user(c: &mut impl Conn, user_id: i64) -> StoreResult<Vec<PasskeyRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, PasskeyRow>(
        select_passkey!("WHERE user_id = $1 ORDER BY passkey_id"))
        .bind(user_id)
        .fetch_all(c)
        .await)?)
}

pub async fn find_by_credential_id(
    c: &mut impl Conn,
    credential_id: &str,
) -> StoreResult<Option<PasskeyRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, PasskeyRow>(
        select_passkey!("WHERE credential_id = $1"))
        .bind(credential_id)
        .fetch_optional(c)
        .await)?)
}

pub struct NewPasskey<'a> {
    pub user_id: i64,
    pub user_handle: &'a str,
    pub name: &'a str,
    pub credential_id: &'a str,
    pub credential: &'a str,
}

pub async fn insert(c: &mut impl Conn, p: NewPasskey<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO passkeys (user_id, user_handle, name, credential_id, credential, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING passkey_id",
    )
    .bind(p.user_id)
    .bind(p.user_handle)
    .bind(p.name)
    .bind(p.credential_id)
    .bind(p.credential)
    .bind(now)
    .fetch_one(c)
    .await)
    .on_unique("passkey")
}

/// Stores the credential back after a sign-in (its signature counter moves) and when it was used.
pub async fn record_use(
    c: &mut impl Conn,
    credential_id: &str,
    credential: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "UPDATE passkeys SET credential = $2, last_used_at = $3 WHERE credential_id = $1",
    )
    .bind(credential_id)
    .bind(credential)
    .bind(now))?;
    Ok(())
}

/// Removes one of the person's passkeys; another person's is never found (0 rows).
pub async fn delete(c: &mut impl Conn, user_id: i64, passkey_id: i64) -> StoreResult<u64> {
    Ok(
        execute!(c, c => sqlx::query("DELETE FROM passkeys WHERE user_id = $1 AND passkey_id = $2")
        .bind(user_id)
        .bind(passkey_id))?,
    )
}
