//! What a reseller's customer pays it, and the reseller's margin (issue 14). During an agreement
//! the resale authorization's wholesale discount is the customer's discount in the bill maths
//! (`bill::compute`, stacking with the partner's as any customer discount does); on top of that,
//! per base line:
//!
//! - customer price = half-even((usage − wholesale discount) × (10 000 + markup) / 10 000), once
//!   per line, where the wholesale discount is the authorization's rate on the line's usage;
//! - margin = customer price − what the reseller owes for the line (`BillLine::owed`).

use super::bill::{BillLine, rate_of};

/// An agreement's terms: the wholesale discount and the reseller's markup, in basis points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    pub wholesale_bps: i64,
    pub markup_bps: i64,
}

impl Terms {
    /// A line of a customer under no agreement that month: billed at list price, and passed on
    /// at list price.
    pub const LIST_PRICE: Terms = Terms {
        wholesale_bps: 0,
        markup_bps: 0,
    };
}

/// What a partner's customers pay it for some lines, and the partner's margin on them: a
/// reseller's by its offers' terms, an MSP's by its price plans (`billing::plans`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resale {
    pub price: i64,
    pub margin: i64,
}

impl Resale {
    /// The sum over `lines`, each priced once with its customer's terms.
    pub fn of<'a>(
        lines: impl IntoIterator<Item = &'a BillLine>,
        terms_of: impl Fn(i64) -> Terms,
    ) -> Resale {
        lines.into_iter().fold(Resale::default(), |acc, l| {
            let t = terms_of(l.base.customer_id);
            Resale {
                price: acc.price + customer_price(l.base.usage, t),
                margin: acc.margin + margin(l, t),
            }
        })
    }
}

/// The wholesale discount on `usage`: the authorization's rate, rounded half-even once.
pub fn wholesale_discount(usage: i64, terms: Terms) -> i64 {
    rate_of(usage, terms.wholesale_bps)
}

/// What the customer pays the reseller for a line of `usage`.
pub fn customer_price(usage: i64, terms: Terms) -> i64 {
    rate_of(
        usage - wholesale_discount(usage, terms),
        10_000 + terms.markup_bps,
    )
}

/// The reseller's margin on `line`: what its customer pays less what the reseller owes.
pub fn margin(line: &BillLine, terms: Terms) -> i64 {
    customer_price(line.base.usage, terms) - line.owed()
}

/// How a customer price is made up from `list` (usage at list price) under `terms`, for a
/// page to show before an offer is made: the same maths as a bill line's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceSteps {
    pub list: i64,
    pub wholesale_discount: i64,
    /// What the reseller pays the vendor: list less the wholesale discount.
    pub reseller_pays: i64,
    pub markup: i64,
    pub customer_price: i64,
    /// The margin as a share of the customer price, in basis points (rounded half-even).
    pub margin_bps: i64,
}

