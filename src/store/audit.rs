//! The audit log of sensitive actions (SPEC section 7).

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::execute;
use crate::on_conn;

/// One audit event as written; `address` is the client address of the request.
pub struct AuditEvent<'a> {
    pub actor_user_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub action: &'a str,
    pub detail: &'a str,
    pub address: &'a str,
    /// What acted when no person did ("system"); empty otherwise.
    pub actor: &'a str,
}

pub async fn record(c: &mut impl Conn, e: AuditEvent<'_>, now: DateTime<Utc>) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "INSERT INTO audit_events (at, actor_user_id, partner_id, action, detail, address, actor) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now)
    .bind(e.actor_user_id)
    .bind(e.partner_id)
    .bind(e.action)
    .bind(e.detail)
    .bind(e.address)
    .bind(e.actor))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub event_id: i64,
    pub at: DateTime<Utc>,
    pub actor_email: Option<String>,
    pub partner_name: Option<String>,
    pub action: String,
    pub detail: String,
    pub address: String,
}

pub async fn recent(c: &mut impl Conn, limit: i64) -> StoreResult<Vec<AuditRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, AuditRow>(
        "SELECT a.event_id, a.at, COALESCE(u.email, NULLIF(a.actor, '')) AS actor_email, p.name AS partner_name, a.action, a.detail, a.address \
         FROM audit_events a LEFT JOIN users u ON u.user_id = a.actor_user_id \
         LEFT JOIN partners p ON p.partner_id = a.partner_id \
         ORDER BY a.at DESC, a.event_id DESC LIMIT CAST($1 AS BIGINT)",
    )
    .bind(limit)
    .fetch_all(c)
    .await)?)
}

/// What the audit log is narrowed to; empty texts match everything.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter<'a> {
    pub partner_id: Option<i64>,
    /// Part of the actor's e-mail (or `system`, `API key`).
    pub actor: &'a str,
    /// The start of an action's name (`offer_` for every offer change).
    pub action: &'a str,
    pub from: Option<DateTime<Utc>>,
    /// Events before this instant.
    pub until: Option<DateTime<Utc>>,
}

/// A page of events newest first (by time, then id: events may be recorded with an earlier
/// time than the last), after the keyset `before` (the event the last page ended with);
/// `limit` rows.
pub async fn page(
    c: &mut impl Conn,
    f: &AuditFilter<'_>,
    before: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<AuditRow>> {
    let like = |s: &str| {
        let s = s.trim();
        (!s.is_empty()).then(|| super::customers::escape_like(s))
    };
    let actor = like(f.actor).map(|a| format!("%{a}%"));
    let action = like(f.action).map(|a| format!("{a}%"));
    Ok(on_conn!(c, c => sqlx::query_as::<_, AuditRow>(
        "SELECT a.event_id, a.at, COALESCE(u.email, NULLIF(a.actor, '')) AS actor_email, \
         p.name AS partner_name, a.action, a.detail, a.address \
         FROM audit_events a LEFT JOIN users u ON u.user_id = a.actor_user_id \
         LEFT JOIN partners p ON p.partner_id = a.partner_id \
         WHERE ($1 IS NULL OR a.partner_id = $1) \
         AND ($2 IS NULL OR lower(COALESCE(u.email, a.actor, '') || ' ' || a.detail) LIKE lower($2) ESCAPE '\\') \
         AND ($3 IS NULL OR a.action LIKE $3 ESCAPE '\\') \
         AND ($4 IS NULL OR a.at >= $4) AND ($5 IS NULL OR a.at < $5) \
         AND ($6 IS NULL OR a.at < (SELECT b.at FROM audit_events b WHERE b.event_id = $6) \
              OR (a.at = (SELECT b.at FROM audit_events b WHERE b.event_id = $6) AND a.event_id < $6)) \
         ORDER BY a.at DESC, a.event_id DESC LIMIT CAST($7 AS BIGINT)",
    )
    .bind(f.partner_id)
    .bind(actor.clone())
    .bind(action.clone())
    .bind(f.from)
    .bind(f.until)
    .bind(before)
    .bind(limit)
    .fetch_all(c)
    .await)?)
}
