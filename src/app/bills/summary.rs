//! A partner's month in sums, as the Billing page shows it: the totals, each service's and each
//! customer's, with what the customers pay. A closed month's are read as stored at closing; the
//! running month's (and a month closed before they were stored) are summed from its bill.

use super::{CustomerInfo, PartnerBill, partner_bill};
use crate::app::Ctx;
use crate::app::error::Result;
use crate::billing::bill::Totals;
use crate::billing::month::Month;
use crate::billing::resale::Resale;
use crate::store::closed::{self, summaries};
use crate::store::usage;

pub struct CustomerSum {
    pub customer_id: i64,
    /// `None` for a customer no longer there.
    pub info: Option<CustomerInfo>,
    pub totals: Totals,
    /// What the customer pays the partner and the partner's margin, by the reseller's terms or
    /// the MSP's plans (shown only where the partner prices its customers).
    pub resale: Resale,
}

pub struct BillSummary {
    pub month: Month,
    pub estimate: bool,
    pub overview: Totals,
    /// By service name.
    pub services: Vec<(String, Totals)>,
    /// Biggest usage first, then by customer id.
    pub customers: Vec<CustomerSum>,
    pub resale: Resale,
    /// The MSP priced its customers with plans this month.
    pub plans: bool,
}

impl BillSummary {
    /// Sums a computed bill.
    pub fn of(bill: &PartnerBill) -> BillSummary {
        let resale = bill.resale_by_customer();
        let customers = bill
            .by_customer()
            .into_iter()
            .map(|(id, totals)| CustomerSum {
                customer_id: id,
                info: bill.customers.get(&id).cloned(),
                totals,
                resale: resale.get(&id).copied().unwrap_or_default(),
            })
            .collect();
        BillSummary {
            month: bill.month,
            estimate: bill.estimate,
            overview: bill.overview(),
            services: bill.by_service().into_iter().collect(),
            customers,
            resale: bill.resale(),
            plans: bill.plans.is_some(),
        }
    }

    /// Each customer's (id, totals, resale), as closing stores them.
    pub fn customer_rows(&self) -> Vec<(i64, Totals, Resale)> {
        self.customers
            .iter()
            .map(|c| (c.customer_id, c.totals, c.resale))
            .collect()
    }
}

/// The partner's month in sums; months outside the window are refused as
/// [`partner_bill`] refuses them.
pub async fn summary(ctx: Ctx<'_>, partner_id: i64, month: Month) -> Result<BillSummary> {
    let current = Month::of(ctx.now.date_naive());
    if !month.in_window(current) {
        return Err(super::out_of_window(month));
    }
    if let Some(s) = stored(ctx, partner_id, month).await? {
        return Ok(s);
    }
    Ok(BillSummary::of(
        &partner_bill(ctx, partner_id, month).await?,
    ))
}

/// A closed month's sums as stored at closing; `None` for a month that is not closed, or was
/// closed before sums were stored, or has no usage (summed from its lines: none).
async fn stored(ctx: Ctx<'_>, partner_id: i64, month: Month) -> Result<Option<BillSummary>> {
    let mut c = ctx.db.acquire().await?;
    let m = month.to_string();
    if !usage::is_closed(&mut c, &m).await? {
        return Ok(None);
    }
    let rows = summaries::customers(&mut c, &m, partner_id).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut services = summaries::services(&mut c, &m, partner_id).await?;
    services.sort_by(|a, b| a.0.cmp(&b.0));
    let customers: Vec<CustomerSum> = rows
        .into_iter()
        .map(|r| CustomerSum {
            customer_id: r.customer_id,
            info: r
                .org_id
                .zip(r.name)
                .map(|(org_id, name)| CustomerInfo { org_id, name }),
            totals: r.totals,
            resale: r.resale,
        })
        .collect();
    let overview = customers
        .iter()
        .fold(Totals::default(), |a, s| a.plus(s.totals));
    let resale = customers.iter().fold(Resale::default(), |a, s| Resale {
        price: a.price + s.resale.price,
        margin: a.margin + s.resale.margin,
    });
    Ok(Some(BillSummary {
        month,
        estimate: false,
        overview,
        services,
        customers,
        resale,
        plans: closed::has_plans(&mut c, &m, partner_id).await?,
    }))
}
