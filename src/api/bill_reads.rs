//! The bill reads both APIs answer alike: the month asked for, the partner's bill with its
//! errors as the APIs answer them, and one customer's bill.

use actix_web::HttpResponse;

use super::auth::PartnerKey;
use super::bills as answers;
use super::customers::find_customer;
use super::error::ApiError;
use crate::app::bills::{self, PartnerBill};
use crate::billing::month::Month;
use crate::state::AppState;

pub fn month_param(raw: &str) -> Result<Month, ApiError> {
    Month::parse(raw)
        .ok_or_else(|| ApiError::BadRequest(format!("billedMonth {raw:?} must be YYYY-MM")))
}

pub async fn partner_bill(
    state: &AppState,
    partner_id: i64,
    month: Month,
) -> Result<PartnerBill, ApiError> {
    Ok(bills::partner_bill(state.app(), partner_id, month).await?)
}

/// One customer's bill for `month`; shared with the Partner Management API.
pub async fn customer_bill_of(
    state: &AppState,
    key: &PartnerKey,
    org_id: &str,
    month: &str,
) -> Result<HttpResponse, ApiError> {
    let month = month_param(month)?;
    let customer = find_customer(state, key, org_id).await?;
    let bill = partner_bill(state, key.partner_id, month)
        .await?
        .for_customer(customer.customer_id);
    Ok(HttpResponse::Ok().json(answers::customer_bill(&bill)))
}

/// A bill's JSON answer written as it is produced.
pub fn streamed_json(
    body: impl futures_util::Stream<Item = crate::http::Chunk> + 'static,
) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .streaming(body)
}
