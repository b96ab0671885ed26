//! The Partner Management API `v1`, for resellers and MSPs alike: the same reads as the MSP API,
//! signup links (MSPs only), and the key's own partner. New operations go here, not in v1beta1.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::auth::PartnerKey;
use super::bills as answers;
use super::error::{ApiError, ErrorBody};
use super::formats::{LinkState, PartnerKind, PartnerState, Time, YearMonth, time};
use super::{
    authorizations, bill_reads, budgets, customers as customer_reads, focus, grants, invoices,
    offers, openapi, price_plans, statements, webhooks,
};
use crate::app::signup_links::{self, NewLinkRequest};
use crate::state::AppState;
use crate::store::signup_links::SignupLink;

use std::sync::OnceLock;

use serde_json::Value;

pub const BASE: &str = crate::paths::PARTNER_API;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let scope = offers::configure(authorizations::configure(web::scope(BASE)));
    let scope = statements::configure(invoices::configure(price_plans::configure(scope)));
    let scope = budgets::configure(focus::configure(webhooks::configure(scope)));
    cfg.service(
        scope
            .wrap(actix_web::middleware::from_fn(super::ratelimit::headers))
            .route("/openapi.json", web::get().to(serve_document))
            .route("/me", web::get().to(me))
            .route("/bills/{billedMonth}", web::get().to(bill))
            .route("/credits", web::get().to(grants::credits::<PartnerKey>))
            .route("/discounts", web::get().to(discounts))
            .route("/customers", web::get().to(customers))
            .route("/customers/{customerOrgId}", web::get().to(customer))
            .route(
                "/customers/{customerOrgId}/bills/{billedMonth}",
                web::get().to(customer_bill),
            )
            .route("/signupLinks", web::get().to(list_links))
            .route("/signupLinks", web::post().to(create_link))
            .route("/signupLinks/{id}", web::delete().to(revoke_link))
            .default_service(web::to(not_found)),
    );
}

async fn not_found(req: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(openapi::unmatched(
        document(),
        req.path(),
        "Partner Management API",
    ))
}

/// List customers, a page at a time.
///
/// Oldest first; page tokens stay valid while customers are added. The answer keeps the MSP
/// API's field names (`mspCustomers`) so one parser serves both APIs.
#[utoipa::path(get, path = "/customers", tag = "Customers", operation_id = "listCustomers",
    params(customer_reads::PageQuery),
    responses(
        (status = 200, description = "One page of customers", body = customer_reads::CustomerList),
        (status = 400, description = "`pageSize` outside 0..1000 or a `pageToken` this API did not give out", body = ErrorBody),
    ))]
pub(super) async fn customers(
    key: super::auth::Keyed<PartnerKey>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, ApiError> {
    customer_reads::list(key, req).await
}

/// Get one customer.
#[utoipa::path(get, path = "/customers/{customerOrgId}", tag = "Customers", operation_id = "getCustomer",
    params(("customerOrgId" = String, Path, description = "The customer's organization id")),
    responses(
        (status = 200, description = "The customer", body = customer_reads::MspCustomer),
        (status = 404, description = "No customer of yours has this organization id", body = ErrorBody),
    ))]
pub(super) async fn customer(
    key: PartnerKey,
    state: web::Data<AppState>,
    org_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    customer_reads::one(key, state, org_id).await
}

/// Get the partner's bill for a month.
///
/// `runningTotal` is what was consumed before discounts and credits, `totalCost` the amount
/// owed (`runningTotal - discounts - credits`), at every level. `summaryByCustomer` has each
/// customer's totals; its whole bill is at `/customers/{customerOrgId}/bills/{billedMonth}`.
#[utoipa::path(get, path = "/bills/{billedMonth}", tag = "Billing", operation_id = "getBill",
    params(("billedMonth" = YearMonth, Path, description = "`YYYY-MM`: the running month or one of the six before it")),
    responses(
        (status = 200, description = "The bill", body = answers::PartnerBillJson),
        (status = 400, description = "A month that is not `YYYY-MM` or outside the window", body = ErrorBody),
    ))]
pub(super) async fn bill(
    key: PartnerKey,
    state: web::Data<AppState>,
    month: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let month = bill_reads::month_param(&month)?;
    // A closed month is read a part at a time; others are computed whole.
    let parts = crate::app::bills::closed_parts(
        state.app(),
        key.partner_id,
        month,
        crate::app::bills::Order::BiggestFirst,
        |_| true,
    )
    .await?;
    if let Some(parts) = parts {
        let body = answers::partner_closed_stream(parts, state.db.clone())?;
        return Ok(bill_reads::streamed_json(body));
    }
    let bill = bill_reads::partner_bill(&state, key.partner_id, month).await?;
    Ok(bill_reads::streamed_json(answers::partner_bill_stream(
        &bill,
    )?))
}

