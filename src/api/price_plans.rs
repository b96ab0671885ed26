//! An MSP's price plans in `/api/v1` (issue 24): list, create, read, replace, delete, and a
//! customer's own plan. Reseller keys get 403. Markups are written as people write them
//! (`"15%"`, `"-5"`) and answered in both forms; the fee is a two-decimal string in US dollars.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::PartnerKey;
use super::body::path_id;
use super::error::{ApiError, ErrorBody};
use super::formats::{Time, amount, time};
use crate::app::price_plans::{self as plans, PlanRequest};
use crate::billing::grants::percent;
use crate::billing::money::Cents;
use crate::billing::plans::parse_markup;
use crate::state::AppState;
use crate::store::price_plans::PricePlan;

pub fn configure(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .route("/pricePlans", web::get().to(list_plans))
        .route("/pricePlans", web::post().to(create_plan))
        .route("/pricePlans/{planId}", web::get().to(get_plan))
        .route("/pricePlans/{planId}", web::put().to(replace_plan))
        .route("/pricePlans/{planId}", web::delete().to(delete_plan))
        .route(
            "/customers/{customerOrgId}/pricePlan",
            web::put().to(set_customer_plan),
        )
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = PricePlan)]
pub(super) struct PlanJson {
    plan_id: String,
    name: String,
    /// The markup on list price: `"15%"`, `"-5%"`.
    markup: String,
    /// The same in basis points (1500 is 15 %).
    markup_basis_points: i64,
    /// Services with a markup of their own, as `markup`.
    service_markups: BTreeMap<String, String>,
    /// A fixed amount a month, `"500.00"`; `"0.00"` for none.
    monthly_fee: String,
    fee_label: String,
    /// The plan of every customer without one of its own.
    is_default: bool,
    /// Customers with this plan as their own.
    customers: i64,
    #[schema(value_type = Time)]
    updated_time: String,
}

fn plan_json(p: &PricePlan) -> PlanJson {
    PlanJson {
        plan_id: p.plan_id.to_string(),
        name: p.name.clone(),
        markup: percent(p.markup_bps),
        markup_basis_points: p.markup_bps,
        service_markups: p
            .service_markups()
            .into_iter()
            .map(|(s, m)| (s, percent(m)))
            .collect(),
        monthly_fee: amount(p.fee),
        fee_label: p.fee_label.clone(),
        is_default: p.is_default,
        customers: p.customers,
        updated_time: time(Some(p.updated_at)),
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct PlanList {
    price_plans: Vec<PlanJson>,
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = NewPricePlan)]
pub(super) struct PlanBody {
    /// Up to 80 characters, unique among your plans.
    #[schema(example = "Standard")]
    name: String,
    /// −50 % to +100 %: `"15%"`, `"-5"`, `"12.5"`.
    #[schema(
        example = "15%",
        pattern = r"^\s*[+-]?[0-9]{1,3}(\.[0-9]{1,2})?\s*%?\s*$"
    )]
    markup: String,
    /// Services with a markup of their own, written as `markup`.
    service_markups: BTreeMap<String, String>,
    /// A fixed amount a month in US dollars, `"500.00"`; none if absent.
    #[schema(example = "500.00")]
    monthly_fee: Option<String>,
    /// The fee's name on invoices, up to 80 characters.
    #[schema(example = "Managed service fee")]
    fee_label: String,
}

impl PlanBody {
    fn request(&self) -> PlanRequest {
        PlanRequest {
            name: self.name.clone(),
            markup_bps: parse_markup(&self.markup),
            service_markups: self
                .service_markups
                .iter()
                .map(|(s, m)| (s.clone(), parse_markup(m)))
                .collect(),
            fee: match self.monthly_fee.as_deref().map(str::trim) {
                None | Some("") => Some(0),
                Some(f) => Cents::parse(f).ok().map(|c| c.value()),
            },
            fee_label: self.fee_label.clone(),
        }
    }
}

fn plan_body(raw: &[u8]) -> Result<PlanBody, ApiError> {
    serde_json::from_slice(raw)
        .map_err(|e| ApiError::BadRequest(format!("the body is not a price plan: {e}")))
}

/// List your price plans.
///
/// The default first, then by name.
#[utoipa::path(get, path = "/pricePlans", tag = "Price plans", operation_id = "listPricePlans",
    responses(
        (status = 200, description = "Every plan", body = PlanList),
        (status = 403, description = "The key is a reseller's: price plans are an MSP's", body = ErrorBody),
    ))]
pub(super) async fn list_plans(
    key: PartnerKey,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let all = plans::list(state.app(), &key.actor()).await?;
    Ok(HttpResponse::Ok().json(PlanList {
        price_plans: all.iter().map(plan_json).collect(),
    }))
}

