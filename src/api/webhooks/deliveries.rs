//! An endpoint's delivery log in `/api/v1` (issue 27): each delivery with its latest attempt,
//! newest first, and a delivery sent again.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Queued;
use crate::api::auth::PartnerKey;
use crate::api::body::path_id;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::formats::{Time, time};
use crate::app::webhooks as hooks;
use crate::state::AppState;
use crate::store::webhooks::DeliveryRow;

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = WebhookDelivery)]
pub(in crate::api) struct DeliveryJson {
    delivery_id: String,
    /// The `webhook-id` header, the same on every attempt.
    message_id: String,
    event: String,
    /// `pending` (to be tried, again or for the first time), `sending`, `delivered` or
    /// `failed` (every retry used).
    state: String,
    attempts: i32,
    #[schema(value_type = Time)]
    create_time: String,
    /// When it is tried next, while `pending`.
    #[schema(value_type = Option<Time>)]
    next_attempt_time: Option<String>,
    /// The latest attempt; `null` before the first.
    last_attempt: Option<AttemptJson>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = WebhookAttempt)]
pub(in crate::api) struct AttemptJson {
    #[schema(value_type = Time)]
    time: String,
    /// The answer's HTTP status; `null` when there was no answer.
    response_code: Option<i32>,
    duration_ms: i64,
    /// The answer's first 1 KiB.
    response: String,
    /// Why there was no answer: a refused address, a timeout, no connection.
    error: Option<String>,
}

fn delivery_json(d: &DeliveryRow) -> DeliveryJson {
    DeliveryJson {
        delivery_id: d.delivery_id.to_string(),
        message_id: d.message_id.clone(),
        event: d.event.clone(),
        state: d.state.clone(),
        attempts: d.attempts,
        create_time: time(Some(d.created_at)),
        next_attempt_time: (d.state == "pending").then(|| time(Some(d.next_attempt_at))),
        last_attempt: d.attempted_at.map(|at| AttemptJson {
            time: time(Some(at)),
            response_code: d.status_code,
            duration_ms: d.duration_ms.unwrap_or(0),
            response: d.response.clone().unwrap_or_default(),
            error: d.error.clone(),
        }),
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(in crate::api) struct DeliveryList {
    deliveries: Vec<DeliveryJson>,
    /// Pass as `pageToken` for older deliveries; empty on the last page.
    next_page_token: String,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub(in crate::api) struct DeliveryQuery {
    /// 1 to 100; 50 when absent.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    page_size: Option<String>,
    /// From `nextPageToken`.
    page_token: Option<String>,
}

/// List an endpoint's deliveries, newest first.
#[utoipa::path(get, path = "/webhooks/{webhookId}/deliveries", tag = "Webhooks", operation_id = "listWebhookDeliveries",
    params(("webhookId" = String, Path, description = "The endpoint's id"), DeliveryQuery),
    responses(
        (status = 200, description = "One page of deliveries", body = DeliveryList),
        (status = 400, description = "`pageSize` outside 1..100 or a `pageToken` this API did not give out", body = ErrorBody),
        (status = 404, description = "No endpoint of yours has this id", body = ErrorBody),
    ))]
pub(in crate::api) async fn list_deliveries(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, ApiError> {
    // Read by hand: the extractor's refusal would be the HTML surface's page, not JSON.
    let query = web::Query::<DeliveryQuery>::from_query(req.query_string())
        .map_err(|e| ApiError::BadRequest(format!("the query string is not valid: {e}")))?;
    let size = match query.page_size.as_deref().map(str::trim) {
        None => 50,
        Some(s) => s.parse::<i64>().unwrap_or(0),
    };
    if !(1..=100).contains(&size) {
        return Err(ApiError::BadRequest(
            "pageSize must be a whole number from 1 to 100".into(),
        ));
    }
    let before = match query.page_token.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(t.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
            ApiError::BadRequest("pageToken is not one this API gave out".into())
        })?),
    };
    let rows = hooks::deliveries(state.app(), &key.actor(), path_id(&id), before, size + 1).await?;
    let more = rows.len() as i64 > size;
    let page: Vec<&DeliveryRow> = rows.iter().take(size as usize).collect();
    let next = match (more, page.last()) {
        (true, Some(last)) => last.delivery_id.to_string(),
        _ => String::new(),
    };
    Ok(HttpResponse::Ok().json(DeliveryList {
        deliveries: page.into_iter().map(delivery_json).collect(),
        next_page_token: next,
    }))
}

/// Send a delivery again now.
///
/// With the same `webhook-id`, so a receiver that had it already can tell.
#[utoipa::path(post, path = "/webhooks/{webhookId}/deliveries/{deliveryId}/retry", tag = "Webhooks", operation_id = "retryWebhookDelivery",
    params(
        ("webhookId" = String, Path, description = "The endpoint's id"),
        ("deliveryId" = String, Path, description = "The delivery's id"),
    ),
    responses(
        (status = 202, description = "Queued to be sent now", body = Queued),
        (status = 404, description = "No endpoint of yours has this id, or it has no such delivery (or it is being sent)", body = ErrorBody),
    ))]
pub(in crate::api) async fn retry_delivery(
    key: PartnerKey,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery) = path.into_inner();
    let delivery = path_id(&delivery);
    hooks::retry(state.app(), &key.actor(), path_id(&id), delivery).await?;
    Ok(HttpResponse::Accepted().json(Queued {
        delivery_id: delivery.to_string(),
    }))
}
