//! Webhook endpoints, their deliveries and each delivery's attempts (issue 27). Deliveries are
//! written in the transaction of the change they tell of, claimed write-first by whichever
//! instance's worker gets there first (`webhooks::delivery`), as the mail outbox is.

use chrono::{DateTime, Duration, Utc};

use super::{Backend, Conn, StoreResult};
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Endpoint {
    pub endpoint_id: i64,
    pub partner_id: i64,
    pub url: String,
    pub description: String,
    /// The chosen event names, space-separated.
    pub events: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_expires_at: Option<DateTime<Utc>>,
    pub failing_since: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! endpoint_columns {
    () => {
        "endpoint_id, partner_id, url, description, events, secret, previous_secret, \
         previous_expires_at, failing_since, disabled_at, created_at, updated_at"
    };
}

pub struct NewEndpoint<'a> {
    pub partner_id: i64,
    pub url: &'a str,
    pub description: &'a str,
    pub events: &'a str,
    pub secret: &'a str,
}

pub async fn insert(
    c: &mut impl Conn,
    e: &NewEndpoint<'_>,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO webhook_endpoints (partner_id, url, description, events, secret, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING endpoint_id",
    )
    .bind(e.partner_id)
    .bind(e.url)
    .bind(e.description)
    .bind(e.events)
    .bind(e.secret)
    .bind(now)
    .fetch_one(c)
    .await)?)
}

/// A partner's endpoints, oldest first.
pub async fn of_partner(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<Endpoint>> {
    const SQL: &str = concat!(
        "SELECT ",
        endpoint_columns!(),
        " FROM webhook_endpoints WHERE partner_id = $1 ORDER BY endpoint_id"
    );
    Ok(on_conn!(c, c => sqlx::query_as::<_, Endpoint>(SQL)
        .bind(partner_id)
        .fetch_all(c)
        .await)?)
}

/// One of a partner's endpoints; `None` for another partner's.
pub async fn find(
    c: &mut impl Conn,
    partner_id: i64,
    endpoint_id: i64,
) -> StoreResult<Option<Endpoint>> {
    const SQL: &str = concat!(
        "SELECT ",
        endpoint_columns!(),
        " FROM webhook_endpoints WHERE partner_id = $1 AND endpoint_id = $2"
    );
    Ok(on_conn!(c, c => sqlx::query_as::<_, Endpoint>(SQL)
        .bind(partner_id)
        .bind(endpoint_id)
        .fetch_optional(c)
        .await)?)
}

/// Writes what a partner may change of an endpoint, and whether it is disabled and failing.
pub async fn update(c: &mut impl Conn, e: &Endpoint, now: DateTime<Utc>) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "UPDATE webhook_endpoints SET url = $1, description = $2, events = $3, disabled_at = $4, \
         failing_since = $5, updated_at = $6 WHERE endpoint_id = $7",
    )
    .bind(&e.url)
    .bind(&e.description)
    .bind(&e.events)
    .bind(e.disabled_at)
    .bind(e.failing_since)
    .bind(now)
    .bind(e.endpoint_id))?;
    Ok(())
}

pub async fn delete(c: &mut impl Conn, endpoint_id: i64) -> StoreResult<()> {
    execute!(c, c => sqlx::query("DELETE FROM webhook_endpoints WHERE endpoint_id = $1").bind(endpoint_id))?;
    Ok(())
}

/// A new secret; the one before still signs until `previous_until`.
pub async fn rotate(
    c: &mut impl Conn,
    endpoint_id: i64,
    secret: &str,
    previous: &str,
    previous_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "UPDATE webhook_endpoints SET secret = $1, previous_secret = $2, previous_expires_at = $3, \
         updated_at = $4 WHERE endpoint_id = $5",
    )
    .bind(secret)
    .bind(previous)
    .bind(previous_until)
    .bind(now)
    .bind(endpoint_id))?;
    Ok(())
}

