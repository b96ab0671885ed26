//! Private offers a reseller records from its resale authorizations, and the history of each
//! offer's state (issue 14). Every read takes the partner where a partner asks: another
//! reseller's offer is simply not found. State changes are claimed write-first (`WHERE state =
//! from`), so two requests at once change an offer once.

use chrono::{DateTime, NaiveDate, Utc};

use super::customers::escape_like;
use super::{Conn, StoreResult};
use crate::domain::OfferState;
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Offer {
    pub offer_id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub authorization_id: i64,
    pub product: String,
    pub wholesale_bps: i64,
    pub eula: String,
    pub eula_url: String,
    pub buyer_account: String,
    pub buyer_company: String,
    pub buyer_email: String,
    pub markup_bps: i64,
    pub duration_months: i64,
    pub expires_on: NaiveDate,
    pub state: OfferState,
    pub replaces_offer_id: Option<i64>,
    pub released_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub customer_id: Option<i64>,
    pub customer_org_id: Option<String>,
    pub customer_name: Option<String>,
    /// The agreement's months (`YYYY-MM`) once accepted.
    pub agreement_first: Option<String>,
    pub agreement_last: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_offer {
    ($tail:literal) => {
        concat!(
            "SELECT o.offer_id, o.partner_id, p.name AS partner_name, o.authorization_id, a.product, ",
            "a.wholesale_bps, a.eula, a.eula_url, o.buyer_account, o.buyer_company, o.buyer_email, ",
            "o.markup_bps, o.duration_months, o.expires_on, o.state, o.replaces_offer_id, o.released_on, ",
            "o.accepted_on, o.customer_id, c.org_id AS customer_org_id, c.org_name AS customer_name, ",
            "g.first_month AS agreement_first, ",
            "g.last_month AS agreement_last, o.created_at, o.updated_at ",
            "FROM private_offers o JOIN partners p ON p.partner_id = o.partner_id ",
            "JOIN resale_authorizations a ON a.authorization_id = o.authorization_id ",
            "LEFT JOIN customers c ON c.customer_id = o.customer_id ",
            "LEFT JOIN agreements g ON g.offer_id = o.offer_id ",
            $tail
        )
    };
}

/// What the reseller writes of an offer; the rest follows from its authorization.
pub struct Terms<'a> {
    pub buyer_account: &'a str,
    pub buyer_company: &'a str,
    pub buyer_email: &'a str,
    pub markup_bps: i64,
    pub duration_months: i64,
    pub expires_on: NaiveDate,
}

/// Binds an offer's terms to a statement, in the order the statements below name them.
macro_rules! bind_terms {
    ($q:expr, $t:expr) => {
        $q.bind($t.buyer_account)
            .bind($t.buyer_company)
            .bind($t.buyer_email)
            .bind($t.markup_bps)
            .bind($t.duration_months)
            .bind($t.expires_on)
    };
}

pub async fn insert(
    c: &mut impl Conn,
    partner_id: i64,
    authorization_id: i64,
    t: &Terms<'_>,
    replaces: Option<i64>,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    Ok(on_conn!(c, c => bind_terms!(sqlx::query_scalar::<_, i64>(
        "INSERT INTO private_offers (partner_id, authorization_id, buyer_account, buyer_company, \
         buyer_email, markup_bps, duration_months, expires_on, state, replaces_offer_id, created_by, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $10, $11, $11) \
         RETURNING offer_id",
    )
    .bind(partner_id)
    .bind(authorization_id), t)
    .bind(replaces)
    .bind(created_by)
    .bind(now)
    .fetch_one(c)
    .await)?)
}

/// Rewrites a draft's terms; `false` when it is no longer a draft.
pub async fn update_draft(
    c: &mut impl Conn,
    offer_id: i64,
    t: &Terms<'_>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = execute!(c, c => bind_terms!(sqlx::query(
        "UPDATE private_offers SET buyer_account = $1, buyer_company = $2, buyer_email = $3, \
         markup_bps = $4, duration_months = $5, expires_on = $6, updated_at = $7 \
         WHERE offer_id = $8 AND state = 'draft'",
    ), t)
    .bind(now)
    .bind(offer_id))?;
    Ok(n == 1)
}

/// Moves an offer from `from` to `to` on `day` (the release's or the acceptance's date, kept
/// with those two); `false` when it was not in `from` any more.
pub async fn change_state(
    c: &mut impl Conn,
    offer_id: i64,
    from: OfferState,
    to: OfferState,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE private_offers SET state = $1, updated_at = $2, \
         released_on = CASE WHEN $1 = 'released' THEN $3 ELSE released_on END, \
         accepted_on = CASE WHEN $1 = 'accepted' THEN $3 ELSE accepted_on END \
         WHERE offer_id = $4 AND state = $5",
    )
    .bind(to)
    .bind(now)
    .bind(day)
    .bind(offer_id)
    .bind(from))?;
    Ok(n == 1)
}

pub async fn set_customer(c: &mut impl Conn, offer_id: i64, customer_id: i64) -> StoreResult<()> {
    execute!(c, c => sqlx::query("UPDATE private_offers SET customer_id = $1 WHERE offer_id = $2")
        .bind(customer_id)
        .bind(offer_id))?;
    Ok(())
}

