//! The bill of one month (SPEC section 4): base lines (one per customer, service, project and
//! cluster), then percentage discounts, then fixed-amount discounts, then credits.
//!
//! - Percentage rates are basis points. A customer's and its partner's rates for the same line
//!   add, capped at 100 %, and are applied to each line, rounding half-even once per line.
//! - Fixed amounts and credits are spread over the lines they cover in proportion to what is
//!   left on each line, by largest remainder, so no cent appears or disappears.
//! - Credits are used oldest expiry first and never take a line below zero.
//!
//! Every summary is a sum of lines, so summaries add up to the overview exactly.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// One customer's usage total for a month on one service, project and cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseLine {
    pub customer_id: i64,
    pub service: String,
    pub project: String,
    pub cluster: String,
    /// What was consumed, before anything is taken off.
    pub usage: i64,
}

/// Who a discount or credit belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Partner,
    Customer(i64),
}

impl Scope {
    fn covers(self, line: &BaseLine) -> bool {
        match self {
            Scope::Partner => true,
            Scope::Customer(id) => id == line.customer_id,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountKind {
    /// Basis points: 1 000 is 10 %.
    Rate(i64),
    /// A fixed amount in cents for the month.
    Fixed(i64),
}

/// A discount that applies to the month being billed (the caller filters by period).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discount {
    pub id: i64,
    pub scope: Scope,
    /// Only this service, or every service.
    pub service: Option<String>,
    pub kind: DiscountKind,
}

impl Discount {
    fn covers(&self, line: &BaseLine) -> bool {
        self.scope.covers(line) && self.service.as_ref().is_none_or(|s| *s == line.service)
    }
}

/// A credit usable in the month, with what is left of it at the month's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub id: i64,
    pub scope: Scope,
    pub remaining: i64,
    pub expires_on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditUse {
    pub credit_id: i64,
    pub used: i64,
}

/// A base line with what discounts and credits took off it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    pub base: BaseLine,
    pub discounts: i64,
    pub credits: i64,
}

impl BillLine {
    /// What is owed for the line: usage less discounts and credits.
    pub fn owed(&self) -> i64 {
        self.base.usage - self.discounts - self.credits
    }

    fn left(&self) -> i64 {
        self.owed()
    }
}

/// The four amounts of every bill level. Named so that none can be taken for another: the
/// public API calls `usage` `runningTotal` and `owed` `totalCost`, and only its answer types
/// use those names (`api::bills`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Consumed in the month, before anything is taken off.
    pub usage: i64,
    pub discounts: i64,
    pub credits: i64,
    /// `usage - discounts - credits`: the amount due.
    pub owed: i64,
}

impl Totals {
    pub fn add(&mut self, l: &BillLine) {
        self.usage += l.base.usage;
        self.discounts += l.discounts;
        self.credits += l.credits;
        self.owed += l.owed();
    }

    pub fn plus(mut self, o: Totals) -> Totals {
        self.usage += o.usage;
        self.discounts += o.discounts;
        self.credits += o.credits;
        self.owed += o.owed;
        self
    }

    pub fn of<'a>(lines: impl IntoIterator<Item = &'a BillLine>) -> Totals {
        let mut t = Totals::default();
        for l in lines {
            t.add(l);
        }
        t
    }
}

/// Totals per key (service, project, customer...), each a sum of whole lines.
pub fn summarize<K: Ord>(lines: &[BillLine], key: impl Fn(&BillLine) -> K) -> BTreeMap<K, Totals> {
    let mut out: BTreeMap<K, Totals> = BTreeMap::new();
    for l in lines {
        out.entry(key(l)).or_default().add(l);
    }
    out
}

/// Computes the month: discounts (rates, then fixed amounts), then credits oldest expiry first.
/// Returns the lines and how much of each credit was used.
pub fn compute(
    base: Vec<BaseLine>,
    discounts: &[Discount],
    credits: &[Credit],
) -> (Vec<BillLine>, Vec<CreditUse>) {
    let mut lines: Vec<BillLine> = base
        .into_iter()
        .map(|base| BillLine {
            base,
            discounts: 0,
            credits: 0,
        })
        .collect();

    for l in &mut lines {
        let bps: i64 = discounts
            .iter()
            .filter(|d| d.covers(&l.base))
            .filter_map(|d| match d.kind {
                DiscountKind::Rate(bps) => Some(bps.max(0)),
                DiscountKind::Fixed(_) => None,
            })
            .sum::<i64>()
            .min(10_000);
        l.discounts = rate_of(l.base.usage, bps);
    }

    let mut fixed: Vec<&Discount> = discounts
        .iter()
        .filter(|d| matches!(d.kind, DiscountKind::Fixed(_)))
        .collect();
    fixed.sort_by_key(|d| d.id);
    for d in fixed {
        let DiscountKind::Fixed(amount) = d.kind else {
            continue;
        };
        let spread = spread(&lines, amount.max(0), |l| d.covers(&l.base));
        for (l, share) in lines.iter_mut().zip(spread) {
            l.discounts += share;
        }
    }

    let mut ordered: Vec<&Credit> = credits.iter().collect();
    ordered.sort_by_key(|c| (c.expires_on, c.id));
    let mut uses = Vec::new();
    for c in ordered {
        let spread = spread(&lines, c.remaining.max(0), |l| c.scope.covers(&l.base));
        let used: i64 = spread.iter().sum();
        for (l, share) in lines.iter_mut().zip(spread) {
            l.credits += share;
        }
        uses.push(CreditUse {
            credit_id: c.id,
            used,
        });
    }
    (lines, uses)
}