/// The partner's enabled endpoints that chose `event`.
pub async fn subscribed(c: &mut impl Conn, partner_id: i64, event: &str) -> StoreResult<Vec<i64>> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT endpoint_id FROM webhook_endpoints WHERE partner_id = $1 AND disabled_at IS NULL \
         AND (' ' || events || ' ') LIKE ('% ' || $2 || ' %') ORDER BY endpoint_id",
    )
    .bind(partner_id)
    .bind(event)
    .fetch_all(c)
    .await)?)
}

pub struct NewDelivery<'a> {
    pub endpoint_id: i64,
    pub message_id: &'a str,
    pub event: &'a str,
    pub payload: &'a str,
}

pub async fn enqueue(
    c: &mut impl Conn,
    d: &NewDelivery<'_>,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO webhook_deliveries (endpoint_id, message_id, event, payload, state, attempts, \
         next_attempt_at, created_at) VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5) \
         RETURNING delivery_id",
    )
    .bind(d.endpoint_id)
    .bind(d.message_id)
    .bind(d.event)
    .bind(d.payload)
    .bind(now)
    .fetch_one(c)
    .await)?)
}

/// A due delivery with what sending it needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub delivery_id: i64,
    pub endpoint_id: i64,
    pub partner_id: i64,
    pub message_id: String,
    pub payload: String,
    /// Counting the one just claimed.
    pub attempts: i32,
    pub url: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_expires_at: Option<DateTime<Utc>>,
    pub failing_since: Option<DateTime<Utc>>,
}

/// Claims the next due delivery of an enabled endpoint for `lease`, write-first: two workers
/// (or two instances) never send one delivery at once, and a worker that dies mid-send leaves
/// a lease that expires.
pub async fn claim_next(
    c: &mut impl Conn,
    backend: Backend,
    now: DateTime<Utc>,
    lease: Duration,
) -> StoreResult<Option<Claimed>> {
    // SQLite takes no UPDATE inside a WITH: the claim, then what it claimed.
    let claim = match backend {
        Backend::Postgres => CLAIM_POSTGRES,
        Backend::Sqlite => CLAIM_SQLITE,
    };
    let Some(id) = on_conn!(c, c => sqlx::query_scalar::<_, i64>(claim)
        .bind(now)
        .bind(now + lease)
        .fetch_optional(c)
        .await)?
    else {
        return Ok(None);
    };
    Ok(on_conn!(c, c => sqlx::query_as::<_, Claimed>(
        "SELECT d.delivery_id, d.endpoint_id, e.partner_id, d.message_id, d.payload, d.attempts, \
         e.url, e.secret, e.previous_secret, e.previous_expires_at, e.failing_since \
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.endpoint_id = d.endpoint_id \
         WHERE d.delivery_id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await)?)
}

macro_rules! claim {
    ($lock:literal) => {
        concat!(
            "UPDATE webhook_deliveries SET state = 'sending', locked_until = $2, \
             attempts = attempts + 1 WHERE delivery_id = (SELECT d.delivery_id FROM \
             webhook_deliveries d JOIN webhook_endpoints e ON e.endpoint_id = d.endpoint_id \
             WHERE e.disabled_at IS NULL AND ((d.state = 'pending' AND d.next_attempt_at <= $1) \
             OR (d.state = 'sending' AND d.locked_until < $1)) ORDER BY d.next_attempt_at, \
             d.delivery_id LIMIT 1",
            $lock,
            ") RETURNING delivery_id"
        )
    };
}

// PostgreSQL skips rows another instance holds; SQLite has one writer at a time anyway.
const CLAIM_POSTGRES: &str = claim!(" FOR UPDATE OF d SKIP LOCKED");
const CLAIM_SQLITE: &str = claim!("");

/// One attempt as the delivery log shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attempt {
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub duration_ms: i64,
    /// The answer's first 1 KiB.
    pub response: String,
    /// Why there was no answer (refused address, timeout, connection).
    pub error: Option<String>,
}

pub async fn record_attempt(c: &mut impl Conn, delivery_id: i64, a: &Attempt) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, duration_ms, \
         response, error) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(delivery_id)
    .bind(a.attempted_at)
    .bind(a.status_code)
    .bind(a.duration_ms)
    .bind(&a.response)
    .bind(&a.error))?;
    Ok(())
}

