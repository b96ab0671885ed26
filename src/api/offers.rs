//! A reseller's private offers in `/api/v1` (issue 14), with one operation per state change.
//! The same use cases as the console's pages; MSP keys get 403.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::PartnerKey;
use super::error::{ApiError, ErrorBody};
use super::formats::{Day, OfferState, Time, YearMonth, day, time};
use crate::app::offers::{self, OfferRequest, OfferView};
use crate::state::AppState;
use crate::store::offers::Offer;

use super::body::path_id;

const MAX_PAGE: i64 = 1000;

pub fn configure(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .route("/offers", web::get().to(list_offers))
        .route("/offers", web::post().to(create_offer))
        .route("/offers/{offerId}", web::get().to(get_offer))
        .route("/offers/{offerId}/release", web::post().to(release_offer))
        .route("/offers/{offerId}/accept", web::post().to(accept_offer))
        .route("/offers/{offerId}/cancel", web::post().to(cancel_offer))
        .route("/offers/{offerId}/replace", web::post().to(replace_offer))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct HistoryEntry {
    /// `null` for the offer's creation.
    #[schema(value_type = Option<OfferState>)]
    from: Option<String>,
    #[schema(value_type = OfferState)]
    to: String,
    /// The person's e-mail, `API key N`, or `system` for an expiry.
    actor: String,
    /// `YYYY-MM-DD hh:mm:ss` UTC.
    #[schema(value_type = Time)]
    time: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = PrivateOffer)]
pub(super) struct OfferJson {
    id: String,
    authorization_id: String,
    product: String,
    #[schema(value_type = OfferState)]
    state: String,
    buyer_aws_account_id: String,
    buyer_company_name: String,
    buyer_email: String,
    /// The markup on the wholesale price, in basis points (1500 is 15 %).
    markup_basis_points: i64,
    wholesale_discount_basis_points: i64,
    duration_months: i64,
    #[schema(value_type = Day)]
    expires_on: String,
    #[schema(value_type = Day)]
    released_on: String,
    #[schema(value_type = Day)]
    accepted_on: String,
    /// The offer this one replaces; `""` for none.
    replaces_offer_id: String,
    /// The customer its acceptance made or linked; `""` before.
    customer_org_id: String,
    /// The agreement's first month; `null` before acceptance.
    #[schema(value_type = Option<YearMonth>)]
    agreement_first_month: Option<String>,
    /// The agreement's last month (earlier once a replacement takes over); `null` before.
    #[schema(value_type = Option<YearMonth>)]
    agreement_last_month: Option<String>,
    /// `YYYY-MM-DD hh:mm:ss` UTC.
    #[schema(value_type = Time)]
    created_time: String,
    /// Only in the answers for one offer: its state changes, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<Vec<HistoryEntry>>,
}

pub(super) fn offer_json(o: &Offer, v: Option<&OfferView>) -> OfferJson {
    OfferJson {
        id: o.offer_id.to_string(),
        authorization_id: o.authorization_id.to_string(),
        product: o.product.clone(),
        state: o.state.to_string(),
        buyer_aws_account_id: o.buyer_account.clone(),
        buyer_company_name: o.buyer_company.clone(),
        buyer_email: o.buyer_email.clone(),
        markup_basis_points: o.markup_bps,
        wholesale_discount_basis_points: o.wholesale_bps,
        duration_months: o.duration_months,
        expires_on: o.expires_on.to_string(),
        released_on: day(o.released_on),
        accepted_on: day(o.accepted_on),
        replaces_offer_id: o
            .replaces_offer_id
            .map(|r| r.to_string())
            .unwrap_or_default(),
        customer_org_id: o.customer_org_id.clone().unwrap_or_default(),
        agreement_first_month: o.agreement_first.clone(),
        agreement_last_month: o.agreement_last.clone(),
        created_time: time(Some(o.created_at)),
        history: v.map(|v| {
            v.history
                .iter()
                .map(|e| HistoryEntry {
                    from: e.from_state.map(|s| s.to_string()),
                    to: e.to_state.to_string(),
                    actor: e.actor.clone(),
                    time: time(Some(e.at)),
                })
                .collect()
        }),
    }
}

