//! Six months of usage for the demo partners' customers, through the usage import.

use crate::billing::month::Month;
use crate::billing::usage_file::UsageRow;
use crate::domain::CustomerState;
use crate::store::Db;
use crate::store::customers::{self};
use crate::store::grants::{self, NewCredit, NewDiscount};
use crate::store::partners::Partner;
use crate::store::usage;
use chrono::Utc;

pub(super) const SERVICES: &[(&str, i64)] = &[
    ("TiDB Dedicated", 4_000),
    ("TiDB Starter", 300),
    ("Backup Storage", 150),
    ("Data Transfer", 90),
];

/// Six months and the running one of daily usage for the active customers, a discount and a
/// credit on the MSP, once. Loaded through the same all-or-nothing loader as real files.
pub(super) async fn ensure_usage(db: &Db, partner: &Partner) -> Result<(), crate::app::Error> {
    let today = Utc::now().date_naive();
    let first = Month::of(today).plus(-6);
    let mut c = db.acquire().await?;
    if !usage::month_lines(&mut c, partner.partner_id, None, &first.to_string())
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let all = customers::page(
        &mut c,
        &customers::Matching::all(partner.partner_id),
        None,
        1000,
    )
    .await?;
    drop(c);
    let mut rows = Vec::new();
    let mut seed: u64 = partner.partner_id as u64 * 7919 + 17;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for cu in all.iter().filter(|c| c.state != CustomerState::Pending) {
        let mut day = first.first_day();
        let size = 1 + (next() % 5) as i64;
        while day <= today {
            for (i, (service, base)) in SERVICES.iter().enumerate() {
                if i > 0 && next() % 3 == 0 {
                    continue;
                }
                let cost = base * size + (next() % 997) as i64;
                let project = if i % 2 == 0 {
                    "production"
                } else {
                    "analytics"
                };
                rows.push(UsageRow {
                    line: rows.len() + 1,
                    org_id: cu.org_id.clone(),
                    day,
                    service: service.to_string(),
                    project: project.into(),
                    cluster: format!("{project}-{}", i + 1),
                    cost,
                    record_key: format!("demo-{}-{day}-{i}", cu.org_id),
                });
            }
            day = day.succ_opt().unwrap_or(day);
        }
    }
    let report = crate::app::usage::load(db, rows.into_iter().map(Ok), Utc::now(), |_| {}).await?;
    if !report.rejected.is_empty() {
        return Err(anyhow::anyhow!("demo usage refused: {:?}", report.rejected.first()).into());
    }
    if partner.is_msp() {
        let now = Utc::now();
        let mut tx = db.begin().await?;
        let start = first.to_string();
        let discount = NewDiscount {
            partner_id: partner.partner_id,
            customer_id: None,
            service: Some("TiDB Dedicated"),
            rate_bps: Some(1_000),
            amount: None,
            start_month: &start,
            end_month: None,
            note: "Partner programme: 10 % on TiDB Dedicated",
            created_by: None,
        };
        grants::insert_discount(&mut tx, discount, now).await?;
        let credit = NewCredit {
            partner_id: partner.partner_id,
            customer_id: None,
            amount: 500_000,
            effective_on: first.plus(2).first_day(),
            expires_on: Month::of(today).plus(6).last_day(),
            note: "Launch credit",
            created_by: None,
        };
        grants::insert_credit(&mut tx, credit, now).await?;
        tx.commit().await?;
    }
    Ok(())
}
