//! An MSP's invoice to its customer for a closed month (issue 24), as pure maths: the lines,
//! subtotal, tax and total from the month's base lines, the customer's plan and late usage of
//! earlier months. Integer cents; each base line priced once, half-even; tax once per rate.
//!
//! - a service line = the sum of the prices of the month's base lines of that service;
//! - the fee line = the plan's monthly fee, when the month has usage;
//! - a late line = the price of usage of an earlier, closed month loaded since the customer's
//!   last invoice, one line per month and service;
//! - subtotal = the lines added up; tax = half-even(subtotal × rate / 10 000); total = both.

use std::collections::BTreeMap;

use super::bill::rate_of;
use super::month::Month;
use super::plans::PlanTerms;

/// Tax rates a partner may set, in basis points: none up to 30 %.
pub const MAX_TAX_RATE_BPS: i64 = 3_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Service,
    Fee,
    Late,
}

impl LineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Service => "service",
            LineKind::Fee => "fee",
            LineKind::Late => "late",
        }
    }

    pub fn parse(s: &str) -> Option<LineKind> {
        match s {
            "service" => Some(LineKind::Service),
            "fee" => Some(LineKind::Fee),
            "late" => Some(LineKind::Late),
            _ => None,
        }
    }
}

/// A line of an invoice: what it is, the list usage it prices (none for the fee) and what the
/// customer pays for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    /// The service, or the fee's label.
    pub label: String,
    /// The month of the usage: the invoice's, or a late line's earlier month.
    pub month: Month,
    pub usage: i64,
    pub amount: i64,
}

/// One tax rate of an invoice, with the amount it applies to and the tax (Japan's
/// qualified-invoice rules ask for both per rate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxLine {
    pub rate_bps: i64,
    pub taxable: i64,
    pub tax: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub lines: Vec<Line>,
    pub subtotal: i64,
    pub tax: TaxLine,
    pub total: i64,
}

impl Draft {
    /// Whether the customer has anything to pay: an invoice is issued only then.
    pub fn is_due(&self) -> bool {
        self.total > 0
    }
}

/// A base line of usage: (service, list usage in cents); several may share a service.
pub type Usage<'a> = (&'a str, i64);

/// The invoice of `month` for a customer with `lines` that month, late usage of earlier months
/// (`late`: month, service, usage), priced with `plan` (its fee named `fee_label`), taxed at
/// `tax_rate_bps`.
pub fn draft<'a>(
    month: Month,
    lines: impl IntoIterator<Item = Usage<'a>>,
    late: impl IntoIterator<Item = (Month, Usage<'a>)>,
    plan: &PlanTerms,
    fee_label: &str,
    tax_rate_bps: i64,
) -> Draft {
    let mut by_service: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for (service, usage) in lines {
        let e = by_service.entry(service).or_default();
        e.0 += usage;
        e.1 += plan.line_price(service, usage);
    }
    let mut out: Vec<Line> = by_service
        .iter()
        .map(|(service, (usage, amount))| Line {
            kind: LineKind::Service,
            label: service.to_string(),
            month,
            usage: *usage,
            amount: *amount,
        })
        .collect();
    if !by_service.is_empty() && plan.fee > 0 {
        out.push(Line {
            kind: LineKind::Fee,
            label: fee_label.to_string(),
            month,
            usage: 0,
            amount: plan.fee,
        });
    }
    let mut by_late: BTreeMap<(Month, &str), (i64, i64)> = BTreeMap::new();
    for (m, (service, usage)) in late {
        let e = by_late.entry((m, service)).or_default();
        e.0 += usage;
        e.1 += plan.line_price(service, usage);
    }
    out.extend(
        by_late
            .into_iter()
            .map(|((m, service), (usage, amount))| Line {
                kind: LineKind::Late,
                label: service.to_string(),
                month: m,
                usage,
                amount,
            }),
    );
    let subtotal = out.iter().map(|l| l.amount).sum();
    let tax = TaxLine {
        rate_bps: tax_rate_bps,
        taxable: subtotal,
        tax: rate_of(subtotal, tax_rate_bps),
    };
    Draft {
        lines: out,
        subtotal,
        tax,
        total: subtotal + tax.tax,
    }
}

/// An invoice number: the partner's prefix, the year of issue and the year's sequence number,
/// `INV-2026-00001`.
pub fn number(prefix: &str, year: i32, seq: i64) -> String {
    format!("{prefix}-{year}-{seq:05}")
}

