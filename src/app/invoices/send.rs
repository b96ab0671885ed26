//! Sending an MSP's invoices to its customers (issue 24): one, or every unsent one of a month,
//! each an e-mail through the outbox in the invoice's language, from the partner's name with
//! replies to its contact address, its PDF attached when the mail goes out; each sending
//! audited. The PDF is drawn by [`InvoicePdfs`], which the mail worker is given.

use super::super::error::{Error, Message, Result, Thing};
use super::super::{Actor, Ctx};
use super::{msp, view};
use crate::billing::money::Cents;
use crate::billing::month::Month;
use crate::domain::{Action, AuditAction};
use crate::i18n::I18n;
use crate::mail::{self, InvoiceMail};
use crate::store::invoices::{self, Invoice};
use crate::store::{Db, Tx};

/// Queues the mail of `invoice` and marks it sent, audited, in `tx`.
async fn queue(
    tx: &mut Tx,
    actor: &Actor,
    invoice: &Invoice,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let i18n = I18n::for_tag(&invoice.language).unwrap_or_default();
    let total = format!("${}", Cents(invoice.total).grouped());
    let month = i18n.month(&invoice.month);
    let due = invoice.due_date.to_string();
    let m = mail::invoice(
        &i18n,
        &InvoiceMail {
            to: &invoice.customer_email,
            issuer: &invoice.issuer_name,
            reply_to: &invoice.issuer_email,
            number: &invoice.number,
            month: &month,
            total: &total,
            due: &due,
            invoice_id: invoice.invoice_id,
        },
    )?;
    mail::enqueue(tx, &m, now).await?;
    invoices::mark_sent(tx, invoice.invoice_id, now).await?;
    let detail = format!("{} to {}", invoice.number, invoice.customer_email);
    actor
        .audit(tx, AuditAction::InvoiceSent, &detail, now)
        .await?;
    Ok(())
}

/// Sends one issued invoice to its customer (again, if it was sent before).
pub async fn one(ctx: Ctx<'_>, actor: &Actor, number: &str) -> Result<Invoice> {
    actor.require(Action::ManageInvoices)?;
    let mut tx = ctx.db.begin().await?;
    let partner = msp(&mut tx, actor).await?;
    let invoice = invoices::find_by_number(&mut tx, partner.partner_id, number)
        .await?
        .ok_or(Error::NotFound(Thing::Invoice))?;
    if invoice.is_void() {
        return Err(Error::Conflict(Message::new("error-invoice-send-void")));
    }
    queue(&mut tx, actor, &invoice, ctx.now).await?;
    ctx.commit_and_send(tx).await?;
    Ok(invoice)
}

/// Sends every issued invoice of `month` not sent yet; returns how many.
pub async fn all_unsent(ctx: Ctx<'_>, actor: &Actor, month: Month) -> Result<usize> {
    actor.require(Action::ManageInvoices)?;
    let mut tx = ctx.db.begin().await?;
    let partner = msp(&mut tx, actor).await?;
    let m = month.to_string();
    let due: Vec<Invoice> = invoices::list(&mut tx, partner.partner_id, Some(&m))
        .await?
        .into_iter()
        .filter(|i| !i.is_void() && i.sent_at.is_none())
        .collect();
    for invoice in &due {
        queue(&mut tx, actor, invoice, ctx.now).await?;
    }
    ctx.commit_and_send(tx).await?;
    Ok(due.len())
}

/// Draws the PDF an invoice mail carries (`invoice:{invoice_id}`), at delivery.
pub struct InvoicePdfs;

impl crate::mail::worker::Attachments for InvoicePdfs {
    fn draw<'a>(
        &'a self,
        db: &'a Db,
        name: &'a str,
    ) -> futures_util::future::BoxFuture<'a, anyhow::Result<crate::mail::worker::File>> {
        Box::pin(async move {
            let id: i64 = name
                .strip_prefix("invoice:")
                .and_then(|id| id.parse().ok())
                .ok_or_else(|| anyhow::anyhow!("unknown attachment {name}"))?;
            let mut c = db.acquire().await?;
            let invoice = invoices::find(&mut c, id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("invoice {id} is gone"))?;
            let number = invoice.number.clone();
            let doc = view(&mut c, invoice)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .document();
            drop(c);
            let bytes =
                tokio::task::spawn_blocking(move || crate::documents::pdf::render(&doc)).await??;
            Ok(crate::mail::worker::File {
                name: format!("{number}.pdf"),
                content_type: "application/pdf".into(),
                bytes,
            })
        })
    }
}
