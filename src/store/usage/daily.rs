//! What each bill line's usage came to on each day (the FOCUS export's rows): `usage_daily`,
//! kept current by the load in its transaction, read for a range of customer ids at a time.

use chrono::NaiveDate;

use super::super::{Conn, StoreError, StoreResult};
use crate::on_conn;

/// One line's usage on one day: customer, service, project, cluster, day, cost.
pub type DailyUsage = (i64, String, String, String, NaiveDate, i64);

// The days are bound as dates, which both stores compare with `day` as it is kept.
const DAILY: crate::store::json::JsonRows = crate::store::json::json_rows!(
    array: "customer_id, service, project, cluster, day, cost",
    order: "customer_id, service, project, cluster, day",
    from: "usage_daily WHERE customer_id BETWEEN $1 AND $2 AND day BETWEEN $3 AND $4",
);

/// The daily usage of customers `first..=last` (by id) from day `from` to `to`, by customer,
/// service, project, cluster and day.
pub async fn daily(
    c: &mut impl Conn,
    (first, last): (i64, i64),
    (from, to): (NaiveDate, NaiveDate),
) -> StoreResult<Vec<DailyUsage>> {
    let sql = DAILY.on(c);
    let json: String = on_conn!(c, c => sqlx::query_scalar(sql)
        .bind(first)
        .bind(last)
        .bind(from)
        .bind(to)
        .fetch_one(c)
        .await)?;
    let mut out = Vec::new();
    crate::store::json::for_each::<DailyUsage>(&json, |row| out.push(row))
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
    Ok(out)
}

/// A day of a roll-up line: customer, day, service, project and cluster.
#[derive(Debug, Clone, Copy)]
pub struct DayLine<'a> {
    pub customer_id: i64,
    pub day: NaiveDate,
    pub service: &'a str,
    pub project: &'a str,
    pub cluster: &'a str,
}

/// Adds each cost to its day, a thousand days per statement; `days` in key order, so the
/// table's pages are written in turn. Late records are never added (a closed month's days
/// stay as they were when it closed).
pub async fn add_to_days(c: &mut impl Conn, days: &[(DayLine<'_>, i64)]) -> StoreResult<()> {
    for part in days.chunks(1000) {
        on_conn!(c, c => {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO usage_daily (customer_id, day, service, project, cluster, cost) ",
            );
            qb.push_values(part, |mut b, (d, cost)| {
                b.push_bind(d.customer_id)
                    .push_bind(d.day)
                    .push_bind(d.service)
                    .push_bind(d.project)
                    .push_bind(d.cluster)
                    .push_bind(*cost);
            });
            qb.push(
                " ON CONFLICT (customer_id, day, service, project, cluster) \
                 DO UPDATE SET cost = usage_daily.cost + excluded.cost",
            );
            qb.build().execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}
