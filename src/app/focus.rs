//! A partner's month in FOCUS (issue 27): the month's bill, each line split over the days its
//! usage was metered on (`billing::focus`), read a thousand customers at a time as the file is
//! written. A closed month's lines are read a part at a time too (`bills::closed_parts`), so
//! what is held does not grow with the partner's customers; the running month's bill is
//! computed whole, as its credits are spread over every line.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use futures_util::{Stream, StreamExt};

use super::bills::{self, ClosedParts, CustomerInfo, Order, PartnerBill};
use super::error::Result;
use super::{Actor, Ctx};
use crate::billing::bill::BillLine;
use crate::billing::focus::{self, Charge, DayCost, Heading, SubAccount};
use crate::billing::month::Month;
use crate::store::{Db, usage};

/// How many customers' daily usage one read takes: a customer's month is a few lines of up to
/// 31 days each.
const PART: usize = 1_000;

/// What the file is made of: the month's lines, a part at a time, and who it is for.
pub struct FocusExport {
    month: Month,
    source: Source,
    account_id: String,
    account_name: String,
    vendor: String,
}

enum Source {
    /// The bill computed whole: the running month, or a month closed before its sums were
    /// stored.
    Whole {
        bill: PartnerBill,
        /// The bill's lines by customer id (in the bill's order within a customer).
        order: Vec<u32>,
        /// Ranges of `order`, each the lines of up to [`PART`] customers.
        parts: Vec<(usize, usize)>,
    },
    /// A closed month's stored lines, read a part at a time.
    Closed(ClosedParts),
}

/// One part's lines, by customer id, and its customers' names.
struct Part {
    lines: Vec<BillLine>,
    customers: Arc<HashMap<i64, CustomerInfo>>,
}

/// A bill line's customer, service, project and cluster.
type LineKey<'a> = (i64, &'a str, &'a str, &'a str);

/// One row of the file: a day of one of its part's lines, its usage or its credits.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    line: u32,
    day: DayCost,
    charge: Charge,
}

/// The partner's `month` as FOCUS rows, `vendor` named as the provider and invoice issuer.
/// Months outside the window are refused as bills are.
pub async fn export(
    ctx: Ctx<'_>,
    actor: &Actor,
    month: Month,
    vendor: &str,
) -> Result<FocusExport> {
    let partner = super::partners::own(ctx, actor).await?;
    let closed = bills::closed_parts(ctx, partner.partner_id, month, Order::ById, |_| true).await?;
    let source = match closed {
        Some(parts) => Source::Closed(parts),
        None => whole(bills::partner_bill(ctx, partner.partner_id, month).await?),
    };
    Ok(FocusExport {
        month,
        source,
        account_id: partner.slug,
        account_name: partner.name,
        vendor: vendor.to_string(),
    })
}

/// A whole bill's lines by customer, cut into parts of [`PART`] customers.
fn whole(bill: PartnerBill) -> Source {
    let mut order: Vec<u32> = (0..bill.lines.len() as u32).collect();
    order.sort_by_key(|&i| bill.lines[i as usize].base.customer_id);
    let mut parts = Vec::new();
    let (mut start, mut customers, mut last) = (0, 0, None);
    for (n, &i) in order.iter().enumerate() {
        let id = bill.lines[i as usize].base.customer_id;
        if last != Some(id) {
            if customers == PART {
                parts.push((start, n));
                (start, customers) = (n, 0);
            }
            customers += 1;
            last = Some(id);
        }
    }
    if start < order.len() {
        parts.push((start, order.len()));
    }
    Source::Whole { bill, order, parts }
}

impl FocusExport {
    pub fn month(&self) -> Month {
        self.month
    }

    fn part_count(&self) -> usize {
        match &self.source {
            Source::Whole { parts, .. } => parts.len(),
            Source::Closed(c) => c.starts().count(),
        }
    }

