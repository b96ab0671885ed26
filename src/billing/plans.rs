//! What an MSP's customers pay it (issue 24): the partner's price plans. A plan marks the
//! vendor's list usage up (or down) by a rate, optionally another rate per service, and may add
//! a fixed monthly fee. As everywhere in billing: integer cents, each base line priced once,
//! half-even.
//!
//! - line price = half-even(usage × (10 000 + markup) / 10 000), the markup being the line's
//!   service's own if the plan has one, else the plan's;
//! - a month's price = the sum of its line prices, plus the fee when it is charged;
//! - margin = the month's price − what the partner owes the vendor for the customer.

use std::collections::{BTreeMap, HashMap};

use super::bill::{BillLine, rate_of};
use super::resale::Resale;

/// The markups a plan may have, in basis points: from half off to double the list price.
pub const MIN_MARKUP_BPS: i64 = -5_000;
pub const MAX_MARKUP_BPS: i64 = 10_000;

/// A plan's terms, as the maths needs them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanTerms {
    pub markup_bps: i64,
    /// Markups of some services, which replace the plan's for their lines.
    pub service_markups: BTreeMap<String, i64>,
    /// A fixed amount a month, in cents.
    pub fee: i64,
}

impl PlanTerms {
    /// The markup of a line of `service`.
    pub fn markup_of(&self, service: &str) -> i64 {
        self.service_markups
            .get(service)
            .copied()
            .unwrap_or(self.markup_bps)
    }

    /// What the customer pays for a base line of `usage` cents of `service`.
    pub fn line_price(&self, service: &str, usage: i64) -> i64 {
        rate_of(usage, 10_000 + self.markup_of(service))
    }

    /// What the customer pays for a month of `lines` (service, usage), with the fee when
    /// `fee_charged`.
    pub fn month_price<'a>(
        &self,
        lines: impl IntoIterator<Item = (&'a str, i64)>,
        fee_charged: bool,
    ) -> MonthPrice {
        let usage_price = lines
            .into_iter()
            .map(|(service, usage)| self.line_price(service, usage))
            .sum();
        let fee = if fee_charged { self.fee } else { 0 };
        MonthPrice {
            usage_price,
            fee,
            total: usage_price + fee,
        }
    }
}

/// A customer's price for a month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthPrice {
    /// The lines' prices added up.
    pub usage_price: i64,
    pub fee: i64,
    pub total: i64,
}

impl MonthPrice {
    /// The partner's margin on the month: the price less what it owes the vendor for it.
    pub fn margin(&self, owed: i64) -> i64 {
        self.total - owed
    }
}

/// An MSP's plans as its bill prices its customers: each customer's own plan, else the
/// default; a customer with neither pays list price.
#[derive(Debug, Clone, Default)]
pub struct Plans {
    pub default: Option<PlanTerms>,
    pub own: HashMap<i64, PlanTerms>,
}

impl Plans {
    pub fn of(&self, customer_id: i64) -> PlanTerms {
        self.own
            .get(&customer_id)
            .or(self.default.as_ref())
            .cloned()
            .unwrap_or_default()
    }

    /// What each customer with lines in `lines` pays for them (its plan's fee included: a
    /// customer is charged the fee for a month it has usage in) and the partner's margin.
    pub fn price_by_customer(&self, lines: &[BillLine]) -> HashMap<i64, Resale> {
        let mut by: HashMap<i64, Vec<&BillLine>> = HashMap::new();
        for l in lines {
            by.entry(l.base.customer_id).or_default().push(l);
        }
        by.into_iter()
            .map(|(customer_id, lines)| {
                let plan = self.of(customer_id);
                let price =
                    plan.month_price(lines.iter().map(|l| (&*l.base.service, l.base.usage)), true);
                let owed: i64 = lines.iter().map(|l| l.owed()).sum();
                let priced = Resale {
                    price: price.total,
                    margin: price.margin(owed),
                };
                (customer_id, priced)
            })
            .collect()
    }
}

