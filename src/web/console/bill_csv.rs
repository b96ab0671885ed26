//! A month's bill as CSV: its base lines with what discounts and credits took, the partner's
//! whole bill or one customer's. A closed month with stored sums is read a thousand customers
//! at a time as the client takes the file (its lines are stored in customer order, the file's
//! order); other months are computed whole.

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use futures_util::StreamExt;
use serde::Deserialize;

use super::bill_view::{MonthQuery, chosen_month};
use std::collections::HashMap;

use crate::app::bills::{ClosedParts, CustomerInfo, Order, PartnerBill, closed_parts};
use crate::billing::bill::BillLine;
use crate::billing::money::Cents;
use crate::domain::Action;
use crate::state::AppState;
use crate::store::Db;
use crate::web::csv;
use crate::web::error::AppError;
use crate::web::guard::Member;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CsvQuery {
    month: String,
    /// One customer's bill only (its page's download).
    org_id: String,
}

pub(super) async fn csv(
    m: Member,
    state: web::Data<AppState>,
    q: web::Query<CsvQuery>,
) -> Result<HttpResponse, AppError> {
    if !m.user.can(Action::ExportBills) {
        return Err(AppError::Forbidden);
    }
    let today = state.now().date_naive();
    let asked = MonthQuery {
        month: q.month.clone(),
    };
    let month = chosen_month(&asked, today).map_err(|_| AppError::BadRequest)?;
    let mut name = format!("bill-{month}.csv");
    let mut customer = None;
    if !q.org_id.is_empty() {
        let (c, _) = crate::app::customer_reads::one(state.app(), &m.actor, &q.org_id).await?;
        name = format!("bill-{month}-{}.csv", c.org_id);
        customer = Some(c.customer_id);
    }
    let reseller = m.user.is_reseller();
    let parts = closed_parts(state.app(), m.partner_id, month, Order::ById, |_| true).await?;
    if let Some(parts) = parts {
        let parts = parts.priced(&state.db).await?;
        let parts = match customer {
            Some(id) => parts.only(id),
            None => parts,
        };
        let priced = reseller || parts.has_plans();
        let rows = closed_rows(parts, state.db.clone(), priced);
        return Ok(csv::streamed(&name, &header(priced), rows));
    }
    let mut bill = crate::app::bills::partner_bill(state.app(), m.partner_id, month).await?;
    if let Some(id) = customer {
        bill = bill.for_customer(id);
    }
    let priced = reseller || bill.plans.is_some();
    let bill = Arc::new(bill);
    let fees = bill.fees();
    let (lines_of, fees_of) = (Arc::clone(&bill), Arc::clone(&bill));
    let lines = (0..bill.lines.len()).map(move |n| line_row(&lines_of, &lines_of.lines[n], priced));
    let fee_rows = fees.into_iter().map(move |(customer_id, fee)| {
        fee_row(
            &fees_of.month.to_string(),
            &fees_of.customers,
            customer_id,
            fee,
        )
    });
    Ok(csv::streamed_rows(
        &name,
        &header(priced),
        lines.chain(fee_rows),
    ))
}

/// The month's costs in FOCUS 1.0 columns (`app::focus`), for FinOps tools.
pub(super) async fn focus(
    m: Member,
    state: web::Data<AppState>,
    q: web::Query<MonthQuery>,
) -> Result<HttpResponse, AppError> {
    if !m.user.can(Action::ExportBills) {
        return Err(AppError::Forbidden);
    }
    let month = chosen_month(&q, state.now().date_naive()).map_err(|_| AppError::BadRequest)?;
    let vendor = &state.settings.vendor_name;
    let export = crate::app::focus::export(state.app(), &m.actor, month, vendor).await?;
    let rows = crate::app::focus::rows(export, state.db.clone());
    Ok(csv::streamed(
        &format!("focus-{month}.csv"),
        crate::billing::focus::COLUMNS,
        rows,
    ))
}

