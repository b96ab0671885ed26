//! Signed-in sessions, one row each, keyed by the SHA-256 of the id in the session cookie. A
//! session is valid while its row exists: ending one is deleting its row, which every instance
//! sees on the next request. The user behind a session is read by [`super::users::find_by_session`].

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::execute;

/// Where a session was started from, kept for the person's own list of sessions.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub address: String,
    /// The browser's `User-Agent`, cut to [`USER_AGENT_MAX`] characters.
    pub user_agent: String,
}

pub const USER_AGENT_MAX: usize = 256;

pub async fn insert(
    c: &mut impl Conn,
    session_hash: &str,
    user_id: i64,
    origin: &Origin,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "INSERT INTO sessions (session_hash, user_id, created_at, last_seen_at, address, user_agent) \
         VALUES ($1, $2, $3, $3, $4, $5)",
    )
    .bind(session_hash)
    .bind(user_id)
    .bind(now)
    .bind(&origin.address)
    .bind(&origin.user_agent))?;
    Ok(())
}

/// Records that the session was used at `now` (the idle timeout counts from here).
pub async fn touch(c: &mut impl Conn, session_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
    execute!(c, c => sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE session_hash = $2")
        .bind(now)
        .bind(session_hash))?;
    Ok(())
}

/// Ends one session (sign-out).
pub async fn delete(c: &mut impl Conn, session_hash: &str) -> StoreResult<()> {
    execute!(c, c => sqlx::query("DELETE FROM sessions WHERE session_hash = $1")
        .bind(session_hash))?;
    Ok(())
}

/// One of a person's sessions, for their own list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub session_hash: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub address: String,
    pub user_agent: String,
}

/// A person's sessions still in use (seen since `idle_since`, started since `started_since`),
/// the most recently seen first.
pub async fn list_for_user(
    c: &mut impl Conn,
    user_id: i64,
    idle_since: DateTime<Utc>,
    started_since: DateTime<Utc>,
) -> StoreResult<Vec<SessionRow>> {
    Ok(crate::on_conn!(c, c => sqlx::query_as::<_, SessionRow>(
        "SELECT session_hash, created_at, last_seen_at, address, user_agent FROM sessions \
         WHERE user_id = $1 AND last_seen_at >= $2 AND created_at >= $3 \
         ORDER BY last_seen_at DESC, created_at DESC",
    )
    .bind(user_id)
    .bind(idle_since)
    .bind(started_since)
    .fetch_all(c)
    .await)?)
}

/// Ends one of a user's sessions; another person's session is never found.
pub async fn delete_of_user(
    c: &mut impl Conn,
    user_id: i64,
    session_hash: &str,
) -> StoreResult<u64> {
    Ok(execute!(c, c => sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND session_hash = $2",
    )
    .bind(user_id)
    .bind(session_hash))?)
}

/// Ends every session of a user but `keep` (the browser asking).
pub async fn delete_others(c: &mut impl Conn, user_id: i64, keep: &str) -> StoreResult<u64> {
    Ok(execute!(c, c => sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND session_hash <> $2",
    )
    .bind(user_id)
    .bind(keep))?)
}

/// Ends every session of a user (a new password, removal from the team).
pub async fn delete_for_user(c: &mut impl Conn, user_id: i64) -> StoreResult<u64> {
    Ok(
        execute!(c, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id))?,
    )
}

/// Ends every session of every member of a partner (suspension).
pub async fn delete_for_partner(c: &mut impl Conn, partner_id: i64) -> StoreResult<u64> {
    Ok(execute!(c, c => sqlx::query(
        "DELETE FROM sessions WHERE user_id IN (SELECT user_id FROM users WHERE partner_id = $1)",
    )
    .bind(partner_id))?)
}

/// Forgets sessions idle since `idle_before` or started before `started_before`: they can no
/// longer be used, and the table stays the size of the sessions in use.
pub async fn prune(
    c: &mut impl Conn,
    idle_before: DateTime<Utc>,
    started_before: DateTime<Utc>,
) -> StoreResult<u64> {
    Ok(execute!(c, c => sqlx::query(
        "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2",
    )
    .bind(idle_before)
    .bind(started_before))?)
}
