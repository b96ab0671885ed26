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
use crate::store::webhooks::Endpoint;

pub(super) mod deliveries;

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
            web::get().to(deliveries::list_deliveries),
        )
        .route(
            "/webhooks/{webhookId}/deliveries/{deliveryId}/retry",
            web::post().to(deliveries::retry_delivery),
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

/// The body both writes read; [`NewWebhook`] and [`WebhookChange`] document what each takes.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct Body {
    url: Option<String>,
    description: Option<String>,
    events: Option<Vec<String>>,
    enabled: Option<bool>,
}

/// An event an endpoint can choose.
#[derive(ToSchema)]
#[schema(as = WebhookEvent)]
#[allow(dead_code)]
pub(super) enum EventName {
    #[schema(rename = "customer.created")]
    CustomerCreated,
    #[schema(rename = "customer.state_changed")]
    CustomerStateChanged,
    #[schema(rename = "signup_link.created")]
    SignupLinkCreated,
    #[schema(rename = "signup_link.revoked")]
    SignupLinkRevoked,
    #[schema(rename = "offer.state_changed")]
    OfferStateChanged,
    #[schema(rename = "month.closed")]
    MonthClosed,
    #[schema(rename = "invoice.issued")]
    InvoiceIssued,
    #[schema(rename = "usage.loaded")]
    UsageLoaded,
    #[schema(rename = "budget.threshold_reached")]
    BudgetThresholdReached,
}

/// A new endpoint.
#[derive(ToSchema)]
#[schema(as = NewWebhook)]
#[allow(dead_code)]
pub(super) struct NewWebhook {
    /// An https URL whose host resolves to public addresses only.
    #[schema(
        example = "https://hooks.example.com/partner-console",
        pattern = "^https://"
    )]
    url: String,
    /// Up to 200 characters.
    #[schema(max_length = 200)]
    description: Option<String>,
    /// The events to deliver, at least one.
    #[schema(min_items = 1)]
    events: Vec<EventName>,
}

/// What to change of an endpoint; fields left out stay as they are.
#[derive(ToSchema)]
#[schema(as = WebhookChange)]
#[allow(dead_code)]
pub(super) struct WebhookChange {
    /// An https URL whose host resolves to public addresses only.
    #[schema(
        example = "https://hooks.example.com/partner-console",
        pattern = "^https://"
    )]
    url: Option<String>,
    /// Up to 200 characters.
    #[schema(max_length = 200)]
    description: Option<String>,
    /// The events to deliver, at least one.
    #[schema(min_items = 1)]
    events: Option<Vec<EventName>>,
    /// Turn the endpoint off, or back on (its failures forgotten).
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
    request_body = NewWebhook,
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
    request_body = WebhookChange,
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
pub(in crate::api) struct Queued {
    /// The delivery of the `ping`, as the delivery log lists it.
    pub(super) delivery_id: String,
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
