//! A partner's webhook endpoints (issue 27): registered, changed and removed by owners and
//! admins (and the partner's API keys), each with a signing secret shown once, rotated with
//! the old one valid a day longer; a test ping; the delivery log and its retries.

use chrono::Duration;

use super::error::{Error, FieldError, Message, Result, Thing};
use super::{Actor, Ctx};
use crate::domain::{Action, AuditAction};
use crate::store::webhooks::{self as store, DeliveryRow, Endpoint, NewEndpoint};
use crate::webhooks::signature::Secret;
use crate::webhooks::{Event, delivery};

/// How long a rotated secret still signs deliveries beside the new one.
pub const PREVIOUS_SECRET_HOURS: i64 = 24;
/// Endpoints one partner may have.
pub const MAX_ENDPOINTS: usize = 20;
const MAX_URL: usize = 2000;
const MAX_DESCRIPTION: usize = 200;

/// What a partner asks of an endpoint; `None` leaves a field as it is (a change).
#[derive(Debug, Clone, Default)]
pub struct EndpointRequest {
    pub url: Option<String>,
    pub description: Option<String>,
    pub events: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// Where the deliveries may go: `webhook_allow_private` (tests, the demo).
#[derive(Debug, Clone, Copy)]
pub struct Reach {
    pub allow_private: bool,
}

/// The chosen events as stored: known names, each once, in [`Event::CHOOSABLE`]'s order.
fn events_of(names: &[String]) -> std::result::Result<String, FieldError> {
    let chosen: Vec<Event> = names
        .iter()
        .map(|n| Event::parse(n.trim()))
        .collect::<Option<_>>()
        .ok_or_else(|| FieldError::new("events", "error-webhook-events"))?;
    if chosen.is_empty() {
        return Err(FieldError::new("events", "error-webhook-events"));
    }
    Ok(Event::CHOOSABLE
        .iter()
        .filter(|e| chosen.contains(e))
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(" "))
}

/// A URL deliveries may go to now: https (or http with `allow_private`), no user or password
/// in it, and a host whose every address is one the console may reach.
async fn url_of(raw: &str, reach: Reach) -> std::result::Result<String, FieldError> {
    let raw = raw.trim();
    let bad = |reason: String| FieldError {
        field: "url",
        message: Message::new("error-webhook-url").text("reason", reason),
    };
    if raw.is_empty() || raw.len() > MAX_URL {
        return Err(bad(format!(
            "give an https URL of at most {MAX_URL} characters"
        )));
    }
    let url = url::Url::parse(raw).map_err(|e| bad(format!("not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("no user name or password in the URL".into()));
    }
    delivery::resolve(&url, reach.allow_private)
        .await
        .map_err(bad)?;
    Ok(url.to_string())
}

fn description_of(raw: &str) -> std::result::Result<String, FieldError> {
    let d = raw.trim();
    if d.chars().count() > MAX_DESCRIPTION {
        return Err(FieldError::new("description", "error-webhook-description"));
    }
    Ok(d.to_string())
}

fn partner_of(actor: &Actor) -> Result<i64> {
    actor.require(Action::ManageWebhooks)?;
    actor.partner_id.ok_or(Error::NotFound(Thing::Webhook))
}

pub async fn list(ctx: Ctx<'_>, actor: &Actor) -> Result<Vec<Endpoint>> {
    let partner_id = partner_of(actor)?;
    let mut c = ctx.db.acquire().await?;
    Ok(store::of_partner(&mut c, partner_id).await?)
}

pub async fn get(ctx: Ctx<'_>, actor: &Actor, endpoint_id: i64) -> Result<Endpoint> {
    let partner_id = partner_of(actor)?;
    let mut c = ctx.db.acquire().await?;
    store::find(&mut c, partner_id, endpoint_id)
        .await?
        .ok_or(Error::NotFound(Thing::Webhook))
}

/// Registers an endpoint; the secret is returned here and never shown again.
pub async fn register(
    ctx: Ctx<'_>,
    actor: &Actor,
    reach: Reach,
    request: &EndpointRequest,
) -> Result<(Endpoint, Secret)> {
    let partner_id = partner_of(actor)?;
    let mut bad = Vec::new();
    let url = match url_of(request.url.as_deref().unwrap_or(""), reach).await {
        Ok(u) => u,
        Err(e) => {
            bad.push(e);
            String::new()
        }
    };
    let description =
        description_of(request.description.as_deref().unwrap_or("")).unwrap_or_else(|e| {
            bad.push(e);
            String::new()
        });
    let events = events_of(request.events.as_deref().unwrap_or_default()).unwrap_or_else(|e| {
        bad.push(e);
        String::new()
    });
    if !bad.is_empty() {
        return Err(Error::Invalid(bad));
    }
    let secret = Secret::generate();
    let mut tx = ctx.db.begin().await?;
    if store::of_partner(&mut tx, partner_id).await?.len() >= MAX_ENDPOINTS {
        return Err(Error::Conflict(
            Message::new("error-webhook-too-many").text("max", MAX_ENDPOINTS),
        ));
    }
    let new = NewEndpoint {
        partner_id,
        url: &url,
        description: &description,
        events: &events,
        secret: secret.expose(),
    };
    let id = store::insert(&mut tx, &new, ctx.now).await?;
    actor
        .audit(&mut tx, AuditAction::WebhookCreated, &url, ctx.now)
        .await?;
    let endpoint = store::find(&mut tx, partner_id, id)
        .await?
        .ok_or(Error::NotFound(Thing::Webhook))?;
    tx.commit().await?;
    Ok((endpoint, secret))
}

/// Changes what `request` names of an endpoint; turning a disabled one on forgets its failures.
pub async fn change(
    ctx: Ctx<'_>,
    actor: &Actor,
    reach: Reach,
    endpoint_id: i64,
    request: &EndpointRequest,
) -> Result<Endpoint> {
    let mut e = get(ctx, actor, endpoint_id).await?;
    let mut bad = Vec::new();
    if let Some(raw) = &request.url {
        match url_of(raw, reach).await {
            Ok(u) => e.url = u,
            Err(f) => bad.push(f),
        }
    }
    if let Some(raw) = &request.description {
        match description_of(raw) {
            Ok(d) => e.description = d,
            Err(f) => bad.push(f),
        }
    }
    if let Some(names) = &request.events {
        match events_of(names) {
            Ok(ev) => e.events = ev,
            Err(f) => bad.push(f),
        }
    }
    if !bad.is_empty() {
        return Err(Error::Invalid(bad));
    }
    match request.enabled {
        // Turned back on: its failures are forgotten, its five days start again.
        Some(true) if e.disabled_at.is_some() => {
            e.disabled_at = None;
            e.failing_since = None;
        }
        Some(false) if e.disabled_at.is_none() => e.disabled_at = Some(ctx.now),
        _ => {}
    }
    let mut tx = ctx.db.begin().await?;
    store::update(&mut tx, &e, ctx.now).await?;
    actor
        .audit(&mut tx, AuditAction::WebhookChanged, &e.url, ctx.now)
        .await?;
    let partner_id = e.partner_id;
    let changed = store::find(&mut tx, partner_id, endpoint_id)
        .await?
        .ok_or(Error::NotFound(Thing::Webhook))?;
    tx.commit().await?;
    Ok(changed)
}

/// Removes an endpoint and its delivery log.
pub async fn delete(ctx: Ctx<'_>, actor: &Actor, endpoint_id: i64) -> Result<()> {
    let e = get(ctx, actor, endpoint_id).await?;
    let mut tx = ctx.db.begin().await?;
    store::delete(&mut tx, e.endpoint_id).await?;
    actor
        .audit(&mut tx, AuditAction::WebhookDeleted, &e.url, ctx.now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A new secret, returned once; the old one signs beside it for [`PREVIOUS_SECRET_HOURS`].
pub async fn rotate_secret(
    ctx: Ctx<'_>,
    actor: &Actor,
    endpoint_id: i64,
) -> Result<(Endpoint, Secret)> {
    let e = get(ctx, actor, endpoint_id).await?;
    let secret = Secret::generate();
    let until = ctx.now + Duration::hours(PREVIOUS_SECRET_HOURS);
    let mut tx = ctx.db.begin().await?;
    store::rotate(
        &mut tx,
        e.endpoint_id,
        secret.expose(),
        &e.secret,
        until,
        ctx.now,
    )
    .await?;
    actor
        .audit(&mut tx, AuditAction::WebhookSecretRotated, &e.url, ctx.now)
        .await?;
    let rotated = store::find(&mut tx, e.partner_id, endpoint_id)
        .await?
        .ok_or(Error::NotFound(Thing::Webhook))?;
    tx.commit().await?;
    Ok((rotated, secret))
}

/// Queues a `ping` to this endpoint alone; returns its delivery's id.
pub async fn test(ctx: Ctx<'_>, actor: &Actor, endpoint_id: i64) -> Result<i64> {
    let e = get(ctx, actor, endpoint_id).await?;
    let data = serde_json::json!({ "webhookId": e.endpoint_id.to_string() });
    let mut tx = ctx.db.begin().await?;
    let id = crate::webhooks::emit_to(&mut tx, e.endpoint_id, Event::Ping, &data, ctx.now).await?;
    tx.commit().await?;
    Ok(id)
}

/// An endpoint's deliveries, newest first, a page at a time (`before` a delivery id).
pub async fn deliveries(
    ctx: Ctx<'_>,
    actor: &Actor,
    endpoint_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<DeliveryRow>> {
    let e = get(ctx, actor, endpoint_id).await?;
    let mut c = ctx.db.acquire().await?;
    Ok(store::deliveries(&mut c, e.endpoint_id, before, limit).await?)
}

/// Sends a delivery again now, with the same `webhook-id`.
pub async fn retry(ctx: Ctx<'_>, actor: &Actor, endpoint_id: i64, delivery_id: i64) -> Result<()> {
    let e = get(ctx, actor, endpoint_id).await?;
    let mut c = ctx.db.acquire().await?;
    if !store::retry(&mut c, e.endpoint_id, delivery_id, ctx.now).await? {
        return Err(Error::NotFound(Thing::WebhookDelivery));
    }
    Ok(())
}