    /// Part `n`'s lines, by customer id.
    async fn lines(&self, db: &Db, n: usize) -> Result<Part> {
        Ok(match &self.source {
            Source::Whole { bill, order, parts } => {
                let (from, to) = parts[n];
                Part {
                    lines: order[from..to]
                        .iter()
                        .map(|&i| bill.lines[i as usize].clone())
                        .collect(),
                    customers: Arc::clone(&bill.customers),
                }
            }
            Source::Closed(c) => {
                let bills = c.part(db, n * c.per_part).await?;
                let customers = bills
                    .first()
                    .map(|(_, b)| Arc::clone(&b.customers))
                    .unwrap_or_default();
                Part {
                    lines: bills.into_iter().flat_map(|(_, b)| b.lines).collect(),
                    customers,
                }
            }
        })
    }

    /// Part `n` with its rows: its lines' days, each day's usage row then its credit row.
    async fn rows(&self, db: &Db, n: usize) -> Result<(Part, Vec<Row>)> {
        let part = self.lines(db, n).await?;
        let (Some(first), Some(last)) = (part.lines.first(), part.lines.last()) else {
            return Ok((part, Vec::new()));
        };
        let month = self.month;
        let ids = (first.base.customer_id, last.base.customer_id);
        let daily = {
            let mut c = db.acquire().await?;
            usage::daily(&mut c, ids, (month.first_day(), month.last_day())).await?
        };
        let mut days: HashMap<LineKey<'_>, Vec<(NaiveDate, i64)>> = HashMap::new();
        for (customer_id, service, project, cluster, day, cost) in &daily {
            days.entry((customer_id.to_owned(), service, project, cluster))
                .or_default()
                .push((*day, *cost));
        }
        let mut rows = Vec::new();
        for (i, l) in part.lines.iter().enumerate() {
            let key = (
                l.base.customer_id,
                &*l.base.service,
                &*l.base.project,
                &*l.base.cluster,
            );
            let metered = days.get(&key).map(Vec::as_slice).unwrap_or_default();
            for day in focus::split(l, metered, month.first_day()) {
                let line = i as u32;
                rows.push(Row {
                    line,
                    day,
                    charge: Charge::Usage,
                });
                if day.credits != 0 {
                    rows.push(Row {
                        line,
                        day,
                        charge: Charge::Credit,
                    });
                }
            }
        }
        drop(days);
        Ok((part, rows))
    }

    /// A row's cells, in [`focus::COLUMNS`]' order.
    fn cells(&self, part: &Part, r: &Row) -> Vec<String> {
        let month = self.month;
        let l = &part.lines[r.line as usize];
        let customer = part.customers.get(&l.base.customer_id);
        let heading = Heading {
            account_id: &self.account_id,
            account_name: &self.account_name,
            vendor: &self.vendor,
            first_day: month.first_day(),
            end: month.next().first_day(),
        };
        let sub = SubAccount {
            id: customer.map_or("", |c| c.org_id.as_str()),
            name: customer.map_or("", |c| c.name.as_str()),
        };
        focus::cells(&heading, &sub, l, &r.day, r.charge)
    }
}

/// Every row's cells, a part read as the one before it is taken: a part that fails ends the
/// rows with its error.
pub fn rows(export: FocusExport, db: Db) -> impl Stream<Item = Result<Vec<String>>> + 'static {
    let export = Arc::new(export);
    let parts = 0..export.part_count();
    futures_util::stream::iter(parts)
        .then({
            let export = Arc::clone(&export);
            move |part| {
                let (export, db) = (Arc::clone(&export), db.clone());
                async move { export.rows(&db, part).await }
            }
        })
        .flat_map(move |rows| {
            let export = Arc::clone(&export);
            let cells: Box<dyn Iterator<Item = Result<Vec<String>>>> = match rows {
                Ok((part, rows)) => {
                    Box::new(rows.into_iter().map(move |r| Ok(export.cells(&part, &r))))
                }
                Err(e) => Box::new(std::iter::once(Err(e))),
            };
            futures_util::stream::iter(cells)
        })
}
