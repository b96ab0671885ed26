//! A partner's invoice details (issue 24): what its invoices say of it, their numbers, tax,
//! payment terms and language. Every member reads them; owners and admins change them, and a
//! change touches only invoices issued afterwards.

use super::super::error::{Error, FieldError, Result};
use super::super::{Actor, Ctx};
use super::msp;
use crate::billing::grants::parse_percent;
use crate::billing::invoice::{MAX_TAX_RATE_BPS, valid_prefix, valid_tax_registration};
use crate::domain::{Action, AuditAction};
use crate::i18n::LANGUAGES;
use crate::store::invoice_settings::{self, InvoiceSettings};

pub const MAX_TEXT_CHARS: usize = 200;
pub const MAX_ADDRESS_CHARS: usize = 500;
pub const MAX_FOOTER_CHARS: usize = 1_000;
pub const MAX_TERMS_DAYS: i64 = 120;

/// The details as a form or the API wrote them.
#[derive(Debug, Clone, Default)]
pub struct DetailsRequest {
    pub legal_name: String,
    pub address: String,
    pub tax_registration: String,
    /// A percentage ("10", "8.5 %").
    pub tax_rate: String,
    pub payment_terms_days: String,
    pub number_prefix: String,
    pub footer: String,
    pub language: String,
}

impl DetailsRequest {
    /// The details, or every field at fault.
    fn checked(&self) -> Result<InvoiceSettings> {
        let mut bad = Vec::new();
        let legal_name = self.legal_name.trim();
        if legal_name.is_empty() || legal_name.chars().count() > MAX_TEXT_CHARS {
            bad.push(FieldError::new("legal_name", "error-invoice-legal-name"));
        }
        let address = self.address.trim();
        if address.chars().count() > MAX_ADDRESS_CHARS {
            bad.push(FieldError::new("address", "error-invoice-address"));
        }
        let tax_registration = self.tax_registration.trim().to_uppercase();
        if !valid_tax_registration(&tax_registration) {
            bad.push(FieldError::new(
                "tax_registration",
                "error-invoice-tax-registration",
            ));
        }
        let tax_rate = match self.tax_rate.trim() {
            "" => Some(0),
            t => parse_percent(t).filter(|r| (0..=MAX_TAX_RATE_BPS).contains(r)),
        };
        if tax_rate.is_none() {
            bad.push(FieldError::new("tax_rate", "error-invoice-tax-rate"));
        }
        let terms = self
            .payment_terms_days
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=MAX_TERMS_DAYS).contains(d));
        if terms.is_none() {
            bad.push(FieldError::new("payment_terms_days", "error-invoice-terms"));
        }
        let prefix = self.number_prefix.trim().to_uppercase();
        if !valid_prefix(&prefix) {
            bad.push(FieldError::new("number_prefix", "error-invoice-prefix"));
        }
        let footer = self.footer.trim();
        if footer.chars().count() > MAX_FOOTER_CHARS {
            bad.push(FieldError::new("footer", "error-invoice-footer"));
        }
        if !LANGUAGES.iter().any(|(code, _)| *code == self.language) {
            bad.push(FieldError::new("language", "error-language"));
        }
        if !bad.is_empty() {
            return Err(Error::Invalid(bad));
        }
        Ok(InvoiceSettings {
            legal_name: legal_name.into(),
            address: address.into(),
            tax_registration,
            tax_rate_bps: tax_rate.unwrap_or_default(),
            payment_terms_days: terms.unwrap_or(InvoiceSettings::DEFAULT_TERMS_DAYS),
            number_prefix: prefix,
            footer: footer.into(),
            language: self.language.clone(),
        })
    }
}

/// The partner's invoice details, or the defaults it has until it sets them.
pub async fn details(ctx: Ctx<'_>, actor: &Actor) -> Result<InvoiceSettings> {
    let mut c = ctx.db.acquire().await?;
    let partner = msp(&mut c, actor).await?;
    Ok(invoice_settings::find(&mut c, partner.partner_id)
        .await?
        .unwrap_or_else(|| InvoiceSettings::defaults(&partner.name)))
}

/// Saves the partner's invoice details, audited.
pub async fn update(ctx: Ctx<'_>, actor: &Actor, req: &DetailsRequest) -> Result<InvoiceSettings> {
    actor.require(Action::ManageInvoices)?;
    let s = req.checked()?;
    let mut tx = ctx.db.begin().await?;
    let partner = msp(&mut tx, actor).await?;
    invoice_settings::save(&mut tx, partner.partner_id, &s, ctx.now).await?;
    let detail = format!(
        "{}, prefix {}, tax {}, {} days",
        s.legal_name,
        s.number_prefix,
        crate::billing::grants::percent(s.tax_rate_bps),
        s.payment_terms_days
    );
    actor
        .audit(
            &mut tx,
            AuditAction::InvoiceSettingsChanged,
            &detail,
            ctx.now,
        )
        .await?;
    tx.commit().await?;
    Ok(s)
}

/// Sets the language of the customer `org_id`'s invoices (`""`: the partner's), audited.
pub async fn set_customer_language(
    ctx: Ctx<'_>,
    actor: &Actor,
    org_id: &str,
    language: &str,
) -> Result<()> {
    actor.require(Action::ManageInvoices)?;
    let language = match language {
        "" => None,
        l if LANGUAGES.iter().any(|(code, _)| *code == l) => Some(l),
        _ => return Err(Error::invalid("invoice_language", "error-language")),
    };
    let mut tx = ctx.db.begin().await?;
    let partner = msp(&mut tx, actor).await?;
    let customer = crate::store::customers::find_by_org_id(&mut tx, partner.partner_id, org_id)
        .await?
        .ok_or(Error::NotFound(super::super::Thing::Customer))?;
    crate::store::customers::set_invoice_language(
        &mut tx,
        partner.partner_id,
        customer.customer_id,
        language,
    )
    .await?;
    let detail = format!(
        "{} ({}): invoices in {}",
        customer.org_name,
        customer.org_id,
        language.unwrap_or("the partner's language")
    );
    actor
        .audit(
            &mut tx,
            AuditAction::InvoiceSettingsChanged,
            &detail,
            ctx.now,
        )
        .await?;
    tx.commit().await?;
    Ok(())
}
