//! The demo MSP's invoicing (issue 24): invoice details with a Japanese registration number
//! and 10 % tax, one customer invoiced in Japanese, the finished months of the window closed
//! (so their invoices are issued) and one invoice voided and corrected, so a newcomer sees
//! invoices at once. Made once; a second run finds them.

use chrono::Utc;

use crate::app::{Actor, Ctx, bills, invoices};
use crate::billing::month::Month;
use crate::store::customers::{self, Matching};
use crate::store::invoice_settings::{self, InvoiceSettings};
use crate::store::partners::Partner;
use crate::store::{Db, closed};

pub(super) async fn ensure_invoices(
    db: &Db,
    partner: &Partner,
    public_url: &str,
) -> Result<(), crate::app::Error> {
    let now = Utc::now();
    let mut tx = db.begin().await?;
    if invoice_settings::find(&mut tx, partner.partner_id)
        .await?
        .is_none()
    {
        let details = InvoiceSettings {
            legal_name: format!("{} K.K.", partner.name),
            address: "2-11-3 Meguro, Meguro-ku\nTokyo 153-0063, Japan".into(),
            tax_registration: "T4011001234567".into(),
            tax_rate_bps: 1_000,
            payment_terms_days: 30,
            number_prefix: "ACME".into(),
            footer: "Please pay by bank transfer to Example Bank, Tokyo branch, account 1234567 \
                     (Acme Cloud K.K.), quoting the invoice number."
                .into(),
            language: "en-US".into(),
        };
        invoice_settings::save(&mut tx, partner.partner_id, &details, now).await?;
        // Invoices name the partner's contact address, and replies go there.
        if partner.contact_email.is_empty() {
            let website = partner.website_url.as_str();
            crate::store::partners::set_details(
                &mut tx,
                partner.partner_id,
                "billing@acme.example",
                website,
            )
            .await?;
        }
        // The newest customer (on the Enterprise plan) reads its invoices in Japanese.
        if let Some(first) = customers::page(&mut tx, &Matching::all(partner.partner_id), None, 1)
            .await?
            .into_iter()
            .next()
        {
            customers::set_invoice_language(
                &mut tx,
                partner.partner_id,
                first.customer_id,
                Some("ja"),
            )
            .await?;
        }
    }
    let closed_months = closed::closed_months(&mut tx).await?;
    tx.commit().await?;

    let wake = tokio::sync::Notify::new();
    let ctx = Ctx::new(db, now, public_url, &wake, &crate::api::shapes::API);
    let current = Month::of(now.date_naive());
    for back in (1..=crate::billing::month::WINDOW_MONTHS).rev() {
        let m = current.plus(-back);
        if !closed_months.contains(&m.to_string()) {
            bills::close_month(ctx, m).await?;
        }
    }
    // One invoice of the last closed month voided and corrected, as an MSP fixes a mistake.
    let actor = Actor::system(partner.partner_id);
    let last = invoices::of_month(ctx, &actor, Some(current.plus(-1))).await?;
    let voided_before = last.invoices.iter().any(|i| i.is_void());
    if let (false, Some(first)) = (voided_before, last.invoices.first()) {
        let reason = "The customer's purchase order number was missing";
        invoices::void(ctx, &actor, &first.number, reason, true).await?;
    }
    Ok(())
}
