//! The MSP API `v1beta1`, compatible with the vendor's public MSP API: existing scripts work by
//! changing the host. Paths, field names and JSON types follow the vendor's MSP document (SPEC 6):
//! bill amounts as "1234.50" (the one deliberate departure), times "YYYY-MM-DD hh:mm:ss" UTC (""
//! when unset), credits' and discounts' dates RFC 3339. The answer types of bills and grants are
//! in `bills` and `grants`, shared with `v1`.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::auth::{AsPartner, Keyed, MspKey};
use super::bills as answers;
use super::error::{ApiError, ErrorBody};
use super::formats::{Time, YearMonth, time};
use super::grants::{self, credits, discounts};
use super::{bill_reads, customers, openapi};
use crate::app::signup_links::{self, NewLinkRequest};
use crate::state::AppState;

use std::sync::OnceLock;

use serde_json::Value;

pub const BASE: &str = crate::paths::MSP_API;

/// The seven operations of the vendor's MSP document, at its paths.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(BASE)
            .wrap(actix_web::middleware::from_fn(super::ratelimit::headers))
            .route("/openapi.json", web::get().to(serve_document))
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
            .route("/mspCustomers", web::get().to(list_customers))
            .route("/mspCustomers/{customerOrgId}", web::get().to(get_customer))
            .default_service(web::to(not_found)),
    );
}

/// List customers, a page at a time.
///
/// Oldest first. Page tokens stay valid while new customers sign up: each customer is returned
/// exactly once.
#[utoipa::path(get, path = "/mspCustomers", tag = "Customers", operation_id = "listMspCustomers",
    params(customers::PageQuery),
    responses(
        (status = 200, description = "One page of customers", body = customers::CustomerList),
        (status = 400, description = "`pageSize` outside 0..1000 or a `pageToken` this API did not give out", body = ErrorBody),
    ))]
pub(super) async fn list_customers(
    key: Keyed<MspKey>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, ApiError> {
    customers::list(key, req).await
}

/// Get one customer.
#[utoipa::path(get, path = "/mspCustomers/{customerOrgId}", tag = "Customers", operation_id = "getMspCustomer",
    params(("customerOrgId" = String, Path, description = "The customer's organization id")),
    responses(
        (status = 200, description = "The customer", body = customers::MspCustomer),
        (status = 404, description = "No customer of yours has this organization id", body = ErrorBody),
    ))]
pub(super) async fn get_customer(
    key: MspKey,
    state: web::Data<AppState>,
    org_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    customers::one(key, state, org_id).await
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
    let created = signup_links::create(state.app(), &key.partner().actor(), request).await?;
    Ok(HttpResponse::Ok().json(SignupUrl {
        customer_signup_url: created.url,
        expired_at: time(Some(created.link.expires_at)),
    }))
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
    let month = bill_reads::month_param(&month)?;
    let partner_id = key.partner().partner_id;
    // A closed month is read a part at a time; others are computed whole.
    let parts = crate::app::bills::closed_parts(
        state.app(),
        partner_id,
        month,
        crate::app::bills::Order::BiggestFirst,
        |org_id| {
            // `customerID` is a JSON integer.
            org_id.parse::<i64>().is_ok()
        },
    )
    .await?;
    if let Some(parts) = parts {
        let body = answers::msp_closed_stream(parts, state.db.clone())?;
        return Ok(bill_reads::streamed_json(body));
    }
    let bill = bill_reads::partner_bill(&state, partner_id, month).await?;
    Ok(bill_reads::streamed_json(answers::msp_bill_stream(bill)?))
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
    bill_reads::customer_bill_of(&state, key.partner(), &org_id, &month).await
}

async fn not_found(req: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(openapi::unmatched(document(), req.path(), "MSP API"))
}

#[derive(OpenApi)]
#[openapi(paths(
    bill,
    grants::credits,
    grants::discounts,
    customer_bill,
    signup_url,
    list_customers,
    get_customer,
))]
struct MspOperations;

/// The MSP API `v1beta1` document, as served at `/v1beta1/msp/openapi.json`.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        openapi::finish(
            MspOperations::openapi(),
            BASE,
            Some("The key is a reseller's: the MSP API is for MSPs; resellers use /api/v1"),
            "MSP API",
            "v1beta1",
            "Compatible with the vendor's public MSP API: scripts written for it work by changing \
             the host. For managed service providers' keys only; deprecated in favour of the \
             Partner Management API v1, and kept unchanged for existing scripts.",
        )
    })
}

async fn serve_document() -> HttpResponse {
    openapi::serve(document())
}