fn view_json(v: &OfferView) -> OfferJson {
    offer_json(&v.offer, Some(v))
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub(super) struct OfferQuery {
    /// Only offers in this state.
    #[param(value_type = Option<OfferState>)]
    state: Option<String>,
    /// Offers per page, 1 to 1000 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    page_size: Option<String>,
    /// The `nextPageToken` of the previous page; absent or `""` for the first page.
    page_token: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct OfferList {
    offers: Vec<OfferJson>,
    /// Pass as `pageToken` for the next page; `""` on the last page.
    next_page_token: String,
}

/// List your private offers, a page at a time.
///
/// Newest first; page tokens stay valid while offers are added. An offer past its expiry is
/// `expired` here.
#[utoipa::path(get, path = "/offers", tag = "Private offers", operation_id = "listOffers",
    params(OfferQuery),
    responses(
        (status = 200, description = "One page of offers", body = OfferList),
        (status = 400, description = "An unknown state, `pageSize` outside 1..1000 or a `pageToken` this API did not give out", body = ErrorBody),
        (status = 403, description = "The key is an MSP's: private offers are for resellers", body = ErrorBody),
    ))]
pub(super) async fn list_offers(
    key: PartnerKey,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let q = web::Query::<OfferQuery>::from_query(req.query_string())
        .map_err(|e| ApiError::BadRequest(format!("the query string is not valid: {e}")))?;
    let wanted = match q.state.as_deref() {
        None => None,
        Some(s) => Some(crate::domain::OfferState::parse(s).ok_or_else(|| {
            ApiError::BadRequest(
                "state must be one of draft, released, accepted, expired, cancelled".into(),
            )
        })?),
    };
    let size = super::page_token::page_size(q.page_size.as_deref(), MAX_PAGE as usize)? as i64;
    let before = match q.page_token.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(super::page_token::decode('o', t).ok_or_else(|| {
            ApiError::BadRequest("pageToken is not one this API gave out".into())
        })?),
    };
    let mut rows = offers::page(state.app(), &key.actor(), wanted, "", before, size + 1).await?;
    let next_page_token = if rows.len() as i64 > size {
        rows.truncate(size as usize);
        rows.last()
            .map(|r| super::page_token::encode('o', r.offer_id))
            .unwrap_or_default()
    } else {
        String::new()
    };
    Ok(HttpResponse::Ok().json(OfferList {
        offers: rows.iter().map(|o| offer_json(o, None)).collect(),
        next_page_token,
    }))
}

/// An id in a body, as a string or a number.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum BodyId {
    Text(String),
    Number(i64),
}

impl BodyId {
    fn value(&self) -> i64 {
        match self {
            BodyId::Text(s) => path_id(s.trim()),
            BodyId::Number(n) => *n,
        }
    }
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = NewPrivateOffer)]
pub(super) struct NewOfferBody {
    /// The authorization it is made from (required for a new offer; a replacement takes the
    /// replaced offer's when absent).
    #[schema(value_type = Option<String>, example = "3")]
    authorization_id: Option<serde_json::Value>,
    /// 12 digits; not taken for a replacement, which keeps its buyer.
    #[schema(example = "123456789012")]
    buyer_aws_account_id: String,
    #[schema(max_length = 120, example = "Example Corp")]
    buyer_company_name: String,
    #[schema(example = "buyer@example.com")]
    buyer_email: String,
    /// 0 to 10000 (100 %).
    #[schema(value_type = i64, minimum = 0, maximum = 10000, example = 1500)]
    markup_basis_points: Option<serde_json::Number>,
    /// One the authorization allows.
    #[schema(value_type = i64, example = 12)]
    duration_months: Option<serde_json::Number>,
    /// From today to the authorization's `availableUntil`.
    #[schema(value_type = Day, example = "2027-01-31")]
    expires_on: String,
}