impl PriceSteps {
    pub fn of(list: i64, terms: Terms) -> PriceSteps {
        let wholesale_discount = wholesale_discount(list, terms);
        let reseller_pays = list - wholesale_discount;
        let customer_price = customer_price(list, terms);
        let markup = customer_price - reseller_pays;
        let margin_bps = if customer_price > 0 {
            let n = markup as i128 * 10_000;
            let d = customer_price as i128;
            let (q, r) = (n / d, n % d);
            (q + (r * 2 > d || (r * 2 == d && q % 2 != 0)) as i128) as i64
        } else {
            0
        };
        PriceSteps {
            list,
            wholesale_discount,
            reseller_pays,
            markup,
            customer_price,
            margin_bps,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::bill::{BaseLine, Discount, DiscountKind, Scope, compute};

    #[test]
    fn a_price_is_list_less_wholesale_plus_markup() {
        let t = Terms {
            wholesale_bps: 2_000,
            markup_bps: 1_500,
        };
        let s = PriceSteps::of(10_000, t);
        assert_eq!(
            (
                s.wholesale_discount,
                s.reseller_pays,
                s.markup,
                s.customer_price
            ),
            (2_000, 8_000, 1_200, 9_200)
        );
        // 12.00 of 92.00 is 13.04 %.
        assert_eq!(s.margin_bps, 1_304);
        assert_eq!(PriceSteps::of(10_000, Terms::LIST_PRICE).margin_bps, 0);
    }

    use crate::billing::generated::Gen;

    #[test]
    fn a_line_priced_to_the_cent() {
        let terms = Terms {
            wholesale_bps: 2_000,
            markup_bps: 1_250,
        };
        // 100.00 less 20 % is 80.00; marked up 12.5 % is 90.00.
        assert_eq!(customer_price(10_000, terms), 9_000);
        // 0.05 less 20 % is 0.04; marked up 12.5 % is 0.045, half-even to 0.04.
        assert_eq!(customer_price(5, terms), 4);
        let no_markup = Terms {
            markup_bps: 0,
            ..terms
        };
        assert_eq!(
            customer_price(12_345, no_markup),
            12_345 - rate_of(12_345, 2_000)
        );
    }

    #[test]
    fn on_generated_months_the_margin_is_the_markup_when_only_the_wholesale_discount_applies() {
        for seed in 1..200u64 {
            let mut g = Gen(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let terms = Terms {
                wholesale_bps: g.below(5_000),
                markup_bps: g.below(10_001),
            };
            let base: Vec<BaseLine> = (0..1 + g.below(30))
                .map(|i| BaseLine {
                    customer_id: 1,
                    service: format!("s{}", g.below(4)).into(),
                    project: "p".into(),
                    cluster: format!("c{i}").into(),
                    usage: g.below(500_000),
                })
                .collect();
            let (lines, _) = compute(base, &[wholesale_of(terms)], &[]);
            for l in &lines {
                let price = customer_price(l.base.usage, terms);
                assert_eq!(
                    l.owed(),
                    l.base.usage - wholesale_discount(l.base.usage, terms)
                );
                assert_eq!(margin(l, terms), price - l.owed(), "seed {seed}");
                assert_eq!(price, rate_of(l.owed(), 10_000 + terms.markup_bps));
                assert!(margin(l, terms) >= 0, "seed {seed}: {l:?}");
            }
            // A partner discount on top lowers what the reseller owes, so the margin grows.
            let partner = Discount {
                id: 2,
                scope: Scope::Partner,
                service: None,
                kind: DiscountKind::Rate(500),
            };
            let (more, _) = compute(
                lines.iter().map(|l| l.base.clone()).collect(),
                &[wholesale_of(terms), partner],
                &[],
            );
            for (a, b) in lines.iter().zip(&more) {
                assert!(margin(b, terms) >= margin(a, terms), "seed {seed}");
            }
        }
    }

    #[test]
    fn a_bill_sums_its_lines_priced_each_with_its_customer_terms() {
        let terms = Terms {
            wholesale_bps: 2_000,
            markup_bps: 1_000,
        };
        let line = |customer_id, usage| BillLine {
            base: BaseLine {
                customer_id,
                service: "s".into(),
                project: "p".into(),
                cluster: "c".into(),
                usage,
            },
            discounts: if customer_id == 1 { usage / 5 } else { 0 },
            credits: 0,
        };
        let lines = [line(1, 10_000), line(1, 5_000), line(2, 3_000)];
        let r = Resale::of(&lines, |c| if c == 1 { terms } else { Terms::LIST_PRICE });
        // 150.00 less 20 % marked up 10 % is 132.00; the other at list price 30.00.
        assert_eq!(r.price, 8_800 + 4_400 + 3_000);
        assert_eq!(r.margin, (8_800 - 8_000) + (4_400 - 4_000));
    }

    fn wholesale_of(terms: Terms) -> Discount {
        Discount {
            id: 1,
            scope: Scope::Customer(1),
            service: None,
            kind: DiscountKind::Rate(terms.wholesale_bps),
        }
    }
}