/// A prefix of invoice numbers: 1 to 12 capital letters and digits.
pub fn valid_prefix(prefix: &str) -> bool {
    (1..=12).contains(&prefix.len())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A tax registration number: empty, Japan's qualified-invoice issuer number (`T` and 13
/// digits), or another country's (2 to 30 capital letters, digits, spaces, dots and dashes,
/// with a digit).
pub fn valid_tax_registration(id: &str) -> bool {
    if id.is_empty() {
        return true;
    }
    if let Some(digits) = id.strip_prefix('T')
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        return digits.len() == 13;
    }
    (2..=30).contains(&id.len())
        && id.bytes().any(|b| b.is_ascii_digit())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b" .-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::billing::generated::Gen;

    const SERVICES: [&str; 3] = ["TiDB Dedicated", "Backup Storage", "Data Transfer"];

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    #[test]
    fn lines_tax_and_total_add_up_to_the_cent_on_generated_months() {
        let mut g = Gen(0x2024_1203);
        for _ in 0..500 {
            let plan = PlanTerms {
                markup_bps: g.below(15_001) - 5_000,
                service_markups: [("Backup Storage".to_string(), g.below(3_000))].into(),
                fee: g.below(3) * 25_000,
            };
            let usage: Vec<(&str, i64)> = (0..g.below(12))
                .map(|_| (SERVICES[g.below(3) as usize], g.below(2_000_000)))
                .collect();
            let late: Vec<(Month, (&str, i64))> = (0..g.below(3))
                .map(|_| {
                    (
                        m("2026-09"),
                        (SERVICES[g.below(3) as usize], g.below(50_000)),
                    )
                })
                .collect();
            let rate = g.below(MAX_TAX_RATE_BPS as u64 + 1);
            let d = draft(
                m("2026-11"),
                usage.iter().copied(),
                late.iter().copied(),
                &plan,
                "Managed service fee",
                rate,
            );
            // Each base line is priced once: the invoice's usage lines are the plan's prices.
            let priced: i64 = usage.iter().map(|(s, u)| plan.line_price(s, *u)).sum();
            let late_priced: i64 = late.iter().map(|(_, (s, u))| plan.line_price(s, *u)).sum();
            let fee = if usage.is_empty() { 0 } else { plan.fee };
            assert_eq!(d.subtotal, priced + late_priced + fee);
            assert_eq!(
                d.subtotal,
                d.lines.iter().map(|l| l.amount).sum::<i64>(),
                "the lines add up to the subtotal"
            );
            assert_eq!(d.total, d.subtotal + d.tax.tax);
            assert_eq!(d.tax.taxable, d.subtotal);
            // The tax is within half a cent of the exact product.
            let exact = d.subtotal as i128 * rate as i128;
            assert!((d.tax.tax as i128 * 10_000 - exact).abs() <= 5_000);
            let listed: i64 = d
                .lines
                .iter()
                .filter(|l| l.kind != LineKind::Fee)
                .map(|l| l.usage)
                .sum();
            let all: i64 = usage.iter().map(|(_, u)| u).sum::<i64>()
                + late.iter().map(|(_, (_, u))| u).sum::<i64>();
            assert_eq!(listed, all, "no usage lost or made up");
        }
    }

    #[test]
    fn one_line_per_service_then_the_fee_then_late_months() {
        let plan = PlanTerms {
            markup_bps: 1_500,
            service_markups: Default::default(),
            fee: 50_000,
        };
        let d = draft(
            m("2026-11"),
            [
                ("TiDB Dedicated", 10_001),
                ("Backup Storage", 300),
                ("TiDB Dedicated", 10_001),
            ],
            [(m("2026-09"), ("Data Transfer", 1_000))],
            &plan,
            "Managed service fee",
            1_000,
        );
        let shape: Vec<(LineKind, &str, i64)> = d
            .lines
            .iter()
            .map(|l| (l.kind, l.label.as_str(), l.amount))
            .collect();
        // 10 001 × 1.15 = 11 501.15 → 11 501, twice (each base line priced once).
        assert_eq!(
            shape,
            [
                (LineKind::Service, "Backup Storage", 345),
                (LineKind::Service, "TiDB Dedicated", 23_002),
                (LineKind::Fee, "Managed service fee", 50_000),
                (LineKind::Late, "Data Transfer", 1_150),
            ]
        );
        assert_eq!(d.lines[3].month, m("2026-09"));
        assert_eq!(d.subtotal, 74_497);
        assert_eq!(d.tax.tax, 7_450, "7 449.7 half-even");
        assert_eq!(d.total, 81_947);
    }

    #[test]
    fn no_usage_no_fee_and_nothing_due() {
        let plan = PlanTerms {
            markup_bps: 0,
            service_markups: Default::default(),
            fee: 50_000,
        };
        let d = draft(m("2026-11"), [], [], &plan, "fee", 1_000);
        assert!(d.lines.is_empty());
        assert!(!d.is_due());
    }

    #[test]
    fn numbers_prefixes_and_registration_numbers() {
        assert_eq!(number("ACME", 2026, 1), "ACME-2026-00001");
        assert_eq!(number("INV", 2027, 123_456), "INV-2027-123456");
        assert!(valid_prefix("ACME2") && !valid_prefix("") && !valid_prefix("acme"));
        assert!(!valid_prefix("A-B") && !valid_prefix("ABCDEFGHIJKLM"));
        assert!(valid_tax_registration("T1234567890123"));
        assert!(!valid_tax_registration("T123456789012"), "12 digits");
        assert!(!valid_tax_registration("T12345678901234"), "14 digits");
        assert!(valid_tax_registration("DE123456789") && valid_tax_registration(""));
        assert!(!valid_tax_registration("not a number"));
    }
}