/// A markup as people write it ("15", "-5", "12.5 %"), in basis points within the bounds;
/// `None` for anything else.
pub fn parse_markup(text: &str) -> Option<i64> {
    let t = text.trim().trim_end_matches('%').trim();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let bps = super::grants::parse_percent(digits)?;
    let bps = if negative { -bps } else { bps };
    (MIN_MARKUP_BPS..=MAX_MARKUP_BPS)
        .contains(&bps)
        .then_some(bps)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::billing::generated::Gen;

    #[test]
    fn a_line_is_priced_once_half_even_with_its_services_markup() {
        let mut plan = PlanTerms {
            markup_bps: 1_500,
            ..Default::default()
        };
        plan.service_markups.insert("Backup Storage".into(), -500);
        assert_eq!(plan.line_price("TiDB Dedicated", 10_000), 11_500);
        assert_eq!(plan.line_price("Backup Storage", 10_000), 9_500);
        // 0.5 cent rounds to even: 1 × 1.15 = 1.15 → 1; 10 × 1.15 = 11.5 → 12; 30 × 1.15 = 34.5 → 34.
        assert_eq!(plan.line_price("TiDB Dedicated", 1), 1);
        assert_eq!(plan.line_price("TiDB Dedicated", 10), 12);
        assert_eq!(plan.line_price("TiDB Dedicated", 30), 34);
        // Half off at the lowest markup, double at the highest.
        let low = PlanTerms {
            markup_bps: MIN_MARKUP_BPS,
            ..Default::default()
        };
        assert_eq!(low.line_price("x", 10_001), 5_000);
        let high = PlanTerms {
            markup_bps: MAX_MARKUP_BPS,
            ..Default::default()
        };
        assert_eq!(high.line_price("x", 10_001), 20_002);
    }

    #[test]
    fn generated_months_add_up_to_the_cent() {
        let mut g = Gen(0x9e37_79b9_7f4a_7c15);
        let services = ["TiDB Dedicated", "Backup Storage", "Data Transfer"];
        for _ in 0..2_000 {
            let mut plan = PlanTerms {
                markup_bps: MIN_MARKUP_BPS + g.below(15_001),
                fee: g.below(3) * 25_000,
                ..Default::default()
            };
            if g.below(2) == 0 {
                plan.service_markups
                    .insert(services[g.below(3) as usize].into(), g.below(10_001));
            }
            let lines: Vec<(&str, i64)> = (0..g.below(12))
                .map(|_| (services[g.below(3) as usize], g.below(5_000_000)))
                .collect();
            let charged = g.below(2) == 0;
            let price = plan.month_price(lines.iter().copied(), charged);
            let by_line: i64 = lines.iter().map(|(s, u)| plan.line_price(s, *u)).sum();
            assert_eq!(price.usage_price, by_line);
            assert_eq!(price.total, by_line + if charged { plan.fee } else { 0 });
            // Each line is within half a cent of its exact price.
            for (s, u) in &lines {
                let exact = *u as i128 * (10_000 + plan.markup_of(s)) as i128;
                let priced = plan.line_price(s, *u) as i128 * 10_000;
                assert!((exact - priced).abs() <= 5_000, "{s} {u}");
            }
            let owed = g.below(5_000_000);
            assert_eq!(price.margin(owed) + owed, price.total);
        }
    }

    #[test]
    fn each_customer_pays_its_own_plan_or_the_default_with_the_fee_once() {
        use crate::billing::bill::{BaseLine, compute};
        let line = |customer_id, service: &str, usage| BaseLine {
            customer_id,
            service: service.into(),
            project: "".into(),
            cluster: "".into(),
            usage,
        };
        let (lines, _) = compute(
            vec![
                line(1, "TiDB Dedicated", 10_000),
                line(1, "Backup Storage", 1_000),
                line(2, "TiDB Dedicated", 10_000),
            ],
            &[],
            &[],
        );
        let mut plans = Plans {
            default: Some(PlanTerms {
                markup_bps: 1_500,
                ..Default::default()
            }),
            ..Default::default()
        };
        plans.own.insert(
            2,
            PlanTerms {
                markup_bps: -500,
                fee: 50_000,
                ..Default::default()
            },
        );
        let priced = plans.price_by_customer(&lines);
        assert_eq!(priced[&1].price, 11_500 + 1_150);
        assert_eq!(priced[&1].margin, 11_500 + 1_150 - 11_000);
        assert_eq!(priced[&2].price, 9_500 + 50_000, "the fee once");
        assert_eq!(priced[&2].margin, 9_500 + 50_000 - 10_000);
        let none = Plans::default().price_by_customer(&lines);
        assert_eq!(none[&1].margin, 0, "no plan: list price");
    }

    #[test]
    fn markups_are_read_as_people_write_them_within_the_bounds() {
        assert_eq!(parse_markup("15"), Some(1_500));
        assert_eq!(parse_markup("12.5 %"), Some(1_250));
        assert_eq!(parse_markup("-5"), Some(-500));
        assert_eq!(parse_markup("+0"), Some(0));
        assert_eq!(parse_markup("-50"), Some(-5_000));
        assert_eq!(parse_markup("100"), Some(10_000));
        assert_eq!(parse_markup("-50.01"), None);
        assert_eq!(parse_markup("100.01"), None);
        assert_eq!(parse_markup("ten"), None);
        assert_eq!(parse_markup(""), None);
        assert_eq!(parse_markup("1.234"), None);
    }
}
