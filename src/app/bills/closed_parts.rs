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
use crate::billing::plans::Plans;
use crate::billing::resale::Terms;
use crate::store::closed::{self, summaries};
use crate::store::{Db, customers, usage};

/// Customers per part: one statement of a thousand ids.
pub const PART: usize = 1_000;

pub struct ClosedParts {
    pub month: Month,
    pub partner_id: i64,
    pub overview: Totals,
    /// (service, project, cluster) with its totals, as `PartnerBill::by_service` and the lines
    /// of each service would sum them, by service, project and cluster.
    pub lines_by_service: Vec<(String, String, String, Totals)>,
    /// The customers' ids, biggest usage first then by id (`PartnerBill::by_customer`'s
    /// order): all that is held of each customer while the answer is written; a part reads its
    /// customers' names.
    pub order: Vec<i64>,
    /// The first organization id in that order that the caller's `accept` refused (`""` for a
    /// customer no longer there).
    pub refused_org_id: Option<String>,
    /// Customers per part: [`PART`] (a test makes several parts of a few customers).
    pub per_part: usize,
    /// The month's resale terms and plans, given to each part's bill (by [`Self::priced`]) for
    /// answers that say what each line costs the customer; none by default.
    terms: Arc<HashMap<i64, Terms>>,
    plans: Option<Arc<Plans>>,
}

pub use summaries::Order;

/// The partner's closed `month` in parts, its customers in the order `by`; `None` for a month that is not closed, or was closed
/// before its sums were stored (or has no usage), which is read whole. Each customer's
/// organization id is put to `accept` (an answer that cannot write one must know before its
/// first byte). Months outside the window are refused as [`super::partner_bill`] refuses them.
pub async fn closed_parts(
    ctx: Ctx<'_>,
    partner_id: i64,
    month: Month,
    by: Order,
    mut accept: impl FnMut(&str) -> bool,
) -> Result<Option<ClosedParts>> {
    if !month.in_window(Month::of(ctx.now.date_naive())) {
        return Err(super::out_of_window(month));
    }
    let mut c = ctx.db.acquire().await?;
    let m = month.to_string();
    if !usage::is_closed(&mut c, &m).await? {
        return Ok(None);
    }
    let mut order = Vec::new();
    let mut overview = Totals::default();
    let mut refused_org_id = None;
    summaries::in_order(&mut c, &m, partner_id, by, |id, org_id, totals| {
        order.push(id);
        overview = overview.plus(totals);
        let org_id = org_id.unwrap_or("");
        if refused_org_id.is_none() && !accept(org_id) {
            refused_org_id = Some(org_id.to_string());
        }
    })
    .await?;
    if order.is_empty() {
        return Ok(None);
    }
    let mut lines_by_service = closed::line_sums(&mut c, &m, partner_id).await?;
    lines_by_service.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    Ok(Some(ClosedParts {
        month,
        partner_id,
        overview,
        lines_by_service,
        order,
        refused_org_id,
        per_part: PART,
        terms: Arc::default(),
        plans: None,
    }))
}

impl ClosedParts {
    /// Parts whose bills carry the month's resale terms and plans, as closing priced them.
    pub async fn priced(mut self, db: &Db) -> Result<ClosedParts> {
        let mut c = db.acquire().await?;
        let (terms, plans) = super::closed_pricing(&mut c, self.month, self.partner_id).await?;
        self.terms = Arc::new(terms);
        self.plans = plans;
        Ok(self)
    }

    /// The month priced its customers with plans ([`Self::priced`] reads them).
    pub fn has_plans(&self) -> bool {
        self.plans.is_some()
    }

    /// The plans' monthly fees of the customers `order[from..from + per_part]`, as
    /// `PartnerBill::fees` gives them: (customer id, amount) for each whose plan has one.
    pub fn fees(&self, from: usize) -> Vec<(i64, i64)> {
        let Some(plans) = &self.plans else {
            return Vec::new();
        };
        self.slice(from)
            .iter()
            .map(|c| (*c, plans.of(*c).fee))
            .filter(|(_, fee)| *fee > 0)
            .collect()
    }

    /// Only this customer's part (none if the month has no line of it).
    pub fn only(mut self, customer_id: i64) -> ClosedParts {
        self.order.retain(|id| *id == customer_id);
        self
    }

    /// The organization ids and names of the customers `order[from..from + per_part]`.
    pub async fn names(&self, db: &Db, from: usize) -> Result<HashMap<i64, CustomerInfo>> {
        self.names_on(&mut db.acquire().await?, from).await
    }

    async fn names_on(
        &self,
        c: &mut impl crate::store::Conn,
        from: usize,
    ) -> Result<HashMap<i64, CustomerInfo>> {
        Ok(customers::names_of(c, self.slice(from))
            .await?
            .into_iter()
            .map(|(id, org_id, name)| (id, CustomerInfo { org_id, name }))
            .collect())
    }

    fn slice(&self, from: usize) -> &[i64] {
        let end = (from + self.per_part).min(self.order.len());
        &self.order[from.min(end)..end]
    }

    /// Where each part starts.
    pub fn starts(&self) -> impl Iterator<Item = usize> + use<> {
        (0..self.order.len()).step_by(self.per_part.max(1))
    }

    /// The bills of the customers `order[from..from + per_part]`, each its share of the
    /// partner's bill as `super::shares` makes them (their `customers` holds this part's).
    pub async fn part(&self, db: &Db, from: usize) -> Result<Vec<(i64, PartnerBill)>> {
        let ids = self.slice(from);
        // One connection for the part's names and lines.
        let mut c = db.acquire().await?;
        let customers = Arc::new(self.names_on(&mut c, from).await?);
        let m = self.month.to_string();
        let mut by: HashMap<i64, Vec<BillLine>> = HashMap::new();
        for l in closed::lines_of(&mut c, &m, self.partner_id, ids).await? {
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
                    terms: Arc::clone(&self.terms),
                    plans: self.plans.clone(),
                };
                (*id, share)
            })
            .collect())
    }
}
