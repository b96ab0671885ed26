//! Budgets, the alerts each fired, and the members who receive them (issue 27).

use chrono::{DateTime, Utc};

use super::{Conn, OnConflict, StoreResult};
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Budget {
    pub budget_id: i64,
    pub partner_id: i64,
    /// `None`: the partner as a whole.
    pub customer_id: Option<i64>,
    /// The customer's organization id and name, joined in.
    pub org_id: Option<String>,
    pub customer_name: Option<String>,
    /// Cents a month.
    pub amount: i64,
    /// "50,80,100".
    pub thresholds: String,
    pub on_forecast: bool,
    pub created_at: DateTime<Utc>,
}

macro_rules! select_budget {
    ($where:literal) => {
        concat!(
            "SELECT b.budget_id, b.partner_id, b.customer_id, c.org_id, c.org_name AS customer_name, \
             b.amount, b.thresholds, b.on_forecast, b.created_at FROM budgets b \
             LEFT JOIN customers c ON c.customer_id = b.customer_id ",
            $where
        )
    };
}

pub struct NewBudget<'a> {
    pub partner_id: i64,
    pub customer_id: Option<i64>,
    pub amount: i64,
    pub thresholds: &'a str,
    pub on_forecast: bool,
}

/// A new budget; `Conflict("budget")` when its partner or customer has one already.
pub async fn insert(c: &mut impl Conn, b: &NewBudget<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO budgets (partner_id, customer_id, amount, thresholds, on_forecast, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING budget_id",
    )
    .bind(b.partner_id)
    .bind(b.customer_id)
    .bind(b.amount)
    .bind(b.thresholds)
    .bind(b.on_forecast)
    .bind(now)
    .fetch_one(c)
    .await)
    .on_unique("budget")
}

/// A partner's budgets: its own first, then its customers' by organization id.
pub async fn of_partner(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<Budget>> {
    const SQL: &str = select_budget!(
        "WHERE b.partner_id = $1 ORDER BY b.customer_id IS NOT NULL, c.org_id, b.budget_id"
    );
    Ok(on_conn!(c, c => sqlx::query_as::<_, Budget>(SQL)
        .bind(partner_id)
        .fetch_all(c)
        .await)?)
}

/// One of a partner's budgets; `None` for another partner's.
pub async fn find(
    c: &mut impl Conn,
    partner_id: i64,
    budget_id: i64,
) -> StoreResult<Option<Budget>> {
    const SQL: &str = select_budget!("WHERE b.partner_id = $1 AND b.budget_id = $2");
    Ok(on_conn!(c, c => sqlx::query_as::<_, Budget>(SQL)
        .bind(partner_id)
        .bind(budget_id)
        .fetch_optional(c)
        .await)?)
}

/// Removes a budget; the alerts it fired go with it (`ON DELETE CASCADE`, which the SQLite
/// connections enforce: `foreign_keys(true)`).
pub async fn delete(c: &mut impl Conn, budget_id: i64) -> StoreResult<()> {
    execute!(c, c => sqlx::query("DELETE FROM budgets WHERE budget_id = $1").bind(budget_id))?;
    Ok(())
}

/// The partners that have any budget.
pub async fn partners_with_budgets(c: &mut impl Conn) -> StoreResult<Vec<i64>> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT DISTINCT partner_id FROM budgets ORDER BY partner_id",
    )
    .fetch_all(c)
    .await)?)
}

/// Writes that `budget_id` reached `threshold` in `month`; `false` when it had already (each
/// fires once, whichever instance or load gets there first).
pub async fn record_alert(
    c: &mut impl Conn,
    (budget_id, month, threshold): (i64, &str, u32),
    figure: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "INSERT INTO budget_alerts (budget_id, month, threshold, figure, fired_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (budget_id, month, threshold) DO NOTHING",
    )
    .bind(budget_id)
    .bind(month)
    .bind(i64::from(threshold))
    .bind(figure)
    .bind(now))?;
    Ok(n == 1)
}

/// The thresholds each of a partner's budgets has reached in `month`, as (budget, threshold).
pub async fn alerts_of_month(
    c: &mut impl Conn,
    partner_id: i64,
    month: &str,
) -> StoreResult<Vec<(i64, i64)>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT a.budget_id, CAST(a.threshold AS BIGINT) FROM budget_alerts a \
         JOIN budgets b ON b.budget_id = a.budget_id \
         WHERE b.partner_id = $1 AND a.month = $2 ORDER BY a.budget_id, a.threshold",
    )
    .bind(partner_id)
    .bind(month)
    .fetch_all(c)
    .await)?)
}

/// Whether the member receives budget alerts by e-mail.
pub async fn is_recipient(c: &mut impl Conn, user_id: i64) -> StoreResult<bool> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT user_id FROM budget_recipients WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(c)
    .await)?
    .is_some())
}

pub async fn set_recipient(c: &mut impl Conn, user_id: i64, receives: bool) -> StoreResult<()> {
    if receives {
        execute!(c, c => sqlx::query(
            "INSERT INTO budget_recipients (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user_id))?;
    } else {
        execute!(c, c => sqlx::query("DELETE FROM budget_recipients WHERE user_id = $1").bind(user_id))?;
    }
    Ok(())
}

/// The ids of a partner's members who receive budget alerts.
pub async fn recipients(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<i64>> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT r.user_id FROM budget_recipients r JOIN users u ON u.user_id = r.user_id \
         WHERE u.partner_id = $1 ORDER BY r.user_id",
    )
    .bind(partner_id)
    .fetch_all(c)
    .await)?)
}