/// Get one customer's bill for a month.
///
/// The customer's share of your bill, by project and by service, in the same shape as the MSP
/// API's customer bill.
#[utoipa::path(get, path = "/customers/{customerOrgId}/bills/{billedMonth}", tag = "Billing", operation_id = "getCustomerBill",
    params(
        ("customerOrgId" = String, Path, description = "The customer's organization id"),
        ("billedMonth" = YearMonth, Path, description = "`YYYY-MM`: the running month or one of the six before it"),
    ),
    responses(
        (status = 200, description = "The customer's bill", body = answers::CustomerBill),
        (status = 400, description = "A month that is not `YYYY-MM` or outside the window", body = ErrorBody),
        (status = 404, description = "No customer of yours has this organization id", body = ErrorBody),
    ))]
pub(super) async fn customer_bill(
    key: PartnerKey,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, month) = path.into_inner();
    bill_reads::customer_bill_of(&state, &key, &org_id, &month).await
}

/// List discounts.
///
/// Every discount granted to you or to one of your customers, as the MSP API lists them.
#[utoipa::path(get, path = "/discounts", tag = "Billing", operation_id = "listDiscounts",
    responses((status = 200, description = "Every discount", body = Vec<grants::DiscountJson>)))]
pub(super) async fn discounts(
    key: PartnerKey,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    grants::discounts(key, state).await
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct Me {
    partner_name: String,
    /// The partner's short name in URLs (signup pages, logos).
    partner_slug: String,
    #[schema(value_type = PartnerKind)]
    partner_kind: String,
    /// Always `active` here: a suspended partner's keys are refused.
    #[schema(value_type = PartnerState)]
    partner_state: String,
    /// The name given to this key when it was created.
    key_name: String,
    public_key: String,
    /// `YYYY-MM-DD hh:mm:ss` UTC.
    #[schema(value_type = Time)]
    created_time: String,
    /// When the key was last used (to the minute), `""` if never.
    #[schema(value_type = Time)]
    last_used_time: String,
}

/// Who am I: the key's partner and the key.
#[utoipa::path(get, path = "/me", tag = "Keys", operation_id = "getMe",
    responses((status = 200, description = "The key's partner and the key", body = Me)))]
pub(super) async fn me(
    key: PartnerKey,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let actor = key.actor();
    let p = crate::app::partners::own(state.app(), &actor).await?;
    let k = crate::app::api_keys::find(state.app(), &actor, key.key_id).await?;
    Ok(HttpResponse::Ok().json(Me {
        partner_name: p.name,
        partner_slug: p.slug,
        partner_kind: p.kind.to_string(),
        partner_state: p.state.to_string(),
        key_name: k.name,
        public_key: k.public_key,
        created_time: time(Some(k.created_at)),
        last_used_time: time(k.last_used_at),
    }))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = SignupLink)]
pub(super) struct LinkJson {
    id: String,
    label: String,
    #[schema(value_type = LinkState)]
    state: String,
    /// Customers who signed up through the link.
    uses: i32,
    /// The most signups the link takes, or null for no limit.
    max_uses: Option<i32>,
    /// `YYYY-MM-DD hh:mm:ss` UTC.
    #[schema(value_type = Time)]
    expired_at: String,
    /// `YYYY-MM-DD hh:mm:ss` UTC.
    #[schema(value_type = Time)]
    created_time: String,
    /// Only in the answer to the creation: the token is not kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_signup_url: Option<String>,
}

pub(super) fn link_json(
    l: &SignupLink,
    now: chrono::DateTime<chrono::Utc>,
    url: Option<String>,
) -> LinkJson {
    LinkJson {
        id: l.link_id.to_string(),
        label: l.label.clone(),
        state: l.state(now).as_str().to_string(),
        uses: l.uses,
        max_uses: l.max_uses,
        expired_at: time(Some(l.expires_at)),
        created_time: time(Some(l.created_at)),
        customer_signup_url: url,
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct LinkList {
    signup_links: Vec<LinkJson>,
}

/// List signup links.
///
/// Newest first, without their URLs (shown only at creation).
#[utoipa::path(get, path = "/signupLinks", tag = "Signup links", operation_id = "listSignupLinks",
    responses(
        (status = 200, description = "Every signup link", body = LinkList),
        (status = 403, description = "The key is a reseller's: signup links are for MSPs", body = ErrorBody),
    ))]
