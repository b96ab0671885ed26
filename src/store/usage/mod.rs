//! Usage records and their monthly roll-ups. Loading writes both in one transaction.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use super::{Conn, StoreError, StoreResult};
use crate::execute;
use crate::on_conn;

mod daily;
mod write;
pub use daily::{DailyUsage, DayLine, add_to_days, daily};
pub use write::{Insert, insert_many};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredRecord {
    pub customer_id: i64,
    pub day: NaiveDate,
    pub service: String,
    pub project: String,
    pub cluster: String,
    pub cost: i64,
    /// Written by the load asking (its time is the load's); only a load asks.
    #[sqlx(default)]
    pub this_load: bool,
}

impl StoredRecord {
    /// Whether `r` says what this record says (its key aside).
    pub fn same_as(&self, r: &NewRecord<'_>) -> bool {
        (
            self.customer_id,
            self.day,
            self.service.as_str(),
            self.project.as_str(),
            self.cluster.as_str(),
            self.cost,
        ) == (
            r.customer_id,
            r.day,
            r.service,
            r.project,
            r.cluster,
            r.cost,
        )
    }
}

/// A savepoint inside the loading transaction, so that one batch can be undone alone.
pub async fn savepoint(c: &mut impl Conn) -> StoreResult<()> {
    run(c, "SAVEPOINT usage_batch").await
}

pub async fn release(c: &mut impl Conn) -> StoreResult<()> {
    run(c, "RELEASE SAVEPOINT usage_batch").await
}

pub async fn rollback_to_savepoint(c: &mut impl Conn) -> StoreResult<()> {
    run(c, "ROLLBACK TO SAVEPOINT usage_batch").await
}

async fn run(c: &mut impl Conn, sql: &'static str) -> StoreResult<()> {
    execute!(c, c => sqlx::query(sql))?;
    Ok(())
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
    /// Shared by every line of the read that names it (`billing::bill::Names`).
    pub service: std::sync::Arc<str>,
    pub project: std::sync::Arc<str>,
    pub cluster: std::sync::Arc<str>,
    pub usage: i64,
}

/// A month's roll-up lines of a partner's customers whose ids are in `$3..=$4`, as one JSON
/// array built by the database (one statement per store): a bill reads tens of thousands of
/// lines, and sqlx hands SQLite's rows over from its worker thread one by one.
const MONTH_LINES: super::json::JsonRows = super::json::json_rows!(
    array: "m.customer_id, m.service, m.project, m.cluster, m.usage",
    order: "m.customer_id, m.service, m.project, m.cluster",
    from: "usage_monthly m JOIN customers cu ON cu.customer_id = m.customer_id \
           WHERE cu.partner_id = $1 AND m.month = $2 AND m.customer_id BETWEEN $3 AND $4",
);

/// How many customers' roll-ups one read of [`for_each_month_part`] takes: a partner of
/// 100 000 customers has 300 000 lines, whose text in one piece was tens of MiB held next to
/// the lines made of it.
const LINES_PART: usize = 5_000;

/// A month's roll-up lines of one customer, or of every customer of a partner.
pub async fn month_lines(
    c: &mut impl Conn,
    partner_id: i64,
    customer_id: Option<i64>,
    month: &str,
) -> StoreResult<Vec<MonthlyLine>> {
    let mut lines = Vec::new();
    for_each_month_part(c, partner_id, customer_id, month, |part| {
        lines.reserve_exact(part.len());
        lines.extend(part);
    })
    .await?;
    Ok(lines)
}

/// [`month_lines`] handed to `each` a part at a time, in order (by customer id, then service,
/// project and cluster): a few thousand customers' lines, so the caller can keep what it makes
/// of them at its exact size (a vector grown by doubling held up to twice its lines).
pub async fn for_each_month_part(
    c: &mut impl Conn,
    partner_id: i64,
    customer_id: Option<i64>,
    month: &str,
    mut each: impl FnMut(Vec<MonthlyLine>),
) -> StoreResult<()> {
    let sql = MONTH_LINES.on(c);
    let ids = match customer_id {
        Some(id) => vec![id],
        None => super::customers::ids(c, partner_id).await?,
    };
    let mut names = crate::billing::bill::Names::default();
    for part in ids.chunks(LINES_PART) {
        let (Some(first), Some(last)) = (part.first(), part.last()) else {
            continue;
        };
        let json: String = on_conn!(c, c => sqlx::query_scalar(sql)
            .bind(partner_id)
            .bind(month)
            .bind(*first)
            .bind(*last)
            .fetch_one(c)
            .await)?;
        type Row = (i64, String, String, String, i64);
        let mut lines = Vec::new();
        crate::store::json::for_each::<Row>(
            &json,
            |(customer_id, service, project, cluster, usage)| {
                lines.push(MonthlyLine {
                    customer_id,
                    service: names.of(&service),
                    project: names.of(&project),
                    cluster: names.of(&cluster),
                    usage,
                })
            },
        )
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
        drop(json);
        each(lines);
    }
    Ok(())
}