/// Create a price plan.
///
/// Your first plan becomes the default.
#[utoipa::path(post, path = "/pricePlans", tag = "Price plans", operation_id = "createPricePlan",
    request_body = PlanBody,
    responses(
        (status = 201, description = "The new plan", body = PlanJson),
        (status = 400, description = "A body that is not the documented object, or values out of range (every one named)", body = ErrorBody),
        (status = 403, description = "The key is a reseller's: price plans are an MSP's", body = ErrorBody),
    ))]
pub(super) async fn create_plan(
    key: PartnerKey,
    state: web::Data<AppState>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body = plan_body(&raw)?;
    let plan = plans::create(state.app(), &key.actor(), &body.request()).await?;
    Ok(HttpResponse::Created().json(plan_json(&plan)))
}

/// Get one price plan.
#[utoipa::path(get, path = "/pricePlans/{planId}", tag = "Price plans", operation_id = "getPricePlan",
    params(("planId" = String, Path, description = "The plan's id")),
    responses(
        (status = 200, description = "The plan", body = PlanJson),
        (status = 403, description = "The key is a reseller's: price plans are an MSP's", body = ErrorBody),
        (status = 404, description = "No plan of yours has this id", body = ErrorBody),
    ))]
pub(super) async fn get_plan(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let plan = plans::find(state.app(), &key.actor(), path_id(&id)).await?;
    Ok(HttpResponse::Ok().json(plan_json(&plan)))
}

/// Replace a price plan.
///
/// It prices the months not closed yet; closed months and issued invoices keep their prices.
#[utoipa::path(put, path = "/pricePlans/{planId}", tag = "Price plans", operation_id = "replacePricePlan",
    params(("planId" = String, Path, description = "The plan's id")),
    request_body = PlanBody,
    responses(
        (status = 200, description = "The plan as it now is", body = PlanJson),
        (status = 400, description = "A body that is not the documented object, or values out of range (every one named)", body = ErrorBody),
        (status = 403, description = "The key is a reseller's: price plans are an MSP's", body = ErrorBody),
        (status = 404, description = "No plan of yours has this id", body = ErrorBody),
    ))]
pub(super) async fn replace_plan(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body = plan_body(&raw)?;
    let plan = plans::update(state.app(), &key.actor(), path_id(&id), &body.request()).await?;
    Ok(HttpResponse::Ok().json(plan_json(&plan)))
}

/// Delete a price plan.
///
/// Its customers go back to the default; the default itself cannot be deleted.
#[utoipa::path(delete, path = "/pricePlans/{planId}", tag = "Price plans", operation_id = "deletePricePlan",
    params(("planId" = String, Path, description = "The plan's id")),
    responses(
        (status = 200, description = "The plan as it was", body = PlanJson),
        (status = 403, description = "The key is a reseller's: price plans are an MSP's", body = ErrorBody),
        (status = 404, description = "No plan of yours has this id", body = ErrorBody),
        (status = 409, description = "The plan is the default", body = ErrorBody),
    ))]
pub(super) async fn delete_plan(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let plan = plans::delete(state.app(), &key.actor(), path_id(&id)).await?;
    Ok(HttpResponse::Ok().json(plan_json(&plan)))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CustomerPricePlan)]
pub(super) struct CustomerPlanBody {
    /// The plan's id; `null` for your default.
    plan_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct CustomerPlanJson {
    customer_org_id: String,
    /// The customer's own plan; `""` when it has your default.
    plan_id: String,
}

/// Give a customer a price plan.
#[utoipa::path(put, path = "/customers/{customerOrgId}/pricePlan", tag = "Price plans", operation_id = "setCustomerPricePlan",
    params(("customerOrgId" = String, Path, description = "The customer's organization id")),
    request_body = CustomerPlanBody,
    responses(
        (status = 200, description = "The customer's plan", body = CustomerPlanJson),
        (status = 400, description = "A body that is not the documented object, or no plan of yours with this id", body = ErrorBody),
        (status = 403, description = "The key is a reseller's: price plans are an MSP's", body = ErrorBody),
        (status = 404, description = "No customer of yours has this organization id", body = ErrorBody),
    ))]
pub(super) async fn set_customer_plan(
    key: PartnerKey,
    state: web::Data<AppState>,
    org_id: web::Path<String>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body: CustomerPlanBody = serde_json::from_slice(&raw)
        .map_err(|e| ApiError::BadRequest(format!("the body is not a plan choice: {e}")))?;
    let plan_id = body.plan_id.as_deref().map(path_id);
    plans::set_customer_plan(state.app(), &key.actor(), &org_id, plan_id).await?;
    Ok(HttpResponse::Ok().json(CustomerPlanJson {
        customer_org_id: org_id.into_inner(),
        plan_id: plan_id.map(|p| p.to_string()).unwrap_or_default(),
    }))
}
