//! The bill maths on small, hand-checked cases.

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

/// A small deterministic generator: the same cases on every run and machine.
use crate::billing::generated::Gen;
use crate::billing::month::written::day;

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
                service: services[g.below(5) as usize].to_string().into(),
                project: format!("p{}", g.below(3)).into(),
                cluster: format!("c{i}").into(),
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
            summarize(&lines, |l| l.base.service.to_string()),
            summarize(&lines, |l| l.base.project.to_string()),
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

/// The bill spreads a fixed amount in place, without a copy of its weights: each line gets what
/// [`largest_remainder`] gives it, ties to the first line, zero-weight lines nothing.
#[test]
fn a_spread_on_the_lines_is_largest_remainder_to_the_cent() {
    let mut g = Gen(7);
    for _ in 0..500 {
        let base: Vec<BaseLine> = (0..1 + g.below(30))
            .map(|i| {
                line(
                    1 + i % 3,
                    "TiDB Dedicated",
                    &format!("p{i}"),
                    g.below(5_000),
                )
            })
            .collect();
        let weights: Vec<i64> = base.iter().map(|l| l.usage).collect();
        let total: i64 = weights.iter().sum();
        let amount = g.below(total as u64 + 100);
        let fixed = Discount {
            id: 1,
            scope: Scope::Partner,
            service: None,
            kind: DiscountKind::Fixed(amount),
        };
        let (lines, _) = compute(base, &[fixed], &[]);
        let want = largest_remainder(amount.min(total), &weights);
        let got: Vec<i64> = lines.iter().map(|l| l.discounts).collect();
        assert_eq!(got, want);
    }
}
