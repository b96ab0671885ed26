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

pub async fn find(c: &mut impl Conn, record_key: &str) -> StoreResult<Option<StoredRecord>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, StoredRecord>(
        "SELECT customer_id, day, service, project, cluster, cost FROM usage_records WHERE record_key = $1",
    )
    .bind(record_key)
    .fetch_optional(c)
    .await)?)
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
    pub usage: i64,
}

/// A month's roll-up lines of one customer, or of every customer of a partner.
pub async fn month_lines(
    c: &mut impl Conn,
    partner_id: i64,
    customer_id: Option<i64>,
    month: &str,
) -> StoreResult<Vec<MonthlyLine>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, MonthlyLine>(
        "SELECT m.customer_id, m.service, m.project, m.cluster, m.usage FROM usage_monthly m \
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

/// Inserts many records in one statement; returns the keys actually inserted (the others were
/// known already). Keys must be distinct within one call.
pub async fn insert_many(
    c: &mut impl Conn,
    rows: &[NewRecord<'_>],
    now: DateTime<Utc>,
) -> StoreResult<Vec<String>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_conn!(c, c => {
        let mut qb = sqlx::QueryBuilder::new(
            "INSERT INTO usage_records (record_key, customer_id, day, service, project, cluster, cost, late, loaded_at) ",
        );
        qb.push_values(rows, |mut b, r| {
            b.push_bind(r.record_key)
                .push_bind(r.customer_id)
                .push_bind(r.day)
                .push_bind(r.service)
                .push_bind(r.project)
                .push_bind(r.cluster)
                .push_bind(r.cost)
                .push_bind(r.late)
                .push_bind(now);
        });
        qb.push(" ON CONFLICT (record_key) DO NOTHING RETURNING record_key");
        qb.build_query_scalar::<String>().fetch_all(c).await
    })?)
}

/// Adds `cost` to one roll-up line (a month's sum for a customer, service, project and cluster).
pub async fn add_to_month(
    c: &mut impl Conn,
    key: &(i64, String, String, String, String),
    cost: i64,
) -> StoreResult<()> {
    let (customer_id, month, service, project, cluster) = key;
    on_conn!(c, c => sqlx::query(
        "INSERT INTO usage_monthly (customer_id, month, service, project, cluster, usage) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (customer_id, month, service, project, cluster) \
         DO UPDATE SET usage = usage_monthly.usage + excluded.usage",
    )
    .bind(customer_id)
    .bind(month)
    .bind(service)
    .bind(project)
    .bind(cluster)
    .bind(cost)
    .execute(c)
    .await
    .map(|x| x.rows_affected()))?;
    Ok(())
}
