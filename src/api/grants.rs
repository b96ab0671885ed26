//! Credits and discounts as both APIs answer them: JSON arrays of the vendor's `MspCredit` and
//! `MspDiscount` (SPEC 6), with a few fields of our own beside.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::AsPartner;
use super::error::ApiError;
use super::formats::{CreditState, DiscountState, Dollars, Instant, amount, instant};
use crate::app::grants as app_grants;
use crate::billing::grants::{
    CreditStatus, DiscountStatus, credit_period, discount_period, percent,
};
use crate::billing::month::Month;
use crate::state::AppState;
use crate::store::grants::{CreditRow, DiscountRow};

/// What `services` says of a grant for every service.
const EVERY_SERVICE: &str = "General Product";

/// A credit: what it was, what is left of it, and when it applies.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MspCredit)]
pub struct CreditJson {
    /// The amount granted, USD.
    credit: Dollars,
    /// What is left after the bills up to the running month, USD.
    remaining_credit: Dollars,
    /// The credit's id, stable.
    credit_code: String,
    /// The instant it starts applying, RFC 3339 UTC.
    #[schema(value_type = Instant)]
    start_date: String,
    /// The instant it stops applying (the day after its last day), RFC 3339 UTC.
    #[schema(value_type = Instant)]
    expiry_date: String,
    /// `General Product`: a credit pays for every service.
    services: String,
    #[schema(value_type = CreditState)]
    status: String,
    /// The customer the credit is for, or `""` when it is for every customer.
    customer_org_id: String,
    /// The vendor's note on the credit.
    description: String,
}

pub fn credit_json(r: &CreditRow, left: i64, today: chrono::NaiveDate) -> CreditJson {
    let (start, stop) = credit_period(r.effective_on, r.expires_on);
    CreditJson {
        credit: Dollars(r.amount),
        remaining_credit: Dollars(left),
        credit_code: r.credit_id.to_string(),
        start_date: instant(Some(start)),
        expiry_date: instant(Some(stop)),
        services: EVERY_SERVICE.into(),
        status: CreditStatus::of(r.effective_on, r.expires_on, left, today)
            .as_str()
            .into(),
        customer_org_id: r.customer_org_id.clone().unwrap_or_default(),
        description: r.note.clone(),
    }
}

/// A discount: a percentage or a fixed monthly amount, and the months it applies to.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MspDiscount)]
pub struct DiscountJson {
    /// The vendor's note, or what the discount is when there is none.
    description: String,
    /// The discount's id, stable.
    discount_code: String,
    /// The rate taken off each bill line (`"20%"`, `"12.5%"`), or `""` for a fixed amount.
    #[schema(example = "10%")]
    percentage_discount: String,
    /// `General Product` for every service, else the service discounted.
    services: String,
    /// The instant it starts applying (the first of its first month), RFC 3339 UTC.
    #[schema(value_type = Instant)]
    start_date: String,
    /// The instant it stops applying (the first of the month after its last), RFC 3339 UTC;
    /// `""` when it never ends.
    #[schema(value_type = Instant)]
    expiry_date: String,
    #[schema(value_type = DiscountState)]
    status: String,
    /// A fixed amount taken off each month, USD with two decimals; `""` for a percentage.
    amount: String,
    /// The customer the discount is for, or `""` when it is for every customer.
    customer_org_id: String,
}

/// A discount row's months; a row the store holds always has a valid first month.
fn months(d: &DiscountRow) -> Option<(Month, Option<Month>)> {
    let start = Month::parse(&d.start_month)?;
    Some((start, d.end_month.as_deref().and_then(Month::parse)))
}

pub fn discount_json(d: &DiscountRow, current: Month) -> Option<DiscountJson> {
    let (start, end) = months(d)?;
    let (from, until) = discount_period(start, end);
    let services = d.service.clone().unwrap_or_else(|| EVERY_SERVICE.into());
    let percentage = d.rate_bps.map(percent).unwrap_or_default();
    let description = if d.note.is_empty() {
        match d.amount {
            Some(a) => format!("${} a month off {services}", amount(a)),
            None => format!("{percentage} off {services}"),
        }
    } else {
        d.note.clone()
    };
    Some(DiscountJson {
        description,
        discount_code: d.discount_id.to_string(),
        percentage_discount: percentage,
        services,
        start_date: instant(Some(from)),
        expiry_date: instant(until),
        status: DiscountStatus::of(start, end, current).as_str().into(),
        amount: d.amount.map(amount).unwrap_or_default(),
        customer_org_id: d.customer_org_id.clone().unwrap_or_default(),
    })
}

/// Return the credits applied to you.
///
/// Every credit granted to you or to one of your customers, with what is left of it after the
/// bills up to the running month, oldest expiry first.
#[utoipa::path(get, path = "/credits", tag = "Billing", operation_id = "listCredits",
    responses(
        (status = 200, description = "Every credit", body = Vec<CreditJson>),
    ))]
pub(super) async fn credits<K: AsPartner>(
    key: K,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let today = state.now().date_naive();
    let list: Vec<CreditJson> = app_grants::credits_left(state.app(), &key.partner().actor())
        .await?
        .iter()
        // The public API's remainingCredit is what is left now, the estimate taken.
        .map(|c| credit_json(&c.credit, c.left_after_estimate, today))
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Return the discounts applied to you.
///
/// Every discount granted to you or to one of your customers. The MSP document spells the path
/// `/discounts/`; `/discounts` answers the same.
#[utoipa::path(get, path = "/discounts/", tag = "Billing", operation_id = "listDiscounts",
    responses(
        (status = 200, description = "Every discount", body = Vec<DiscountJson>),
    ))]
pub(super) async fn discounts<K: AsPartner>(
    key: K,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let current = Month::of(state.now().date_naive());
    let list: Vec<DiscountJson> = app_grants::discounts(state.app(), &key.partner().actor())
        .await?
        .iter()
        .filter_map(|d| discount_json(d, current))
        .collect();
    Ok(HttpResponse::Ok().json(list))
}
