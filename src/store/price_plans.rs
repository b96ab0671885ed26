//! An MSP's price plans and which of its customers have one of their own (issue 24). The plan
//! maths is `billing::plans`; this keeps the plans.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Conn, OnConflict, StoreError, StoreResult};
use crate::billing::plans::PlanTerms;
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PricePlan {
    pub plan_id: i64,
    pub partner_id: i64,
    pub name: String,
    pub markup_bps: i64,
    /// A JSON object of service name to basis points; read through [`PricePlan::terms`].
    pub service_markups: String,
    pub fee: i64,
    pub fee_label: String,
    pub is_default: bool,
    /// How many customers have this plan as their own.
    pub customers: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PricePlan {
    /// The per-service markups, by service.
    pub fn service_markups(&self) -> BTreeMap<String, i64> {
        serde_json::from_str(&self.service_markups).unwrap_or_default()
    }

    pub fn terms(&self) -> PlanTerms {
        PlanTerms {
            markup_bps: self.markup_bps,
            service_markups: self.service_markups(),
            fee: self.fee,
        }
    }
}

/// A plan's fields as written.
pub struct PlanFields<'a> {
    pub name: &'a str,
    pub markup_bps: i64,
    pub service_markups: &'a BTreeMap<String, i64>,
    pub fee: i64,
    pub fee_label: &'a str,
}

macro_rules! select_plan {
    ($tail:literal) => {
        concat!(
            "SELECT p.plan_id, p.partner_id, p.name, p.markup_bps, p.service_markups, p.fee, ",
            "p.fee_label, p.is_default, (SELECT CAST(COUNT(*) AS BIGINT) FROM customers c ",
            "WHERE c.price_plan_id = p.plan_id) AS customers, p.created_at, p.updated_at FROM price_plans p ",
            $tail
        )
    };
}

fn json(m: &BTreeMap<String, i64>) -> String {
    serde_json::to_string(m).unwrap_or_else(|_| "{}".into())
}

/// The partner's plans, the default first, then by name.
pub async fn list(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<PricePlan>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, PricePlan>(select_plan!("WHERE p.partner_id = $1 ORDER BY p.is_default DESC, p.name"))
        .bind(partner_id)
        .fetch_all(c)
        .await)?,
    )
}

pub async fn find(
    c: &mut impl Conn,
    partner_id: i64,
    plan_id: i64,
) -> StoreResult<Option<PricePlan>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, PricePlan>(select_plan!("WHERE p.partner_id = $1 AND p.plan_id = $2"))
        .bind(partner_id)
        .bind(plan_id)
        .fetch_optional(c)
        .await)?,
    )
}

/// Adds a plan; the partner's first is its default. A second plan of the same name is a
/// conflict on "name".
pub async fn insert(
    c: &mut impl Conn,
    partner_id: i64,
    f: &PlanFields<'_>,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let r = on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO price_plans (partner_id, name, markup_bps, service_markups, fee, fee_label, is_default, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, \
         NOT EXISTS (SELECT 1 FROM price_plans WHERE partner_id = $1), $7, $7) RETURNING plan_id",
    )
    .bind(partner_id)
    .bind(f.name)
    .bind(f.markup_bps)
    .bind(json(f.service_markups))
    .bind(f.fee)
    .bind(f.fee_label)
    .bind(now)
    .fetch_one(c)
    .await);
    r.on_unique("name")
}

/// Changes a plan's fields; `false` when the partner has no such plan.
pub async fn update(
    c: &mut impl Conn,
    partner_id: i64,
    plan_id: i64,
    f: &PlanFields<'_>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let r = on_conn!(c, c => sqlx::query(
        "UPDATE price_plans SET name = $1, markup_bps = $2, service_markups = $3, fee = $4, fee_label = $5, \
         updated_at = $6 WHERE partner_id = $7 AND plan_id = $8",
    )
    .bind(f.name)
    .bind(f.markup_bps)
    .bind(json(f.service_markups))
    .bind(f.fee)
    .bind(f.fee_label)
    .bind(now)
    .bind(partner_id)
    .bind(plan_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()));
    Ok(r.on_unique("name")? == 1)
}

/// A write that should have touched exactly one row of the partner's: else it has no such row.
fn one_row(n: u64) -> StoreResult<()> {
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Makes `plan_id` the partner's default (and no other).
pub async fn make_default(c: &mut impl Conn, partner_id: i64, plan_id: i64) -> StoreResult<()> {
    execute!(c, c => sqlx::query("UPDATE price_plans SET is_default = FALSE WHERE partner_id = $1 AND plan_id <> $2")
        .bind(partner_id)
        .bind(plan_id))?;
    let n = execute!(c, c => sqlx::query("UPDATE price_plans SET is_default = TRUE WHERE partner_id = $1 AND plan_id = $2")
        .bind(partner_id)
        .bind(plan_id))?;
    one_row(n)
}

/// Removes a plan; its customers go back to the partner's default.
pub async fn delete(c: &mut impl Conn, partner_id: i64, plan_id: i64) -> StoreResult<()> {
    execute!(c, c => sqlx::query("UPDATE customers SET price_plan_id = NULL WHERE partner_id = $1 AND price_plan_id = $2")
        .bind(partner_id)
        .bind(plan_id))?;
    let n = execute!(c, c => sqlx::query("DELETE FROM price_plans WHERE partner_id = $1 AND plan_id = $2")
        .bind(partner_id)
        .bind(plan_id))?;
    one_row(n)
}

/// Gives a customer of the partner a plan of its own, or (`None`) the default again.
pub async fn set_customer_plan(
    c: &mut impl Conn,
    partner_id: i64,
    customer_id: i64,
    plan_id: Option<i64>,
) -> StoreResult<()> {
    let n = execute!(c, c => sqlx::query("UPDATE customers SET price_plan_id = $1 WHERE partner_id = $2 AND customer_id = $3")
        .bind(plan_id)
        .bind(partner_id)
        .bind(customer_id))?;
    one_row(n)
}

/// The partner's customers that have a plan of their own: (customer id, plan id).
pub async fn customer_plans(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<(i64, i64)>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT customer_id, price_plan_id FROM customers WHERE partner_id = $1 AND price_plan_id IS NOT NULL",
    )
    .bind(partner_id)
    .fetch_all(c)
    .await)?)
}
