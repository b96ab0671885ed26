//! Monthly bills from the store: roll-up lines, the discounts and credits that apply, and the
//! pure maths of `billing::bill`. Credits carry over month by month, oldest expiry first.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use super::Actor;
use super::Ctx;
use super::error::{Error, FieldError, Message, Result};
use super::invoices::issue::{self, Issuer, PartnerPlans};
use crate::billing::bill::{
    self, BaseLine, BillLine, Credit, Discount, DiscountKind, Scope, Totals,
};
use crate::billing::month::Month;
use crate::billing::plans::Plans;
use crate::billing::resale::Terms;
use crate::domain::AuditAction;
use crate::store::closed::summaries;
use crate::store::grants::{self, CreditRow, DiscountRow};
use crate::store::{Db, agreements, closed, customers, partners, usage};

/// How far back credits are replayed to know what is left of them.
const CREDIT_REPLAY_MONTHS: i32 = 24;

/// A month outside the window: the running month and the six before it.
pub fn out_of_window(month: Month) -> Error {
    Error::Invalid(vec![FieldError {
        field: "billedMonth",
        message: Message::new("error-month-not-billable").text("month", month),
    }])
}

mod closed_parts;
mod partner_bill;
mod summary;
pub use closed_parts::{ClosedParts, Order, PART, closed_parts};
pub use partner_bill::{CustomerInfo, PartnerBill, shares};
pub use summary::{BillSummary, CustomerSum, summary};

fn discount_applies(d: &DiscountRow, m: Month) -> bool {
    let start = Month::parse(&d.start_month);
    let end = d.end_month.as_deref().and_then(Month::parse);
    start.is_some_and(|s| s <= m) && end.is_none_or(|e| m <= e)
}

fn credit_usable(c: &CreditRow, m: Month) -> bool {
    c.effective_on <= m.last_day() && c.expires_on >= m.first_day()
}

fn scope(customer_id: Option<i64>) -> Scope {
    customer_id.map_or(Scope::Partner, Scope::Customer)
}

/// Bills `month` for a partner. Months outside the window (the running month and six before
/// it, as of the Ctx's day) are refused.
pub async fn partner_bill(ctx: Ctx<'_>, partner_id: i64, month: Month) -> Result<PartnerBill> {
    let (db, today) = (ctx.db, ctx.now.date_naive());
    let current = Month::of(today);
    if !month.in_window(current) {
        return Err(out_of_window(month));
    }
    let mut bill = None;
    replay(db, partner_id, month, month, today, |m, b| {
        if m == month {
            bill = Some(b);
        }
    })
    .await?;
    bill.ok_or_else(|| out_of_window(month))
}

/// The bills of the last complete month and of the running month (an estimate), from one
/// replay of the credits.
pub async fn last_and_running(ctx: Ctx<'_>, partner_id: i64) -> Result<(PartnerBill, PartnerBill)> {
    let (db, today) = (ctx.db, ctx.now.date_naive());
    let current = Month::of(today);
    let (mut last, mut running) = (None, None);
    replay(db, partner_id, current.plus(-1), current, today, |m, b| {
        if m == current {
            running = Some(b);
        } else {
            last = Some(b);
        }
    })
    .await?;
    match (last, running) {
        (Some(l), Some(r)) => Ok((l, r)),
        _ => Err(out_of_window(current)),
    }
}

/// What each month of the window (the running month and six before it), oldest first, owes
/// (the dashboard's chart). The closed months before the first open one are read as stored at
/// closing; the rest come from one replay of the credits for them all, where billing each month
/// alone would replay them once per month.
pub async fn window_totals(ctx: Ctx<'_>, partner_id: i64) -> Result<Vec<(Month, Totals)>> {
    let (db, today) = (ctx.db, ctx.now.date_naive());
    let current = Month::of(today);
    let first = current.plus(-crate::billing::month::WINDOW_MONTHS);
    let (closed_months, stored) = {
        let mut c = db.acquire().await?;
        (
            closed::closed_months(&mut c).await?,
            closed::totals_since(&mut c, partner_id, &first.to_string()).await?,
        )
    };
    let mut out = Vec::new();
    let mut open_from = first;
    while open_from < current && closed_months.contains(&open_from.to_string()) {
        let t = stored.get(&open_from.to_string()).copied();
        out.push((open_from, t.unwrap_or_default()));
        open_from = open_from.next();
    }
    replay(db, partner_id, open_from, current, today, |m, b| {
        out.push((m, b.overview()));
    })
    .await?;
    Ok(out)
}