pub(super) async fn list_links(
    key: PartnerKey,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let now = state.now();
    let links: Vec<LinkJson> = signup_links::list(state.app(), &key.actor())
        .await?
        .iter()
        .map(|l| link_json(l, now, None))
        .collect();
    Ok(HttpResponse::Ok().json(LinkList {
        signup_links: links,
    }))
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = NewSignupLink)]
pub(super) struct NewLinkBody {
    /// Your own note, up to 80 characters (not shown to customers).
    #[schema(max_length = 80, example = "Spring campaign")]
    label: String,
    /// Days until the link expires, 1 to 90; 7 if absent.
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 90, example = 30)]
    expires_in_days: Option<serde_json::Number>,
    /// The most customers who may sign up through it, 1 to 1000000; no limit if absent.
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 1000000, example = 10)]
    max_uses: Option<serde_json::Number>,
}

/// Create a signup link.
///
/// Its URL is in this answer only: only a hash of its token is kept. An empty body takes every
/// default.
#[utoipa::path(post, path = "/signupLinks", tag = "Signup links", operation_id = "createSignupLink",
    request_body(content = Option<NewLinkBody>, description = "Optional, and so is every field"),
    responses(
        (status = 201, description = "The new link, with its URL", body = LinkJson),
        (status = 400, description = "A body that is not the documented object or a value out of range", body = ErrorBody),
        (status = 403, description = "The key is a reseller's: signup links are for MSPs", body = ErrorBody),
    ))]
pub(super) async fn create_link(
    key: PartnerKey,
    state: web::Data<AppState>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    // No body or `null` means every default.
    let body: NewLinkBody = super::body::optional_object(&raw)
        .map_err(|e| ApiError::BadRequest(format!("the body is not a signup link request: {e}")))?
        .unwrap_or_default();
    // A number that is not whole is out of range, as the application layer reports it.
    let days = super::body::whole(body.expires_in_days.as_ref()).unwrap_or(Some(0));
    let max_uses = super::body::whole(body.max_uses.as_ref()).unwrap_or(Some(0));
    let request = NewLinkRequest {
        label: body.label,
        days: days.unwrap_or(signup_links::DEFAULT_DAYS),
        max_uses,
    };
    let now = state.now();
    let created = signup_links::create(state.app(), &key.actor(), request).await?;
    Ok(HttpResponse::Created().json(link_json(&created.link, now, Some(created.url))))
}

/// Revoke a signup link.
///
/// Its page answers "no longer valid" from now on. Revoking twice is harmless.
#[utoipa::path(delete, path = "/signupLinks/{id}", tag = "Signup links", operation_id = "revokeSignupLink",
    params(("id" = String, Path, description = "The link's id")),
    responses(
        (status = 200, description = "The link, now revoked", body = LinkJson),
        (status = 403, description = "The key is a reseller's: signup links are for MSPs", body = ErrorBody),
        (status = 404, description = "No signup link of yours has this id", body = ErrorBody),
    ))]
pub(super) async fn revoke_link(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = super::body::path_id(&id);
    let now = state.now();
    let link = signup_links::revoke(state.app(), &key.actor(), id).await?;
    Ok(HttpResponse::Ok().json(link_json(&link, now, None)))
}

#[derive(OpenApi)]
#[openapi(paths(
    me,
    bill,
    customer_bill,
    grants::credits,
    discounts,
    customers,
    customer,
    list_links,
    create_link,
    revoke_link,
    authorizations::list_authorizations,
    authorizations::get_authorization,
    offers::list_offers,
    offers::create_offer,
    offers::get_offer,
    offers::release_offer,
    offers::accept_offer,
    offers::cancel_offer,
    offers::replace_offer,
    price_plans::list_plans,
    price_plans::create_plan,
    price_plans::get_plan,
    price_plans::replace_plan,
    price_plans::delete_plan,
    price_plans::set_customer_plan,
    invoices::list_invoices,
    invoices::get_invoice,
    invoices::invoice_pdf,
    invoices::send_invoice,
    invoices::void_invoice,
    statements::get_statement,
    statements::statement_pdf,
    webhooks::list_webhooks,
    webhooks::create_webhook,
    focus::get_focus,
    budgets::list_budgets,
    budgets::create_budget,
    budgets::delete_budget,
    webhooks::get_webhook,
    webhooks::change_webhook,
    webhooks::delete_webhook,
    webhooks::rotate_secret,
    webhooks::test_webhook,
    webhooks::deliveries::list_deliveries,
    webhooks::deliveries::retry_delivery,
))]
struct V1Operations;

/// The Partner Management API `v1` document, as served at `/api/v1/openapi.json`.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        openapi::finish(
            V1Operations::openapi(),
            BASE,
            None,
            "Partner Management API",
            "v1",
            "Bills, credits, discounts and customers for resellers and MSPs alike; signup links, \
             price plans and invoices to customers for MSPs; resale authorizations and private \
             offers for resellers; the key's own partner.",
        )
    })
}

async fn serve_document() -> HttpResponse {
    openapi::serve(document())
}
