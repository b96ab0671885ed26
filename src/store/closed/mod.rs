//! Closed months: their bills and credit consumption, frozen at closing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{Conn, StoreError, StoreResult};
use crate::billing::bill::{BaseLine, BillLine, CreditUse, Names, Totals};
use crate::billing::plans::PlanTerms;
use crate::execute;
use crate::on_conn;

pub mod summaries;

/// Rows per multi-row INSERT: nine bound values each at most, well under both stores' limits.
const CHUNK: usize = 1000;

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

/// Stores the partner's bill lines of the month, a thousand per statement (a partner has a
/// line per customer, service, project and cluster: tens of thousands).
pub async fn insert_lines(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
    lines: &[BillLine],
) -> StoreResult<()> {
    for part in lines.chunks(CHUNK) {
        on_conn!(c, c => {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO closed_bill_lines (month, partner_id, customer_id, service, project, \
                 cluster, usage, discounts, credits) ",
            );
            qb.push_values(part, |mut b, l| {
                b.push_bind(month)
                    .push_bind(partner_id)
                    .push_bind(l.base.customer_id)
                    .push_bind(&*l.base.service)
                    .push_bind(&*l.base.project)
                    .push_bind(&*l.base.cluster)
                    .push_bind(l.base.usage)
                    .push_bind(l.discounts)
                    .push_bind(l.credits);
            });
            qb.build().execute(c).await.map(|r| r.rows_affected())
        })?;
    }
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
        .map(|(month, usage, discounts, credits)| (month, totals(usage, discounts, credits)))
        .collect())
}

pub async fn insert_use(c: &mut impl Conn, month: &str, u: &CreditUse) -> StoreResult<()> {
    execute!(c, c => sqlx::query("INSERT INTO closed_credit_uses (month, credit_id, used) VALUES ($1, $2, $3)")
        .bind(month)
        .bind(u.credit_id)
        .bind(u.used))?;
    Ok(())
}

/// The partner's lines of a closed month as one JSON array built by the database, as
/// `usage::month_lines` reads the running month's: sqlx hands SQLite's rows over one by one.
const LINES: super::json::JsonRows = super::json::json_rows!(
    array: "customer_id, service, project, cluster, usage, discounts, credits",
    order: "customer_id, service, project, cluster",
    from: "closed_bill_lines WHERE month = $1 AND partner_id = $2",
);

type LineTuple = (i64, String, String, String, i64, i64, i64);

fn line(
    names: &mut Names,
    (customer_id, service, project, cluster, usage, discounts, credits): LineTuple,
) -> BillLine {
    BillLine {
        base: BaseLine {
            customer_id,
            service: names.of(&service),
            project: names.of(&project),
            cluster: names.of(&cluster),
            usage,
        },
        discounts,
        credits,
    }
}

pub async fn lines(c: &mut impl Conn, month: &str, partner_id: i64) -> StoreResult<Vec<BillLine>> {
    let sql = LINES.on(c);
    let json: String = on_conn!(c, c => sqlx::query_scalar(sql)
        .bind(month)
        .bind(partner_id)
        .fetch_one(c)
        .await)?;
    let mut names = Names::default();
    let mut lines = Vec::new();
    crate::store::json::for_each::<LineTuple>(&json, |t| lines.push(line(&mut names, t)))
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
    Ok(lines)
}

/// The lines of some of the partner's customers in a closed month, in the order of [`lines`].
pub async fn lines_of(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
    customer_ids: &[i64],
) -> StoreResult<Vec<BillLine>> {
    if customer_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = on_conn!(c, c => {
        let mut qb = sqlx::QueryBuilder::new(
            "SELECT customer_id, service, project, cluster, usage, discounts, credits \
             FROM closed_bill_lines WHERE month = ",
        );
        qb.push_bind(month)
            .push(" AND partner_id = ")
            .push_bind(partner_id)
            .push(" AND customer_id IN (");
        let mut list = qb.separated(", ");
        for id in customer_ids {
            list.push_bind(*id);
        }
        qb.push(") ORDER BY customer_id, service, project, cluster");
        qb.build_query_as::<LineTuple>().fetch_all(c).await
    })?;
    let mut names = Names::default();
    Ok(rows.into_iter().map(|t| line(&mut names, t)).collect())
}

/// The partner's closed month summed by service, project and cluster, by the database (in no
/// particular order).
pub async fn line_sums(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
) -> StoreResult<Vec<(String, String, String, Totals)>> {
    let rows = on_conn!(c, c => sqlx::query_as::<_, (String, String, String, i64, i64, i64)>(
        "SELECT service, project, cluster, CAST(SUM(usage) AS BIGINT), \
         CAST(SUM(discounts) AS BIGINT), CAST(SUM(credits) AS BIGINT) FROM closed_bill_lines \
         WHERE month = $1 AND partner_id = $2 GROUP BY service, project, cluster",
    )
    .bind(month)
    .bind(partner_id)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(s, p, k, u, d, cr)| (s, p, k, totals(u, d, cr)))
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
    pub terms: PlanTerms,
    pub fee_label: &'a str,
}

/// Stores the plans of a closed month, a thousand customers per statement.
pub async fn insert_plans(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
    plans: &[ClosedPlan<'_>],
) -> StoreResult<()> {
    for part in plans.chunks(CHUNK) {
        on_conn!(c, c => {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO closed_customer_plans (month, partner_id, customer_id, plan_name, \
                 markup_bps, service_markups, fee, fee_label) ",
            );
            qb.push_values(part, |mut b, p| {
                b.push_bind(month)
                    .push_bind(partner_id)
                    .push_bind(p.customer_id)
                    .push_bind(p.plan_name)
                    .push_bind(p.terms.markup_bps)
                    .push_bind(markups_json(&p.terms))
                    .push_bind(p.terms.fee)
                    .push_bind(p.fee_label);
            });
            qb.build().execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

fn markups_json(t: &PlanTerms) -> String {
    serde_json::to_string(&t.service_markups).unwrap_or_else(|_| "{}".into())
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
    insert_plans(c, month, partner_id, std::slice::from_ref(p)).await
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

/// Whether the partner's closed month priced its customers with plans.
pub async fn has_plans(c: &mut impl Conn, month: &str, partner_id: i64) -> StoreResult<bool> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM closed_customer_plans WHERE month = $1 AND partner_id = $2)",
    )
    .bind(month)
    .bind(partner_id)
    .fetch_one(c)
    .await)?)
}

/// The four amounts from the three stored (what is owed is never stored apart).
fn totals(usage: i64, discounts: i64, credits: i64) -> Totals {
    Totals {
        usage,
        discounts,
        credits,
        owed: usage - discounts - credits,
    }
}
