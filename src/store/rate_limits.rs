//! GCRA state of the API rate limits, shared by every instance on one database. Each decision is
//! one conditional statement, so two instances taking from the same bucket at once cannot both
//! pass the last free slot.

use sqlx::PgConnection;

use super::{Conn, ConnRef, StoreResult};
use crate::execute;
use crate::on_conn;

/// A PostgreSQL connection borrowed from an open transaction, to run shared query code on.
struct InTx<'a>(&'a mut PgConnection);

impl Conn for InTx<'_> {
    fn conn(&mut self) -> ConnRef<'_> {
        ConnRef::Postgres(self.0)
    }
}

/// Takes one slot from `bucket` if its theoretical arrival time `tat` is at most `tolerance`
/// ahead of `now`, moving it `interval` further; all in microseconds. Returns the new `tat` when
/// allowed, or the unchanged `tat` when refused.
pub async fn take(
    c: &mut impl Conn,
    bucket: &str,
    now: i64,
    interval: i64,
    tolerance: i64,
) -> StoreResult<Result<i64, i64>> {
    match c.conn() {
        // One commit per API request, so it does not wait for the WAL flush: a crash may lose
        // a few milliseconds of rate-limit state, nothing else. On the API bench this took
        // PostgreSQL from 930 to about 1 080 requests/s.
        ConnRef::Postgres(pg) => {
            // One round trip for both: a custom BEGIN goes as a simple query.
            let mut tx =
                sqlx::Connection::begin_with(pg, "BEGIN; SET LOCAL synchronous_commit = off")
                    .await?;
            let outcome = take_in(&mut InTx(&mut tx), bucket, now, interval, tolerance).await?;
            tx.commit().await?;
            Ok(outcome)
        }
        ConnRef::Sqlite(_) => take_in(c, bucket, now, interval, tolerance).await,
    }
}

/// [`take`] on a connection whose session commits without waiting for the WAL flush
/// (`Db::rate_limit_pool`): one statement, committed as it runs.
pub async fn take_committed(
    c: &mut impl Conn,
    bucket: &str,
    now: i64,
    interval: i64,
    tolerance: i64,
) -> StoreResult<Result<i64, i64>> {
    take_in(c, bucket, now, interval, tolerance).await
}

async fn take_in(
    c: &mut impl Conn,
    bucket: &str,
    now: i64,
    interval: i64,
    tolerance: i64,
) -> StoreResult<Result<i64, i64>> {
    // A lost race between the INSERT and another instance's first take is retried once.
    for _ in 0..2 {
        let updated = on_conn!(c, c => sqlx::query_scalar::<_, i64>(
            "UPDATE rate_limits SET tat = (CASE WHEN tat > $2 THEN tat ELSE $2 END) + $3 \
             WHERE bucket = $1 AND tat - $2 <= $4 RETURNING tat",
        )
        .bind(bucket)
        .bind(now)
        .bind(interval)
        .bind(tolerance)
        .fetch_optional(c)
        .await)?;
        if let Some(tat) = updated {
            return Ok(Ok(tat));
        }
        let inserted = on_conn!(c, c => sqlx::query_scalar::<_, i64>(
            "INSERT INTO rate_limits (bucket, tat) VALUES ($1, $2) \
             ON CONFLICT (bucket) DO NOTHING RETURNING tat",
        )
        .bind(bucket)
        .bind(now + interval)
        .fetch_optional(c)
        .await)?;
        if let Some(tat) = inserted {
            return Ok(Ok(tat));
        }
        let tat = peek(c, bucket).await?.unwrap_or(now);
        if tat - now > tolerance {
            return Ok(Err(tat));
        }
    }
    Ok(Err(now + tolerance + 1))
}

/// The bucket's theoretical arrival time, if it has one.
pub async fn peek(c: &mut impl Conn, bucket: &str) -> StoreResult<Option<i64>> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT tat FROM rate_limits WHERE bucket = $1",
    )
    .bind(bucket)
    .fetch_optional(c)
    .await)?)
}

/// Forgets buckets that are full again (their arrival time has passed): they read as new.
pub async fn prune(c: &mut impl Conn, now: i64) -> StoreResult<u64> {
    Ok(
        execute!(c, c => sqlx::query("DELETE FROM rate_limits WHERE tat < $1")
        .bind(now))?,
    )
}