fn parse_body(raw: &[u8]) -> Result<NewOfferBody, ApiError> {
    super::body::optional_object(raw)
        .map_err(|e| ApiError::BadRequest(format!("the body is not a private offer: {e}")))?
        .ok_or_else(|| ApiError::BadRequest("the body must be a private offer object".into()))
}

/// A whole JSON number (`12` and `12.0` alike), or -1, out of every range, for one absent or
/// not whole: the application layer then names the field.
fn whole(n: Option<&serde_json::Number>) -> i64 {
    super::body::whole(n).ok().flatten().unwrap_or(-1)
}

fn request_of(b: &NewOfferBody, default_authorization: i64) -> Result<OfferRequest, ApiError> {
    let authorization_id = match &b.authorization_id {
        None | Some(serde_json::Value::Null) => default_authorization,
        Some(v) => serde_json::from_value::<BodyId>(v.clone())
            .map_err(|_| {
                ApiError::BadRequest("authorizationId must be a string or a number".into())
            })?
            .value(),
    };
    Ok(OfferRequest {
        authorization_id,
        buyer_account: b.buyer_aws_account_id.clone(),
        buyer_company: b.buyer_company_name.clone(),
        buyer_email: b.buyer_email.clone(),
        markup_bps: whole(b.markup_basis_points.as_ref()),
        duration_months: whole(b.duration_months.as_ref()),
        expires_on: crate::billing::month::parse_day(&b.expires_on),
    })
}

/// Record a new private offer, as a draft.
#[utoipa::path(post, path = "/offers", tag = "Private offers", operation_id = "createOffer",
    request_body(content = NewOfferBody, description = "The offer as made in AWS Marketplace"),
    responses(
        (status = 201, description = "The new draft", body = OfferJson),
        (status = 400, description = "A body that is not the documented object, or fields the authorization refuses (each named)", body = ErrorBody),
        (status = 403, description = "The key is an MSP's: private offers are for resellers", body = ErrorBody),
    ))]
pub(super) async fn create_offer(
    key: PartnerKey,
    state: web::Data<AppState>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body = parse_body(&raw)?;
    let o = offers::create(state.app(), &key.actor(), &request_of(&body, 0)?, None).await?;
    let v = offers::view(state.app(), &key.actor(), o.offer_id).await?;
    Ok(HttpResponse::Created().json(view_json(&v)))
}

/// Get one private offer, with its history.
#[utoipa::path(get, path = "/offers/{offerId}", tag = "Private offers", operation_id = "getOffer",
    params(("offerId" = String, Path, description = "The offer's id")),
    responses(
        (status = 200, description = "The offer", body = OfferJson),
        (status = 403, description = "The key is an MSP's: private offers are for resellers", body = ErrorBody),
        (status = 404, description = "No offer of yours has this id", body = ErrorBody),
    ))]
pub(super) async fn get_offer(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let v = offers::view(state.app(), &key.actor(), path_id(&id)).await?;
    Ok(HttpResponse::Ok().json(view_json(&v)))
}

/// Release a draft to its buyer, today.
#[utoipa::path(post, path = "/offers/{offerId}/release", tag = "Private offers", operation_id = "releaseOffer",
    params(("offerId" = String, Path, description = "The offer's id")),
    responses(
        (status = 200, description = "The offer, released", body = OfferJson),
        (status = 403, description = "The key is an MSP's: private offers are for resellers", body = ErrorBody),
        (status = 404, description = "No offer of yours has this id", body = ErrorBody),
        (status = 409, description = "The offer is not a draft", body = ErrorBody),
    ))]
pub(super) async fn release_offer(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let o = offers::release(state.app(), &key.actor(), path_id(&id)).await?;
    let v = offers::view(state.app(), &key.actor(), o.offer_id).await?;
    Ok(HttpResponse::Ok().json(view_json(&v)))
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = OfferAcceptance)]
pub(super) struct AcceptBody {
    /// From the release to the earlier of today and the offer's expiry.
    #[schema(value_type = Day, example = "2026-11-20")]
    accepted_on: String,
}

