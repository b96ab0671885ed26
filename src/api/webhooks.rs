//! Webhook endpoints in `/api/v1` (issue 27): register (the secret in the answer, once), list,
//! read, change, remove, rotate the secret, send a test ping, read the delivery log and send a
//! delivery again.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::PartnerKey;
use super::body::path_id;
use super::error::{ApiError, ErrorBody};
use super::formats::{Time, time};
use crate::app::webhooks::{self as hooks, EndpointRequest, Reach};
use crate::state::AppState;
use crate::store::webhooks::{DeliveryRow, Endpoint};

pub fn configure(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .route("/webhooks", web::get().to(list_webhooks))
        .route("/webhooks", web::post().to(create_webhook))
        .route("/webhooks/{webhookId}", web::get().to(get_webhook))
        .route("/webhooks/{webhookId}", web::patch().to(change_webhook))
        .route("/webhooks/{webhookId}", web::delete().to(delete_webhook))
        .route(
            "/webhooks/{webhookId}/rotateSecret",
            web::post().to(rotate_secret),
        )
        .route("/webhooks/{webhookId}/test", web::post().to(test_webhook))
        .route(
            "/webhooks/{webhookId}/deliveries",
            web::get().to(list_deliveries),
        )
        .route(
            "/webhooks/{webhookId}/deliveries/{deliveryId}/retry",
            web::post().to(retry_delivery),
        )
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Webhook)]
pub(super) struct WebhookJson {
    webhook_id: String,
    url: String,
    description: String,
    /// The events delivered, e.g. `customer.created`.
    events: Vec<String>,
    /// `false` once turned off, by you or after five days of failed deliveries.
    enabled: bool,
    /// The first failed delivery with no success since; `null` while deliveries succeed.
    #[schema(value_type = Option<Time>)]
    failing_since: Option<String>,
    /// Until then the secret before the last rotation still signs deliveries too.
    #[schema(value_type = Option<Time>)]
    previous_secret_expires_time: Option<String>,
    #[schema(value_type = Time)]
    create_time: String,
    #[schema(value_type = Time)]
    update_time: String,
}

fn webhook_json(e: &Endpoint) -> WebhookJson {
    WebhookJson {
        webhook_id: e.endpoint_id.to_string(),
        url: e.url.clone(),
        description: e.description.clone(),
        events: e.events.split_whitespace().map(str::to_string).collect(),
        enabled: e.disabled_at.is_none(),
        failing_since: e.failing_since.map(|t| time(Some(t))),
        previous_secret_expires_time: e.previous_expires_at.map(|t| time(Some(t))),
        create_time: time(Some(e.created_at)),
        update_time: time(Some(e.updated_at)),
    }
}

/// An endpoint with its signing secret: only in the answers that make a secret.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = WebhookWithSecret)]
pub(super) struct WithSecret {
    #[serde(flatten)]
    webhook: WebhookJson,
    /// `whsec_…`: verify deliveries with it (Standard Webhooks). Shown this once.
    secret: String,
}

fn with_secret(e: &Endpoint, secret: &crate::webhooks::signature::Secret) -> WithSecret {
    WithSecret {
        webhook: webhook_json(e),
        secret: secret.expose().to_string(),
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct WebhookList {
    webhooks: Vec<WebhookJson>,
}

#[derive(Deserialize, Default, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WebhookBody)]
pub(super) struct Body {
    /// An https URL whose host resolves to public addresses only.
    #[schema(example = "https://hooks.example.com/partner-console")]
    url: Option<String>,
    /// Up to 200 characters.
    description: Option<String>,
    /// At least one of `customer.created`, `customer.state_changed`, `signup_link.created`,
    /// `signup_link.revoked`, `offer.state_changed`, `month.closed`, `invoice.issued`,
    /// `usage.loaded`, `budget.threshold_reached`.
    events: Option<Vec<String>>,
    /// Turn the endpoint off, or back on (its failures forgotten). Not on creation.
    enabled: Option<bool>,
}

fn body(raw: &[u8]) -> Result<Body, ApiError> {
    let b: Body = if raw.iter().all(u8::is_ascii_whitespace) {
        Body::default()
    } else {
        serde_json::from_slice(raw)
            .map_err(|e| ApiError::BadRequest(format!("the body is not a webhook: {e}")))?
    };
    Ok(b)
}

impl Body {
    fn request(self) -> EndpointRequest {
        EndpointRequest {
            url: self.url,
            description: self.description,
            events: self.events,
            enabled: self.enabled,
        }
    }
}

fn reach(state: &AppState) -> Reach {
    Reach {
        allow_private: state.settings.webhooks.allow_private,
    }
}

/// List your webhook endpoints.
#[utoipa::path(get, path = "/webhooks", tag = "Webhooks", operation_id = "listWebhooks",
    responses((status = 200, description = "Every endpoint, oldest first", body = WebhookList)))]
pub(super) async fn list_webhooks(
    key: PartnerKey,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let all = hooks::list(state.app(), &key.actor()).await?;
    Ok(HttpResponse::Ok().json(WebhookList {
        webhooks: all.iter().map(webhook_json).collect(),
    }))
}

