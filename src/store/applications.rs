//! Partner applications from the public form, and their review.

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::domain::{ApplicationState, PartnerKind};
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Application {
    pub application_id: i64,
    pub kind: PartnerKind,
    pub company_name: String,
    pub contact_email: String,
    pub website_url: String,
    pub message: String,
    pub logo_light_id: i64,
    pub logo_dark_id: i64,
    pub state: ApplicationState,
    pub reject_reason: Option<String>,
    pub partner_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

pub struct NewApplication<'a> {
    pub kind: PartnerKind,
    pub company_name: &'a str,
    pub contact_email: &'a str,
    pub website_url: &'a str,
    pub message: &'a str,
    pub logo_light_id: i64,
    pub logo_dark_id: i64,
    pub address: &'a str,
}

const COLUMNS: &str = "application_id, kind, company_name, contact_email, website_url, message, \
     logo_light_id, logo_dark_id, state, reject_reason, partner_id, created_at, reviewed_at";

pub async fn insert(
    c: &mut impl Conn,
    a: NewApplication<'_>,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO applications (kind, company_name, contact_email, website_url, message, \
         logo_light_id, logo_dark_id, state, address, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9) RETURNING application_id",
    )
    .bind(a.kind)
    .bind(a.company_name)
    .bind(a.contact_email)
    .bind(a.website_url)
    .bind(a.message)
    .bind(a.logo_light_id)
    .bind(a.logo_dark_id)
    .bind(a.address)
    .bind(now)
    .fetch_one(c)
    .await)?)
}

pub async fn find(c: &mut impl Conn, id: i64) -> StoreResult<Option<Application>> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE application_id = $1");
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Application>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .fetch_optional(c)
        .await)?,
    )
}

/// Applications in `state`, oldest first (a queue).
pub async fn list(
    c: &mut impl Conn,
    state: ApplicationState,
    limit: i64,
) -> StoreResult<Vec<Application>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications WHERE state = $1 ORDER BY application_id LIMIT CAST($2 AS BIGINT)"
    );
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Application>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(state)
        .bind(limit)
        .fetch_all(c)
        .await)?,
    )
}

pub async fn count_pending(c: &mut impl Conn) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM applications WHERE state = 'pending'"
    )
    .fetch_one(c)
    .await)?)
}

/// Moves a pending application to its decision, write-first: of two operators deciding at once,
/// only one gets `true`.
pub async fn decide(
    c: &mut impl Conn,
    id: i64,
    state: ApplicationState,
    reason: Option<&str>,
    partner_id: Option<i64>,
    reviewer: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE applications SET state = $1, reject_reason = $2, partner_id = $3, reviewed_by = $4, \
         reviewed_at = $5 WHERE application_id = $6 AND state = 'pending'",
    )
    .bind(state)
    .bind(reason)
    .bind(partner_id)
    .bind(reviewer)
    .bind(now)
    .bind(id))?;
    Ok(n == 1)
}
