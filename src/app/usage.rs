//! Loading usage (SPEC section 5): all or nothing per file. A record key seen before with the
//! same content is skipped; with other content, a negative cost, an unknown customer or a
//! malformed line is rejected, and then nothing of the file is loaded. Roll-ups are kept current
//! in the same transaction; usage for a closed month is stored and flagged late.
//!
//! Records go in batches of one multi-row statement each, and roll-ups are summed in memory and
//! written once per roll-up line, so a file costs a few statements per batch, not per row.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::billing::usage_file::{Rejected, UsageRow};
use crate::store::usage::{self, NewRecord, StoredRecord};
use crate::store::{Db, StoreResult};

/// Rows per INSERT: 9 parameters each stays far below SQLite's and PostgreSQL's limits.
const BATCH: usize = 500;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LoadReport {
    pub inserted: usize,
    pub skipped: usize,
    pub late: usize,
    /// Non-empty means nothing was loaded.
    pub rejected: Vec<Rejected>,
}

pub fn month_of(day: chrono::NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

type RollupKey = (i64, String, String, String, String);

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
    let mut report = LoadReport {
        rejected: parse_rejected,
        ..Default::default()
    };
    // A key repeated within the file is compared with its first line, in memory.
    let mut first_of_key: HashMap<&str, usize> = HashMap::new();
    let mut tx = db.begin().await?;
    let mut customers: HashMap<String, Option<i64>> = HashMap::new();
    let mut closed: HashMap<String, bool> = HashMap::new();
    let mut rollups: HashMap<RollupKey, i64> = HashMap::new();

    for (n, chunk) in rows.chunks(BATCH).enumerate() {
        progress(n * BATCH);
        let mut batch: Vec<(NewRecord<'_>, &UsageRow, String)> = Vec::with_capacity(chunk.len());
        for (i, row) in chunk.iter().enumerate() {
            let index = n * BATCH + i;
            if let Some(&first) = first_of_key.get(row.record_key.as_str()) {
                if same(&rows[first], row) {
                    report.skipped += 1;
                } else {
                    report.rejected.push(Rejected {
                        line: row.line,
                        reason: format!(
                            "record_key {} appears earlier in the file with other content",
                            row.record_key
                        ),
                    });
                }
                continue;
            }
            first_of_key.insert(&row.record_key, index);
            let customer_id = match customers.get(&row.org_id) {
                Some(id) => *id,
                None => {
                    let id = usage::customer_id_of(&mut tx, &row.org_id).await?;
                    customers.insert(row.org_id.clone(), id);
                    id
                }
            };
            let Some(customer_id) = customer_id else {
                report.rejected.push(Rejected {
                    line: row.line,
                    reason: format!("unknown customer org_id {}", row.org_id),
                });
                continue;
            };
            let month = month_of(row.day);
            let late = match closed.get(&month) {
                Some(c) => *c,
                None => {
                    let c = usage::is_closed(&mut tx, &month).await?;
                    closed.insert(month.clone(), c);
                    c
                }
            };
            let record = NewRecord {
                record_key: &row.record_key,
                customer_id,
                day: row.day,
                service: &row.service,
                project: &row.project,
                cluster: &row.cluster,
                cost: row.cost,
                late,
            };
            batch.push((record, row, month));
        }
        // Once the file cannot load, nothing more is inserted: the rest is only checked, so that
        // every bad line is listed.
        let inserting = report.rejected.is_empty();
        let inserted: std::collections::HashSet<String> = if inserting {
            let records: Vec<NewRecord<'_>> =
                batch.iter().map(|(r, _, _)| NewRecord { ..*r }).collect();
            usage::insert_many(&mut tx, &records, now)
                .await?
                .into_iter()
                .collect()
        } else {
            Default::default()
        };
        for (record, row, month) in batch {
            if inserted.contains(record.record_key) {
                report.inserted += 1;
                report.late += record.late as usize;
                let key = (
                    record.customer_id,
                    month,
                    row.service.clone(),
                    row.project.clone(),
                    row.cluster.clone(),
                );
                *rollups.entry(key).or_default() += record.cost;
                continue;
            }
            let expected = StoredRecord {
                customer_id: record.customer_id,
                day: row.day,
                service: row.service.clone(),
                project: row.project.clone(),
                cluster: row.cluster.clone(),
                cost: row.cost,
            };
            match usage::find(&mut tx, &row.record_key).await? {
                Some(stored) if stored == expected => report.skipped += 1,
                // Not known, and not inserted only because the file is refused anyway.
                None if !inserting => {}
                _ => report.rejected.push(Rejected {
                    line: row.line,
                    reason: format!(
                        "record_key {} was loaded before with other content",
                        row.record_key
                    ),
                }),
            }
        }
    }
    progress(rows.len());
    if !report.rejected.is_empty() {
        // Dropping the transaction rolls back every row of the file.
        drop(tx);
        report.rejected.sort_by_key(|r| r.line);
        report.inserted = 0;
        report.skipped = 0;
        report.late = 0;
        return Ok(report);
    }
    for (key, cost) in &rollups {
        usage::add_to_month(&mut tx, key, *cost).await?;
    }
    tx.commit().await?;
    Ok(report)
}
