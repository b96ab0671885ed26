//! `partner-console demo --customers N`: the demo MSP at a size where speed shows. Customers are
//! added until the MSP has N in all (a second run with the same N adds nothing), each active for
//! the last six months with a few usage rows per month (three services, the month-to-date
//! included), loaded through the usage import in batches of a few thousand customers, so that
//! memory stays that of one batch whatever N is.

use chrono::Utc;

use crate::billing::month::Month;
use crate::billing::usage_file::UsageRow;
use crate::domain::CustomerState;
use crate::store::Db;
use crate::store::customers::{self, NewCustomer};

/// Customers per batch: one multi-row INSERT per thousand, one usage load per batch.
const BATCH: usize = 5_000;
const INSERT_ROWS: usize = 1_000;
/// Rows per customer and month: one per service.
const SERVICES: &[(&str, &str, i64)] = &[
    ("TiDB Dedicated", "production", 2_000),
    ("Backup Storage", "production", 120),
    ("Data Transfer", "analytics", 45),
];
const MONTHS: i32 = 6;

/// What a run added.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Scaled {
    pub customers_before: i64,
    pub customers_added: usize,
    pub usage_rows: usize,
}

/// The usage rows a run of `added` customers loads.
fn usage_rows_for(added: usize) -> usize {
    added * SERVICES.len() * (MONTHS as usize + 1)
}

/// The `i`-th scale customer's organization id: 19 digits, below 2^63, apart from the random
/// ids of signups (which never start with 8 followed by zeros).
pub fn org_id(i: usize) -> String {
    format!("{}", 8_000_000_000_000_000_000u64 + i as u64)
}

/// Adds customers to `partner_id` until it has `wanted`, with their usage; `progress` is told
/// the usage rows loaded so far and how many this run loads in all.
pub async fn ensure(
    db: &Db,
    partner_id: i64,
    wanted: usize,
    mut progress: impl FnMut(usize, usize),
) -> anyhow::Result<Scaled> {
    let mut c = db.acquire().await?;
    let have = customers::count(&mut c, partner_id).await?.max(0) as usize;
    drop(c);
    let mut out = Scaled {
        customers_before: have as i64,
        ..Default::default()
    };
    if have >= wanted {
        return Ok(out);
    }
    let total = usage_rows_for(wanted - have);
    let now = Utc::now();
    let today = now.date_naive();
    let first = Month::of(today).plus(-MONTHS);
    let since = first
        .first_day()
        .and_hms_opt(9, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(now);
    // Nobody signs in as these customers; the column wants a hash, not a password.
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2NhbGVkZW1vc2FsdA$not-a-password-anyone-has";
    // Indexes go on from the partner's count, so a later, larger run never meets an earlier one.
    for start in (have..wanted).step_by(BATCH) {
        let end = (start + BATCH).min(wanted);
        let names: Vec<(String, String, String)> = (start..end)
            .map(|i| {
                (
                    org_id(i),
                    format!("Scale Customer {i:06}"),
                    format!("admin@scale-customer-{i:06}.example"),
                )
            })
            .collect();
        let mut tx = db.begin().await?;
        for part in names.chunks(INSERT_ROWS) {
            let rows: Vec<NewCustomer<'_>> = part
                .iter()
                .map(|(org, name, email)| NewCustomer {
                    partner_id,
                    org_id: org,
                    org_name: name,
                    email,
                    password_hash: hash,
                    state: CustomerState::Active,
                    signup_link_id: None,
                    effected_at: Some(since),
                    aws_account: None,
                })
                .collect();
            customers::insert_many(&mut tx, &rows, since).await?;
        }
        tx.commit().await?;
        out.customers_added += names.len();

        let rows = usage_of(start, &names, first, today);
        let loaded_before = out.usage_rows;
        let count = rows.len();
        let report = crate::app::usage::load(db, rows.into_iter().map(Ok), now, |done| {
            progress(loaded_before + done, total)
        })
        .await?;
        if let Some(r) = report.rejected.first() {
            anyhow::bail!("scale usage refused at line {}: {}", r.line, r.reason);
        }
        out.usage_rows += count;
    }
    progress(out.usage_rows, total);
    Ok(out)
}

/// A batch's usage: each customer, each month from `first` to today's, one row per service on
/// the month's first day, its size varying by customer.
fn usage_of(
    start: usize,
    names: &[(String, String, String)],
    first: Month,
    today: chrono::NaiveDate,
) -> Vec<UsageRow> {
    let mut rows = Vec::with_capacity(usage_rows_for(names.len()));
    let last = Month::of(today);
    for (k, (org, _, _)) in names.iter().enumerate() {
        let i = start + k;
        let size = 1 + (i * 7919 % 13) as i64;
        let mut m = first;
        while m <= last {
            let day = m.first_day();
            for (s, (service, project, base)) in SERVICES.iter().enumerate() {
                let cost = base * size + ((i * 31 + s * 17) % 97) as i64;
                rows.push(UsageRow {
                    line: rows.len() + 1,
                    org_id: org.clone(),
                    day,
                    service: service.to_string(),
                    project: project.to_string(),
                    cluster: format!("{project}-{}", s + 1),
                    cost,
                    record_key: format!("scale-{org}-{m}-{s}"),
                });
            }
            m = m.next();
        }
    }
    rows
}