/// A reseller's file, and an MSP's with price plans, add what each line costs its customer and
/// the margin on it; a plan's monthly fee is a line of its own.
fn header(priced: bool) -> Vec<&'static str> {
    let mut header = vec![
        "month",
        "org_id",
        "org_name",
        "service",
        "project",
        "cluster",
        // Every amount in US dollars and positive; what each does to the total says so.
        "usage_usd",
        "discounts_usd_subtracted",
        "credits_usd_subtracted",
        "total_due_usd",
    ];
    if priced {
        header.extend(["customer_price_usd", "margin_usd"]);
    }
    header
}

/// The customer's organization id and name (empty for a customer no longer there).
fn who(customers: &HashMap<i64, CustomerInfo>, customer_id: i64) -> (String, String) {
    let info = customers.get(&customer_id);
    (
        info.map(|i| i.org_id.clone()).unwrap_or_default(),
        info.map(|i| i.name.clone()).unwrap_or_default(),
    )
}

fn line_row(bill: &PartnerBill, l: &BillLine, priced: bool) -> Vec<String> {
    let (org_id, org_name) = who(&bill.customers, l.base.customer_id);
    let mut cells = vec![
        bill.month.to_string(),
        org_id,
        org_name,
        l.base.service.to_string(),
        l.base.project.to_string(),
        l.base.cluster.to_string(),
        Cents(l.base.usage).to_string(),
        Cents(l.discounts).to_string(),
        Cents(l.credits).to_string(),
        Cents(l.owed()).to_string(),
    ];
    if priced {
        let r = bill.line_price(l);
        cells.extend([Cents(r.price).to_string(), Cents(r.margin).to_string()]);
    }
    cells
}

fn fee_row(
    month: &str,
    customers: &HashMap<i64, CustomerInfo>,
    customer_id: i64,
    fee: i64,
) -> Vec<String> {
    let (org_id, org_name) = who(customers, customer_id);
    let zero = Cents(0).to_string();
    vec![
        month.to_string(),
        org_id,
        org_name,
        "monthly fee".to_string(),
        String::new(),
        String::new(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero,
        Cents(fee).to_string(),
        Cents(fee).to_string(),
    ]
}

/// Every part's lines, then every part's fees: the rows of the whole bill, in its order.
fn closed_rows(
    parts: ClosedParts,
    db: Db,
    priced: bool,
) -> impl futures_util::Stream<Item = Result<Vec<String>, AppError>> + 'static {
    let parts = Arc::new(parts);
    let by_part = |fees: bool| {
        let (parts, db) = (Arc::clone(&parts), db.clone());
        futures_util::stream::iter(parts.starts()).then(move |from| {
            let (parts, db) = (Arc::clone(&parts), db.clone());
            async move { part_rows(&parts, &db, from, fees, priced).await }
        })
    };
    by_part(false).chain(by_part(true)).flat_map(|rows| {
        let rows: Vec<Result<Vec<String>, AppError>> = match rows {
            Ok(rows) => rows.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        };
        futures_util::stream::iter(rows)
    })
}

/// One part's line rows, or its fee rows (which read only the part's names).
async fn part_rows(
    parts: &ClosedParts,
    db: &Db,
    from: usize,
    fees: bool,
    priced: bool,
) -> Result<Vec<Vec<String>>, AppError> {
    if fees {
        let fees = parts.fees(from);
        if fees.is_empty() {
            return Ok(Vec::new());
        }
        let names = parts.names(db, from).await?;
        let month = parts.month.to_string();
        return Ok(fees
            .into_iter()
            .map(|(c, fee)| fee_row(&month, &names, c, fee))
            .collect());
    }
    let bills = parts.part(db, from).await?;
    Ok(bills
        .iter()
        .flat_map(|(_, share)| share.lines.iter().map(|l| line_row(share, l, priced)))
        .collect())
}