/// Record the buyer's acceptance.
///
/// Makes the customer organization (or links yours with the same AWS account) and starts the
/// agreement on the first day of the next month, for the offer's duration.
#[utoipa::path(post, path = "/offers/{offerId}/accept", tag = "Private offers", operation_id = "acceptOffer",
    params(("offerId" = String, Path, description = "The offer's id")),
    request_body(content = AcceptBody, description = "The day the buyer accepted"),
    responses(
        (status = 200, description = "The offer, accepted", body = OfferJson),
        (status = 400, description = "A missing or out-of-range `acceptedOn`", body = ErrorBody),
        (status = 403, description = "The key is an MSP's: private offers are for resellers", body = ErrorBody),
        (status = 404, description = "No offer of yours has this id", body = ErrorBody),
        (status = 409, description = "The offer is not released (a draft, expired, cancelled or accepted already)", body = ErrorBody),
    ))]
pub(super) async fn accept_offer(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body: AcceptBody = super::body::optional_object(&raw)
        .map_err(|e| ApiError::BadRequest(format!("the body is not an acceptance: {e}")))?
        .unwrap_or_default();
    let on = crate::billing::month::parse_day(&body.accepted_on);
    let a = offers::accept(state.app(), &key.actor(), path_id(&id), on).await?;
    let v = offers::view(state.app(), &key.actor(), a.offer.offer_id).await?;
    Ok(HttpResponse::Ok().json(view_json(&v)))
}

/// Cancel a draft or a released offer.
///
/// A draft cancelled gives its authorization's offer back.
#[utoipa::path(post, path = "/offers/{offerId}/cancel", tag = "Private offers", operation_id = "cancelOffer",
    params(("offerId" = String, Path, description = "The offer's id")),
    responses(
        (status = 200, description = "The offer, cancelled", body = OfferJson),
        (status = 403, description = "The key is an MSP's: private offers are for resellers", body = ErrorBody),
        (status = 404, description = "No offer of yours has this id", body = ErrorBody),
        (status = 409, description = "The offer is accepted, expired or cancelled already", body = ErrorBody),
    ))]
pub(super) async fn cancel_offer(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let o = offers::cancel(state.app(), &key.actor(), path_id(&id)).await?;
    let v = offers::view(state.app(), &key.actor(), o.offer_id).await?;
    Ok(HttpResponse::Ok().json(view_json(&v)))
}

/// Record a replacement offer for an accepted one.
///
/// A new draft for the same buyer; accepted, its agreement takes over from the month after its
/// acceptance and the old agreement ends the month before.
#[utoipa::path(post, path = "/offers/{offerId}/replace", tag = "Private offers", operation_id = "replaceOffer",
    params(("offerId" = String, Path, description = "The accepted offer to replace")),
    request_body(content = NewOfferBody, description = "The replacement's terms; the buyer's AWS account is the replaced offer's"),
    responses(
        (status = 201, description = "The replacement, a draft", body = OfferJson),
        (status = 400, description = "Fields the authorization refuses (each named)", body = ErrorBody),
        (status = 403, description = "The key is an MSP's: private offers are for resellers", body = ErrorBody),
        (status = 404, description = "No offer of yours has this id", body = ErrorBody),
        (status = 409, description = "The offer is not accepted, or a replacement of it is open or accepted", body = ErrorBody),
    ))]
pub(super) async fn replace_offer(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body = parse_body(&raw)?;
    let old = offers::view(state.app(), &key.actor(), path_id(&id))
        .await?
        .offer;
    let req = request_of(&body, old.authorization_id)?;
    let o = offers::create(state.app(), &key.actor(), &req, Some(old.offer_id)).await?;
    let v = offers::view(state.app(), &key.actor(), o.offer_id).await?;
    Ok(HttpResponse::Created().json(view_json(&v)))
}
