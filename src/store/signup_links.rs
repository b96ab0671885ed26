//! Customer signup links of MSP partners. Only a hash of the token is stored; uses are claimed
//! write-first, so a link limited to N uses serves exactly N signups under any concurrency.

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignupLink {
    pub link_id: i64,
    pub partner_id: i64,
    pub label: String,
    pub expires_at: DateTime<Utc>,
    pub max_uses: Option<i32>,
    pub uses: i32,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_by_email: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// What a visitor of the link finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Active,
    Expired,
    UsedUp,
    Revoked,
}

impl LinkState {
    /// What the signup page says of a link in this state that cannot be used (an active one is
    /// one whose last use was just taken).
    pub fn gone_key(self) -> &'static str {
        match self {
            LinkState::Expired => "signup-link-expired",
            LinkState::Revoked => "signup-link-revoked",
            LinkState::UsedUp | LinkState::Active => "signup-link-used-up",
        }
    }

    pub const ALL: [LinkState; 4] = [
        LinkState::Active,
        LinkState::Expired,
        LinkState::UsedUp,
        LinkState::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Active => "active",
            LinkState::Expired => "expired",
            LinkState::UsedUp => "used-up",
            LinkState::Revoked => "revoked",
        }
    }
}

impl SignupLink {
    pub fn state(&self, now: DateTime<Utc>) -> LinkState {
        if self.revoked_at.is_some() {
            LinkState::Revoked
        } else if self.expires_at <= now {
            LinkState::Expired
        } else if self.max_uses.is_some_and(|m| self.uses >= m) {
            LinkState::UsedUp
        } else {
            LinkState::Active
        }
    }
}

macro_rules! select_link {
    ($tail:literal) => {
        concat!(
            "SELECT l.link_id, l.partner_id, l.label, l.expires_at, l.max_uses, l.uses, l.revoked_at, ",
            "u.email AS created_by_email, l.created_at FROM signup_links l ",
            "LEFT JOIN users u ON u.user_id = l.created_by ",
            $tail
        )
    };
}

pub struct NewLink<'a> {
    pub partner_id: i64,
    pub label: &'a str,
    pub token_hash: &'a str,
    pub expires_at: DateTime<Utc>,
    pub max_uses: Option<i32>,
    pub created_by: Option<i64>,
}

pub async fn insert(c: &mut impl Conn, l: NewLink<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO signup_links (partner_id, label, token_hash, expires_at, max_uses, uses, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7) RETURNING link_id",
    )
    .bind(l.partner_id)
    .bind(l.label)
    .bind(l.token_hash)
    .bind(l.expires_at)
    .bind(l.max_uses)
    .bind(l.created_by)
    .bind(now)
    .fetch_one(c)
    .await)?)
}

pub async fn list(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<SignupLink>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, SignupLink>(select_link!("WHERE l.partner_id = $1 ORDER BY l.link_id DESC"))
        .bind(partner_id)
        .fetch_all(c)
        .await)?,
    )
}

pub async fn find(
    c: &mut impl Conn,
    partner_id: i64,
    link_id: i64,
) -> StoreResult<Option<SignupLink>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, SignupLink>(select_link!("WHERE l.partner_id = $1 AND l.link_id = $2"))
        .bind(partner_id)
        .bind(link_id)
        .fetch_optional(c)
        .await)?,
    )
}

/// The link of `partner_id` with this token, whatever its state.
pub async fn find_by_token(
    c: &mut impl Conn,
    partner_id: i64,
    token_hash: &str,
) -> StoreResult<Option<SignupLink>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, SignupLink>(select_link!("WHERE l.partner_id = $1 AND l.token_hash = $2"))
        .bind(partner_id)
        .bind(token_hash)
        .fetch_optional(c)
        .await)?,
    )
}

/// Claims one use of an active link in a single statement; `false` when the link is revoked,
/// expired or used up by the time we get there.
pub async fn claim_use(c: &mut impl Conn, link_id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE signup_links SET uses = uses + 1 WHERE link_id = $1 AND revoked_at IS NULL \
         AND expires_at > $2 AND (max_uses IS NULL OR uses < max_uses)",
    )
    .bind(link_id)
    .bind(now))?;
    Ok(n == 1)
}

pub async fn revoke(
    c: &mut impl Conn,
    partner_id: i64,
    link_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE signup_links SET revoked_at = $1 WHERE partner_id = $2 AND link_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(partner_id)
    .bind(link_id))?;
    Ok(n == 1)
}

/// Revokes every active link of a partner with this label (the demo replaces its own link).
pub async fn revoke_by_label(
    c: &mut impl Conn,
    partner_id: i64,
    label: &str,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    Ok(execute!(c, c => sqlx::query(
        "UPDATE signup_links SET revoked_at = $1 WHERE partner_id = $2 AND label = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(partner_id)
    .bind(label))?)
}
