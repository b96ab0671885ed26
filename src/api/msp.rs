//! The MSP API `v1beta1`, compatible with the vendor's public MSP API: existing scripts work by
//! changing the host. Paths, field names and JSON types follow the vendor's MSP document (SPEC 6):
//! bill amounts as "1234.50" (the one deliberate departure), times "YYYY-MM-DD hh:mm:ss" UTC (""
//! when unset), credits' and discounts' dates RFC 3339. The answer types of bills and grants are
//! in `bills` and `grants`, shared with `v1`.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::{AsPartner, Keyed, MspKey};
use super::bills as answers;
use super::error::{ApiError, ErrorBody};
use super::formats::{CustomerState, Time, YearMonth, time};
use super::grants::{credits, discounts};
use crate::app::bills::{self, BillError, PartnerBill};
use crate::app::signup_links::{self, NewLinkRequest};
use crate::billing::month::Month;
use crate::state::AppState;
use crate::store::customers::{self, Customer};

pub const BASE: &str = crate::paths::MSP_API;
const MAX_PAGE: i64 = 1000;

/// The seven operations of the vendor's MSP document, at its paths.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(BASE)
            .wrap(actix_web::middleware::from_fn(super::ratelimit::headers))
            .route("/openapi.json", web::get().to(super::openapi::serve_msp))
            .route("/bills/{billedMonth}", web::get().to(bill))
            .route("/credits", web::get().to(credits::<MspKey>))
            // The document's path has the trailing slash, its curl sample has none.
            .route("/discounts/", web::get().to(discounts::<MspKey>))
            .route("/discounts", web::get().to(discounts::<MspKey>))
            .route(
                "/mspCustomerBills/{billedMonth}/mspCustomers/{mspCustomerId}",
                web::get().to(customer_bill),
            )
            .route("/customerSignupUrl", web::post().to(signup_url))
            .route("/mspCustomers", web::get().to(list_customers::<MspKey>))
            .route(
                "/mspCustomers/{customerOrgId}",
                web::get().to(get_customer::<MspKey>),
            )
            .default_service(web::to(not_found)),
    );
}

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
pub(super) struct CustomerList {
    msp_customers: Vec<MspCustomer>,
    /// Pass as `pageToken` for the next page; `""` on the last page.
    next_page_token: String,
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub(super) struct PageQuery {
    /// Customers per page, 0 to 1000 (default 100); 0 returns every customer at once.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 1000)]
    page_size: Option<String>,
    /// The `nextPageToken` of the previous page; absent or `""` for the first page.
    page_token: Option<String>,
}

/// List customers, a page at a time.
///
/// Oldest first. Page tokens stay valid while new customers sign up: each customer is returned
/// exactly once.
#[utoipa::path(get, path = "/mspCustomers", tag = "Customers", operation_id = "listMspCustomers",
    params(PageQuery),
    responses(
        (status = 200, description = "One page of customers", body = CustomerList),
        (status = 400, description = "`pageSize` outside 0..1000 or a `pageToken` this API did not give out", body = ErrorBody),
    ))]
pub(super) async fn list_customers<K: AsPartner>(
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
    let page = customers::page_json(&mut conn, key.partner().partner_id, after, limit).await?;
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

async fn find_customer(
    state: &AppState,
    partner_id: i64,
    org_id: &str,
) -> Result<Customer, ApiError> {
    let mut c = state.db.acquire().await?;
    customers::find_by_org_id(&mut c, partner_id, org_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no customer {org_id}")))
}

/// Get one customer.
#[utoipa::path(get, path = "/mspCustomers/{customerOrgId}", tag = "Customers", operation_id = "getMspCustomer",
    params(("customerOrgId" = String, Path, description = "The customer's organization id")),
    responses(
        (status = 200, description = "The customer", body = MspCustomer),
        (status = 404, description = "No customer of yours has this organization id", body = ErrorBody),
    ))]
