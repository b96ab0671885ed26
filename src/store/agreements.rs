//! Agreements: what an accepted private offer starts for its customer (issue 14), the months it
//! covers and its terms. A bill reads those of its month; a replacement ends the one before it.

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::billing::month::Month;
use crate::domain::offers;
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgreementRow {
    pub agreement_id: i64,
    pub customer_id: i64,
    pub offer_id: i64,
    pub first_month: String,
    pub last_month: String,
    pub wholesale_bps: i64,
    pub markup_bps: i64,
}

impl AgreementRow {
    /// The months it covers; `None` for a row whose months do not read (none are written so).
    pub fn months(&self) -> Option<offers::Agreement> {
        Some(offers::Agreement {
            first: Month::parse(&self.first_month)?,
            last: Month::parse(&self.last_month)?,
        })
    }

    pub fn covers(&self, m: Month) -> bool {
        self.months().is_some_and(|a| a.covers(m))
    }
}

pub struct NewAgreement {
    pub partner_id: i64,
    pub customer_id: i64,
    pub offer_id: i64,
    pub months: offers::Agreement,
    pub wholesale_bps: i64,
    pub markup_bps: i64,
}

pub async fn insert(c: &mut impl Conn, a: &NewAgreement, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO agreements (partner_id, customer_id, offer_id, first_month, last_month, \
         wholesale_bps, markup_bps, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         RETURNING agreement_id",
    )
    .bind(a.partner_id)
    .bind(a.customer_id)
    .bind(a.offer_id)
    .bind(a.months.first.to_string())
    .bind(a.months.last.to_string())
    .bind(a.wholesale_bps)
    .bind(a.markup_bps)
    .bind(now)
    .fetch_one(c)
    .await)?)
}

/// Sets the last month of an agreement (a replacement ends it).
pub async fn set_last_month(c: &mut impl Conn, agreement_id: i64, last: Month) -> StoreResult<()> {
    execute!(c, c => sqlx::query("UPDATE agreements SET last_month = $1 WHERE agreement_id = $2")
        .bind(last.to_string())
        .bind(agreement_id))?;
    Ok(())
}

/// A partner's agreements, oldest first.
pub async fn of_partner(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<AgreementRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, AgreementRow>(
        "SELECT agreement_id, customer_id, offer_id, first_month, last_month, wholesale_bps, markup_bps \
         FROM agreements WHERE partner_id = $1 ORDER BY agreement_id",
    )
    .bind(partner_id)
    .fetch_all(c)
    .await)?)
}

/// A customer's agreements, oldest first.
pub async fn of_customer(c: &mut impl Conn, customer_id: i64) -> StoreResult<Vec<AgreementRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, AgreementRow>(
        "SELECT agreement_id, customer_id, offer_id, first_month, last_month, wholesale_bps, markup_bps \
         FROM agreements WHERE customer_id = $1 ORDER BY agreement_id",
    )
    .bind(customer_id)
    .fetch_all(c)
    .await)?)
}

/// The agreement an offer started, if it was accepted.
pub async fn of_offer(c: &mut impl Conn, offer_id: i64) -> StoreResult<Option<AgreementRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, AgreementRow>(
        "SELECT agreement_id, customer_id, offer_id, first_month, last_month, wholesale_bps, markup_bps \
         FROM agreements WHERE offer_id = $1",
    )
    .bind(offer_id)
    .fetch_optional(c)
    .await)?)
}

/// Active customers whose every agreement ended before `current`, with the month after their
/// last one: they are expired from then.
pub async fn ended(
    c: &mut impl Conn,
    partner_id: Option<i64>,
    current: Month,
) -> StoreResult<Vec<(i64, i64, String)>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, (i64, i64, String)>(
        "SELECT c.customer_id, c.partner_id, MAX(a.last_month) FROM customers c \
         JOIN agreements a ON a.customer_id = c.customer_id \
         WHERE c.state = 'active' AND ($1 IS NULL OR c.partner_id = $1) \
         GROUP BY c.customer_id, c.partner_id HAVING MAX(a.last_month) < $2 ORDER BY c.customer_id",
    )
    .bind(partner_id)
    .bind(current.to_string())
    .fetch_all(c)
    .await)?)
}
