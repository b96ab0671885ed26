//! What each bill line's usage came to on each day of a month (the FOCUS export's rows), read
//! for a range of customer ids at a time.

use chrono::NaiveDate;

use super::super::{Conn, ConnRef, StoreError, StoreResult};
use crate::on_conn;

/// One line's usage on one day: customer, service, project, cluster, day, cost.
pub type DailyUsage = (i64, String, String, String, NaiveDate, i64);

// Late records (loaded after their month closed) are left out: a closed bill never counts them.
// The days are bound as dates, which both stores compare with `day` as it is kept.
macro_rules! daily_rows {
    () => {
        "(SELECT r.customer_id, r.service, r.project, r.cluster, r.day, CAST(SUM(r.cost) AS BIGINT) AS cost \
         FROM usage_records r WHERE r.customer_id BETWEEN $1 AND $2 AND r.day BETWEEN $3 AND $4 AND NOT r.late \
         GROUP BY r.customer_id, r.service, r.project, r.cluster, r.day) d"
    };
}

const DAILY_SQLITE: &str = concat!(
    "SELECT json_group_array(json_array(customer_id, service, project, cluster, day, cost) \
     ORDER BY customer_id, service, project, cluster, day) FROM ",
    daily_rows!()
);

const DAILY_POSTGRES: &str = concat!(
    "SELECT coalesce(json_agg(json_build_array(customer_id, service, project, cluster, day, cost) \
     ORDER BY customer_id, service, project, cluster, day), '[]'::json)::TEXT FROM ",
    daily_rows!()
);

/// The daily usage of customers `first..=last` (by id) from day `from` to `to`, by customer,
/// service, project, cluster and day.
pub async fn daily(
    c: &mut impl Conn,
    (first, last): (i64, i64),
    (from, to): (NaiveDate, NaiveDate),
) -> StoreResult<Vec<DailyUsage>> {
    let sql = match c.conn() {
        ConnRef::Sqlite(_) => DAILY_SQLITE,
        ConnRef::Postgres(_) => DAILY_POSTGRES,
    };
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
