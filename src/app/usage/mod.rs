//! Loading usage (SPEC section 5): all or nothing per file. A record key seen before with the
//! same content is skipped; with other content, a negative cost, an unknown customer or a
//! malformed line is rejected, and then nothing of the file is loaded. Roll-ups by month
//! (`usage_monthly`) and by day (`usage_daily`) are kept current in the same transaction; usage
//! for a closed month is stored and flagged late, and left out of the days.
//!
//! A file is read as it loads, a batch of rows at a time, so memory does not grow with its
//! size: the store's unique key on record keys finds both keys loaded before and keys repeated
//! within the file (a record written by this load carries this load's time), and what stays in
//! memory grows only with the customers and roll-up lines the file touches. Each batch is one
//! multi-row statement on SQLite and one binary `COPY` on PostgreSQL; roll-ups are summed in
//! memory and written once per roll-up line. The next batch is read and checked while the
//! database writes the one before, and no statement of the common path returns a row per
//! record: sqlx hands SQLite's rows over one by one from its worker thread. When a line is refused the load goes
//! on writing, to list every bad line (repeats included), and rolls back at the end.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};

use crate::billing::month::Month;
use crate::billing::usage_file::{Rejected, UsageRow};

mod loaded;
mod report;

use crate::store::usage::{self, NewRecord, StoredRecord};
use crate::store::{Backend, Db, StoreError, StoreResult, Tx};
pub use loaded::{LoadedMonth, UsageLoaded};
pub use report::{LISTED_REJECTIONS, LoadReport};

/// Rows per batch: on SQLite one INSERT, whose 9 parameters a row stay far below its limit
/// (32 766); on PostgreSQL one `COPY`, which has none, and whose every batch costs four round
/// trips (savepoint, start, end, release) while the server waits.
fn batch_rows(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 1000,
        Backend::Postgres => 10_000,
    }
}

/// Customers remembered between batches; past this the memory is cleared (a file naming more
/// organizations than that, known or not, only costs more lookups).
const REMEMBERED_CUSTOMERS: usize = 200_000;

/// A roll-up line: customer, month, and service, project and cluster as numbered by [`Names`].
type RollupKey = (i64, Month, u32, u32, u32);

/// A day of a roll-up line (`usage_daily`): customer, day, and service, project and cluster.
type DayKey = (i64, NaiveDate, u32, u32, u32);

/// Days held before they are written: a file's days are its customers × days × lines, which
/// for a month of 100 000 customers would be millions.
const DAYS_HELD: usize = 100_000;

/// What a load adds to a roll-up line: its cost, and the records (and the late ones) it came
/// from, which `usage.loaded` counts.
#[derive(Debug, Default, Clone, Copy)]
struct Sum {
    cost: i64,
    records: u32,
    late: u32,
}

/// Maps keyed by a file's own strings, hashed per line: a fast hasher (the keys come from an
/// operator's file, not from the internet).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The service, project and cluster names of a file, each numbered once, so that a roll-up key
/// is five numbers and a row's lookup allocates nothing.
#[derive(Default)]
struct Names {
    number: FastMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    fn of(&mut self, name: &str) -> u32 {
        if let Some(n) = self.number.get(name) {
            return *n;
        }
        let n = self.names.len() as u32;
        self.names.push(name.to_string());
        self.number.insert(name.to_string(), n);
        n
    }
}

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

