//! A partner's statement of a closed month as the partner reads it: what it owes the vendor,
//! customer by customer, with the month's discounts and credits, in the reader's language.

use super::{DocLine, DocSum, Document, usd};
use crate::billing::bill::Totals;
use crate::i18n::I18n;

/// What a statement says: its number and month, who issues it to whom, and the closed bill.
pub struct StatementFacts<'a> {
    pub number: &'a str,
    pub month: &'a str,
    pub issued_on: &'a str,
    pub vendor: &'a str,
    pub partner: &'a str,
    pub partner_email: &'a str,
    /// (customer name, organization id, its totals), in the order to show.
    pub customers: &'a [(String, String, Totals)],
    pub overview: Totals,
}

fn minus(cents: i64) -> String {
    if cents == 0 {
        usd(0)
    } else {
        format!("−{}", usd(cents))
    }
}

impl Document {
    pub fn of_statement(t: &I18n, s: &StatementFacts<'_>) -> Document {
        let o = s.overview;
        Document {
            lang: t.lang(),
            title: t.t("statement-title"),
            void_note: None,
            replaces_note: None,
            issuer_name: s.vendor.to_string(),
            issuer_lines: Vec::new(),
            logo_svg: None,
            bill_to_label: t.t("statement-to"),
            customer_lines: [s.partner, s.partner_email]
                .into_iter()
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
            facts: vec![
                (t.t("statement-number"), s.number.to_string()),
                (t.t("invoice-issued"), s.issued_on.to_string()),
                (t.t("invoice-month"), t.month(s.month)),
            ],
            heads: [
                t.t("statement-customer"),
                t.t("statement-org-id"),
                t.t("statement-usage"),
                t.t("statement-owed"),
            ],
            lines: s
                .customers
                .iter()
                .map(|(name, org_id, totals)| DocLine {
                    description: name.clone(),
                    period: org_id.clone(),
                    usage: usd(totals.usage),
                    amount: usd(totals.owed),
                })
                .collect(),
            sums: vec![
                DocSum {
                    label: t.t("statement-usage-total"),
                    amount: usd(o.usage),
                },
                DocSum {
                    label: t.t("statement-discounts"),
                    amount: minus(o.discounts),
                },
                DocSum {
                    label: t.t("statement-credits"),
                    amount: minus(o.credits),
                },
            ],
            total: DocSum {
                label: t.t("statement-total"),
                amount: usd(o.owed),
            },
            currency_note: t.t("invoice-currency"),
            footer: t.t("statement-footer"),
        }
    }
}