pub(super) async fn get_customer<K: AsPartner>(
    key: K,
    state: web::Data<AppState>,
    org_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let c = find_customer(&state, key.partner().partner_id, &org_id).await?;
    Ok(HttpResponse::Ok().json(MspCustomer::from(c)))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct SignupUrl {
    /// The signup page, branded with your logo; send it to the customer.
    customer_signup_url: String,
    /// When the link stops working, `YYYY-MM-DD hh:mm:ss` UTC (7 days on).
    #[schema(value_type = Time)]
    expired_at: String,
}

/// The body the vendor's document defines for a signup URL; all of it optional.
#[derive(Deserialize, Default, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CreateMspCustomerSignupUrlReq)]
pub(super) struct SignupUrlBody {
    /// Accepted for the vendor's clients and not used: the key already says who you are.
    #[schema(example = "123456")]
    #[allow(dead_code)]
    org_id: Option<String>,
}

/// Create a customer signup URL.
///
/// Valid for 7 days and any number of signups. The URL is shown only in this answer: only a
/// hash of its token is kept. No body, an empty body, `{}` and `{"orgId": "..."}` are all the
/// same request.
#[utoipa::path(post, path = "/customerSignupUrl", tag = "Customers", operation_id = "createCustomerSignupUrl",
    request_body(content = Option<SignupUrlBody>, description = "Optional"),
    responses(
        (status = 200, description = "The new signup link", body = SignupUrl),
        (status = 400, description = "A body that is neither empty nor the documented object", body = ErrorBody),
    ))]
pub(super) async fn signup_url(
    key: MspKey,
    state: web::Data<AppState>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    super::body::optional_object::<SignupUrlBody>(&raw).map_err(|e| {
        ApiError::BadRequest(format!(
            "the body must be empty or {{\"orgId\": \"...\"}}: {e}"
        ))
    })?;
    let request = NewLinkRequest {
        label: "API".into(),
        days: signup_links::DEFAULT_DAYS,
        max_uses: None,
    };
    let created = signup_links::create(
        &state.db,
        &key.partner().actor(),
        request,
        &state.settings.public_url,
        state.now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(SignupUrl {
        customer_signup_url: created.url,
        expired_at: time(Some(created.link.expires_at)),
    }))
}

pub(super) fn month_param(raw: &str) -> Result<Month, ApiError> {
    Month::parse(raw)
        .ok_or_else(|| ApiError::BadRequest(format!("billedMonth {raw:?} must be YYYY-MM")))
}

pub(super) async fn partner_bill(
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

/// Return the MSP's bill for a month.
///
/// `runningTotal` is what was consumed before discounts and credits, `totalCost` the amount
/// owed (`runningTotal - discounts - credits`), at every level. `summaryByCustomer` holds each
/// customer's whole bill; they add up to the overview. The running month is a bill to date;
/// closed months never change.
#[utoipa::path(get, path = "/bills/{billedMonth}", tag = "Billing", operation_id = "getBill",
    params(("billedMonth" = YearMonth, Path, description = "`YYYY-MM`: the running month or one of the six before it")),
    responses(
        (status = 200, description = "The bill", body = answers::MspBill),
        (status = 400, description = "A month that is not `YYYY-MM` or outside the window", body = ErrorBody),
    ))]
pub(super) async fn bill(
    key: MspKey,
    state: web::Data<AppState>,
    month: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let month = month_param(&month)?;
    let bill = partner_bill(&state, key.partner().partner_id, month).await?;
    let answer = answers::msp_bill(&bill).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(answer))
}

/// One customer's bill for `month`; shared with the Partner Management API.
pub(super) async fn customer_bill_of(
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

/// Return one customer's bill for a month.
///
/// The customer's share of your bill, by project and by service, with the amounts meaning what
/// they mean in your own bill. Charges outside every project (a support plan, say) are in
/// `summaryByProject.otherCharges`.
#[utoipa::path(get, path = "/mspCustomerBills/{billedMonth}/mspCustomers/{mspCustomerId}", tag = "Billing", operation_id = "getMspCustomerBill",
    params(
        ("billedMonth" = YearMonth, Path, description = "`YYYY-MM`: the running month or one of the six before it"),
        ("mspCustomerId" = String, Path, description = "The customer's organization id"),
    ),
    responses(
        (status = 200, description = "The customer's bill", body = answers::CustomerBill),
        (status = 400, description = "A month that is not `YYYY-MM` or outside the window", body = ErrorBody),
        (status = 404, description = "No customer of yours has this organization id", body = ErrorBody),
    ))]
pub(super) async fn customer_bill(
    key: MspKey,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (month, org_id) = path.into_inner();
    customer_bill_of(&state, key.partner().partner_id, &org_id, &month).await
}

async fn not_found(req: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(super::openapi::unmatched(
        super::openapi::msp_document(),
        req.path(),
        "MSP API",
    ))
}