/// Loads a file's rows as they are read (each a valid row, or a line the parser refused).
/// `progress` is called with the number of rows handled so far.
pub async fn load(
    db: &Db,
    rows: impl Iterator<Item = Result<UsageRow, Rejected>>,
    now: DateTime<Utc>,
    mut progress: impl FnMut(usize),
) -> StoreResult<LoadReport> {
    // Both stores keep microseconds: a record's time must read back equal to this load's.
    let now = now.trunc_subsecs(6);
    let mut rows = rows;
    let mut tx = db.begin().await?;
    let mut loader = Loader {
        backend: tx.backend(),
        now,
        customers: FastMap::default(),
        closed: HashMap::new(),
        names: Names::default(),
        rollups: FastMap::default(),
        partner_of: FastMap::default(),
        days: FastMap::default(),
        report: LoadReport::default(),
    };
    let size = batch_rows(loader.backend);
    let mut next = loader.read(&mut rows);
    let mut done = 0;
    while !next.is_empty() {
        let current = std::mem::take(&mut next);
        progress(done);
        done += current.len();
        loader.look_up(&mut tx, &current).await?;
        let mut batch = loader.prepare(&current);
        let insert = std::mem::replace(&mut batch.insert, usage::Insert::Nothing);
        usage::savepoint(&mut tx).await?;
        // The next batch is read and parsed while the database writes this one.
        let (inserted, following) = insert
            .run_while(&mut tx, || read_batch(&mut rows, size))
            .await;
        let (following, refused) = following;
        for r in refused {
            loader.report.reject(r);
        }
        next = following;
        let known = settle_batch(&mut tx, &batch.records, inserted?, now).await?;
        loader.account(&batch, &known);
        if loader.days.len() >= DAYS_HELD {
            loader.write_days(&mut tx).await?;
        }
    }
    progress(done);
    if loader.report.rejected.is_empty() {
        loader.write_days(&mut tx).await?;
    }
    let Loader {
        mut report,
        rollups,
        names,
        partner_of,
        ..
    } = loader;
    report.keep_first();
    if !report.rejected.is_empty() {
        // Dropping the transaction rolls back every row of the file.
        drop(tx);
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
        .map(|((customer_id, month, service, project, cluster), sum)| {
            let line = usage::RollupLine {
                customer_id: *customer_id,
                month: &months[month],
                service: &names.names[*service as usize],
                project: &names.names[*project as usize],
                cluster: &names.names[*cluster as usize],
            };
            (line, sum.cost)
        })
        .collect();
    usage::add_to_months(&mut tx, &lines).await?;
    drop(lines);
    let told = loaded::by_partner(&rollups, &partner_of);
    report.partners = told.keys().copied().collect();
    loaded::tell(&mut tx, told, now).await?;
    tx.commit().await?;
    Ok(report)
}

/// Up to a batch of valid rows from the file, with the lines refused on the way.
fn read_batch(
    rows: &mut impl Iterator<Item = Result<UsageRow, Rejected>>,
    size: usize,
) -> (Vec<UsageRow>, Vec<Rejected>) {
    let mut batch = Vec::with_capacity(size);
    let mut refused = Vec::new();
    for item in rows.by_ref() {
        match item {
            Ok(row) => batch.push(row),
            Err(r) => refused.push(r),
        }
        if batch.len() == size {
            break;
        }
    }
    (batch, refused)
}

/// What a load knows between batches: customers and closed months met so far, the roll-ups
/// summed so far, and the report.
struct Loader {
    backend: Backend,
    now: DateTime<Utc>,
    customers: FastMap<String, Option<i64>>,
    closed: HashMap<Month, bool>,
    names: Names,
    rollups: FastMap<RollupKey, Sum>,
    /// The partner of each customer given records, never cleared: it is as long as the
    /// customers the roll-ups hold.
    partner_of: FastMap<i64, i64>,
    /// Costs by day not yet written (at most [`DAYS_HELD`]).
    days: FastMap<DayKey, i64>,
    report: LoadReport,
}

impl Loader {
    /// The first batch, read before the transaction's first write.
    fn read(
        &mut self,
        rows: &mut impl Iterator<Item = Result<UsageRow, Rejected>>,
    ) -> Vec<UsageRow> {
        let (batch, refused) = read_batch(rows, batch_rows(self.backend));
        for r in refused {
            self.report.reject(r);
        }
        batch
    }

    /// Looks up the batch's customers and months not met before.
    async fn look_up(&mut self, tx: &mut Tx, rows: &[UsageRow]) -> StoreResult<()> {
        if self.customers.len() > REMEMBERED_CUSTOMERS {
            self.customers.clear();
        }
        let mut missing: Vec<&str> = Vec::new();
        for r in rows {
            if !self.customers.contains_key(r.org_id.as_str()) {
                self.customers.insert(r.org_id.clone(), None);
                missing.push(&r.org_id);
            }
            let month = Month::of(r.day);
            if let std::collections::hash_map::Entry::Vacant(e) = self.closed.entry(month) {
                e.insert(usage::is_closed(tx, &month.to_string()).await?);
            }
        }
        for (org_id, id, partner_id) in usage::customer_ids_of(tx, &missing).await? {
            self.customers.insert(org_id, Some(id));
            self.partner_of.insert(id, partner_id);
        }
        Ok(())
    }

    /// The batch's records ready to write; repeats within the batch and unknown customers are
    /// settled here, without the store.
    fn prepare<'a>(&mut self, rows: &'a [UsageRow]) -> Batch<'a> {
        let mut batch = Batch {
            insert: usage::Insert::Nothing,
            records: Vec::with_capacity(rows.len()),
            rows: Vec::with_capacity(rows.len()),
        };
        let mut first_of_key: FastMap<&str, &UsageRow> = FastMap::default();
        for row in rows {
            if let Some(first) = first_of_key.get(row.record_key.as_str()) {
                // A key repeated within the batch is compared with its first line.
                self.report
                    .seen_before(row, same(first, row), "appears earlier in the file");
                continue;
            }
            first_of_key.insert(&row.record_key, row);
            let Some(customer_id) = self.customers.get(row.org_id.as_str()).copied().flatten()
            else {
                self.report.reject(Rejected {
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
        batch.insert = usage::Insert::new(self.backend, &batch.records, self.now);
        batch
    }

    /// Counts a written batch and adds it to the roll-ups; a key found in the store is a
    /// repeat of an earlier line of this file (written by this load) or of an earlier load.
    fn account(&mut self, batch: &Batch<'_>, known: &FastMap<String, StoredRecord>) {
        for (record, row) in batch.records.iter().zip(&batch.rows) {
            if let Some(stored) = known.get(record.record_key) {
                let where_ = if stored.this_load {
                    "appears earlier in the file"
                } else {
                    "was loaded before"
                };
                self.report.seen_before(row, stored.same_as(record), where_);
                continue;
            }
            self.report.inserted += 1;
            self.report.late += record.late as usize;
            let key = (
                record.customer_id,
                Month::of(record.day),
                self.names.of(record.service),
                self.names.of(record.project),
                self.names.of(record.cluster),
            );
            let sum = self.rollups.entry(key).or_default();
            sum.cost += record.cost;
            sum.records += 1;
            sum.late += record.late as u32;
            if !record.late {
                let (_, _, service, project, cluster) = key;
                *self
                    .days
                    .entry((record.customer_id, record.day, service, project, cluster))
                    .or_default() += record.cost;
            }
        }
    }

    /// Adds the days held to `usage_daily`, in key order, and forgets them.
    async fn write_days(&mut self, tx: &mut Tx) -> StoreResult<()> {
        let names = &self.names.names;
        let mut days: Vec<(usage::DayLine<'_>, i64)> = self
            .days
            .drain()
            .map(|((customer_id, day, service, project, cluster), cost)| {
                let line = usage::DayLine {
                    customer_id,
                    day,
                    service: &names[service as usize],
                    project: &names[project as usize],
                    cluster: &names[cluster as usize],
                };
                (line, cost)
            })
            .collect();
        days.sort_unstable_by(|(a, _), (b, _)| {
            (a.customer_id, a.day, a.service, a.project, a.cluster).cmp(&(
                b.customer_id,
                b.day,
                b.service,
                b.project,
                b.cluster,
            ))
        });
        usage::add_to_days(tx, &days).await
    }
}

/// Settles a batch written (`inserted` of its records) since the savepoint, assuming its keys
/// were new; when some were not, the batch is undone to the savepoint, the known keys are read
/// (and returned), and only the others are written.
async fn settle_batch(
    tx: &mut Tx,
    records: &[NewRecord<'_>],
    inserted: usize,
    now: DateTime<Utc>,
) -> StoreResult<FastMap<String, StoredRecord>> {
    if inserted == records.len() {
        usage::release(tx).await?;
        return Ok(FastMap::default());
    }
    usage::rollback_to_savepoint(tx).await?;
    let keys: Vec<&str> = records.iter().map(|r| r.record_key).collect();
    let known: FastMap<String, StoredRecord> = usage::find_many(tx, &keys, now)
        .await?
        .into_iter()
        .collect();
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
    Ok(known)
}

/// One batch of records ready to write, with the rows they come from.
struct Batch<'a> {
    records: Vec<NewRecord<'a>>,
    /// The INSERT of the records, encoded.
    insert: usage::Insert,
    rows: Vec<&'a UsageRow>,
}

/// What follows a load that added usage: the budgets of the partners it reached are checked
/// (issue 27). A failure here is logged, never the load's: its usage is in.
pub async fn after_load(ctx: super::Ctx<'_>, report: &LoadReport) {
    match super::budgets::check(ctx, &report.partners).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(alerts = n, "budget thresholds reached"),
        Err(e) => tracing::error!(error = %e, "the budgets could not be checked after a load"),
    }
}
