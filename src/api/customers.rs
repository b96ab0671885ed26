//! The customer reads both APIs answer alike: the list a page at a time (the database writes the
//! page), and one customer. The surfaces document them at their own paths (`msp`, `v1`).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::{AsPartner, Keyed, PartnerKey};
use super::error::ApiError;
use super::formats::{CustomerState, Time, time};
use crate::app::customer_reads;
use crate::state::AppState;
use crate::store::StoreError;
use crate::store::customers::Customer;

const MAX_PAGE: i64 = 1000;

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MspCustomer {
    /// The customer's organization id (the same digits as `orgId`).
    pub id: String,
    /// The customer's organization id: digits, below 2^63.
    pub org_id: String,
    pub org_name: String,
    /// The e-mail the customer signed up with.
    pub email: String,
    #[schema(value_type = CustomerState)]
    pub state: String,
    /// When the customer became active, `YYYY-MM-DD hh:mm:ss` UTC; `""` while pending.
    #[schema(value_type = Time)]
    pub effected_time: String,
    /// When the contract ended, `YYYY-MM-DD hh:mm:ss` UTC; `""` while it runs.
    #[schema(value_type = Time)]
    pub expired_time: String,
}

impl From<Customer> for MspCustomer {
    fn from(c: Customer) -> Self {
        MspCustomer {
            id: c.org_id.clone(),
            org_id: c.org_id,
            org_name: c.org_name,
            email: c.email,
            state: c.state.to_string(),
            effected_time: time(c.effected_at),
            expired_time: time(c.expired_at),
        }
    }
}

/// The schema of the page that `store::customers::page_json` has the database write.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct CustomerList {
    msp_customers: Vec<MspCustomer>,
    /// Pass as `pageToken` for the next page; `""` on the last page.
    next_page_token: String,
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Customers per page, 0 to 1000 (default 100); 0 returns every customer at once.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 1000)]
    page_size: Option<String>,
    /// The `nextPageToken` of the previous page; absent or `""` for the first page.
    page_token: Option<String>,
}

/// One page of the key's partner's customers, oldest first.
pub async fn list<K: AsPartner>(
    Keyed { key, mut conn }: Keyed<K>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, ApiError> {
    // Read after the key is checked: an unauthenticated caller learns nothing from a 400.
    let q = web::Query::<PageQuery>::from_query(req.query_string())
        .map_err(|e| ApiError::BadRequest(format!("the query string is not valid: {e}")))?;
    let size: i64 = match q.page_size.as_deref().map(str::trim) {
        None => 100,
        Some(s) => s.parse().map_err(|_| {
            ApiError::BadRequest(format!(
                "pageSize must be a whole number from 0 to {MAX_PAGE}"
            ))
        })?,
    };
    if !(0..=MAX_PAGE).contains(&size) {
        return Err(ApiError::BadRequest(format!(
            "pageSize must be from 0 to {MAX_PAGE}; 0 returns every customer"
        )));
    }
    let after = match q.page_token.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(super::page_token::decode('c', t).ok_or_else(|| {
            ApiError::BadRequest("pageToken is not one this API gave out".into())
        })?),
    };
    let limit = if size == 0 { i64::MAX } else { size };
    let page = customer_reads::api_page(&mut conn, &key.partner().actor(), after, limit).await?;
    let next_page_token = match page.more_after {
        Some(last) if size > 0 => super::page_token::encode('c', last),
        _ => String::new(),
    };
    // The database wrote the customers' array; the envelope is [`CustomerList`]'s.
    let body = format!(
        "{{\"mspCustomers\":{},\"nextPageToken\":{}}}",
        page.customers,
        serde_json::Value::String(next_page_token)
    );
    Ok(HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(body))
}

pub async fn find_customer(
    state: &AppState,
    key: &PartnerKey,
    org_id: &str,
) -> Result<Customer, ApiError> {
    match crate::app::customer_reads::one(state.app(), &key.actor(), org_id).await {
        Ok((c, _)) => Ok(c),
        Err(StoreError::NotFound) => Err(ApiError::NotFound(format!("no customer {org_id}"))),
        Err(e) => Err(e.into()),
    }
}

/// The key's partner's customer `org_id`.
pub async fn one<K: AsPartner>(
    key: K,
    state: web::Data<AppState>,
    org_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let c = find_customer(&state, key.partner(), &org_id).await?;
    Ok(HttpResponse::Ok().json(MspCustomer::from(c)))
}