/// One offer; of `partner_id` only, when given.
pub async fn find(
    c: &mut impl Conn,
    partner_id: Option<i64>,
    offer_id: i64,
) -> StoreResult<Option<Offer>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, Offer>(select_offer!(
        "WHERE o.offer_id = $1 AND ($2 IS NULL OR o.partner_id = $2)"
    ))
    .bind(offer_id)
    .bind(partner_id)
    .fetch_optional(c)
    .await)?)
}

/// What a list of offers is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub partner_id: Option<i64>,
    pub authorization_id: Option<i64>,
    pub state: Option<OfferState>,
    /// Part of the buyer's company or AWS account, or the offer's id.
    pub query: &'a str,
}

/// A page of offers newest first, after the keyset `before` (an offer id); `limit` rows.
pub async fn page(
    c: &mut impl Conn,
    f: &Filter<'_>,
    before: Option<i64>,
    limit: i64,
    today: NaiveDate,
) -> StoreResult<Vec<Offer>> {
    let q = f.query.trim();
    let pattern = (!q.is_empty()).then(|| format!("%{}%", escape_like(q)));
    // "#12", "offer 12" and "12" all find offer 12.
    let id: Option<i64> = q
        .trim_start_matches(|ch: char| !ch.is_ascii_digit())
        .parse()
        .ok();
    Ok(on_conn!(c, c => sqlx::query_as::<_, Offer>(select_offer!(
        "WHERE ($1 IS NULL OR o.partner_id = $1) AND ($2 IS NULL OR o.authorization_id = $2) \
         AND ($3 IS NULL OR (CASE WHEN o.state IN ('draft', 'released') AND o.expires_on < $8 \
              THEN 'expired' ELSE o.state END) = $3) \
         AND ($4 IS NULL OR lower(o.buyer_company) LIKE lower($4) ESCAPE '\\' \
              OR o.buyer_account LIKE $4 ESCAPE '\\' OR o.offer_id = $5) \
         AND ($6 IS NULL OR o.offer_id < $6) ORDER BY o.offer_id DESC LIMIT CAST($7 AS BIGINT)"
    ))
    .bind(f.partner_id)
    .bind(f.authorization_id)
    .bind(f.state)
    .bind(pattern.clone())
    .bind(id)
    .bind(before)
    .bind(limit)
    .bind(today)
    .fetch_all(c)
    .await)?
    .into_iter()
    .map(|o| o.settled(today))
    .collect())
}

/// Offers still open (draft or released) past their expiry on `today`; of `partner_id` only,
/// when given.
pub async fn lapsed(
    c: &mut impl Conn,
    partner_id: Option<i64>,
    today: NaiveDate,
) -> StoreResult<Vec<(i64, i64, OfferState)>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, (i64, i64, OfferState)>(
        "SELECT offer_id, partner_id, state FROM private_offers \
         WHERE state IN ('draft', 'released') AND expires_on < $1 AND ($2 IS NULL OR partner_id = $2) \
         ORDER BY offer_id",
    )
    .bind(today)
    .bind(partner_id)
    .fetch_all(c)
    .await)?,
    )
}

/// The replacement of `offer_id` still open or accepted, if there is one.
pub async fn live_replacement(c: &mut impl Conn, offer_id: i64) -> StoreResult<Option<i64>> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT offer_id FROM private_offers WHERE replaces_offer_id = $1 \
         AND state IN ('draft', 'released', 'accepted') ORDER BY offer_id LIMIT 1",
    )
    .bind(offer_id)
    .fetch_optional(c)
    .await)?)
}

impl Offer {
    /// Whether the offer is still open (a draft or released) past its expiry on `today`: it is
    /// expired, whether or not the sweep has written so yet.
    pub fn lapsed(&self, today: NaiveDate) -> bool {
        matches!(self.state, OfferState::Draft | OfferState::Released) && self.expires_on < today
    }

    /// The offer as it stands on `today`: a lapsed one is expired. Reads and commands see this;
    /// the sweep writes it down, with its history row and audit event, on its timer.
    pub fn settled(mut self, today: NaiveDate) -> Offer {
        if self.lapsed(today) {
            self.state = OfferState::Expired;
        }
        self
    }
}

/// One change of an offer's state, as its history shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfferEvent {
    pub from_state: Option<OfferState>,
    pub to_state: OfferState,
    /// The person's e-mail, or what acted ("API key 7", "system").
    pub actor: String,
    pub address: String,
    pub at: DateTime<Utc>,
}

/// Who changed an offer, as its history keeps it.
pub struct EventActor<'a> {
    pub user_id: Option<i64>,
    /// What acted when it was not a person.
    pub label: &'a str,
    pub address: &'a str,
}

pub async fn record_event(
    c: &mut impl Conn,
    offer_id: i64,
    from: Option<OfferState>,
    to: OfferState,
    by: &EventActor<'_>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "INSERT INTO offer_events (offer_id, from_state, to_state, actor_user_id, actor, address, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(offer_id)
    .bind(from)
    .bind(to)
    .bind(by.user_id)
    .bind(by.label)
    .bind(by.address)
    .bind(now))?;
    Ok(())
}

/// An offer's history, oldest first.
pub async fn events(c: &mut impl Conn, offer_id: i64) -> StoreResult<Vec<OfferEvent>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, OfferEvent>(
        "SELECT e.from_state, e.to_state, COALESCE(u.email, e.actor) AS actor, e.address, e.at \
         FROM offer_events e LEFT JOIN users u ON u.user_id = e.actor_user_id \
         WHERE e.offer_id = $1 ORDER BY e.event_id",
    )
    .bind(offer_id)
    .fetch_all(c)
    .await)?)
}
