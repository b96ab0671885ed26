//! An MSP's invoice as its customer reads it, in the invoice's own language whoever looks at
//! it.

use super::{DocLine, DocSum, Document, usd};
use crate::billing::invoice::LineKind;
use crate::i18n::I18n;
use crate::store::invoices::{Invoice, LineRow};

impl Document {
    /// The invoice `i` with its `lines`, the logo it was issued with (an SVG document) and the
    /// number of the invoice it replaces.
    pub fn of_invoice(
        i: &Invoice,
        lines: &[LineRow],
        logo_svg: Option<&str>,
        replaces: Option<&str>,
    ) -> Document {
        let t = I18n::for_tag(&i.language).unwrap_or_default();
        let mut issuer_lines: Vec<String> = i
            .issuer_address
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        issuer_lines.extend(
            [i.issuer_email.clone(), i.issuer_website.clone()]
                .into_iter()
                .filter(|l| !l.is_empty()),
        );
        if !i.issuer_tax_id.is_empty() {
            issuer_lines.push(t.t_args("invoice-registration", &[("id", &i.issuer_tax_id)]));
        }
        let lines = lines
            .iter()
            .map(|l| {
                let kind = LineKind::parse(&l.kind);
                DocLine {
                    description: match kind {
                        Some(LineKind::Late) => t.t_args(
                            "invoice-late-line",
                            &[("service", &l.label), ("month", &t.month(&l.month))],
                        ),
                        _ => l.label.clone(),
                    },
                    period: t.month(&l.month),
                    usage: match kind {
                        Some(LineKind::Fee) => String::new(),
                        _ => usd(l.usage),
                    },
                    amount: usd(l.amount),
                }
            })
            .collect();
        let rate = crate::billing::grants::percent(i.tax_rate_bps);
        let taxable = usd(i.subtotal);
        let sums = vec![
            DocSum {
                label: t.t("invoice-subtotal"),
                amount: usd(i.subtotal),
            },
            DocSum {
                label: t.t_args(
                    "invoice-tax-line",
                    &[("rate", &rate), ("taxable", &taxable)],
                ),
                amount: usd(i.tax),
            },
        ];
        Document {
            lang: t.lang(),
            title: t.t("invoice-title"),
            void_note: i.is_void().then(|| {
                t.t_args(
                    "invoice-void-note",
                    &[("reason", i.void_reason.as_deref().unwrap_or_default())],
                )
            }),
            replaces_note: replaces.map(|n| t.t_args("invoice-replaces", &[("number", n)])),
            issuer_name: i.issuer_name.clone(),
            issuer_lines,
            logo_svg: logo_svg.map(String::from),
            bill_to_label: t.t("invoice-bill-to"),
            customer_lines: vec![
                i.customer_name.clone(),
                t.t_args("invoice-org-id", &[("id", &i.customer_org_id)]),
                i.customer_email.clone(),
            ],
            facts: vec![
                (t.t("invoice-number"), i.number.clone()),
                (t.t("invoice-issued"), i.issued_at.date_naive().to_string()),
                (t.t("invoice-due"), i.due_date.to_string()),
                (t.t("invoice-month"), t.month(&i.month)),
            ],
            heads: [
                t.t("invoice-description"),
                t.t("invoice-period"),
                t.t("invoice-list-usage"),
                t.t("invoice-amount"),
            ],
            lines,
            sums,
            total: DocSum {
                label: t.t("invoice-total"),
                amount: usd(i.total),
            },
            currency_note: t.t("invoice-currency"),
            footer: i.footer.clone(),
        }
    }
}
