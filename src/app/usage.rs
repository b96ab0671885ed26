//! Loading usage (SPEC section 5): all or nothing per file. A record key seen before with the
//! same content is skipped; with other content, a negative cost, an unknown customer or a
//! malformed line is rejected, and then nothing of the file is loaded. Roll-ups are kept current
//! in the same transaction; usage for a closed month is stored and flagged late.
//!
//! Records go in batches of one multi-row statement each, and roll-ups are summed in memory and
//! written once per roll-up line, so a file costs a few statements per batch, not per row. The
//! customers and closed months of the whole file are looked up first; then each batch is
//! prepared while the one before it is written (the database works on its own thread), and no
//! statement of the common path returns a row per record: sqlx hands SQLite's rows over one by
//! one from its worker thread.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::billing::month::Month;
use crate::billing::usage_file::{Rejected, UsageRow};
use crate::store::usage::{self, NewRecord, StoredRecord};
use crate::store::{Backend, Db, StoreError, StoreResult, Tx};

/// Rows per statement: 9 parameters each stays far below SQLite's (32 766) and PostgreSQL's
/// (65 535) limits.
const BATCH: usize = 1000;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LoadReport {
    pub inserted: usize,
    pub skipped: usize,
    pub late: usize,
    /// Non-empty means nothing was loaded.
    pub rejected: Vec<Rejected>,
}

impl LoadReport {
    /// A key met before (`where_`): skipped when its content is the same, refused if not.
    fn seen_before(&mut self, row: &UsageRow, same_content: bool, where_: &str) {
        if same_content {
            self.skipped += 1;
        } else {
            self.rejected.push(Rejected {
                line: row.line,
                reason: format!("record_key {} {where_} with other content", row.record_key),
            });
        }
    }
}

/// A roll-up line: customer, month, service, project, cluster (borrowed from the rows).
type RollupKey<'a> = (i64, Month, &'a str, &'a str, &'a str);

/// Maps keyed by a file's own strings, hashed per line: a fast hasher (the keys come from an
/// operator's file, not from the internet).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

fn same(a: &UsageRow, b: &UsageRow) -> bool {
    (
        a.org_id.as_str(),
        a.day,
        a.service.as_str(),
        a.project.as_str(),
        a.cluster.as_str(),
        a.cost,
    ) == (
        b.org_id.as_str(),
        b.day,
        b.service.as_str(),
        b.project.as_str(),
        b.cluster.as_str(),
        b.cost,
    )
}

/// Loads parsed rows (`parse_rejected` are the lines the parser refused already). `progress` is
/// called with the number of rows handled so far.
pub async fn load(
    db: &Db,
    rows: &[UsageRow],
    parse_rejected: Vec<Rejected>,
    now: DateTime<Utc>,
    mut progress: impl FnMut(usize),
) -> StoreResult<LoadReport> {
    let mut tx = db.begin().await?;
    let mut prep = Preparer {
        backend: tx.backend(),
        now,
        rows,
        first_of_key: FastMap::default(),
        customers: lookup_customers(&mut tx, rows).await?,
        closed: lookup_closed(&mut tx, rows).await?,
        report: LoadReport {
            rejected: parse_rejected,
            ..Default::default()
        },
    };
    prep.first_of_key.reserve(rows.len());
    let mut rollups: FastMap<RollupKey<'_>, i64> = FastMap::default();
    let mut chunks = rows.chunks(BATCH).enumerate();
    let mut current = chunks.next().map(|(n, c)| prep.batch(n, c));
    let mut done = 0;
    while let Some(batch) = current.take() {
        progress(done);
        done += batch.lines;
        // Once the file cannot load, nothing more is written: the rest is only checked, so that
        // every bad line is listed.
        let writing = prep.report.rejected.is_empty();
        let next = chunks.next();
        if writing {
            usage::savepoint(&mut tx).await?;
        }
        // The next batch is checked and encoded here while the database writes this one.
        let insert = batch.insert;
        let (inserted, prepared) = futures_util::future::join(
            async {
                if writing {
                    insert.run(&mut tx).await.map(Some)
                } else {
                    Ok(None)
                }
            },
            async { next.map(|(n, c)| prep.batch(n, c)) },
        )
        .await;
        current = prepared;
        let written = match inserted? {
            Some(inserted) => settle_batch(&mut tx, &batch.records, inserted, now).await?,
            // Not written, but still checked against the keys loaded before.
            None => Written::SomeKnown(known_records(&mut tx, &batch.records).await?),
        };
        let known = match written {
            Written::All => FastMap::default(),
            Written::SomeKnown(known) => known,
        };
        for (record, row) in batch.records.iter().zip(&batch.rows) {
            if let Some(stored) = known.get(record.record_key) {
                prep.report
                    .seen_before(row, stored.same_as(record), "was loaded before");
                continue;
            }
            prep.report.inserted += 1;
            prep.report.late += record.late as usize;
            *rollups
                .entry((
                    record.customer_id,
                    Month::of(record.day),
                    record.service,
                    record.project,
                    record.cluster,
                ))
                .or_default() += record.cost;
        }
    }
    progress(rows.len());
    let mut report = prep.report;
    if !report.rejected.is_empty() {
        // Dropping the transaction rolls back every row of the file.
        drop(tx);
        report.rejected.sort_by_key(|r| r.line);
        report.inserted = 0;
        report.skipped = 0;
        report.late = 0;
        return Ok(report);
    }
    let months: FastMap<Month, String> = rollups
        .keys()
        .map(|(_, m, ..)| (*m, m.to_string()))
        .collect();
    let lines: Vec<(usage::RollupLine<'_>, i64)> = rollups
        .iter()
        .map(|((customer_id, month, service, project, cluster), cost)| {
            let line = usage::RollupLine {
                customer_id: *customer_id,
                month: &months[month],
                service,
                project,
                cluster,
            };
            (line, *cost)
        })
        .collect();
    usage::add_to_months(&mut tx, &lines).await?;
    tx.commit().await?;
    Ok(report)
}

/// The file's customers by organization id (`None`: no such customer), a statement per
/// thousand of them.
async fn lookup_customers<'a>(
    tx: &mut Tx,
    rows: &'a [UsageRow],
) -> StoreResult<FastMap<&'a str, Option<i64>>> {
    let mut customers: FastMap<&str, Option<i64>> = FastMap::default();
    for r in rows {
        customers.entry(r.org_id.as_str()).or_insert(None);
    }
    let org_ids: Vec<&str> = customers.keys().copied().collect();
    for part in org_ids.chunks(BATCH) {
        for (org_id, id) in usage::customer_ids_of(tx, part).await? {
            if let Some(slot) = customers.get_mut(org_id.as_str()) {
                *slot = Some(id);
            }
        }
    }
    Ok(customers)
}

