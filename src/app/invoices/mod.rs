//! An MSP's invoices to its customers (issue 24): issued when a month closes (`issue`), read
//! by every member, voided with a reason and corrected under a new number by owners and admins.
//! Resellers have none: their customers are billed through AWS Marketplace.

pub mod issue;
pub mod send;
pub mod settings;

use super::error::{Error, FieldError, Message, Result, Thing};
use super::{Actor, Ctx};
use crate::billing::month::Month;
use crate::documents::Document;
use crate::domain::{Action, AuditAction};
use crate::store::invoices::{self, Invoice, LineRow};
use crate::store::partners::{self, Partner};
use crate::store::{Conn, logos};

pub const MAX_REASON_CHARS: usize = 500;

/// The actor's partner, which must be an MSP.
async fn msp(c: &mut impl Conn, actor: &Actor) -> Result<Partner> {
    let id = actor.partner_id.ok_or(Error::WrongKind(Thing::Invoice))?;
    let p = partners::find_by_id(c, id)
        .await?
        .ok_or(Error::NotFound(Thing::Invoice))?;
    if p.is_msp() {
        Ok(p)
    } else {
        Err(Error::WrongKind(Thing::Invoice))
    }
}

/// A month's invoices, and the months there are.
pub struct MonthInvoices {
    /// Every month with invoices, newest first.
    pub months: Vec<String>,
    /// The month shown: the one asked for, else the newest.
    pub month: Option<String>,
    pub invoices: Vec<Invoice>,
}

impl MonthInvoices {
    /// What the month's invoices in force come to: (subtotal, tax, total).
    pub fn totals(&self) -> (i64, i64, i64) {
        self.invoices
            .iter()
            .filter(|i| !i.is_void())
            .fold((0, 0, 0), |(s, t, a), i| {
                (s + i.subtotal, t + i.tax, a + i.total)
            })
    }
}

/// The partner's invoices of `month`, or of its newest month with invoices.
pub async fn of_month(ctx: Ctx<'_>, actor: &Actor, month: Option<Month>) -> Result<MonthInvoices> {
    let mut c = ctx.db.acquire().await?;
    let partner = msp(&mut c, actor).await?;
    let months = invoices::months(&mut c, partner.partner_id).await?;
    let month = month
        .map(|m| m.to_string())
        .or_else(|| months.first().cloned());
    let invoices = match &month {
        Some(m) => invoices::list(&mut c, partner.partner_id, Some(m)).await?,
        None => Vec::new(),
    };
    Ok(MonthInvoices {
        months,
        month,
        invoices,
    })
}

/// The partner's invoices of `month`, or of every month, by number (the API's list).
pub async fn list(ctx: Ctx<'_>, actor: &Actor, month: Option<Month>) -> Result<Vec<Invoice>> {
    let mut c = ctx.db.acquire().await?;
    let partner = msp(&mut c, actor).await?;
    let m = month.map(|m| m.to_string());
    Ok(invoices::list(&mut c, partner.partner_id, m.as_deref()).await?)
}

/// An invoice with its lines, the logo it was issued with, and the invoices it replaces or was
/// replaced by.
pub struct InvoiceView {
    pub invoice: Invoice,
    pub lines: Vec<LineRow>,
    /// The issuer's light logo as it was at issue (an SVG document).
    pub logo_svg: Option<String>,
    pub replaces: Option<String>,
    pub replaced_by: Option<String>,
}

impl InvoiceView {
    /// The invoice as its customer reads it, for the page and the PDF.
    pub fn document(&self) -> Document {
        Document::of_invoice(
            &self.invoice,
            &self.lines,
            self.logo_svg.as_deref(),
            self.replaces.as_deref(),
        )
    }
}

async fn view(c: &mut impl Conn, invoice: Invoice) -> Result<InvoiceView> {
    let lines = invoices::lines(c, invoice.invoice_id).await?;
    let logo_svg = match invoice.issuer_logo_id {
        Some(id) => logos::find(c, id).await?.map(|l| l.svg),
        None => None,
    };
    let replaces = match invoice.replaces_id {
        Some(id) => invoices::find(c, id).await?.map(|i| i.number),
        None => None,
    };
    let replaced_by = invoices::replacement(c, invoice.invoice_id)
        .await?
        .map(|i| i.number);
    Ok(InvoiceView {
        invoice,
        lines,
        logo_svg,
        replaces,
        replaced_by,
    })
}

