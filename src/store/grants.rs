//! Discounts and credits granted by operators to a partner or to one of its customers.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Conn, StoreResult};
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DiscountRow {
    pub discount_id: i64,
    pub partner_id: i64,
    pub customer_id: Option<i64>,
    pub customer_org_id: Option<String>,
    pub customer_name: Option<String>,
    pub service: Option<String>,
    pub rate_bps: Option<i64>,
    pub amount: Option<i64>,
    pub start_month: String,
    pub end_month: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CreditRow {
    pub credit_id: i64,
    pub partner_id: i64,
    pub customer_id: Option<i64>,
    pub customer_org_id: Option<String>,
    pub customer_name: Option<String>,
    pub amount: i64,
    pub effective_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub note: String,
}

pub struct NewDiscount<'a> {
    pub partner_id: i64,
    pub customer_id: Option<i64>,
    pub service: Option<&'a str>,
    pub rate_bps: Option<i64>,
    pub amount: Option<i64>,
    pub start_month: &'a str,
    pub end_month: Option<&'a str>,
    pub note: &'a str,
    pub created_by: Option<i64>,
}

pub async fn insert_discount(
    c: &mut impl Conn,
    d: NewDiscount<'_>,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO discounts (partner_id, customer_id, service, rate_bps, amount, start_month, end_month, note, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING discount_id",
    )
    .bind(d.partner_id)
    .bind(d.customer_id)
    .bind(d.service)
    .bind(d.rate_bps)
    .bind(d.amount)
    .bind(d.start_month)
    .bind(d.end_month)
    .bind(d.note)
    .bind(d.created_by)
    .bind(now)
    .fetch_one(c)
    .await)?)
}

pub struct NewCredit<'a> {
    pub partner_id: i64,
    pub customer_id: Option<i64>,
    pub amount: i64,
    pub effective_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub note: &'a str,
    pub created_by: Option<i64>,
}

pub async fn insert_credit(
    c: &mut impl Conn,
    n: NewCredit<'_>,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO credits (partner_id, customer_id, amount, effective_on, expires_on, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING credit_id",
    )
    .bind(n.partner_id)
    .bind(n.customer_id)
    .bind(n.amount)
    .bind(n.effective_on)
    .bind(n.expires_on)
    .bind(n.note)
    .bind(n.created_by)
    .bind(now)
    .fetch_one(c)
    .await)?)
}

pub async fn discounts(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<DiscountRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, DiscountRow>(
        "SELECT d.discount_id, d.partner_id, d.customer_id, cu.org_id AS customer_org_id, cu.org_name AS customer_name, \
         d.service, d.rate_bps, d.amount, d.start_month, d.end_month, d.note FROM discounts d \
         LEFT JOIN customers cu ON cu.customer_id = d.customer_id WHERE d.partner_id = $1 ORDER BY d.discount_id",
    )
    .bind(partner_id)
    .fetch_all(c)
    .await)?)
}

pub async fn credits(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<CreditRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, CreditRow>(
        "SELECT k.credit_id, k.partner_id, k.customer_id, cu.org_id AS customer_org_id, cu.org_name AS customer_name, \
         k.amount, k.effective_on, k.expires_on, k.note FROM credits k \
         LEFT JOIN customers cu ON cu.customer_id = k.customer_id WHERE k.partner_id = $1 ORDER BY k.expires_on, k.credit_id",
    )
    .bind(partner_id)
    .fetch_all(c)
    .await)?)
}

pub async fn find_discount(
    c: &mut impl Conn,
    partner_id: i64,
    discount_id: i64,
) -> StoreResult<Option<DiscountRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, DiscountRow>(
        "SELECT d.discount_id, d.partner_id, d.customer_id, cu.org_id AS customer_org_id, cu.org_name AS customer_name, \
         d.service, d.rate_bps, d.amount, d.start_month, d.end_month, d.note FROM discounts d \
         LEFT JOIN customers cu ON cu.customer_id = d.customer_id WHERE d.partner_id = $1 AND d.discount_id = $2",
    )
    .bind(partner_id)
    .bind(discount_id)
    .fetch_optional(c)
    .await)?)
}

pub async fn find_credit(
    c: &mut impl Conn,
    partner_id: i64,
    credit_id: i64,
) -> StoreResult<Option<CreditRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, CreditRow>(
        "SELECT k.credit_id, k.partner_id, k.customer_id, cu.org_id AS customer_org_id, cu.org_name AS customer_name, \
         k.amount, k.effective_on, k.expires_on, k.note FROM credits k \
         LEFT JOIN customers cu ON cu.customer_id = k.customer_id WHERE k.partner_id = $1 AND k.credit_id = $2",
    )
    .bind(partner_id)
    .bind(credit_id)
    .fetch_optional(c)
    .await)?)
}

pub async fn set_discount_end(
    c: &mut impl Conn,
    discount_id: i64,
    end_month: &str,
) -> StoreResult<()> {
    crate::execute!(c, c => sqlx::query("UPDATE discounts SET end_month = $1 WHERE discount_id = $2")
        .bind(end_month)
        .bind(discount_id))?;
    Ok(())
}

pub async fn set_credit_expiry(
    c: &mut impl Conn,
    credit_id: i64,
    expires_on: NaiveDate,
) -> StoreResult<()> {
    crate::execute!(c, c => sqlx::query("UPDATE credits SET expires_on = $1 WHERE credit_id = $2")
        .bind(expires_on)
        .bind(credit_id))?;
    Ok(())
}