/// Bills every month from the first a credit needs (at most [`CREDIT_REPLAY_MONTHS`] back) or
/// `from`, whichever is earlier, to `until`, carrying what is left of each credit from month to
/// month; `visit` gets each month's bill from `from` on. A closed month before `until` is read
/// back as it was closed, and only its credit uses when it comes before `from`.
async fn replay(
    db: &Db,
    partner_id: i64,
    from: Month,
    until: Month,
    today: NaiveDate,
    mut visit: impl FnMut(Month, PartnerBill),
) -> Result<()> {
    let current = Month::of(today);
    let mut c = db.acquire().await?;
    let discount_rows = grants::discounts(&mut c, partner_id).await?;
    let credit_rows = grants::credits(&mut c, partner_id).await?;
    // During an agreement its wholesale discount is the customer's discount (issue 14).
    let agreement_rows = agreements::of_partner(&mut c, partner_id).await?;
    let mut remaining: HashMap<i64, i64> = credit_rows
        .iter()
        .map(|k| (k.credit_id, k.amount))
        .collect();
    let earliest = credit_rows
        .iter()
        .map(|k| Month::of(k.effective_on))
        .min()
        .unwrap_or(from);
    let start = earliest.max(from.plus(-CREDIT_REPLAY_MONTHS)).min(from);
    let customers: Arc<HashMap<i64, CustomerInfo>> = Arc::new(
        customers::names(&mut c, partner_id)
            .await?
            .into_iter()
            .map(|(id, org_id, name)| (id, CustomerInfo { org_id, name }))
            .collect(),
    );

    let plans = msp_plans(&mut c, partner_id).await?;

    let mut m = start;
    while m <= until {
        let m_str = m.to_string();
        let in_force: Vec<_> = agreement_rows.iter().filter(|a| a.covers(m)).collect();
        // A closed month is what it was at closing, whatever usage arrived since.
        let closed = usage::is_closed(&mut c, &m_str).await?;
        let (bill_lines, uses) = if closed && m < from {
            (Vec::new(), closed::uses(&mut c, &m_str, partner_id).await?)
        } else if closed {
            (
                closed::lines(&mut c, &m_str, partner_id).await?,
                closed::uses(&mut c, &m_str, partner_id).await?,
            )
        } else {
            // Made as they are read, at their exact size: a partner of 100 000 customers has
            // 300 000 lines, and a second copy or a doubled vector was tens of MiB.
            let mut lines: Vec<BillLine> = Vec::new();
            usage::for_each_month_part(&mut c, partner_id, None, &m_str, |part| {
                lines.reserve_exact(part.len());
                lines.extend(part.into_iter().map(|l| {
                    BillLine::new(BaseLine {
                        customer_id: l.customer_id,
                        service: l.service,
                        project: l.project,
                        cluster: l.cluster,
                        usage: l.usage,
                    })
                }));
            })
            .await?;
            let mut discounts: Vec<Discount> = discount_rows
                .iter()
                .filter(|d| discount_applies(d, m))
                .map(|d| Discount {
                    id: d.discount_id,
                    scope: scope(d.customer_id),
                    service: d.service.clone(),
                    kind: match (d.rate_bps, d.amount) {
                        (Some(bps), _) => DiscountKind::Rate(bps),
                        (None, amount) => DiscountKind::Fixed(amount.unwrap_or(0)),
                    },
                })
                .collect();
            discounts.extend(in_force.iter().map(|a| Discount {
                // Rates are not told apart by id; negative ids keep clear of the grants'.
                id: -a.agreement_id,
                scope: Scope::Customer(a.customer_id),
                service: None,
                kind: DiscountKind::Rate(a.wholesale_bps),
            }));
            let credits: Vec<Credit> = credit_rows
                .iter()
                .filter(|k| credit_usable(k, m) && remaining[&k.credit_id] > 0)
                .map(|k| Credit {
                    id: k.credit_id,
                    scope: scope(k.customer_id),
                    remaining: remaining[&k.credit_id],
                    expires_on: k.expires_on,
                })
                .collect();
            let uses = bill::take_off(&mut lines, &discounts, &credits);
            (lines, uses)
        };
        for u in &uses {
            *remaining.entry(u.credit_id).or_default() -= u.used;
        }
        if m >= from {
            let terms = terms_of(in_force.iter().copied());
            visit(
                m,
                PartnerBill {
                    month: m,
                    estimate: m == current,
                    lines: bill_lines,
                    credit_uses: uses,
                    credits_left: remaining.clone(),
                    customers: Arc::clone(&customers),
                    terms: Arc::new(terms),
                    plans: if closed {
                        closed_plans(&mut c, &m_str, partner_id).await?
                    } else {
                        plans.clone()
                    },
                },
            );
        }
        m = m.next();
    }
    Ok(())
}

