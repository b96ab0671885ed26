//! What a partner reads of its customers: the list a page at a time (from either end), one
//! customer with its agreements, the counts by state and the newest signups, and every customer
//! of a filter for the export. Always scoped by the actor's partner.

use super::error::Result;
use super::{Actor, Ctx};
use crate::domain::{Action, CustomerState};
use crate::store::agreements::{self, AgreementRow};
use crate::store::customers::JsonPage;
use crate::store::customers::{self, Customer};
use crate::store::{Conn, StoreError, StoreResult};

/// Which customers a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter<'a> {
    /// Matched against the name, the e-mail and the orgId; `%` and `_` are taken literally.
    pub query: &'a str,
    pub state: Option<CustomerState>,
}

/// Where a page starts: the newest, older than a customer, the oldest (the last page), or newer
/// than a customer (going back from the last page).
#[derive(Debug, Clone, Copy)]
pub enum From {
    Newest,
    Before(i64),
    Oldest,
    After(i64),
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
    let partner_id = partner_of(actor)?;
    let mut c = ctx.db.acquire().await?;
    let (q, st) = (f.query, f.state);
    let total = customers::count_matching(&mut c, partner_id, q, st, None).await?;
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
            let mut rows =
                customers::page_from_oldest(&mut c, partner_id, q, st, after, take + 1).await?;
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
            }
        }
        From::Newest | From::Before(_) => {
            let before = match from {
                From::Before(id) => Some(id),
                _ => None,
            };
            let mut rows = customers::page(&mut c, partner_id, q, st, before, size + 1).await?;
            let older = rows.len() as i64 > size;
            rows.truncate(size as usize);
            Page {
                newer: before.and(rows.first().map(|r| r.customer_id)),
                older: older.then(|| rows.last().map(|r| r.customer_id)).flatten(),
                rows,
                total,
                first: 0,
            }
        }
    };
    if let Some(top) = page.rows.first() {
        page.first =
            customers::count_matching(&mut c, partner_id, q, st, Some(top.customer_id)).await? + 1;
    }
    Ok(page)
}

/// Every customer `f` matches, newest first, a thousand at a time into `each`; for the export,
/// which members who may not see personal data do not get.
pub async fn export(
    ctx: Ctx<'_>,
    actor: &Actor,
    f: Filter<'_>,
    mut each: impl FnMut(&[Customer]) -> anyhow::Result<()>,
) -> Result<()> {
    actor.require(Action::ExportCustomers)?;
    let partner_id = partner_of(actor)?;
    let mut c = ctx.db.acquire().await?;
    let mut before = None;
    loop {
        let rows = customers::page(&mut c, partner_id, f.query, f.state, before, 1000).await?;
        each(&rows)?;
        match rows.last() {
            Some(last) if rows.len() == 1000 => before = Some(last.customer_id),
            _ => return Ok(()),
        }
    }
}

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
    let newest = customers::page(&mut c, partner_id, "", None, None, recent).await?;
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