pub async fn find(ctx: Ctx<'_>, actor: &Actor, number: &str) -> Result<InvoiceView> {
    let mut c = ctx.db.acquire().await?;
    let partner = msp(&mut c, actor).await?;
    let invoice = invoices::find_by_number(&mut c, partner.partner_id, number)
        .await?
        .ok_or(Error::NotFound(Thing::Invoice))?;
    view(&mut c, invoice).await
}

/// The invoice as a PDF, drawn off the async workers (it takes a few milliseconds of CPU).
pub async fn pdf(ctx: Ctx<'_>, actor: &Actor, number: &str) -> Result<Vec<u8>> {
    let doc = find(ctx, actor, number).await?.document();
    let bytes = tokio::task::spawn_blocking(move || crate::documents::pdf::render(&doc))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(anyhow::Error::from)?;
    Ok(bytes)
}

/// Voids an issued invoice with a reason, audited, and with `correct` issues its corrected one
/// in the same transaction. Returns the corrected invoice's number, if one was issued.
pub async fn void(
    ctx: Ctx<'_>,
    actor: &Actor,
    number: &str,
    reason: &str,
    correct: bool,
) -> Result<Option<String>> {
    actor.require(Action::ManageInvoices)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(Error::Invalid(vec![FieldError::new(
            "reason",
            "error-void-reason",
        )]));
    }
    let mut tx = ctx.db.begin().await?;
    let partner = msp(&mut tx, actor).await?;
    let invoice = invoices::find_by_number(&mut tx, partner.partner_id, number)
        .await?
        .ok_or(Error::NotFound(Thing::Invoice))?;
    if !invoices::void(&mut tx, invoice.invoice_id, reason, ctx.now).await? {
        return Err(Error::Conflict(Message::new("error-invoice-void")));
    }
    let detail = format!("{number} ({}): {reason}", invoice.customer_org_id);
    actor
        .audit(&mut tx, AuditAction::InvoiceVoided, &detail, ctx.now)
        .await?;
    let corrected = if correct {
        issue_corrected(ctx, &mut tx, actor, partner, &invoice).await?
    } else {
        None
    };
    tx.commit().await?;
    Ok(corrected)
}

/// Issues the corrected invoice of a voided one that has none yet, audited.
pub async fn correct(ctx: Ctx<'_>, actor: &Actor, number: &str) -> Result<String> {
    actor.require(Action::ManageInvoices)?;
    let mut tx = ctx.db.begin().await?;
    let partner = msp(&mut tx, actor).await?;
    let invoice = invoices::find_by_number(&mut tx, partner.partner_id, number)
        .await?
        .ok_or(Error::NotFound(Thing::Invoice))?;
    let replaced = invoices::replacement(&mut tx, invoice.invoice_id).await?;
    if !invoice.is_void() || replaced.is_some() {
        return Err(Error::Conflict(Message::new(
            "error-invoice-not-correctable",
        )));
    }
    let corrected = issue_corrected(ctx, &mut tx, actor, partner, &invoice)
        .await?
        .ok_or_else(|| Error::Conflict(Message::new("error-invoice-nothing-due")))?;
    tx.commit().await?;
    Ok(corrected)
}

async fn issue_corrected(
    ctx: Ctx<'_>,
    tx: &mut crate::store::Tx,
    actor: &Actor,
    partner: Partner,
    voided: &Invoice,
) -> Result<Option<String>> {
    let now = ctx.now;
    let partner_id = partner.partner_id;
    let issuer = issue::Issuer::load(tx, partner).await?;
    let number = issue::corrected(tx, &issuer, voided, now).await?;
    if let Some(n) = &number {
        let detail = format!("{n} replaces {}", voided.number);
        actor
            .audit(tx, AuditAction::InvoiceCorrected, &detail, now)
            .await?;
        super::events::invoices_issued(ctx, tx, partner_id, std::slice::from_ref(n)).await?;
    }
    Ok(number)
}