/// The partner's price plans as bills price its customers with them; `None` without plans.
async fn msp_plans(c: &mut impl crate::store::Conn, partner_id: i64) -> Result<Option<Arc<Plans>>> {
    let plans = PartnerPlans::load(c, partner_id).await?;
    Ok((!plans.is_empty()).then(|| Arc::new(plans.pricing())))
}

/// A closed month's bill of the partner as it was closed, read back whatever the month (no
/// window: statements of any closed month); `None` if the month is not closed.
pub async fn closed_bill(
    ctx: Ctx<'_>,
    partner_id: i64,
    month: Month,
) -> Result<Option<PartnerBill>> {
    let mut c = ctx.db.acquire().await?;
    let m = month.to_string();
    if !usage::is_closed(&mut c, &m).await? {
        return Ok(None);
    }
    let customers = customers::names(&mut c, partner_id)
        .await?
        .into_iter()
        .map(|(id, org_id, name)| (id, CustomerInfo { org_id, name }))
        .collect();
    Ok(Some(PartnerBill {
        month,
        estimate: false,
        lines: closed::lines(&mut c, &m, partner_id).await?,
        credit_uses: closed::uses(&mut c, &m, partner_id).await?,
        credits_left: HashMap::new(),
        customers: Arc::new(customers),
        terms: Arc::new(HashMap::new()),
        plans: closed_plans(&mut c, &m, partner_id).await?,
    }))
}

/// Each customer's resale terms of the agreements given (those in force in a month).
fn terms_of<'a>(
    agreements: impl Iterator<Item = &'a agreements::AgreementRow>,
) -> HashMap<i64, Terms> {
    agreements
        .map(|a| {
            (
                a.customer_id,
                Terms {
                    wholesale_bps: a.wholesale_bps,
                    markup_bps: a.markup_bps,
                },
            )
        })
        .collect()
}

/// How a closed month priced the partner's customers: the resale terms in force in it, and the
/// plans it kept (`None` when it kept none).
async fn closed_pricing(
    c: &mut impl crate::store::Conn,
    month: Month,
    partner_id: i64,
) -> Result<(HashMap<i64, Terms>, Option<Arc<Plans>>)> {
    let rows = agreements::of_partner(c, partner_id).await?;
    let terms = terms_of(rows.iter().filter(|a| a.covers(month)));
    Ok((
        terms,
        closed_plans(c, &month.to_string(), partner_id).await?,
    ))
}

