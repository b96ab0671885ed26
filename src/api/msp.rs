//! The MSP API `v1beta1`, compatible with the vendor's public MSP API: existing scripts work by
//! changing the host. Field names, amounts ("1234.50") and times ("YYYY-MM-DD hh:mm:ss", UTC, ""
//! when unset) follow the public documents.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use base64::Engine;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::{ApiError, AsPartner, MspKey};
use super::error::ErrorBody;
use super::formats::{Amount, Time, YearMonth, amount, time};
use crate::billing::bill::Totals;
use crate::billing::month::Month;
use crate::bills::{self, BillError, PartnerBill};
use crate::state::AppState;
use crate::store::customers::{self, Customer};
use crate::store::grants;
use crate::store::signup_links::{self, NewLink};
use crate::tokens::{hash_token, random_token};
use crate::web::routes;

pub const BASE: &str = "/v1beta1/msp";
const MAX_PAGE: i64 = 1000;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(BASE)
            .wrap(actix_web::middleware::from_fn(super::ratelimit::headers))
            .route("/openapi.json", web::get().to(super::openapi::serve_msp))
            .route("/bills/{billedMonth}", web::get().to(bill::<MspKey>))
            .route("/credits", web::get().to(credits::<MspKey>))
            .route("/discounts", web::get().to(discounts::<MspKey>))
            .route("/customerSignupUrl", web::post().to(signup_url::<MspKey>))
            .route("/mspCustomers", web::get().to(list_customers::<MspKey>))
            .route(
                "/mspCustomers/{customerOrgId}",
                web::get().to(get_customer::<MspKey>),
            )
            .route(
                "/mspCustomers/{customerOrgId}/bills/{billedMonth}",
                web::get().to(customer_bill::<MspKey>),
            )
            .default_service(web::to(not_found)),
    );
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MspCustomer {
    /// The customer's organization id (the same digits as `orgId`).
    pub id: String,
    /// The customer's organization id, 19 digits.
    pub org_id: String,
    pub org_name: String,
    /// The e-mail the customer signed up with.
    pub email: String,
    /// `pending` (e-mail not confirmed yet), `active`, `suspended` or `ended`.
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
            state: c.state,
            effected_time: time(c.effected_at),
            expired_time: time(c.expired_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
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

fn encode_token(after: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("c:{after}"))
}

fn decode_token(t: &str) -> Option<i64> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(t)
        .ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix("c:")?
        .parse()
        .ok()
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
    key: K,
    state: web::Data<AppState>,
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
        Some(t) => Some(decode_token(t).ok_or_else(|| {
            ApiError::BadRequest("pageToken is not one this API gave out".into())
        })?),
    };
    let mut c = state.db.acquire().await?;
    let limit = if size == 0 { i64::MAX } else { size + 1 };
    let mut rows = customers::page_asc(&mut c, key.partner().partner_id, after, limit).await?;
    let next_page_token = if size > 0 && rows.len() as i64 > size {
        rows.truncate(size as usize);
        rows.last()
            .map(|r| encode_token(r.customer_id))
            .unwrap_or_default()
    } else {
        String::new()
    };
    Ok(HttpResponse::Ok().json(CustomerList {
        msp_customers: rows.into_iter().map(MspCustomer::from).collect(),
        next_page_token,
    }))
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

/// Create a customer signup URL.
///
/// Valid for 7 days and any number of signups. The URL is shown only in this answer: only a
/// hash of its token is kept.
#[utoipa::path(post, path = "/customerSignupUrl", tag = "Customers", operation_id = "createCustomerSignupUrl",
    responses(
        (status = 200, description = "The new signup link", body = SignupUrl),
    ))]
pub(super) async fn signup_url<K: AsPartner>(
    key: K,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let now = state.now();
    let token = random_token();
    let expires = now + Duration::days(7);
    let mut tx = state.db.begin().await?;
    let partner = crate::store::partners::find_by_id(&mut tx, key.partner().partner_id)
        .await?
        .ok_or(ApiError::Internal)?;
    let new = NewLink {
        partner_id: partner.partner_id,
        label: "API",
        token_hash: &hash_token(&token),
        expires_at: expires,
        max_uses: None,
        created_by: None,
    };
    let id = signup_links::insert(&mut tx, new, now).await?;
    let e = crate::store::audit::AuditEvent {
        actor_user_id: None,
        partner_id: Some(partner.partner_id),
        action: "signup_link_created",
        detail: &format!("link {id} by API key {}", key.partner().key_id),
        address: "",
    };
    crate::store::audit::record(&mut tx, e, now).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(SignupUrl {
        customer_signup_url: format!(
            "{}{}",
            state.settings.public_url,
            routes::signup(&partner.slug, &token)
        ),
        expired_at: time(Some(expires)),
    }))
}

fn month_param(raw: &str) -> Result<Month, ApiError> {
    Month::parse(raw)
        .ok_or_else(|| ApiError::BadRequest(format!("billedMonth {raw:?} must be YYYY-MM")))
}

