//! A partner's bill of one month as the pages and APIs read it: its lines, totals, breakdowns,
//! customers' shares, and what its customers pay (a reseller's terms or an MSP's plans).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::billing::bill::{self, BillLine, CreditUse, Totals};
use crate::billing::month::Month;
use crate::billing::plans::Plans;
use crate::billing::resale::{Resale, Terms};

#[derive(Debug, Clone)]
pub struct CustomerInfo {
    pub org_id: String,
    pub name: String,
}

pub struct PartnerBill {
    pub month: Month,
    /// The running month: usage still arrives, the figures are an estimate.
    pub estimate: bool,
    pub lines: Vec<BillLine>,
    pub credit_uses: Vec<CreditUse>,
    /// What is left of each credit after this month.
    pub credits_left: HashMap<i64, i64>,
    /// Shared by the customers' shares of the bill.
    pub customers: Arc<HashMap<i64, CustomerInfo>>,
    /// A reseller's customers' agreement terms this month; customers without one pay list price.
    pub terms: Arc<HashMap<i64, Terms>>,
    /// An MSP's price plans, for a month that is not closed; `None` without plans (and, until
    /// closed months keep their customers' prices, for a closed month).
    pub plans: Option<Arc<Plans>>,
}

impl PartnerBill {
    pub fn overview(&self) -> Totals {
        Totals::of(&self.lines)
    }

    /// What the customers pay the partner for this bill, and its margin: by the reseller's
    /// offers, or the MSP's price plans.
    pub fn resale(&self) -> Resale {
        if self.plans.is_some() {
            return self
                .resale_by_customer()
                .values()
                .fold(Resale::default(), |a, r| Resale {
                    price: a.price + r.price,
                    margin: a.margin + r.margin,
                });
        }
        Resale::of(&self.lines, |c| self.terms_of(c))
    }

    /// [`PartnerBill::resale`] per customer.
    pub fn resale_by_customer(&self) -> HashMap<i64, Resale> {
        if let Some(plans) = &self.plans {
            return plans.price_by_customer(&self.lines);
        }
        let mut out: HashMap<i64, Resale> = HashMap::new();
        for l in &self.lines {
            let r = Resale::of([l], |c| self.terms_of(c));
            let e = out.entry(l.base.customer_id).or_default();
            e.price += r.price;
            e.margin += r.margin;
        }
        out
    }

    /// What a line costs its customer and the margin on it, by the MSP's plans or the
    /// reseller's terms (a plan's monthly fee is not in any line: [`PartnerBill::fees`]).
    pub fn line_price(&self, l: &BillLine) -> Resale {
        match &self.plans {
            Some(plans) => {
                let price = plans
                    .of(l.base.customer_id)
                    .line_price(&l.base.service, l.base.usage);
                Resale {
                    price,
                    margin: price - l.owed(),
                }
            }
            None => Resale::of([l], |c| self.terms_of(c)),
        }
    }

    /// The plans' monthly fees this bill charges: (customer id, amount), for each customer with
    /// lines whose plan has a fee, by customer id.
    pub fn fees(&self) -> Vec<(i64, i64)> {
        let Some(plans) = &self.plans else {
            return Vec::new();
        };
        let customers: std::collections::BTreeSet<i64> =
            self.lines.iter().map(|l| l.base.customer_id).collect();
        customers
            .into_iter()
            .map(|c| (c, plans.of(c).fee))
            .filter(|(_, fee)| *fee > 0)
            .collect()
    }

    pub fn terms_of(&self, customer_id: i64) -> Terms {
        self.terms
            .get(&customer_id)
            .copied()
            .unwrap_or(Terms::LIST_PRICE)
    }

    pub fn by_service(&self) -> BTreeMap<String, Totals> {
        bill::summarize(&self.lines, |l| l.base.service.to_string())
    }

    pub fn by_project(&self) -> BTreeMap<String, Totals> {
        bill::summarize(&self.lines, |l| l.base.project.to_string())
    }

    /// By cluster, each with its project: (project, cluster).
    pub fn by_cluster(&self) -> BTreeMap<(String, String), Totals> {
        bill::summarize(&self.lines, |l| {
            (l.base.project.to_string(), l.base.cluster.to_string())
        })
    }

    /// (customer id, totals), biggest usage first.
    pub fn by_customer(&self) -> Vec<(i64, Totals)> {
        let mut v: Vec<(i64, Totals)> = bill::summarize(&self.lines, |l| l.base.customer_id)
            .into_iter()
            .collect();
        v.sort_by(|a, b| b.1.usage.cmp(&a.1.usage).then(a.0.cmp(&b.0)));
        v
    }

    /// What is left of a credit of `granted` cents after this month.
    pub fn credit_left(&self, credit_id: i64, granted: i64) -> i64 {
        self.credits_left
            .get(&credit_id)
            .copied()
            .unwrap_or(granted)
    }

    /// One customer's share of the partner's bill: the same lines, so it adds up to the
    /// partner's summary for that customer.
    pub fn for_customer(&self, customer_id: i64) -> PartnerBill {
        self.share(
            self.lines
                .iter()
                .filter(|l| l.base.customer_id == customer_id)
                .cloned()
                .collect(),
        )
    }

    /// Every customer's share, in the order of [`PartnerBill::by_customer`].
    pub fn per_customer(&self) -> Vec<(i64, PartnerBill)> {
        shares(self).collect()
    }

    fn share(&self, lines: Vec<BillLine>) -> PartnerBill {
        PartnerBill {
            month: self.month,
            estimate: self.estimate,
            lines,
            credit_uses: Vec::new(),
            credits_left: HashMap::new(),
            customers: Arc::clone(&self.customers),
            terms: Arc::clone(&self.terms),
            plans: self.plans.clone(),
        }
    }
}

/// Every customer's share of `bill`, in the order of [`PartnerBill::by_customer`], each made
/// as it is read: an answer written as it goes never holds a second copy of a large bill.
/// `bill` may be owned (the iterator then lives on its own) or borrowed.
pub fn shares<B: std::borrow::Borrow<PartnerBill>>(
    bill: B,
) -> impl Iterator<Item = (i64, PartnerBill)> {
    let whole = bill.borrow();
    let order = whole.by_customer();
    // The lines' indices by customer (in line order within one), and each customer's range of
    // them: two flat arrays, where a vector per customer cost an allocation each.
    let line_of = |i: &u32| whole.lines.get(*i as usize).map(|l| l.base.customer_id);
    let mut by_customer: Vec<u32> = (0..whole.lines.len() as u32).collect();
    by_customer.sort_unstable_by_key(|i| (line_of(i), *i));
    let mut ranges: HashMap<i64, (usize, usize)> = HashMap::new();
    for (at, i) in by_customer.iter().enumerate() {
        if let Some(id) = line_of(i) {
            ranges.entry(id).or_insert((at, at)).1 = at + 1;
        }
    }
    order.into_iter().map(move |(id, _)| {
        let whole = bill.borrow();
        let (from, to) = ranges.get(&id).copied().unwrap_or_default();
        let own = by_customer[from..to]
            .iter()
            .filter_map(|i| whole.lines.get(*i as usize).cloned())
            .collect();
        (id, whole.share(own))
    })
}
