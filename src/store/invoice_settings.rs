//! A partner's invoice details (issue 24): what its invoices say of it and how they are
//! numbered, taxed and due. A partner that never set them has [`InvoiceSettings::defaults`].

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvoiceSettings {
    pub legal_name: String,
    pub address: String,
    pub tax_registration: String,
    pub tax_rate_bps: i64,
    pub payment_terms_days: i64,
    pub number_prefix: String,
    pub footer: String,
    /// Its customers' invoices' language unless a customer has its own: "en-US" or "ja", as
    /// `i18n::LANGUAGES`.
    pub language: String,
}

impl InvoiceSettings {
    pub const DEFAULT_TERMS_DAYS: i64 = 30;

    /// What a partner's invoices say before it sets anything: its name, no tax, 30 days.
    pub fn defaults(partner_name: &str) -> InvoiceSettings {
        InvoiceSettings {
            legal_name: partner_name.to_string(),
            address: String::new(),
            tax_registration: String::new(),
            tax_rate_bps: 0,
            payment_terms_days: Self::DEFAULT_TERMS_DAYS,
            number_prefix: "INV".into(),
            footer: String::new(),
            language: "en-US".into(),
        }
    }
}

pub async fn find(c: &mut impl Conn, partner_id: i64) -> StoreResult<Option<InvoiceSettings>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, InvoiceSettings>(
        "SELECT legal_name, address, tax_registration, tax_rate_bps, payment_terms_days, number_prefix, \
         footer, language FROM invoice_settings WHERE partner_id = $1",
    )
    .bind(partner_id)
    .fetch_optional(c)
    .await)?)
}

pub async fn save(
    c: &mut impl Conn,
    partner_id: i64,
    s: &InvoiceSettings,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "INSERT INTO invoice_settings (partner_id, legal_name, address, tax_registration, tax_rate_bps, \
         payment_terms_days, number_prefix, footer, language, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (partner_id) DO UPDATE SET \
         legal_name = excluded.legal_name, address = excluded.address, \
         tax_registration = excluded.tax_registration, tax_rate_bps = excluded.tax_rate_bps, \
         payment_terms_days = excluded.payment_terms_days, number_prefix = excluded.number_prefix, \
         footer = excluded.footer, language = excluded.language, updated_at = excluded.updated_at",
    )
    .bind(partner_id)
    .bind(&s.legal_name)
    .bind(&s.address)
    .bind(&s.tax_registration)
    .bind(s.tax_rate_bps)
    .bind(s.payment_terms_days)
    .bind(&s.number_prefix)
    .bind(&s.footer)
    .bind(&s.language)
    .bind(now))?;
    Ok(())
}
