//! A partner's statements in `/api/v1` (issue 24), resellers and MSPs alike: what it owes the
//! vendor for a closed month, by customer, and the same as a PDF. Amounts are two-decimal
//! strings in US dollars, named as the bills name them (SPEC 6).

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::PartnerKey;
use super::error::{ApiError, ErrorBody};
use super::formats::{Time, YearMonth, amount, time};
use crate::app::statements;
use crate::billing::month::Month;
use crate::i18n::I18n;
use crate::state::AppState;

pub fn configure(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .route("/statements/{billedMonth}", web::get().to(get_statement))
        .route(
            "/statements/{billedMonth}/pdf",
            web::get().to(statement_pdf),
        )
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = StatementCustomer)]
pub(super) struct CustomerJson {
    customer_org_id: String,
    customer_name: String,
    running_total: String,
    discounts: String,
    credits: String,
    /// `runningTotal - discounts - credits`: what you owe for this customer.
    total_cost: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct StatementJson {
    #[schema(example = "ST-2026-11-0001")]
    statement_number: String,
    #[schema(value_type = YearMonth)]
    billed_month: String,
    /// When the month closed, `YYYY-MM-DD hh:mm:ss` UTC.
    #[schema(value_type = Time)]
    issued_at: String,
    #[schema(example = "USD")]
    currency: String,
    running_total: String,
    discounts: String,
    credits: String,
    /// What you owe the vendor for the month.
    total_cost: String,
    /// Biggest usage first.
    summary_by_customer: Vec<CustomerJson>,
}

fn month(raw: &str) -> Result<Month, ApiError> {
    Month::parse(raw)
        .ok_or_else(|| ApiError::BadRequest(format!("billedMonth {raw:?} is not YYYY-MM")))
}

/// Get your statement of a closed month.
#[utoipa::path(get, path = "/statements/{billedMonth}", tag = "Billing", operation_id = "getStatement",
    params(("billedMonth" = YearMonth, Path, description = "`YYYY-MM`: a closed month")),
    responses(
        (status = 200, description = "The statement", body = StatementJson),
        (status = 400, description = "A month that is not `YYYY-MM`", body = ErrorBody),
        (status = 404, description = "The month is not closed", body = ErrorBody),
    ))]
pub(super) async fn get_statement(
    key: PartnerKey,
    state: web::Data<AppState>,
    billed_month: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let s = statements::find(state.app(), &key.actor(), month(&billed_month)?).await?;
    let o = s.overview;
    Ok(HttpResponse::Ok().json(StatementJson {
        statement_number: s.row.number.clone(),
        billed_month: s.row.month.clone(),
        issued_at: time(Some(s.row.issued_at)),
        currency: "USD".into(),
        running_total: amount(o.usage),
        discounts: amount(o.discounts),
        credits: amount(o.credits),
        total_cost: amount(o.owed),
        summary_by_customer: s
            .customers
            .iter()
            .map(|(name, org_id, t)| CustomerJson {
                customer_org_id: org_id.clone(),
                customer_name: name.clone(),
                running_total: amount(t.usage),
                discounts: amount(t.discounts),
                credits: amount(t.credits),
                total_cost: amount(t.owed),
            })
            .collect(),
    }))
}

/// Get your statement of a closed month as a PDF (in English).
#[utoipa::path(get, path = "/statements/{billedMonth}/pdf", tag = "Billing", operation_id = "getStatementPdf",
    params(("billedMonth" = YearMonth, Path, description = "`YYYY-MM`: a closed month")),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, description = "A month that is not `YYYY-MM`", body = ErrorBody),
        (status = 404, description = "The month is not closed", body = ErrorBody),
    ))]
pub(super) async fn statement_pdf(
    key: PartnerKey,
    state: web::Data<AppState>,
    billed_month: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let m = month(&billed_month)?;
    let vendor = &state.settings.vendor_name;
    let bytes = statements::pdf(state.app(), &key.actor(), m, I18n::default(), vendor).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .body(bytes))
}
