//! The audit log of sensitive actions (SPEC section 7).

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
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
    on_conn!(c, c => sqlx::query(
        "INSERT INTO audit_events (at, actor_user_id, partner_id, action, detail, address, actor) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now)
    .bind(e.actor_user_id)
    .bind(e.partner_id)
    .bind(e.action)
    .bind(e.detail)
    .bind(e.address)
    .bind(e.actor)
    .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub actor_email: Option<String>,
    pub partner_name: Option<String>,
    pub action: String,
    pub detail: String,
    pub address: String,
}

pub async fn recent(c: &mut impl Conn, limit: i64) -> StoreResult<Vec<AuditRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, AuditRow>(
        "SELECT a.at, COALESCE(u.email, NULLIF(a.actor, '')) AS actor_email, p.name AS partner_name, a.action, a.detail, a.address \
         FROM audit_events a LEFT JOIN users u ON u.user_id = a.actor_user_id \
         LEFT JOIN partners p ON p.partner_id = a.partner_id \
         ORDER BY a.event_id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(c)
    .await)?)
}
