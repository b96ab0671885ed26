//! Resale authorizations: what an operator lets one reseller offer (issue 14). Every read takes
//! the partner where a partner asks: another reseller's authorization is simply not found. The
//! offers an authorization has backed are counted write-first, so a one-time authorization backs
//! one offer under any concurrency.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Conn, StoreResult};
use crate::domain::AuthorizationState;
use crate::domain::offers;
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Authorization {
    pub authorization_id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub product: String,
    pub wholesale_bps: i64,
    pub available_until: NaiveDate,
    /// Comma-separated accounts; see [`Authorization::buyer_list`].
    pub buyers: String,
    pub max_offers: i64,
    pub offers_made: i64,
    /// Comma-separated months; see [`Authorization::duration_list`].
    pub durations: String,
    pub eula: String,
    pub eula_url: String,
    pub state: AuthorizationState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Authorization {
    pub fn buyer_list(&self) -> Vec<String> {
        offers::parse_buyers(&self.buyers).unwrap_or_default()
    }

    pub fn duration_list(&self) -> Vec<i64> {
        offers::parse_durations(&self.durations).unwrap_or_default()
    }

    /// Offers it may still back.
    pub fn offers_left(&self) -> i64 {
        (self.max_offers - self.offers_made).max(0)
    }

    /// The rules of the domain, as they read this record.
    pub fn rules(&self) -> offers::Authorization {
        offers::Authorization {
            state: self.state,
            available_until: self.available_until,
            buyers: self.buyer_list(),
            max_offers: self.max_offers,
            durations: self.duration_list(),
            offers_made: self.offers_made,
        }
    }
}

macro_rules! select_authorization {
    ($tail:literal) => {
        concat!(
            "SELECT a.authorization_id, a.partner_id, p.name AS partner_name, a.product, a.wholesale_bps, ",
            "a.available_until, a.buyers, a.max_offers, a.offers_made, a.durations, a.eula, a.eula_url, ",
            "a.state, a.created_at, a.updated_at FROM resale_authorizations a ",
            "JOIN partners p ON p.partner_id = a.partner_id ",
            $tail
        )
    };
}

/// An authorization's terms, as created or edited while a draft.
pub struct Terms<'a> {
    pub product: &'a str,
    pub wholesale_bps: i64,
    pub available_until: NaiveDate,
    pub buyers: &'a str,
    pub max_offers: i64,
    pub durations: &'a str,
    pub eula: &'a str,
    pub eula_url: &'a str,
}

/// Binds an authorization's terms to a statement, in the order the statements below name them.
macro_rules! bind_terms {
    ($q:expr, $t:expr) => {
        $q.bind($t.product)
            .bind($t.wholesale_bps)
            .bind($t.available_until)
            .bind($t.buyers)
            .bind($t.max_offers)
            .bind($t.durations)
            .bind($t.eula)
            .bind($t.eula_url)
    };
}

pub async fn insert(
    c: &mut impl Conn,
    partner_id: i64,
    t: &Terms<'_>,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    Ok(on_conn!(c, c => bind_terms!(sqlx::query_scalar::<_, i64>(
        "INSERT INTO resale_authorizations (partner_id, product, wholesale_bps, available_until, buyers, \
         max_offers, durations, eula, eula_url, state, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11, $11) RETURNING authorization_id",
    )
    .bind(partner_id), t)
    .bind(created_by)
    .bind(now)
    .fetch_one(c)
    .await)?)
}

/// Rewrites a draft's terms; `false` when it is no longer a draft.
pub async fn update_draft(
    c: &mut impl Conn,
    id: i64,
    t: &Terms<'_>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = execute!(c, c => bind_terms!(sqlx::query(
        "UPDATE resale_authorizations SET product = $1, wholesale_bps = $2, available_until = $3, \
         buyers = $4, max_offers = $5, durations = $6, eula = $7, eula_url = $8, updated_at = $9 \
         WHERE authorization_id = $10 AND state = 'draft'",
    ), t)
    .bind(now)
    .bind(id))?;
    Ok(n == 1)
}

/// Moves an authorization from `from` to `to`; `false` when it was not in `from`.
pub async fn set_state(
    c: &mut impl Conn,
    id: i64,
    from: AuthorizationState,
    to: AuthorizationState,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE resale_authorizations SET state = $1, updated_at = $2 WHERE authorization_id = $3 AND state = $4",
    )
    .bind(to)
    .bind(now)
    .bind(id)
    .bind(from))?;
    Ok(n == 1)
}

/// One authorization; of `partner_id` only, when given.
pub async fn find(
    c: &mut impl Conn,
    partner_id: Option<i64>,
    id: i64,
) -> StoreResult<Option<Authorization>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Authorization>(select_authorization!(
        "WHERE a.authorization_id = $1 AND ($2 IS NULL OR a.partner_id = $2)"
    ))
    .bind(id)
    .bind(partner_id)
    .fetch_optional(c)
    .await)?,
    )
}

/// Authorizations newest first; of `partner_id` and in `state` when given.
pub async fn list(
    c: &mut impl Conn,
    partner_id: Option<i64>,
    state: Option<AuthorizationState>,
) -> StoreResult<Vec<Authorization>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Authorization>(select_authorization!(
        "WHERE ($1 IS NULL OR a.partner_id = $1) AND ($2 IS NULL OR a.state = $2) \
         ORDER BY a.authorization_id DESC"
    ))
    .bind(partner_id)
    .bind(state)
    .fetch_all(c)
    .await)?,
    )
}

/// Takes one of the offers an active authorization may back, in one statement; `false` when it
/// is not active or every offer is made.
pub async fn claim_offer(c: &mut impl Conn, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE resale_authorizations SET offers_made = offers_made + 1, updated_at = $1 \
         WHERE authorization_id = $2 AND state = 'active' AND offers_made < max_offers",
    )
    .bind(now)
    .bind(id))?;
    Ok(n == 1)
}

/// Gives back the offer of one cancelled while still a draft.
pub async fn give_back_offer(c: &mut impl Conn, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "UPDATE resale_authorizations SET offers_made = offers_made - 1, updated_at = $1 \
         WHERE authorization_id = $2 AND offers_made > 0",
    )
    .bind(now)
    .bind(id))?;
    Ok(())
}
