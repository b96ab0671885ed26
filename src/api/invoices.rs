//! An MSP's invoices to its customers in `/api/v1` (issue 24): the list by month, one with its
//! lines, its PDF, sending and voiding. Reseller keys get 403. Amounts are two-decimal strings
//! in US dollars (SPEC 6).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::PartnerKey;
use super::error::{ApiError, ErrorBody};
use super::formats::{Day, Time, YearMonth, amount, time};
use crate::app::invoices::{self, InvoiceView, send};
use crate::billing::month::Month;
use crate::state::AppState;
use crate::store::invoices::Invoice;

pub fn configure(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .route("/invoices", web::get().to(list_invoices))
        .route("/invoices/{invoiceNumber}", web::get().to(get_invoice))
        .route("/invoices/{invoiceNumber}/pdf", web::get().to(invoice_pdf))
        .route(
            "/invoices/{invoiceNumber}/send",
            web::post().to(send_invoice),
        )
        .route(
            "/invoices/{invoiceNumber}/void",
            web::post().to(void_invoice),
        )
}

const MAX_PAGE: usize = 1000;

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = InvoiceSummary)]
pub(super) struct InvoiceJson {
    invoice_number: String,
    customer_org_id: String,
    #[schema(value_type = YearMonth)]
    billed_month: String,
    /// `YYYY-MM-DD hh:mm:ss` UTC.
    #[schema(value_type = Time)]
    issued_at: String,
    #[schema(value_type = Day)]
    due_date: String,
    /// `issued` or `void`.
    #[schema(example = "issued")]
    state: String,
    #[schema(example = "230.00")]
    subtotal: String,
    #[schema(example = "23.00")]
    tax: String,
    #[schema(example = "253.00")]
    total: String,
    #[schema(example = "USD")]
    currency: String,
}

pub(super) fn invoice_json(i: &Invoice) -> InvoiceJson {
    InvoiceJson {
        invoice_number: i.number.clone(),
        customer_org_id: i.customer_org_id.clone(),
        billed_month: i.month.clone(),
        issued_at: time(Some(i.issued_at)),
        due_date: i.due_date.to_string(),
        state: i.state.clone(),
        subtotal: amount(i.subtotal),
        tax: amount(i.tax),
        total: amount(i.total),
        currency: i.currency.clone(),
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct InvoiceList {
    invoices: Vec<InvoiceJson>,
    /// Give it as `pageToken` for the next page; `""` after the last.
    next_page_token: String,
}

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub(super) struct InvoiceQuery {
    /// `YYYY-MM`: the month billed; every month when absent.
    #[param(value_type = Option<YearMonth>)]
    billed_month: Option<String>,
    /// Invoices per page, 1 to 1000 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    page_size: Option<String>,
    /// The `nextPageToken` of the previous page; absent or `""` for the first page.
    page_token: Option<String>,
}

/// List your invoices to your customers.
///
/// By number; a month's (`billedMonth`) or all of them, a page at a time.
#[utoipa::path(get, path = "/invoices", tag = "Invoices", operation_id = "listInvoices",
    params(InvoiceQuery),
    responses(
        (status = 200, description = "One page of invoices", body = InvoiceList),
        (status = 400, description = "A month that is not `YYYY-MM`, a `pageSize` outside 1..1000 or a `pageToken` this API did not give out", body = ErrorBody),
        (status = 403, description = "The key is a reseller's: invoices are an MSP's", body = ErrorBody),
    ))]
pub(super) async fn list_invoices(
    key: PartnerKey,
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let q = web::Query::<InvoiceQuery>::from_query(req.query_string())
        .map_err(|e| ApiError::BadRequest(format!("the query string is not valid: {e}")))?;
    // An empty value is no month and no number, as the document types them.
    let month = match q.billed_month.as_deref() {
        None => None,
        Some(m) => Some(
            Month::parse(m.trim())
                .ok_or_else(|| ApiError::BadRequest(format!("billedMonth {m:?} is not YYYY-MM")))?,
        ),
    };
    let size = super::page_token::page_size(q.page_size.as_deref(), MAX_PAGE)?;
    let after = match q.page_token.as_deref().filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => super::page_token::decode('i', t)
            .ok_or_else(|| ApiError::BadRequest("pageToken is not one this API gave out".into()))?,
    };
    let all = invoices::list(state.app(), &key.actor(), month).await?;
    let mut page: Vec<&Invoice> = all.iter().filter(|i| i.invoice_id > after).collect();
    page.sort_by_key(|i| i.invoice_id);
    let more = page.len() > size;
    page.truncate(size);
    let next_page_token = match (more, page.last()) {
        (true, Some(last)) => super::page_token::encode('i', last.invoice_id),
        _ => String::new(),
    };
    Ok(HttpResponse::Ok().json(InvoiceList {
        invoices: page.into_iter().map(invoice_json).collect(),
        next_page_token,
    }))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = InvoiceLine)]
pub(super) struct LineJson {
    /// `service`, `fee` (the plan's monthly fee) or `late` (usage of an earlier month reported
    /// after it closed).
    kind: String,
    /// The service, or the fee's name.
    description: String,
    /// The month the usage is of.
    #[schema(value_type = YearMonth)]
    billed_month: String,
    /// What the usage costs at the vendor's list price; `"0.00"` for the fee.
    list_price: String,
    /// What the customer pays for the line.
    amount: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Invoice)]
