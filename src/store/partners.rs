//! Partners: resellers and managed service providers.

use chrono::{DateTime, Utc};

use super::{Conn, OnConflict, StoreResult};
use crate::domain::PartnerKind;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Partner {
    pub partner_id: i64,
    pub name: String,
    pub slug: String,
    pub kind: String,
    pub state: String,
}

pub async fn insert(
    c: &mut impl Conn,
    name: &str,
    slug: &str,
    kind: PartnerKind,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO partners (name, slug, kind, state, created_at) \
         VALUES ($1, $2, $3, 'active', $4) RETURNING partner_id",
    )
    .bind(name)
    .bind(slug)
    .bind(kind.as_str())
    .bind(now)
    .fetch_one(c)
    .await)
    .on_unique("URL slug")
}

pub async fn find_by_slug(c: &mut impl Conn, slug: &str) -> StoreResult<Option<Partner>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, Partner>(
        "SELECT partner_id, name, slug, kind, state FROM partners WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(c)
    .await)?)
}

pub async fn find_by_id(c: &mut impl Conn, partner_id: i64) -> StoreResult<Option<Partner>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, Partner>(
        "SELECT partner_id, name, slug, kind, state FROM partners WHERE partner_id = $1",
    )
    .bind(partner_id)
    .fetch_optional(c)
    .await)?)
}

pub async fn set_state(c: &mut impl Conn, partner_id: i64, state: &str) -> StoreResult<()> {
    on_conn!(c, c => sqlx::query("UPDATE partners SET state = $1 WHERE partner_id = $2")
        .bind(state)
        .bind(partner_id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn count(c: &mut impl Conn) -> StoreResult<i64> {
    Ok(
        on_conn!(c, c => sqlx::query_scalar::<_, i64>("SELECT CAST(COUNT(*) AS BIGINT) FROM partners")
        .fetch_one(c)
        .await)?,
    )
}
