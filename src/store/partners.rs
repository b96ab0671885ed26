//! Partners: resellers and managed service providers.

use chrono::{DateTime, Utc};

use super::{Conn, OnConflict, StoreError, StoreResult};
use crate::domain::{PartnerKind, PartnerState, slugify};
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Partner {
    pub partner_id: i64,
    pub name: String,
    pub slug: String,
    pub kind: PartnerKind,
    pub state: PartnerState,
    pub website_url: String,
    /// Where the vendor writes to the partner; the owner may change it.
    pub contact_email: String,
    pub logo_light_id: Option<i64>,
    pub logo_dark_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl Partner {
    pub fn is_msp(&self) -> bool {
        self.kind == PartnerKind::Msp
    }
}

macro_rules! select_partner {
    ($tail:literal) => {
        concat!(
            "SELECT partner_id, name, slug, kind, state, website_url, contact_email, logo_light_id, logo_dark_id, ",
            "created_at FROM partners ",
            $tail
        )
    };
}

pub struct NewPartner<'a> {
    pub name: &'a str,
    pub kind: PartnerKind,
    pub website_url: &'a str,
    pub logo_light_id: Option<i64>,
    pub logo_dark_id: Option<i64>,
}

/// Inserts a partner under a slug made from its name, adding `-2`, `-3`, … while the slug is
/// taken. Returns (id, slug).
pub async fn insert(
    c: &mut impl Conn,
    p: NewPartner<'_>,
    now: DateTime<Utc>,
) -> StoreResult<(i64, String)> {
    let base = slugify(p.name);
    for n in 1..100 {
        let slug = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if find_by_slug(c, &slug).await?.is_some() {
            continue;
        }
        let id = on_conn!(c, c => sqlx::query_scalar::<_, i64>(
            "INSERT INTO partners (name, slug, kind, state, website_url, logo_light_id, logo_dark_id, \
             created_at) VALUES ($1, $2, $3, 'active', $4, $5, $6, $7) RETURNING partner_id",
        )
        .bind(p.name)
        .bind(&slug)
        .bind(p.kind)
        .bind(p.website_url)
        .bind(p.logo_light_id)
        .bind(p.logo_dark_id)
        .bind(now)
        .fetch_one(c)
        .await)
        .on_unique("URL slug")?;
        return Ok((id, slug));
    }
    Err(StoreError::Conflict("URL slug"))
}

pub async fn find_by_slug(c: &mut impl Conn, slug: &str) -> StoreResult<Option<Partner>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Partner>(select_partner!("WHERE slug = $1"))
        .bind(slug)
        .fetch_optional(c)
        .await)?,
    )
}

pub async fn find_by_id(c: &mut impl Conn, partner_id: i64) -> StoreResult<Option<Partner>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Partner>(select_partner!("WHERE partner_id = $1"))
        .bind(partner_id)
        .fetch_optional(c)
        .await)?,
    )
}

/// Partners matching a search over name and slug and optional kind and state, by name.
pub async fn search(
    c: &mut impl Conn,
    query: &str,
    kind: Option<PartnerKind>,
    state: Option<PartnerState>,
    limit: i64,
) -> StoreResult<Vec<Partner>> {
    let pattern = format!(
        "%{}%",
        query
            .trim()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Partner>(select_partner!(
        "WHERE (lower(name) LIKE lower($1) ESCAPE '\\' OR lower(slug) LIKE lower($1) ESCAPE '\\') \
         AND ($2 IS NULL OR kind = $2) AND ($3 IS NULL OR state = $3) ORDER BY lower(name) LIMIT CAST($4 AS BIGINT)"
    ))
    .bind(&pattern)
    .bind(kind)
    .bind(state)
    .bind(limit)
    .fetch_all(c)
    .await)?,
    )
}

pub async fn set_state(c: &mut impl Conn, partner_id: i64, state: PartnerState) -> StoreResult<()> {
    execute!(c, c => sqlx::query("UPDATE partners SET state = $1 WHERE partner_id = $2")
        .bind(state)
        .bind(partner_id))?;
    Ok(())
}

/// Replaces the logo of one mode (`light` or `dark`).
pub async fn set_logo(
    c: &mut impl Conn,
    partner_id: i64,
    dark: bool,
    logo_id: i64,
) -> StoreResult<()> {
    let sql = if dark {
        "UPDATE partners SET logo_dark_id = $1 WHERE partner_id = $2"
    } else {
        "UPDATE partners SET logo_light_id = $1 WHERE partner_id = $2"
    };
    execute!(c, c => sqlx::query(sql).bind(logo_id).bind(partner_id))?;
    Ok(())
}

/// The partner's own details, which its owner keeps (name and slug stay with operators).
pub async fn set_details(
    c: &mut impl Conn,
    partner_id: i64,
    contact_email: &str,
    website_url: &str,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "UPDATE partners SET contact_email = $1, website_url = $2 WHERE partner_id = $3",
    )
    .bind(contact_email)
    .bind(website_url)
    .bind(partner_id))?;
    Ok(())
}

/// Whether every member must use two-factor sign-in.
pub async fn set_require_two_factor(
    c: &mut impl Conn,
    partner_id: i64,
    required: bool,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query("UPDATE partners SET require_two_factor = $1 WHERE partner_id = $2")
        .bind(required)
        .bind(partner_id))?;
    Ok(())
}

pub async fn count(c: &mut impl Conn) -> StoreResult<i64> {
    Ok(
        on_conn!(c, c => sqlx::query_scalar::<_, i64>("SELECT CAST(COUNT(*) AS BIGINT) FROM partners")
        .fetch_one(c)
        .await)?,
    )
}
