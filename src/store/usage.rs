//! Usage records and their monthly roll-ups. Loading writes both in one transaction.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Conn, StoreResult};
use crate::on_conn;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredRecord {
    pub customer_id: i64,
    pub day: NaiveDate,
    pub service: String,
    pub project: String,
    pub cluster: String,
    pub cost: i64,
}

pub struct NewRecord<'a> {
    pub record_key: &'a str,
    pub customer_id: i64,
    pub day: NaiveDate,
    pub service: &'a str,
    pub project: &'a str,
    pub cluster: &'a str,
    pub cost: i64,
    pub late: bool,
}

/// Inserts a record unless its key is known; `false` when it was already there.
pub async fn insert(c: &mut impl Conn, r: &NewRecord<'_>, now: DateTime<Utc>) -> StoreResult<bool> {
    let id = on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO usage_records (record_key, customer_id, day, service, project, cluster, cost, late, loaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (record_key) DO NOTHING RETURNING usage_id",
    )
    .bind(r.record_key)
    .bind(r.customer_id)
    .bind(r.day)
    .bind(r.service)
    .bind(r.project)
    .bind(r.cluster)
    .bind(r.cost)
    .bind(r.late)
    .bind(now)
    .fetch_optional(c)
    .await)?;
    Ok(id.is_some())
}

pub async fn find(c: &mut impl Conn, record_key: &str) -> StoreResult<Option<StoredRecord>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, StoredRecord>(
        "SELECT customer_id, day, service, project, cluster, cost FROM usage_records WHERE record_key = $1",
    )
    .bind(record_key)
    .fetch_optional(c)
    .await)?)
}

/// Adds `cost` to the month's roll-up line.
pub async fn roll_up(c: &mut impl Conn, r: &NewRecord<'_>, month: &str) -> StoreResult<()> {
    on_conn!(c, c => sqlx::query(
        "INSERT INTO usage_monthly (customer_id, month, service, project, cluster, total_cost) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (customer_id, month, service, project, cluster) \
         DO UPDATE SET total_cost = usage_monthly.total_cost + excluded.total_cost",
    )
    .bind(r.customer_id)
    .bind(month)
    .bind(r.service)
    .bind(r.project)
    .bind(r.cluster)
    .bind(r.cost)
    .execute(c)
    .await
    .map(|x| x.rows_affected()))?;
    Ok(())
}

pub async fn is_closed(c: &mut impl Conn, month: &str) -> StoreResult<bool> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, String>("SELECT month FROM closed_months WHERE month = $1")
        .bind(month)
        .fetch_optional(c)
        .await)?
    .is_some())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MonthlyLine {
    pub customer_id: i64,
    pub service: String,
    pub project: String,
    pub cluster: String,
    pub total_cost: i64,
}

/// A month's roll-up lines of one customer, or of every customer of a partner.
pub async fn month_lines(
    c: &mut impl Conn,
    partner_id: i64,
    customer_id: Option<i64>,
    month: &str,
) -> StoreResult<Vec<MonthlyLine>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, MonthlyLine>(
        "SELECT m.customer_id, m.service, m.project, m.cluster, m.total_cost FROM usage_monthly m \
         JOIN customers cu ON cu.customer_id = m.customer_id \
         WHERE cu.partner_id = $1 AND ($2 IS NULL OR m.customer_id = $2) AND m.month = $3 \
         ORDER BY m.customer_id, m.service, m.project, m.cluster",
    )
    .bind(partner_id)
    .bind(customer_id)
    .bind(month)
    .fetch_all(c)
    .await)?)
}

/// Organization ids to customer ids, for the ids in `org_ids` that exist.
pub async fn customer_id_of(c: &mut impl Conn, org_id: &str) -> StoreResult<Option<i64>> {
    Ok(
        on_conn!(c, c => sqlx::query_scalar::<_, i64>("SELECT customer_id FROM customers WHERE org_id = $1")
        .bind(org_id)
        .fetch_optional(c)
        .await)?,
    )
}

/// Usage that arrived for a month after it was closed (it never changes the closed bill).
pub async fn late_count(c: &mut impl Conn, first: NaiveDate, last: NaiveDate) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM usage_records WHERE late AND day >= $1 AND day <= $2",
    )
    .bind(first)
    .bind(last)
    .fetch_one(c)
    .await)?)
}
