//! Loading usage (SPEC section 5): all or nothing per file. A record key seen before with the
//! same content is skipped; with other content, a negative cost, an unknown customer or a
//! malformed line is rejected, and then nothing of the file is loaded. Roll-ups are kept current
//! in the same transaction; usage for a closed month is stored and flagged late.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::billing::usage_file::{Rejected, UsageRow};
use crate::store::usage::{self, NewRecord, StoredRecord};
use crate::store::{Db, StoreResult};

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
    let mut tx = db.begin().await?;
    let mut customers: HashMap<String, Option<i64>> = HashMap::new();
    let mut closed: HashMap<String, bool> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if i % 10_000 == 0 {
            progress(i);
        }
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
        if usage::insert(&mut tx, &record, now).await? {
            usage::roll_up(&mut tx, &record, &month).await?;
            report.inserted += 1;
            report.late += late as usize;
        } else {
            let same = StoredRecord {
                customer_id,
                day: row.day,
                service: row.service.clone(),
                project: row.project.clone(),
                cluster: row.cluster.clone(),
                cost: row.cost,
            };
            match usage::find(&mut tx, &row.record_key).await? {
                Some(stored) if stored == same => report.skipped += 1,
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
    if report.rejected.is_empty() {
        tx.commit().await?;
    } else {
        // Dropping the transaction rolls back every row of the file.
        drop(tx);
        report.rejected.sort_by_key(|r| r.line);
        report.inserted = 0;
        report.skipped = 0;
        report.late = 0;
    }
    Ok(report)
}
