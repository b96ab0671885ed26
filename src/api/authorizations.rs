//! The resale authorizations a reseller holds, in `/api/v1` (issue 14); MSP keys get 403.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::PartnerKey;
use super::error::{ApiError, ErrorBody};
use super::formats::{AuthorizationState, Day};
use crate::app::authorizations;
use crate::billing::grants::percent;
use crate::state::AppState;
use crate::store::authorizations::Authorization;

use super::body::path_id;

pub fn configure(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .route("/authorizations", web::get().to(list_authorizations))
        .route(
            "/authorizations/{authorizationId}",
            web::get().to(get_authorization),
        )
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ResaleAuthorization)]
pub(super) struct AuthorizationJson {
    id: String,
    product: String,
    #[schema(value_type = AuthorizationState)]
    state: String,
    /// The wholesale price as a discount off the list price, in basis points (2000 is 20 %).
    wholesale_discount_basis_points: i64,
    /// The same as a percentage: `"20%"`, `"12.5%"`.
    wholesale_discount: String,
    /// The last day offers made from it may be open.
    #[schema(value_type = Day)]
    available_until: String,
    /// The buyer accounts it may be used for; empty for any buyer.
    buyer_aws_account_ids: Vec<String>,
    /// The agreement durations it allows, in months.
    duration_months: Vec<i64>,
    max_offers: i64,
    /// Offers made from it (all but those cancelled while drafts).
    offers_made: i64,
    offers_left: i64,
    /// `standard` or `custom`.
    eula: String,
    /// The custom EULA's address; `""` for the standard contract.
    eula_url: String,
}

fn authorization_json(a: &Authorization) -> AuthorizationJson {
    AuthorizationJson {
        id: a.authorization_id.to_string(),
        product: a.product.clone(),
        state: a.state.to_string(),
        wholesale_discount_basis_points: a.wholesale_bps,
        wholesale_discount: percent(a.wholesale_bps),
        available_until: a.available_until.to_string(),
        buyer_aws_account_ids: a.buyer_list(),
        duration_months: a.duration_list(),
        max_offers: a.max_offers,
        offers_made: a.offers_made,
        offers_left: a.offers_left(),
        eula: a.eula.clone(),
        eula_url: a.eula_url.clone(),
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct AuthorizationList {
    authorizations: Vec<AuthorizationJson>,
}

/// List your resale authorizations.
///
/// Newest first: what the vendor lets you offer in AWS Marketplace.
#[utoipa::path(get, path = "/authorizations", tag = "Private offers", operation_id = "listAuthorizations",
    responses(
        (status = 200, description = "Every authorization you hold", body = AuthorizationList),
        (status = 403, description = "The key is an MSP's: authorizations are for resellers", body = ErrorBody),
    ))]
pub(super) async fn list_authorizations(
    key: PartnerKey,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let items = authorizations::held(state.app(), &key.actor()).await?;
    Ok(HttpResponse::Ok().json(AuthorizationList {
        authorizations: items.iter().map(authorization_json).collect(),
    }))
}

/// Get one resale authorization.
#[utoipa::path(get, path = "/authorizations/{authorizationId}", tag = "Private offers", operation_id = "getAuthorization",
    params(("authorizationId" = String, Path, description = "The authorization's id")),
    responses(
        (status = 200, description = "The authorization", body = AuthorizationJson),
        (status = 403, description = "The key is an MSP's: authorizations are for resellers", body = ErrorBody),
        (status = 404, description = "No authorization of yours has this id", body = ErrorBody),
    ))]
pub(super) async fn get_authorization(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let a = authorizations::held_one(state.app(), &key.actor(), path_id(&id)).await?;
    Ok(HttpResponse::Ok().json(authorization_json(&a)))
}
