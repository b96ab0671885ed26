//! Closed months: their bills and credit consumption, frozen at closing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::billing::bill::{BaseLine, BillLine, CreditUse, Totals};
use crate::billing::plans::PlanTerms;
use crate::execute;
use crate::on_conn;

/// Claims the month for closing, write-first: `false` if it was closed already (by another
/// instance, say), so a month is never closed twice.
pub async fn claim(c: &mut impl Conn, month: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query("INSERT INTO closed_months (month, closed_at) VALUES ($1, $2) ON CONFLICT (month) DO NOTHING")
        .bind(month)
        .bind(now))?;
    Ok(n == 1)
}

pub async fn closed_months(c: &mut impl Conn) -> StoreResult<Vec<String>> {
    Ok(
        on_conn!(c, c => sqlx::query_scalar::<_, String>("SELECT month FROM closed_months ORDER BY month DESC")
        .fetch_all(c)
        .await)?,
    )
}

pub async fn insert_line(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
    l: &BillLine,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "INSERT INTO closed_bill_lines (month, partner_id, customer_id, service, project, cluster, usage, \
         discounts, credits) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(month)
    .bind(partner_id)
    .bind(l.base.customer_id)
    .bind(&l.base.service)
    .bind(&l.base.project)
    .bind(&l.base.cluster)
    .bind(l.base.usage)
    .bind(l.discounts)
    .bind(l.credits))?;
    Ok(())
}

/// What the partner's closed month came to, stored beside its lines at closing.
pub async fn insert_totals(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
    t: &Totals,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "INSERT INTO closed_partner_totals (month, partner_id, usage, discounts, credits) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(month)
    .bind(partner_id)
    .bind(t.usage)
    .bind(t.discounts)
    .bind(t.credits))?;
    Ok(())
}

/// The partner's stored totals of its closed months from `from` on, by month; a closed month
/// without a row billed the partner nothing.
pub async fn totals_since(
    c: &mut impl Conn,
    partner_id: i64,
    from: &str,
) -> StoreResult<HashMap<String, Totals>> {
    let rows = on_conn!(c, c => sqlx::query_as::<_, (String, i64, i64, i64)>(
        "SELECT month, usage, discounts, credits FROM closed_partner_totals \
         WHERE partner_id = $1 AND month >= $2",
    )
    .bind(partner_id)
    .bind(from)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(month, usage, discounts, credits)| {
            let owed = usage - discounts - credits;
            (
                month,
                Totals {
                    usage,
                    discounts,
                    credits,
                    owed,
                },
            )
        })
        .collect())
}

pub async fn insert_use(c: &mut impl Conn, month: &str, u: &CreditUse) -> StoreResult<()> {
    execute!(c, c => sqlx::query("INSERT INTO closed_credit_uses (month, credit_id, used) VALUES ($1, $2, $3)")
        .bind(month)
        .bind(u.credit_id)
        .bind(u.used))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct LineRow {
    customer_id: i64,
    service: String,
    project: String,
    cluster: String,
    usage: i64,
    discounts: i64,
    credits: i64,
}

pub async fn lines(c: &mut impl Conn, month: &str, partner_id: i64) -> StoreResult<Vec<BillLine>> {
    let rows = on_conn!(c, c => sqlx::query_as::<_, LineRow>(
        "SELECT customer_id, service, project, cluster, usage, discounts, credits FROM closed_bill_lines \
         WHERE month = $1 AND partner_id = $2 ORDER BY customer_id, service, project, cluster",
    )
    .bind(month)
    .bind(partner_id)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| BillLine {
            base: BaseLine {
                customer_id: r.customer_id,
                service: r.service,
                project: r.project,
                cluster: r.cluster,
                usage: r.usage,
            },
            discounts: r.discounts,
            credits: r.credits,
        })
        .collect())
}

/// What a closed month used of the given partner's credits.
pub async fn uses(c: &mut impl Conn, month: &str, partner_id: i64) -> StoreResult<Vec<CreditUse>> {
    let rows = on_conn!(c, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT u.credit_id, u.used FROM closed_credit_uses u JOIN credits k ON k.credit_id = u.credit_id \
         WHERE u.month = $1 AND k.partner_id = $2 ORDER BY u.credit_id",
    )
    .bind(month)
    .bind(partner_id)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(credit_id, used)| CreditUse { credit_id, used })
        .collect())
}

pub async fn partner_ids(c: &mut impl Conn) -> StoreResult<Vec<i64>> {
    Ok(
        on_conn!(c, c => sqlx::query_scalar::<_, i64>("SELECT partner_id FROM partners ORDER BY partner_id")
        .fetch_all(c)
        .await)?,
    )
}

/// What the closed bills of a month came to across every partner: (month, usage, discounts,
/// credits), each in cents.
pub async fn month_totals(c: &mut impl Conn) -> StoreResult<Vec<(String, i64, i64, i64)>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, (String, i64, i64, i64)>(
        "SELECT month, CAST(SUM(usage) AS BIGINT), CAST(SUM(discounts) AS BIGINT), \
         CAST(SUM(credits) AS BIGINT) FROM closed_partner_totals GROUP BY month",
    )
    .fetch_all(c)
    .await)?,
    )
}

/// A customer's plan as its closed month priced it.
pub struct ClosedPlan<'a> {
    pub customer_id: i64,
    pub plan_name: &'a str,
    pub terms: &'a PlanTerms,
    pub fee_label: &'a str,
}

pub async fn insert_plan(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
    p: &ClosedPlan<'_>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "INSERT INTO closed_customer_plans (month, partner_id, customer_id, plan_name, markup_bps, \
         service_markups, fee, fee_label) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(month)
    .bind(partner_id)
    .bind(p.customer_id)
    .bind(p.plan_name)
    .bind(p.terms.markup_bps)
    .bind(serde_json::to_string(&p.terms.service_markups).unwrap_or_else(|_| "{}".into()))
    .bind(p.terms.fee)
    .bind(p.fee_label))?;
    Ok(())
}

/// Replaces the customer's plan of a closed month (a corrected invoice priced it anew).
pub async fn replace_plan(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
    p: &ClosedPlan<'_>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "DELETE FROM closed_customer_plans WHERE month = $1 AND partner_id = $2 AND customer_id = $3",
    )
    .bind(month)
    .bind(partner_id)
    .bind(p.customer_id))?;
    insert_plan(c, month, partner_id, p).await
}

/// The plans the partner's customers were priced with in a closed month, by customer id; empty
/// for a reseller, an MSP without plans then, or a month closed before plans were kept.
pub async fn plans(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
) -> StoreResult<HashMap<i64, PlanTerms>> {
    let rows = on_conn!(c, c => sqlx::query_as::<_, (i64, i64, String, i64)>(
        "SELECT customer_id, markup_bps, service_markups, fee FROM closed_customer_plans \
         WHERE month = $1 AND partner_id = $2",
    )
    .bind(month)
    .bind(partner_id)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(customer_id, markup_bps, markups, fee)| {
            let terms = PlanTerms {
                markup_bps,
                service_markups: serde_json::from_str(&markups).unwrap_or_default(),
                fee,
            };
            (customer_id, terms)
        })
        .collect())
}
