//! The bill reads both APIs answer alike: the month asked for, the partner's bill with its
//! errors as the APIs answer them, and one customer's bill.

use actix_web::HttpResponse;

use super::bills as answers;
use super::customers::find_customer;
use super::error::ApiError;
use crate::app::bills::{self, BillError, PartnerBill};
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
    let today = state.now().date_naive();
    bills::partner_bill(&state.db, partner_id, month, today).await.map_err(|e| match e {
        BillError::OutOfWindow(m) => ApiError::BadRequest(format!(
            "billedMonth {m} is not available: bills cover the running month and the six months before it"
        )),
        BillError::Store(s) => s.into(),
    })
}

/// One customer's bill for `month`; shared with the Partner Management API.
pub async fn customer_bill_of(
    state: &AppState,
    partner_id: i64,
    org_id: &str,
    month: &str,
) -> Result<HttpResponse, ApiError> {
    let month = month_param(month)?;
    let customer = find_customer(state, partner_id, org_id).await?;
    let bill = partner_bill(state, partner_id, month)
        .await?
        .for_customer(customer.customer_id);
    Ok(HttpResponse::Ok().json(answers::customer_bill(&bill)))
}
