//! A closed month's bill read a thousand customers at a time, for answers that embed every
//! customer's bill (the MSP API's monthly bill): what is held is the month's sums and one part's
//! lines, never every line of 100 000 customers at once.

use std::collections::HashMap;
use std::sync::Arc;

use super::{CustomerInfo, PartnerBill};
use crate::app::Ctx;
use crate::app::error::Result;
use crate::billing::bill::{BillLine, Totals};
use crate::billing::month::Month;
use crate::store::closed::{self, summaries};
use crate::store::{Db, usage};

/// Customers per part: one statement of a thousand ids.
pub const PART: usize = 1_000;

pub struct ClosedParts {
    pub month: Month,
    pub partner_id: i64,
    pub overview: Totals,
    /// (service, project, cluster) with its totals, as `PartnerBill::by_service` and the lines
    /// of each service would sum them, by service, project and cluster.
    pub lines_by_service: Vec<(String, String, String, Totals)>,
    /// The customers, biggest usage first then by id (`PartnerBill::by_customer`'s order),
    /// each with its organization id and name (`None`: a customer no longer there).
    pub order: Vec<(i64, Option<CustomerInfo>)>,
    /// Customers per part: [`PART`] (a test makes several parts of a few customers).
    pub per_part: usize,
}

/// The partner's closed `month` in parts; `None` for a month that is not closed, or was closed
/// before its sums were stored (or has no usage), which is read whole. Months outside the
/// window are refused as [`super::partner_bill`] refuses them.
pub async fn closed_parts(
    ctx: Ctx<'_>,
    partner_id: i64,
    month: Month,
) -> Result<Option<ClosedParts>> {
    if !month.in_window(Month::of(ctx.now.date_naive())) {
        return Err(super::out_of_window(month));
    }
    let mut c = ctx.db.acquire().await?;
    let m = month.to_string();
    if !usage::is_closed(&mut c, &m).await? {
        return Ok(None);
    }
    let mut rows = summaries::customers(&mut c, &m, partner_id).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    rows.sort_by(|a, b| {
        b.totals
            .usage
            .cmp(&a.totals.usage)
            .then(a.customer_id.cmp(&b.customer_id))
    });
    let overview = rows.iter().fold(Totals::default(), |a, r| a.plus(r.totals));
    let order = rows
        .into_iter()
        .map(|r| {
            let info = r
                .org_id
                .zip(r.name)
                .map(|(org_id, name)| CustomerInfo { org_id, name });
            (r.customer_id, info)
        })
        .collect();
    let mut lines_by_service = closed::line_sums(&mut c, &m, partner_id).await?;
    lines_by_service.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    Ok(Some(ClosedParts {
        month,
        partner_id,
        overview,
        lines_by_service,
        order,
        per_part: PART,
    }))
}

impl ClosedParts {
    /// The bills of the customers `order[from..from + per_part]`, each its share of the
    /// partner's bill as `super::shares` makes them (their `customers` holds this part's).
    pub async fn part(&self, db: &Db, from: usize) -> Result<Vec<(i64, PartnerBill)>> {
        let end = (from + self.per_part).min(self.order.len());
        let part = &self.order[from.min(end)..end];
        let ids: Vec<i64> = part.iter().map(|(id, _)| *id).collect();
        let customers: Arc<HashMap<i64, CustomerInfo>> = Arc::new(
            part.iter()
                .filter_map(|(id, info)| Some((*id, info.clone()?)))
                .collect(),
        );
        let mut c = db.acquire().await?;
        let m = self.month.to_string();
        let mut by: HashMap<i64, Vec<BillLine>> = HashMap::new();
        for l in closed::lines_of(&mut c, &m, self.partner_id, &ids).await? {
            by.entry(l.base.customer_id).or_default().push(l);
        }
        Ok(ids
            .iter()
            .map(|id| {
                let share = PartnerBill {
                    month: self.month,
                    estimate: false,
                    lines: by.remove(id).unwrap_or_default(),
                    credit_uses: Vec::new(),
                    credits_left: HashMap::new(),
                    customers: Arc::clone(&customers),
                    terms: Arc::new(HashMap::new()),
                    plans: None,
                };
                (*id, share)
            })
            .collect())
    }
}