/// `amount` × `bps` / 10 000, rounded half to even.
pub fn rate_of(amount: i64, bps: i64) -> i64 {
    let n = amount as i128 * bps as i128;
    let (q, r) = (n.div_euclid(10_000), n.rem_euclid(10_000));
    let up = r * 2 > 10_000 || (r * 2 == 10_000 && q % 2 != 0);
    (q + up as i128) as i64
}

/// Spreads up to `amount` over the lines `covered` selects, in proportion to what is left on
/// each, by largest remainder. Never more than is left on a line, so the total spread is
/// `min(amount, left on covered lines)`.
fn spread(lines: &[BillLine], amount: i64, covered: impl Fn(&BillLine) -> bool) -> Vec<i64> {
    let weights: Vec<i64> = lines
        .iter()
        .map(|l| if covered(l) { l.left().max(0) } else { 0 })
        .collect();
    let total: i64 = weights.iter().sum();
    largest_remainder(amount.min(total), &weights)
}

/// Splits `amount` (≤ the sum of `weights`) in proportion to `weights`: each share is rounded
/// down, and the cents left go one each to the largest remainders (ties to the first line).
pub fn largest_remainder(amount: i64, weights: &[i64]) -> Vec<i64> {
    let total: i128 = weights.iter().map(|w| *w as i128).sum();
    if amount <= 0 || total == 0 {
        return vec![0; weights.len()];
    }
    let mut shares = Vec::with_capacity(weights.len());
    let mut rems = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let n = amount as i128 * *w as i128;
        shares.push((n / total) as i64);
        rems.push((n % total, i));
    }
    let mut left = amount - shares.iter().sum::<i64>();
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rems {
        if left == 0 {
            break;
        }
        shares[i] += 1;
        left -= 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(customer: i64, service: &str, project: &str, cost: i64) -> BaseLine {
        BaseLine {
            customer_id: customer,
            service: service.into(),
            project: project.into(),
            cluster: "c1".into(),
            usage: cost,
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A small deterministic generator: the same cases on every run and machine.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> i64 {
            (self.next() % n) as i64
        }
    }

    #[test]
    fn rates_round_half_even_once_per_line() {
        assert_eq!(rate_of(5, 1000), 0); // 0.5 cent → 0 (even)
        assert_eq!(rate_of(15, 1000), 2); // 1.5 → 2
        assert_eq!(rate_of(25, 1000), 2); // 2.5 → 2
        assert_eq!(rate_of(26, 1000), 3);
        assert_eq!(rate_of(12345, 10_000), 12345);
        let (lines, _) = compute(
            vec![
                line(1, "TiDB Dedicated", "p", 15),
                line(1, "TiDB Dedicated", "p2", 15),
            ],
            &[Discount {
                id: 1,
                scope: Scope::Partner,
                service: None,
                kind: DiscountKind::Rate(1000),
            }],
            &[],
        );
        // Per line, not on the sum: 2 + 2, not round(3.0) = 3.
        assert_eq!(lines.iter().map(|l| l.discounts).sum::<i64>(), 4);
    }

    #[test]
    fn customer_and_partner_rates_add_and_are_capped() {
        let discounts = [
            Discount {
                id: 1,
                scope: Scope::Partner,
                service: None,
                kind: DiscountKind::Rate(6000),
            },
            Discount {
                id: 2,
                scope: Scope::Customer(7),
                service: Some("Backup Storage".into()),
                kind: DiscountKind::Rate(5000),
            },
        ];
        let (lines, _) = compute(
            vec![
                line(7, "Backup Storage", "p", 1000),
                line(7, "TiDB Starter", "p", 1000),
                line(8, "Backup Storage", "p", 1000),
            ],
            &discounts,
            &[],
        );
        assert_eq!(lines[0].discounts, 1000, "60 % + 50 % is capped at 100 %");
        assert_eq!(
            lines[1].discounts, 600,
            "the customer's rate is for one service only"
        );
        assert_eq!(
            lines[2].discounts, 600,
            "another customer gets only the partner's rate"
        );
    }

    #[test]
    fn a_fixed_amount_is_spread_to_the_cent() {
        let lines = vec![
            line(1, "a", "p", 333),
            line(2, "a", "p", 333),
            line(3, "a", "p", 334),
        ];
        let (out, _) = compute(
            lines,
            &[Discount {
                id: 1,
                scope: Scope::Partner,
                service: None,
                kind: DiscountKind::Fixed(100),
            }],
            &[],
        );
        assert_eq!(
            out.iter().map(|l| l.discounts).collect::<Vec<_>>(),
            vec![33, 33, 34]
        );
        // More than there is: capped at the lines' total, never negative.
        let (out, _) = compute(
            vec![line(1, "a", "p", 50)],
            &[Discount {
                id: 1,
                scope: Scope::Partner,
                service: None,
                kind: DiscountKind::Fixed(500),
            }],
            &[],
        );
        assert_eq!(out[0].discounts, 50);
        assert_eq!(out[0].owed(), 0);
    }

    #[test]
    fn credits_go_oldest_expiry_first_and_run_out() {
        let lines = vec![line(1, "a", "p", 2000), line(1, "b", "p", 500)];
        let credits = [
            Credit {
                id: 1,
                scope: Scope::Partner,
                remaining: 10_000,
                expires_on: day("2027-12-31"),
            },
            Credit {
                id: 2,
                scope: Scope::Partner,
                remaining: 1000,
                expires_on: day("2026-12-31"),
            },
        ];
        let (out, uses) = compute(lines, &[], &credits);
        assert_eq!(
            uses,
            vec![
                CreditUse {
                    credit_id: 2,
                    used: 1000
                },
                CreditUse {
                    credit_id: 1,
                    used: 1500
                }
            ]
        );
        assert!(out.iter().all(|l| l.owed() == 0));
        // A credit that runs out mid-month covers what it has and the rest is billed.
        let (out, uses) = compute(
            vec![line(1, "a", "p", 2500)],
            &[],
            &[Credit {
                id: 3,
                scope: Scope::Customer(1),
                remaining: 1000,
                expires_on: day("2027-01-31"),
            }],
        );
        assert_eq!(uses[0].used, 1000);
        assert_eq!(out[0].owed(), 1500);
    }

    #[test]
    fn generated_bills_add_up_to_the_cent() {
        let services = [
            "TiDB Dedicated",
            "TiDB Starter",
            "Backup Storage",
            "Data Transfer",
            "Support Plan",
        ];
        for seed in 1..200u64 {
            let mut g = Gen(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let n = 1 + g.below(40) as usize;
            let base: Vec<BaseLine> = (0..n)
                .map(|i| BaseLine {
                    customer_id: 1 + g.below(6),
                    service: services[g.below(5) as usize].to_string(),
                    project: format!("p{}", g.below(3)),
                    cluster: format!("c{i}"),
                    usage: g.below(250_000) + 1,
                })
                .collect();
            let mut discounts = Vec::new();
            for id in 0..g.below(5) {
                let scope = if g.below(2) == 0 {
                    Scope::Partner
                } else {
                    Scope::Customer(1 + g.below(6))
                };
                let service = (g.below(2) == 0).then(|| services[g.below(5) as usize].to_string());
                let kind = if g.below(2) == 0 {
                    DiscountKind::Rate(g.below(4000) + 1)
                } else {
                    DiscountKind::Fixed(g.below(100_000))
                };
                discounts.push(Discount {
                    id,
                    scope,
                    service,
                    kind,
                });
            }
            let credits: Vec<Credit> = (0..g.below(4))
                .map(|id| Credit {
                    id,
                    scope: if g.below(2) == 0 {
                        Scope::Partner
                    } else {
                        Scope::Customer(1 + g.below(6))
                    },
                    remaining: g.below(300_000),
                    expires_on: day("2027-01-01") + chrono::Duration::days(g.below(400)),
                })
                .collect();
            let total_in: i64 = base.iter().map(|l| l.usage).sum();
            let (lines, uses) = compute(base, &discounts, &credits);
            let overview = Totals::of(&lines);
            assert_eq!(overview.usage, total_in, "seed {seed}");
            assert_eq!(
                overview.owed,
                overview.usage - overview.discounts - overview.credits
            );
            assert_eq!(overview.credits, uses.iter().map(|u| u.used).sum::<i64>());
            for l in &lines {
                assert!(
                    l.discounts >= 0 && l.credits >= 0 && l.owed() >= 0,
                    "seed {seed}: {l:?}"
                );
            }
            for u in &uses {
                let c = credits.iter().find(|c| c.id == u.credit_id).unwrap();
                assert!(u.used <= c.remaining);
            }
            for summary in [
                summarize(&lines, |l| l.base.service.clone()),
                summarize(&lines, |l| l.base.project.clone()),
                summarize(&lines, |l| l.base.customer_id.to_string()),
            ] {
                let sum = summary.values().fold(Totals::default(), |a, t| a.plus(*t));
                assert_eq!(sum, overview, "seed {seed}");
            }
        }
    }

    #[test]
    fn largest_remainder_never_loses_a_cent() {
        let mut g = Gen(42);
        for _ in 0..1000 {
            let weights: Vec<i64> = (0..1 + g.below(20)).map(|_| g.below(10_000)).collect();
            let total: i64 = weights.iter().sum();
            let amount = if total == 0 {
                0
            } else {
                g.below(total as u64 + 1)
            };
            let shares = largest_remainder(amount, &weights);
            assert_eq!(shares.iter().sum::<i64>(), amount);
            assert!(shares.iter().zip(&weights).all(|(s, w)| s <= w && *s >= 0));
        }
    }
}