pub(super) struct InvoiceDetail {
    #[serde(flatten)]
    summary: InvoiceJson,
    /// The tax rate, `"10%"`.
    tax_rate: String,
    lines: Vec<LineJson>,
    /// Why it is void; `""` while issued.
    void_reason: String,
    /// The invoice this one corrects; `""` for none.
    replaces_invoice_number: String,
    /// The invoice that corrects this one; `""` for none.
    replaced_by_invoice_number: String,
    /// When it was last sent to the customer; `""` if never.
    #[schema(value_type = Time)]
    sent_at: String,
}

fn detail_json(v: &InvoiceView) -> InvoiceDetail {
    let i = &v.invoice;
    InvoiceDetail {
        summary: invoice_json(i),
        tax_rate: crate::billing::grants::percent(i.tax_rate_bps),
        lines: v
            .lines
            .iter()
            .map(|l| LineJson {
                kind: l.kind.clone(),
                description: l.label.clone(),
                billed_month: l.month.clone(),
                list_price: amount(l.usage),
                amount: amount(l.amount),
            })
            .collect(),
        void_reason: i.void_reason.clone().unwrap_or_default(),
        replaces_invoice_number: v.replaces.clone().unwrap_or_default(),
        replaced_by_invoice_number: v.replaced_by.clone().unwrap_or_default(),
        sent_at: time(i.sent_at),
    }
}

/// Get one invoice, with its lines.
#[utoipa::path(get, path = "/invoices/{invoiceNumber}", tag = "Invoices", operation_id = "getInvoice",
    params(("invoiceNumber" = String, Path, description = "The invoice's number, `ACME-2026-00001`")),
    responses(
        (status = 200, description = "The invoice", body = InvoiceDetail),
        (status = 403, description = "The key is a reseller's: invoices are an MSP's", body = ErrorBody),
        (status = 404, description = "No invoice of yours has this number", body = ErrorBody),
    ))]
pub(super) async fn get_invoice(
    key: PartnerKey,
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let v = invoices::find(state.app(), &key.actor(), &number).await?;
    Ok(HttpResponse::Ok().json(detail_json(&v)))
}

/// Get an invoice as a PDF.
///
/// A4, in the invoice's language, the same figures as `getInvoice`.
#[utoipa::path(get, path = "/invoices/{invoiceNumber}/pdf", tag = "Invoices", operation_id = "getInvoicePdf",
    params(("invoiceNumber" = String, Path, description = "The invoice's number")),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 403, description = "The key is a reseller's: invoices are an MSP's", body = ErrorBody),
        (status = 404, description = "No invoice of yours has this number", body = ErrorBody),
    ))]
pub(super) async fn invoice_pdf(
    key: PartnerKey,
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let bytes = invoices::pdf(state.app(), &key.actor(), &number).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .body(bytes))
}

/// Send an invoice to its customer.
///
/// An e-mail to the customer's address with the PDF, from your name; replies go to your
/// contact address. Sending again sends it again.
#[utoipa::path(post, path = "/invoices/{invoiceNumber}/send", tag = "Invoices", operation_id = "sendInvoice",
    params(("invoiceNumber" = String, Path, description = "The invoice's number")),
    responses(
        (status = 200, description = "The invoice, with the time it was sent", body = InvoiceDetail),
        (status = 403, description = "The key is a reseller's: invoices are an MSP's", body = ErrorBody),
        (status = 404, description = "No invoice of yours has this number", body = ErrorBody),
        (status = 409, description = "The invoice is void", body = ErrorBody),
    ))]
pub(super) async fn send_invoice(
    key: PartnerKey,
    state: web::Data<AppState>,
    number: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    send::one(state.app(), &key.actor(), &number).await?;
    let v = invoices::find(state.app(), &key.actor(), &number).await?;
    Ok(HttpResponse::Ok().json(detail_json(&v)))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = VoidInvoice)]
pub(super) struct VoidBody {
    /// Why, up to 500 characters; kept with the invoice.
    #[schema(
        example = "Priced with the wrong plan",
        min_length = 1,
        max_length = 500,
        pattern = r"\S"
    )]
    reason: String,
    /// Issue the corrected invoice under a new number in the same step (default false).
    #[serde(default)]
    issue_corrected: bool,
}

/// Void an invoice.
///
/// It stays on record, marked void with the reason; its number is never used again. With
/// `issueCorrected` the corrected invoice is issued at once, priced with the customer's plan
/// and your invoice details as they are now.
#[utoipa::path(post, path = "/invoices/{invoiceNumber}/void", tag = "Invoices", operation_id = "voidInvoice",
    params(("invoiceNumber" = String, Path, description = "The invoice's number")),
    request_body = VoidBody,
    responses(
        (status = 200, description = "The void invoice; `replacedByInvoiceNumber` names the corrected one", body = InvoiceDetail),
        (status = 400, description = "No reason, or one over 500 characters", body = ErrorBody),
        (status = 403, description = "The key is a reseller's: invoices are an MSP's", body = ErrorBody),
        (status = 404, description = "No invoice of yours has this number", body = ErrorBody),
        (status = 409, description = "The invoice is void already", body = ErrorBody),
    ))]
pub(super) async fn void_invoice(
    key: PartnerKey,
    state: web::Data<AppState>,
    number: web::Path<String>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body: VoidBody = serde_json::from_slice(&raw)
        .map_err(|e| ApiError::BadRequest(format!("the body is not a void request: {e}")))?;
    let actor = key.actor();
    invoices::void(
        state.app(),
        &actor,
        &number,
        &body.reason,
        body.issue_corrected,
    )
    .await?;
    let v = invoices::find(state.app(), &actor, &number).await?;
    Ok(HttpResponse::Ok().json(detail_json(&v)))
}
