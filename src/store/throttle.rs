//! Failed sign-in attempts, counted per account and per client address. Kept in the database so
//! that the limits hold across several instances.

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::execute;
use crate::on_conn;

pub async fn record(
    c: &mut impl Conn,
    scope: &str,
    subject: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query("INSERT INTO signin_failures (scope, subject, at) VALUES ($1, $2, $3)")
        .bind(scope)
        .bind(subject)
        .bind(now))?;
    Ok(())
}

pub async fn count_since(
    c: &mut impl Conn,
    scope: &str,
    subject: &str,
    since: DateTime<Utc>,
) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM signin_failures \
         WHERE scope = $1 AND subject = $2 AND at > $3",
    )
    .bind(scope)
    .bind(subject)
    .bind(since)
    .fetch_one(c)
    .await)?)
}

/// Forgets attempts older than any window, so the table stays small.
pub async fn prune(c: &mut impl Conn, before: DateTime<Utc>) -> StoreResult<u64> {
    Ok(
        execute!(c, c => sqlx::query("DELETE FROM signin_failures WHERE at < $1")
        .bind(before))?,
    )
}

pub async fn clear(c: &mut impl Conn, scope: &str, subject: &str) -> StoreResult<()> {
    execute!(c, c => sqlx::query("DELETE FROM signin_failures WHERE scope = $1 AND subject = $2")
        .bind(scope)
        .bind(subject))?;
    Ok(())
}