/// A success: the delivery is done and its endpoint no longer failing.
pub async fn mark_delivered(
    c: &mut impl Conn,
    delivery_id: i64,
    endpoint_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "UPDATE webhook_deliveries SET state = 'delivered', delivered_at = $1, locked_until = NULL \
         WHERE delivery_id = $2",
    )
    .bind(now)
    .bind(delivery_id))?;
    execute!(c, c => sqlx::query(
        "UPDATE webhook_endpoints SET failing_since = NULL WHERE endpoint_id = $1",
    )
    .bind(endpoint_id))?;
    Ok(())
}

/// A failed attempt: tried again at `retry_at`, or `failed` for good; the endpoint failing
/// since its first failure.
pub async fn mark_failed(
    c: &mut impl Conn,
    delivery_id: i64,
    endpoint_id: i64,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let state = if retry_at.is_some() {
        "pending"
    } else {
        "failed"
    };
    execute!(c, c => sqlx::query(
        "UPDATE webhook_deliveries SET state = $1, next_attempt_at = COALESCE($2, next_attempt_at), \
         locked_until = NULL WHERE delivery_id = $3",
    )
    .bind(state)
    .bind(retry_at)
    .bind(delivery_id))?;
    execute!(c, c => sqlx::query(
        "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $1) WHERE endpoint_id = $2",
    )
    .bind(now)
    .bind(endpoint_id))?;
    Ok(())
}

/// Disables an endpoint that has been failing too long; `false` when it already was.
pub async fn disable(c: &mut impl Conn, endpoint_id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE webhook_endpoints SET disabled_at = $1 WHERE endpoint_id = $2 AND disabled_at IS NULL",
    )
    .bind(now)
    .bind(endpoint_id))?;
    Ok(n == 1)
}

/// A delivery with its latest attempt, as the delivery log lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub delivery_id: i64,
    pub message_id: String,
    pub event: String,
    pub state: String,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub attempted_at: Option<DateTime<Utc>>,
    pub status_code: Option<i32>,
    pub duration_ms: Option<i64>,
    pub response: Option<String>,
    pub error: Option<String>,
}

/// An endpoint's deliveries, newest first, `before` a delivery id when given.
pub async fn deliveries(
    c: &mut impl Conn,
    endpoint_id: i64,
    before: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<DeliveryRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, DeliveryRow>(
        "SELECT d.delivery_id, d.message_id, d.event, d.state, d.attempts, d.created_at, \
         d.next_attempt_at, d.delivered_at, a.attempted_at, a.status_code, a.duration_ms, \
         a.response, a.error FROM webhook_deliveries d LEFT JOIN webhook_attempts a ON \
         a.attempt_id = (SELECT MAX(attempt_id) FROM webhook_attempts WHERE delivery_id = d.delivery_id) \
         WHERE d.endpoint_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR d.delivery_id < CAST($2 AS BIGINT)) \
         ORDER BY d.delivery_id DESC LIMIT CAST($3 AS BIGINT)",
    )
    .bind(endpoint_id)
    .bind(before)
    .bind(limit)
    .fetch_all(c)
    .await)?)
}

/// Sends a delivery of the endpoint again now, with its `webhook-id`; `false` if the endpoint
/// has no such delivery or it is being sent.
pub async fn retry(
    c: &mut impl Conn,
    endpoint_id: i64,
    delivery_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $1 \
         WHERE delivery_id = $2 AND endpoint_id = $3 AND state <> 'sending'",
    )
    .bind(now)
    .bind(delivery_id)
    .bind(endpoint_id))?;
    Ok(n == 1)
}