/// Whether each month of the file is closed (its usage is then late).
async fn lookup_closed(tx: &mut Tx, rows: &[UsageRow]) -> StoreResult<HashMap<Month, bool>> {
    let months: HashSet<Month> = rows.iter().map(|r| Month::of(r.day)).collect();
    let mut closed = HashMap::new();
    for m in months {
        closed.insert(m, usage::is_closed(tx, &m.to_string()).await?);
    }
    Ok(closed)
}

/// What a batch's write found.
enum Written {
    /// Every record was new.
    All,
    /// Some keys were loaded before: those are left as they were, and here is what they hold.
    SomeKnown(FastMap<String, StoredRecord>),
}

/// Settles a batch written (`inserted` of its records) since the savepoint, assuming its keys
/// were new; when some were not, the batch is undone to the savepoint, the known keys are read,
/// and only the others are written.
async fn settle_batch(
    tx: &mut Tx,
    records: &[NewRecord<'_>],
    inserted: usize,
    now: DateTime<Utc>,
) -> StoreResult<Written> {
    if inserted == records.len() {
        usage::release(tx).await?;
        return Ok(Written::All);
    }
    usage::rollback_to_savepoint(tx).await?;
    let known = known_records(tx, records).await?;
    let fresh: Vec<NewRecord<'_>> = records
        .iter()
        .filter(|r| !known.contains_key(r.record_key))
        .map(|r| NewRecord { ..*r })
        .collect();
    if usage::insert_many(tx, &fresh, now).await? != fresh.len() {
        // Only another import in the same moment (PostgreSQL) can take a key between our read
        // and our write; this file then loads nothing.
        return Err(StoreError::Raced(
            "another import loaded some of these records at the same time; run this import again",
        ));
    }
    usage::release(tx).await?;
    Ok(Written::SomeKnown(known))
}

/// The records of `records`' keys that were loaded before.
async fn known_records(
    tx: &mut Tx,
    records: &[NewRecord<'_>],
) -> StoreResult<FastMap<String, StoredRecord>> {
    let keys: Vec<&str> = records.iter().map(|r| r.record_key).collect();
    Ok(usage::find_many(tx, &keys).await?.into_iter().collect())
}

/// One batch of records ready to write, with the rows they come from.
struct Batch<'a> {
    records: Vec<NewRecord<'a>>,
    /// The INSERT of the records, encoded.
    insert: usage::Insert,
    rows: Vec<&'a UsageRow>,
    /// Lines of the file this batch covers (written or not).
    lines: usize,
}

/// Checks rows against what is known without the store: repeated keys, unknown customers.
struct Preparer<'a> {
    backend: Backend,
    now: DateTime<Utc>,
    rows: &'a [UsageRow],
    first_of_key: FastMap<&'a str, usize>,
    customers: FastMap<&'a str, Option<i64>>,
    closed: HashMap<Month, bool>,
    report: LoadReport,
}

impl<'a> Preparer<'a> {
    fn batch(&mut self, n: usize, chunk: &'a [UsageRow]) -> Batch<'a> {
        let mut batch = Batch {
            insert: usage::Insert::Nothing,
            records: Vec::with_capacity(chunk.len()),
            rows: Vec::with_capacity(chunk.len()),
            lines: chunk.len(),
        };
        for (i, row) in chunk.iter().enumerate() {
            let index = n * BATCH + i;
            if let Some(&first) = self.first_of_key.get(row.record_key.as_str()) {
                // A key repeated within the file is compared with its first line.
                self.report.seen_before(
                    row,
                    same(&self.rows[first], row),
                    "appears earlier in the file",
                );
                continue;
            }
            self.first_of_key.insert(&row.record_key, index);
            let Some(customer_id) = self.customers.get(row.org_id.as_str()).copied().flatten()
            else {
                self.report.rejected.push(Rejected {
                    line: row.line,
                    reason: format!("unknown customer org_id {}", row.org_id),
                });
                continue;
            };
            batch.records.push(NewRecord {
                record_key: &row.record_key,
                customer_id,
                day: row.day,
                service: &row.service,
                project: &row.project,
                cluster: &row.cluster,
                cost: row.cost,
                late: self
                    .closed
                    .get(&Month::of(row.day))
                    .copied()
                    .unwrap_or(false),
            });
            batch.rows.push(row);
        }
        // Encoded only while the file can still load.
        if self.report.rejected.is_empty() {
            batch.insert = usage::Insert::new(self.backend, &batch.records, self.now);
        }
        batch
    }
}
