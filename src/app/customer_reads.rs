//! What a partner reads of its customers: the list a page at a time (from either end), one
//! customer with its agreements, the counts by state and the newest signups, and every customer
//! of a filter for the export. Always scoped by the actor's partner.

use std::collections::HashMap;

use super::error::Result;
use super::{Actor, Ctx};
use crate::billing::month::Month;
use crate::domain::{Action, CustomerState};
use crate::store::agreements::{self, AgreementRow};
use crate::store::customers::JsonPage;
use crate::store::customers::{self, Customer, Matching};
use crate::store::{Conn, StoreError, StoreResult};

/// Which customers a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    /// Matched against the name, the e-mail and the orgId; `%` and `_` are taken literally.
    pub query: &'a str,
    pub state: Option<CustomerState>,
    /// Those who came through this signup link.
    pub link: Option<i64>,
}

impl Filter<'_> {
    fn of(&self, partner_id: i64) -> Matching<'_> {
        Matching {
            partner_id,
            query: self.query,
            state: self.state,
            link: self.link,
        }
    }
}

/// Where a page starts: the newest, older than a customer, the oldest (the last page), or newer
/// than a customer (going back from the last page); or, in order of the running month's usage,
/// highest first, page `n` from 1.
#[derive(Debug, Clone, Copy)]
pub enum From {
    Newest,
    Before(i64),
    Oldest,
    After(i64),
    ByUsage(i64),
}

/// One page of customers, newest first, with the cursors of its neighbours and where it stands
/// in the whole list.
pub struct Page {
    pub rows: Vec<Customer>,
    /// How many customers the filter matches.
    pub total: i64,
    /// The place of the page's first row in the list, from 1 (0 when the page is empty).
    pub first: i64,
    /// Pass as `Before` for the next (older) page, if there is one.
    pub older: Option<i64>,
    /// Pass as `After` for the previous (newer) page, if there is one.
    pub newer: Option<i64>,
    /// The running month's usage of the customers shown that have any, by customer id, in
    /// cents.
    pub usage: HashMap<i64, i64>,
}

fn partner_of(actor: &Actor) -> StoreResult<i64> {
    actor.partner_id.ok_or(StoreError::NotFound)
}

/// A page of `size` customers from `from`.
pub async fn page(
    ctx: Ctx<'_>,
    actor: &Actor,
    f: Filter<'_>,
    from: From,
    size: i64,
) -> StoreResult<Page> {
    let m = f.of(partner_of(actor)?);
    let month = Month::of(ctx.now.date_naive()).to_string();
    let mut c = ctx.db.acquire().await?;
    let total = customers::count_matching(&mut c, &m, None).await?;
    if let From::ByUsage(n) = from {
        // Offsets, not keysets: the order changes as usage arrives, and pages are few.
        let n = n.clamp(1, ((total + size - 1) / size).max(1));
        let rows = customers::page_by_usage(&mut c, &m, &month, (n - 1) * size, size).await?;
        return Ok(Page {
            usage: rows
                .iter()
                .map(|r| (r.customer.customer_id, r.month_usage))
                .collect(),
            rows: rows.into_iter().map(|r| r.customer).collect(),
            total,
            first: if total == 0 { 0 } else { (n - 1) * size + 1 },
            older: None,
            newer: None,
        });
    }
    let mut page = match from {
        From::Oldest | From::After(_) => {
            // Read from the old end; one more than a page tells whether newer ones remain.
            let after = match from {
                From::After(id) => Some(id),
                _ => None,
            };
            // The last page holds what the pages before it leave; going back from it keeps the
            // pages where reading from the newest end puts them.
            let take = match from {
                From::Oldest if total % size != 0 => total % size,
                _ => size,
            };
            let mut rows = customers::page_from_oldest(&mut c, &m, after, take + 1).await?;
            let newer = rows.len() as i64 > take;
            if newer {
                rows.remove(0);
            }
            Page {
                newer: newer.then(|| rows.first().map(|r| r.customer_id)).flatten(),
                older: after.and(rows.last().map(|r| r.customer_id)),
                rows,
                total,
                first: 0,
                usage: HashMap::new(),
            }
        }
        From::Newest | From::Before(_) | From::ByUsage(_) => {
            let before = match from {
                From::Before(id) => Some(id),
                _ => None,
            };
            let mut rows = customers::page(&mut c, &m, before, size + 1).await?;
            let older = rows.len() as i64 > size;
            rows.truncate(size as usize);
            Page {
                newer: before.and(rows.first().map(|r| r.customer_id)),
                older: older.then(|| rows.last().map(|r| r.customer_id)).flatten(),
                rows,
                total,
                first: 0,
                usage: HashMap::new(),
            }
        }
    };
    if let Some(top) = page.rows.first() {
        page.first = customers::count_matching(&mut c, &m, Some(top.customer_id)).await? + 1;
    }
    let ids: Vec<i64> = page.rows.iter().map(|r| r.customer_id).collect();
    page.usage = customers::usage_of(&mut c, &month, &ids)
        .await?
        .into_iter()
        .collect();
    Ok(page)
}

/// A page of the customers the filter matches, for the CSV export: the list's order, after the
/// customer `before` (none: from the start), [`EXPORT_PAGE`] at most; a shorter page is the last.
pub async fn export_page(
    ctx: Ctx<'_>,
    actor: &Actor,
    f: Filter<'_>,
    before: Option<i64>,
) -> Result<Vec<Customer>> {
    actor.require(Action::ExportCustomers)?;
    let m = f.of(partner_of(actor)?);
    let mut c = ctx.db.acquire().await?;
    Ok(customers::page(&mut c, &m, before, EXPORT_PAGE).await?)
}

/// Customers per page of an export.
pub const EXPORT_PAGE: i64 = 1000;

/// The actor's customer `org_id` with its agreements, oldest first.
pub async fn one(
    ctx: Ctx<'_>,
    actor: &Actor,
    org_id: &str,
) -> StoreResult<(Customer, Vec<AgreementRow>)> {
    let partner_id = partner_of(actor)?;
    let mut c = ctx.db.acquire().await?;
    let customer = customers::find_by_org_id(&mut c, partner_id, org_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let agreements = agreements::of_customer(&mut c, customer.customer_id).await?;
    Ok((customer, agreements))
}

/// The dashboard's figures: customers by state, and the newest `recent`.
pub async fn overview(
    ctx: Ctx<'_>,
    actor: &Actor,
    recent: i64,
) -> StoreResult<(Vec<(CustomerState, i64)>, Vec<Customer>)> {
    let partner_id = partner_of(actor)?;
    let mut c = ctx.db.acquire().await?;
    let by_state = customers::count_by_state(&mut c, partner_id).await?;
    let newest = customers::page(&mut c, &Matching::all(partner_id), None, recent).await?;
    Ok((by_state, newest))
}

/// The APIs' customer list: oldest first after `after`, `limit` customers, written by the
/// database as the vendor's document writes them. It runs on the connection the API key was
/// just checked on (`c`): one pool round trip fewer on the APIs' busiest read.
pub async fn api_page(
    c: &mut impl Conn,
    actor: &Actor,
    after: Option<i64>,
    limit: i64,
) -> StoreResult<JsonPage> {
    customers::page_json(c, partner_of(actor)?, after, limit).await
}