async fn partner_bill(
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

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Amounts {
    /// Credits applied, USD with two decimals.
    #[schema(value_type = Amount)]
    pub credits: String,
    /// Discounts applied, USD with two decimals.
    #[schema(value_type = Amount)]
    pub discounts: String,
    /// Cost before credits and discounts, USD with two decimals.
    #[schema(value_type = Amount)]
    pub running_total: String,
    /// What is owed: running total less discounts and credits, USD with two decimals.
    #[schema(value_type = Amount)]
    pub total_cost: String,
}

impl From<Totals> for Amounts {
    fn from(t: Totals) -> Self {
        Amounts {
            credits: amount(t.credits),
            discounts: amount(t.discounts),
            running_total: amount(t.running_total),
            total_cost: amount(t.total_cost),
        }
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct Overview {
    /// `YYYY-MM`.
    #[schema(value_type = YearMonth)]
    billed_month: String,
    #[serde(flatten)]
    amounts: Amounts,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ServiceCost {
    project_name: String,
    cluster_name: String,
    #[serde(flatten)]
    amounts: Amounts,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ServiceSummary {
    service_name: String,
    #[serde(flatten)]
    amounts: Amounts,
    service_costs: Vec<ServiceCost>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct CustomerSummary {
    customer_org_id: String,
    org_name: String,
    #[serde(flatten)]
    amounts: Amounts,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = PartnerBill)]
pub(super) struct PartnerBillJson {
    overview: Overview,
    summary_by_customer: Vec<CustomerSummary>,
    summary_by_service: Vec<ServiceSummary>,
}

fn by_service(bill: &PartnerBill) -> Vec<ServiceSummary> {
    let mut out = Vec::new();
    for (service, t) in bill.by_service() {
        let mut costs: BTreeMap<(String, String), Totals> = BTreeMap::new();
        for l in bill.lines.iter().filter(|l| l.base.service == service) {
            costs
                .entry((l.base.project.clone(), l.base.cluster.clone()))
                .or_default()
                .add(l);
        }
        out.push(ServiceSummary {
            service_name: service,
            amounts: t.into(),
            service_costs: costs
                .into_iter()
                .map(|((project_name, cluster_name), t)| ServiceCost {
                    project_name,
                    cluster_name,
                    amounts: t.into(),
                })
                .collect(),
        });
    }
    out
}

/// Get the partner's bill for a month.
///
/// Totals, by customer and by service. The running month is a bill to date; closed months
/// never change.
#[utoipa::path(get, path = "/bills/{billedMonth}", tag = "Billing", operation_id = "getBill",
    params(("billedMonth" = YearMonth, Path, description = "`YYYY-MM`: the running month or one of the six before it")),
    responses(
        (status = 200, description = "The bill", body = PartnerBillJson),
        (status = 400, description = "A month that is not `YYYY-MM` or outside the window", body = ErrorBody),
    ))]
pub(super) async fn bill<K: AsPartner>(
    key: K,
    state: web::Data<AppState>,
    month: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let month = month_param(&month)?;
    let bill = partner_bill(&state, key.partner().partner_id, month).await?;
    let summary_by_customer = bill
        .by_customer()
        .into_iter()
        .map(|(id, t)| {
            let info = bill.customers.get(&id);
            CustomerSummary {
                customer_org_id: info.map(|i| i.org_id.clone()).unwrap_or_default(),
                org_name: info.map(|i| i.name.clone()).unwrap_or_default(),
                amounts: t.into(),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(PartnerBillJson {
        overview: Overview {
            billed_month: month.to_string(),
            amounts: bill.overview().into(),
        },
        summary_by_customer,
        summary_by_service: by_service(&bill),
    }))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ProjectSummary {
    project_name: String,
    #[serde(flatten)]
    amounts: Amounts,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct OtherCharge {
    other_name: String,
    #[serde(flatten)]
    amounts: Amounts,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct ByProject {
    projects: Vec<ProjectSummary>,
    other_charges: Vec<OtherCharge>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CustomerBill)]
pub(super) struct CustomerBillJson {
    overview: Overview,
    summary_by_project: ByProject,
    summary_by_service: Vec<ServiceSummary>,
}

/// Get one customer's bill for a month.
///
/// By project and by service. Charges that belong to no project (a support plan, say) are
/// listed as other charges.
#[utoipa::path(get, path = "/mspCustomers/{customerOrgId}/bills/{billedMonth}", tag = "Billing", operation_id = "getMspCustomerBill",
    params(
        ("customerOrgId" = String, Path, description = "The customer's organization id"),
        ("billedMonth" = YearMonth, Path, description = "`YYYY-MM`: the running month or one of the six before it"),
    ),
    responses(
        (status = 200, description = "The customer's bill", body = CustomerBillJson),
        (status = 400, description = "A month that is not `YYYY-MM` or outside the window", body = ErrorBody),
        (status = 404, description = "No customer of yours has this organization id", body = ErrorBody),
    ))]
pub(super) async fn customer_bill<K: AsPartner>(
    key: K,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, month) = path.into_inner();
    let month = month_param(&month)?;
    let customer = find_customer(&state, key.partner().partner_id, &org_id).await?;
    let bill = partner_bill(&state, key.partner().partner_id, month)
        .await?
        .for_customer(customer.customer_id);
    let mut projects = Vec::new();
    let mut other_charges = Vec::new();
    for (project, t) in bill.by_project() {
        if project.is_empty() {
            for (service, t) in crate::billing::bill::summarize(
                &bill
                    .lines
                    .iter()
                    .filter(|l| l.base.project.is_empty())
                    .cloned()
                    .collect::<Vec<_>>(),
                |l| l.base.service.clone(),
            ) {
                other_charges.push(OtherCharge {
                    other_name: service,
                    amounts: t.into(),
                });
            }
        } else {
            projects.push(ProjectSummary {
                project_name: project,
                amounts: t.into(),
            });
        }
    }
    Ok(HttpResponse::Ok().json(CustomerBillJson {
        overview: Overview {
            billed_month: month.to_string(),
            amounts: bill.overview().into(),
        },
        summary_by_project: ByProject {
            projects,
            other_charges,
        },
        summary_by_service: by_service(&bill),
    }))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Credit)]
struct CreditJson {
    id: String,
    /// The customer the credit is for, or `""` for credits on every customer.
    customer_org_id: String,
    /// USD with two decimals.
    #[schema(value_type = Amount)]
    amount: String,
    /// Spent on bills up to the running month.
    #[schema(value_type = Amount)]
    used: String,
    #[schema(value_type = Amount)]
    remaining: String,
    /// First day the credit applies, `YYYY-MM-DD 00:00:00` UTC.
    #[schema(value_type = Time)]
    effected_time: String,
    /// Last day the credit applies, `YYYY-MM-DD 23:59:59` UTC.
    #[schema(value_type = Time)]
    expired_time: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct CreditList {
    credits: Vec<CreditJson>,
}

/// List credits.
///
/// Every credit granted to the partner, with what is used and left as of the running month.
#[utoipa::path(get, path = "/credits", tag = "Billing", operation_id = "listCredits",
    responses(
        (status = 200, description = "Every credit, oldest expiry first", body = CreditList),
    ))]
pub(super) async fn credits<K: AsPartner>(
    key: K,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let current = Month::of(state.now().date_naive());
    let bill = partner_bill(&state, key.partner().partner_id, current).await?;
    let mut c = state.db.acquire().await?;
    let rows = grants::credits(&mut c, key.partner().partner_id).await?;
    let list: Vec<CreditJson> = rows
        .into_iter()
        .map(|r| {
            let left = bill
                .credits_left
                .get(&r.credit_id)
                .copied()
                .unwrap_or(r.amount);
            CreditJson {
                id: r.credit_id.to_string(),
                customer_org_id: r.customer_org_id.unwrap_or_default(),
                amount: amount(r.amount),
                used: amount(r.amount - left),
                remaining: amount(left),
                effected_time: format!("{} 00:00:00", r.effective_on),
                expired_time: format!("{} 23:59:59", r.expires_on),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(CreditList { credits: list }))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Discount)]
struct DiscountJson {
    id: String,
    /// The customer the discount is for, or `""` for every customer.
    customer_org_id: String,
    /// The service discounted, or `""` for every service.
    service_name: String,
    /// A percentage with two decimals ("12.50"), or "" for a fixed amount.
    rate: String,
    /// A fixed amount per month, or "" for a percentage.
    amount: String,
    /// First month, `YYYY-MM`.
    start_month: String,
    /// Last month, `YYYY-MM`, or `""` with no end.
    end_month: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct DiscountList {
    discounts: Vec<DiscountJson>,
}

/// List discounts.
///
/// Every discount granted to the partner: a rate or a fixed monthly amount, and its months.
#[utoipa::path(get, path = "/discounts", tag = "Billing", operation_id = "listDiscounts",
    responses(
        (status = 200, description = "Every discount", body = DiscountList),
    ))]
pub(super) async fn discounts<K: AsPartner>(
    key: K,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut c = state.db.acquire().await?;
    let list: Vec<DiscountJson> = grants::discounts(&mut c, key.partner().partner_id)
        .await?
        .into_iter()
        .map(|d| DiscountJson {
            id: d.discount_id.to_string(),
            customer_org_id: d.customer_org_id.unwrap_or_default(),
            service_name: d.service.unwrap_or_default(),
            rate: d.rate_bps.map(amount).unwrap_or_default(),
            amount: d.amount.map(amount).unwrap_or_default(),
            start_month: d.start_month,
            end_month: d.end_month.unwrap_or_default(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(DiscountList { discounts: list }))
}

async fn not_found(req: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(super::openapi::unmatched(
        super::openapi::msp_document(),
        req.path(),
        "MSP API",
    ))
}
