//! Writing a batch of usage records: one multi-row INSERT on SQLite, one `COPY` on PostgreSQL.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use super::{NewRecord, sqlite_time};
use crate::store::{Backend, Conn, ConnRef, StoreError, StoreResult};

const INSERT_RECORDS: &str = "INSERT INTO usage_records (record_key, customer_id, day, service, project, cluster, cost, late, loaded_at) ";
const ON_KNOWN_KEY: &str = " ON CONFLICT (record_key) DO NOTHING";

/// One shared copy of each text value of a batch, as SQLite stores it.
#[derive(Default)]
struct Interner<'a> {
    text: HashMap<&'a str, Arc<str>>,
    days: HashMap<NaiveDate, Arc<str>>,
}

impl<'a> Interner<'a> {
    fn of(&mut self, s: &'a str) -> Arc<str> {
        Arc::clone(self.text.entry(s).or_insert_with(|| Arc::from(s)))
    }

    /// A day as sqlx writes a `NaiveDate` to SQLite (`%F`).
    fn day(&mut self, d: NaiveDate) -> Arc<str> {
        Arc::clone(
            self.days
                .entry(d)
                .or_insert_with(|| Arc::from(d.format("%F").to_string())),
        )
    }
}

/// Inserts many records in one statement; returns how many were inserted. Fewer than given
/// means some keys were known already: SQLite leaves those as they are and writes the others,
/// PostgreSQL's `COPY` writes none. Keys must be distinct within one call.
pub async fn insert_many(
    c: &mut impl Conn,
    rows: &[NewRecord<'_>],
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let backend = match c.conn() {
        ConnRef::Sqlite(_) => Backend::Sqlite,
        ConnRef::Postgres(_) => Backend::Postgres,
    };
    Insert::new(backend, rows, now).run(c).await
}

/// A batch of records encoded for the store, ready to run: a loader encodes the next batch
/// while the database writes the one before.
pub enum Insert {
    Nothing,
    Sqlite(sqlx::QueryBuilder<sqlx::Sqlite>),
    /// Binary `COPY` data: PostgreSQL's bulk path, with no statement of nine parameters a row
    /// to parse, plan and bind, nor text to read back into numbers, dates and times.
    Postgres(Vec<u8>),
}

impl Insert {
    pub fn new(backend: Backend, rows: &[NewRecord<'_>], now: DateTime<Utc>) -> Insert {
        if rows.is_empty() {
            return Insert::Nothing;
        }
        match backend {
            // Text values are bound as shared strings: sqlx copies every `&str` into two
            // allocations of its own, which its worker thread then frees, and the values of a
            // batch repeat (services, projects, clusters, days, the load's time).
            Backend::Sqlite => {
                let mut text = Interner::default();
                let loaded_at: Arc<str> = sqlite_time(now).into();
                let mut qb = sqlx::QueryBuilder::new(INSERT_RECORDS);
                qb.push_values(rows, |mut b, r| {
                    b.push_bind(Arc::<str>::from(r.record_key))
                        .push_bind(r.customer_id)
                        .push_bind(text.day(r.day))
                        .push_bind(text.of(r.service))
                        .push_bind(text.of(r.project))
                        .push_bind(text.of(r.cluster))
                        .push_bind(r.cost)
                        .push_bind(r.late)
                        .push_bind(Arc::clone(&loaded_at));
                });
                qb.push(ON_KNOWN_KEY);
                Insert::Sqlite(qb)
            }
            Backend::Postgres => Insert::Postgres(copy_rows(rows, now)),
        }
    }

    /// Runs the statement; returns how many records were inserted.
    pub async fn run(self, c: &mut impl Conn) -> StoreResult<usize> {
        self.run_while(c, || ()).await.0
    }

    /// Runs the statement, and `meanwhile` once the rows are on their way and the database is
    /// writing them (a loader reads its next batch): returns how many records were inserted,
    /// and what `meanwhile` gave.
    pub async fn run_while<R>(
        self,
        c: &mut impl Conn,
        meanwhile: impl FnOnce() -> R,
    ) -> (StoreResult<usize>, R) {
        let (n, r) = match (self, c.conn()) {
            (Insert::Nothing, _) => (Ok(0), meanwhile()),
            (Insert::Sqlite(mut qb), ConnRef::Sqlite(c)) => {
                // The statement goes to SQLite's worker thread at the first poll.
                let run = async { qb.build().execute(c).await.map(|r| r.rows_affected()) };
                let (n, r) = futures_util::future::join(run, async { meanwhile() }).await;
                (n.map_err(StoreError::from), r)
            }
            (Insert::Postgres(data), ConnRef::Postgres(c)) => copy_while(c, data, meanwhile).await,
            (_, _) => (
                Err(StoreError::Database(sqlx::Error::Protocol(
                    "an INSERT prepared for one store was run on the other".into(),
                ))),
                meanwhile(),
            ),
        };
        (n.map(|n| n as usize), r)
    }
}

/// `COPY`s `data`, running `meanwhile` once all of it is sent and the server is writing it.
async fn copy_while<R>(
    c: &mut sqlx::PgConnection,
    data: Vec<u8>,
    meanwhile: impl FnOnce() -> R,
) -> (StoreResult<u64>, R) {
    let mut copy = match c.copy_in_raw(COPY_RECORDS).await {
        Ok(copy) => copy,
        Err(e) => return (Err(e.into()), meanwhile()),
    };
    if let Err(e) = copy.send(data).await {
        return (Err(e.into()), meanwhile());
    }
    // The first poll of `finish` sends the end of the data; then the server writes the rows.
    let (n, r) = futures_util::future::join(copy.finish(), async { meanwhile() }).await;
    let n = match n {
        Ok(n) => Ok(n),
        // A key stored before fails the whole COPY (it has no ON CONFLICT): none of the rows
        // is written, as an INSERT that skipped known keys would report fewer rows than it was
        // given, and the caller rolls back to its savepoint and writes the batch again without
        // them.
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some(UNIQUE_VIOLATION) => Ok(0),
        Err(e) => Err(e.into()),
    };
    (n, r)
}

const COPY_RECORDS: &str = "COPY usage_records (record_key, customer_id, day, service, project, cluster, cost, late, loaded_at) FROM STDIN (FORMAT binary)";

/// PostgreSQL's SQLSTATE for a duplicate key.
const UNIQUE_VIOLATION: &str = "23505";

/// Records in `COPY`'s binary format: the server reads each value as it is kept, with no text to
/// parse (a fifth of its work in text format, dates and times the most).
fn copy_rows(rows: &[NewRecord<'_>], now: DateTime<Utc>) -> Vec<u8> {
    // PostgreSQL counts dates in days and times in microseconds from 2000-01-01 (UTC).
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let loaded_at = (now - epoch.and_time(chrono::NaiveTime::MIN).and_utc()).num_microseconds();
    let mut out = Vec::with_capacity(19 + rows.len() * 160);
    out.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
    out.extend_from_slice(&0i32.to_be_bytes()); // flags
    out.extend_from_slice(&0i32.to_be_bytes()); // header extension
    let field = |out: &mut Vec<u8>, value: &[u8]| {
        out.extend_from_slice(&(value.len() as i32).to_be_bytes());
        out.extend_from_slice(value);
    };
    for r in rows {
        out.extend_from_slice(&9i16.to_be_bytes());
        field(&mut out, r.record_key.as_bytes());
        field(&mut out, &r.customer_id.to_be_bytes());
        let day = (r.day - epoch).num_days() as i32;
        field(&mut out, &day.to_be_bytes());
        field(&mut out, r.service.as_bytes());
        field(&mut out, r.project.as_bytes());
        field(&mut out, r.cluster.as_bytes());
        field(&mut out, &r.cost.to_be_bytes());
        field(&mut out, &[r.late as u8]);
        match loaded_at {
            Some(t) => field(&mut out, &t.to_be_bytes()),
            // A time beyond ±292 000 years: NULL, which the column refuses.
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
    out.extend_from_slice(&(-1i16).to_be_bytes());
    out
}