/// The customers of those `org_ids` that exist, as (org_id, customer_id, partner_id).
pub async fn customer_ids_of(
    c: &mut impl Conn,
    org_ids: &[&str],
) -> StoreResult<Vec<(String, i64, i64)>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_conn!(c, c => {
        let mut qb = sqlx::QueryBuilder::new("SELECT org_id, customer_id, partner_id FROM customers WHERE org_id IN (");
        let mut list = qb.separated(", ");
        for o in org_ids {
            list.push_bind(*o);
        }
        qb.push(")");
        qb.build_query_as::<(String, i64, i64)>().fetch_all(c).await
    })?)
}

/// The stored records of those `record_keys` that were loaded before, as (key, record);
/// `load_time` is the asking load's, to tell its own records.
pub async fn find_many(
    c: &mut impl Conn,
    record_keys: &[&str],
    load_time: DateTime<Utc>,
) -> StoreResult<Vec<(String, StoredRecord)>> {
    if record_keys.is_empty() {
        return Ok(Vec::new());
    }
    type Row = (String, i64, NaiveDate, String, String, String, i64, bool);
    let rows: Vec<Row> = on_conn!(c, c => {
        let mut qb = sqlx::QueryBuilder::new(
            "SELECT record_key, customer_id, day, service, project, cluster, cost, loaded_at = ",
        );
        qb.push_bind(LoadTime(load_time))
            .push(" FROM usage_records WHERE record_key IN (");
        let mut list = qb.separated(", ");
        for k in record_keys {
            list.push_bind(*k);
        }
        qb.push(")");
        qb.build_query_as().fetch_all(c).await
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(k, customer_id, day, service, project, cluster, cost, this_load)| {
                (
                    k,
                    StoredRecord {
                        customer_id,
                        day,
                        service,
                        project,
                        cluster,
                        cost,
                        this_load,
                    },
                )
            },
        )
        .collect())
}

/// A load's time as the records' INSERT writes it to SQLite.
fn sqlite_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// A load's time bound as each store keeps the records' `loaded_at`, so that one statement
/// compares it on both: SQLite as the text the INSERT bound, PostgreSQL as a timestamptz.
struct LoadTime(DateTime<Utc>);

impl sqlx::Type<sqlx::Sqlite> for LoadTime {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <String as sqlx::Type<sqlx::Sqlite>>::type_info()
    }
}

impl sqlx::Encode<'_, sqlx::Sqlite> for LoadTime {
    fn encode_by_ref(
        &self,
        buf: &mut <sqlx::Sqlite as sqlx::Database>::ArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as sqlx::Encode<'_, sqlx::Sqlite>>::encode(sqlite_time(self.0), buf)
    }
}

impl sqlx::Type<sqlx::Postgres> for LoadTime {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <DateTime<Utc> as sqlx::Type<sqlx::Postgres>>::type_info()
    }
}

impl sqlx::Encode<'_, sqlx::Postgres> for LoadTime {
    fn encode_by_ref(
        &self,
        buf: &mut <sqlx::Postgres as sqlx::Database>::ArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <DateTime<Utc> as sqlx::Encode<'_, sqlx::Postgres>>::encode_by_ref(&self.0, buf)
    }
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

/// One roll-up line: a month's sum for a customer, service, project and cluster.
pub struct RollupLine<'a> {
    pub customer_id: i64,
    pub month: &'a str,
    pub service: &'a str,
    pub project: &'a str,
    pub cluster: &'a str,
}

/// Adds each cost to its roll-up line, a thousand lines per statement (a file of many
/// customers has as many lines as rows, nearly).
pub async fn add_to_months(c: &mut impl Conn, lines: &[(RollupLine<'_>, i64)]) -> StoreResult<()> {
    for part in lines.chunks(1000) {
        on_conn!(c, c => {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO usage_monthly (customer_id, month, service, project, cluster, usage) ",
            );
            qb.push_values(part, |mut b, (line, cost)| {
                b.push_bind(line.customer_id)
                    .push_bind(line.month)
                    .push_bind(line.service)
                    .push_bind(line.project)
                    .push_bind(line.cluster)
                    .push_bind(*cost);
            });
            qb.push(
                " ON CONFLICT (customer_id, month, service, project, cluster) \
                 DO UPDATE SET usage = usage_monthly.usage + excluded.usage",
            );
            qb.build().execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// What a month's usage comes to across every partner.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct MonthUsage {
    pub month: String,
    pub usage: i64,
    pub partners: i64,
    pub customers: i64,
}

/// The usage of each month from `first` to `last` that has any, for the operators' billing
/// page.
pub async fn month_totals(
    c: &mut impl Conn,
    first: &str,
    last: &str,
) -> StoreResult<Vec<MonthUsage>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, MonthUsage>(
        "SELECT m.month, CAST(SUM(m.usage) AS BIGINT) AS usage, \
         CAST(COUNT(DISTINCT cu.partner_id) AS BIGINT) AS partners, \
         CAST(COUNT(DISTINCT m.customer_id) AS BIGINT) AS customers \
         FROM usage_monthly m JOIN customers cu ON cu.customer_id = m.customer_id \
         WHERE m.month BETWEEN $1 AND $2 GROUP BY m.month",
    )
    .bind(first)
    .bind(last)
    .fetch_all(c)
    .await)?)
}