/// The plans a closed month priced the partner's customers with; `None` when it kept none.
async fn closed_plans(
    c: &mut impl crate::store::Conn,
    month: &str,
    partner_id: i64,
) -> Result<Option<Arc<Plans>>> {
    let own = closed::plans(c, month, partner_id).await?;
    Ok((!own.is_empty()).then(|| Arc::new(Plans { default: None, own })))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseReport {
    pub partners: usize,
    pub lines: usize,
    /// The MSPs' invoices issued to their customers.
    pub invoices: usize,
}

/// Closes a finished month: every partner's bill and credit consumption are stored as they are
/// now and never change afterwards. Claimed write-first, so it happens once even with several
/// instances or operators at the same time.
pub async fn close_month(ctx: Ctx<'_>, month: Month) -> Result<CloseReport> {
    let (db, today, now) = (ctx.db, ctx.now.date_naive(), ctx.now);
    let current = Month::of(today);
    if month >= current {
        return Err(Error::Conflict(
            Message::new("error-close-not-over").text("month", month),
        ));
    }
    if !month.in_window(current) {
        return Err(out_of_window(month));
    }
    let m = month.to_string();
    let partners = {
        let mut c = db.acquire().await?;
        if usage::is_closed(&mut c, &m).await? {
            return Err(already_closed(month));
        }
        closed::partner_ids(&mut c).await?
    };
    let mut bills = Vec::new();
    for p in &partners {
        let bill = partner_bill(ctx, *p, month).await?;
        bills.push((*p, bill));
    }
    let mut tx = db.begin().await?;
    if !closed::claim(&mut tx, &m, now).await? {
        // Ended here rather than on drop, which leaves the ROLLBACK to a pool task and the
        // connection in its transaction until that runs.
        tx.rollback().await?;
        return Err(already_closed(month));
    }
    let (mut lines, mut invoices) = (0, 0);
    for (i, (p, bill)) in bills.iter().enumerate() {
        // The vendor numbers the month's statements in partner order.
        let number = format!("ST-{m}-{:04}", i + 1);
        crate::store::statements::insert(&mut tx, *p, &m, &number, now).await?;
        closed::insert_lines(&mut tx, &m, *p, &bill.lines).await?;
        lines += bill.lines.len();
        closed::insert_totals(&mut tx, &m, *p, &bill.overview()).await?;
        super::events::month_closed(ctx, &mut tx, *p, &m, bill.overview()).await?;
        let sums = BillSummary::of(bill);
        summaries::insert_customers(&mut tx, &m, *p, &sums.customer_rows()).await?;
        summaries::insert_services(&mut tx, &m, *p, &sums.services).await?;
        for u in &bill.credit_uses {
            closed::insert_use(&mut tx, &m, u).await?;
        }
        invoices += issue_invoices(ctx, &mut tx, *p, bill).await?;
    }
    tx.commit().await?;
    Ok(CloseReport {
        partners: partners.len(),
        lines,
        invoices,
    })
}

/// An MSP with price plans invoices its customers for the closed month (issue 24), in the
/// close's transaction; others issue nothing. Returns how many were issued.
async fn issue_invoices(
    ctx: Ctx<'_>,
    tx: &mut crate::store::Tx,
    partner_id: i64,
    bill: &PartnerBill,
) -> Result<usize> {
    let now = ctx.now;
    let Some(partner) = partners::find_by_id(tx, partner_id).await? else {
        return Ok(0);
    };
    if !partner.is_msp() {
        return Ok(0);
    }
    let issuer = Issuer::load(tx, partner).await?;
    if issuer.plans.is_empty() {
        return Ok(0);
    }
    let numbers = issue::at_close(tx, &issuer, bill.month, &bill.lines, now).await?;
    super::events::invoices_issued(ctx, tx, partner_id, &numbers).await?;
    if let (Some(first), Some(last)) = (numbers.first(), numbers.last()) {
        let detail = format!(
            "{}: {} invoices, {first} to {last}",
            bill.month,
            numbers.len()
        );
        Actor::system(partner_id)
            .audit(tx, AuditAction::InvoicesIssued, &detail, now)
            .await?;
    }
    Ok(numbers.len())
}

fn already_closed(month: Month) -> Error {
    Error::Conflict(Message::new("error-close-already").text("month", month))
}