/// Register a webhook endpoint.
///
/// Deliveries are signed as the Standard Webhooks specification says (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature`) with the `secret` of this answer, which is not
/// shown again.
#[utoipa::path(post, path = "/webhooks", tag = "Webhooks", operation_id = "createWebhook",
    request_body = Body,
    responses(
        (status = 201, description = "The endpoint and its secret", body = WithSecret),
        (status = 400, description = "A body that is not the documented object, a URL that may not receive webhooks, or unknown events (every field named)", body = ErrorBody),
        (status = 409, description = "You have the most endpoints a partner may have", body = ErrorBody),
    ))]
pub(super) async fn create_webhook(
    key: PartnerKey,
    state: web::Data<AppState>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b = body(&raw)?;
    if b.enabled.is_some() {
        return Err(ApiError::BadRequest(
            "enabled is for changing an endpoint; a new one is enabled".into(),
        ));
    }
    let (e, secret) =
        hooks::register(state.app(), &key.actor(), reach(&state), &b.request()).await?;
    Ok(HttpResponse::Created().json(with_secret(&e, &secret)))
}

/// Get one webhook endpoint.
#[utoipa::path(get, path = "/webhooks/{webhookId}", tag = "Webhooks", operation_id = "getWebhook",
    params(("webhookId" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 200, description = "The endpoint", body = WebhookJson),
        (status = 404, description = "No endpoint of yours has this id", body = ErrorBody),
    ))]
pub(super) async fn get_webhook(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let e = hooks::get(state.app(), &key.actor(), path_id(&id)).await?;
    Ok(HttpResponse::Ok().json(webhook_json(&e)))
}

/// Change a webhook endpoint.
///
/// Only the fields given change. `enabled: true` turns a disabled endpoint back on; the
/// deliveries it still owes resume.
#[utoipa::path(patch, path = "/webhooks/{webhookId}", tag = "Webhooks", operation_id = "changeWebhook",
    params(("webhookId" = String, Path, description = "The endpoint's id")),
    request_body = Body,
    responses(
        (status = 200, description = "The endpoint as it now is", body = WebhookJson),
        (status = 400, description = "A body that is not the documented object, a URL that may not receive webhooks, or unknown events (every field named)", body = ErrorBody),
        (status = 404, description = "No endpoint of yours has this id", body = ErrorBody),
    ))]
pub(super) async fn change_webhook(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b = body(&raw)?;
    let e = hooks::change(
        state.app(),
        &key.actor(),
        reach(&state),
        path_id(&id),
        &b.request(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(webhook_json(&e)))
}

/// Remove a webhook endpoint and its delivery log.
#[utoipa::path(delete, path = "/webhooks/{webhookId}", tag = "Webhooks", operation_id = "deleteWebhook",
    params(("webhookId" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No endpoint of yours has this id", body = ErrorBody),
    ))]
pub(super) async fn delete_webhook(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    hooks::delete(state.app(), &key.actor(), path_id(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate an endpoint's signing secret.
///
/// The answer holds the new secret, shown once. For 24 hours deliveries carry a signature
/// made with each secret, so receivers can switch over without missing one.
#[utoipa::path(post, path = "/webhooks/{webhookId}/rotateSecret", tag = "Webhooks", operation_id = "rotateWebhookSecret",
    params(("webhookId" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 200, description = "The endpoint and its new secret", body = WithSecret),
        (status = 404, description = "No endpoint of yours has this id", body = ErrorBody),
    ))]
pub(super) async fn rotate_secret(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (e, secret) = hooks::rotate_secret(state.app(), &key.actor(), path_id(&id)).await?;
    Ok(HttpResponse::Ok().json(with_secret(&e, &secret)))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct Queued {
    /// The delivery of the `ping`, as the delivery log lists it.
    delivery_id: String,
}

/// Send a test `ping` to an endpoint.
///
/// Whatever events it chose; it is delivered within a second or so, and its attempts are in the
/// delivery log.
#[utoipa::path(post, path = "/webhooks/{webhookId}/test", tag = "Webhooks", operation_id = "testWebhook",
    params(("webhookId" = String, Path, description = "The endpoint's id")),
    responses(
        (status = 202, description = "The ping is queued", body = Queued),
        (status = 404, description = "No endpoint of yours has this id", body = ErrorBody),
    ))]
pub(super) async fn test_webhook(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let delivery = hooks::test(state.app(), &key.actor(), path_id(&id)).await?;
    Ok(HttpResponse::Accepted().json(Queued {
        delivery_id: delivery.to_string(),
    }))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = WebhookDelivery)]
pub(super) struct DeliveryJson {
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
pub(super) struct AttemptJson {
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
pub(super) struct DeliveryList {
    deliveries: Vec<DeliveryJson>,
    /// Pass as `pageToken` for older deliveries; empty on the last page.
    next_page_token: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub(super) struct DeliveryQuery {
    /// 1 to 100; 50 when absent.
    page_size: Option<i64>,
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
pub(super) async fn list_deliveries(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    let size = query.page_size.unwrap_or(50);
    if !(1..=100).contains(&size) {
        return Err(ApiError::BadRequest(
            "pageSize must be from 1 to 100".into(),
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
pub(super) async fn retry_delivery(
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
