//! An MSP's invoices to its customers (issue 24): issued once, numbered without gaps per
//! partner and year, never changed afterwards but for being voided or sent. The maths is
//! `billing::invoice`; this keeps what was issued.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::{Conn, StoreResult};
use crate::execute;
use crate::on_conn;

/// An issued (or voided) invoice, issuer and customer as they were at issue.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invoice {
    pub invoice_id: i64,
    pub partner_id: i64,
    pub customer_id: i64,
    pub month: String,
    pub number: String,
    pub language: String,
    pub issued_at: DateTime<Utc>,
    pub due_date: NaiveDate,
    pub currency: String,
    pub subtotal: i64,
    pub tax_rate_bps: i64,
    pub tax: i64,
    pub total: i64,
    pub late_through: DateTime<Utc>,
    pub issuer_name: String,
    pub issuer_address: String,
    pub issuer_email: String,
    pub issuer_website: String,
    pub issuer_tax_id: String,
    pub issuer_logo_id: Option<i64>,
    pub footer: String,
    pub customer_name: String,
    pub customer_org_id: String,
    pub customer_email: String,
    pub state: String,
    pub void_reason: Option<String>,
    pub voided_at: Option<DateTime<Utc>>,
    pub replaces_id: Option<i64>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl Invoice {
    pub fn is_void(&self) -> bool {
        self.state == "void"
    }
}

/// An invoice to insert: every column but its id, state and what happens after issue.
pub struct NewInvoice<'a> {
    pub partner_id: i64,
    pub customer_id: i64,
    pub month: &'a str,
    pub number: &'a str,
    pub language: &'a str,
    pub issued_at: DateTime<Utc>,
    pub due_date: NaiveDate,
    pub subtotal: i64,
    pub tax_rate_bps: i64,
    pub tax: i64,
    pub total: i64,
    pub late_through: DateTime<Utc>,
    pub issuer_name: &'a str,
    pub issuer_address: &'a str,
    pub issuer_email: &'a str,
    pub issuer_website: &'a str,
    pub issuer_tax_id: &'a str,
    pub issuer_logo_id: Option<i64>,
    pub footer: &'a str,
    pub customer_name: &'a str,
    pub customer_org_id: &'a str,
    pub customer_email: &'a str,
    pub replaces_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LineRow {
    pub kind: String,
    pub label: String,
    pub month: String,
    pub usage: i64,
    pub amount: i64,
}

macro_rules! select_invoice {
    ($tail:literal) => {
        concat!(
            "SELECT invoice_id, partner_id, customer_id, month, number, language, issued_at, due_date, currency, ",
            "subtotal, tax_rate_bps, tax, total, late_through, issuer_name, issuer_address, issuer_email, ",
            "issuer_website, issuer_tax_id, issuer_logo_id, footer, customer_name, customer_org_id, ",
            "customer_email, state, void_reason, voided_at, replaces_id, sent_at FROM invoices ",
            $tail
        )
    };
}

/// Takes the partner's next number of `year`, in the caller's transaction: the counter's row
/// stays locked until it ends, so two issuers never take the same number and a rolled back
/// issue leaves no gap.
pub async fn next_seq(c: &mut impl Conn, partner_id: i64, year: i32) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO invoice_counters (partner_id, year, last_seq) VALUES ($1, $2, 1) \
         ON CONFLICT (partner_id, year) DO UPDATE SET last_seq = invoice_counters.last_seq + 1 \
         RETURNING last_seq",
    )
    .bind(partner_id)
    .bind(i64::from(year))
    .fetch_one(c)
    .await)?)
}

pub async fn insert(c: &mut impl Conn, i: &NewInvoice<'_>, lines: &[LineRow]) -> StoreResult<i64> {
    let id = on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO invoices (partner_id, customer_id, month, number, language, issued_at, due_date, \
         subtotal, tax_rate_bps, tax, total, late_through, issuer_name, issuer_address, issuer_email, \
         issuer_website, issuer_tax_id, issuer_logo_id, footer, customer_name, customer_org_id, \
         customer_email, replaces_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
         $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) RETURNING invoice_id",
    )
    .bind(i.partner_id)
    .bind(i.customer_id)
    .bind(i.month)
    .bind(i.number)
    .bind(i.language)
    .bind(i.issued_at)
    .bind(i.due_date)
    .bind(i.subtotal)
    .bind(i.tax_rate_bps)
    .bind(i.tax)
    .bind(i.total)
    .bind(i.late_through)
    .bind(i.issuer_name)
    .bind(i.issuer_address)
    .bind(i.issuer_email)
    .bind(i.issuer_website)
    .bind(i.issuer_tax_id)
    .bind(i.issuer_logo_id)
    .bind(i.footer)
    .bind(i.customer_name)
    .bind(i.customer_org_id)
    .bind(i.customer_email)
    .bind(i.replaces_id)
    .fetch_one(c)
    .await)?;
    // An invoice has a handful of lines: one statement for them all (a close issues
    // thousands of invoices).
    if !lines.is_empty() {
        on_conn!(c, c => {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO invoice_lines (invoice_id, position, kind, label, month, usage, amount) ",
            );
            qb.push_values(lines.iter().enumerate(), |mut b, (position, l)| {
                b.push_bind(id)
                    .push_bind(position as i64)
                    .push_bind(l.kind.as_str())
                    .push_bind(l.label.as_str())
                    .push_bind(l.month.as_str())
                    .push_bind(l.usage)
                    .push_bind(l.amount);
            });
            qb.build().execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(id)
}

/// The partner's invoices of `month` (every month when `None`), by number.
pub async fn list(
    c: &mut impl Conn,
    partner_id: i64,
    month: Option<&str>,
) -> StoreResult<Vec<Invoice>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Invoice>(select_invoice!(
        "WHERE partner_id = $1 AND ($2 IS NULL OR month = $2) ORDER BY number"
    ))
    .bind(partner_id)
    .bind(month)
    .fetch_all(c)
    .await)?,
    )
}

/// The months the partner has invoices of, newest first.
pub async fn months(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<String>> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, String>(
        "SELECT DISTINCT month FROM invoices WHERE partner_id = $1 ORDER BY month DESC",
    )
    .bind(partner_id)
    .fetch_all(c)
    .await)?)
}

pub async fn find_by_number(
    c: &mut impl Conn,
    partner_id: i64,
    number: &str,
) -> StoreResult<Option<Invoice>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Invoice>(select_invoice!(
        "WHERE partner_id = $1 AND number = $2"
    ))
    .bind(partner_id)
    .bind(number)
    .fetch_optional(c)
    .await)?,
    )
}

pub async fn find(c: &mut impl Conn, invoice_id: i64) -> StoreResult<Option<Invoice>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Invoice>(select_invoice!("WHERE invoice_id = $1"))
    .bind(invoice_id)
    .fetch_optional(c)
    .await)?,
    )
}

/// The invoice that replaced `invoice_id`, if one did.
pub async fn replacement(c: &mut impl Conn, invoice_id: i64) -> StoreResult<Option<Invoice>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Invoice>(select_invoice!("WHERE replaces_id = $1"))
    .bind(invoice_id)
    .fetch_optional(c)
    .await)?,
    )
}

pub async fn lines(c: &mut impl Conn, invoice_id: i64) -> StoreResult<Vec<LineRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, LineRow>(
        "SELECT kind, label, month, usage, amount FROM invoice_lines WHERE invoice_id = $1 ORDER BY position",
    )
    .bind(invoice_id)
    .fetch_all(c)
    .await)?)
}

/// Voids an issued invoice; `false` when it is not (any longer) issued.
pub async fn void(
    c: &mut impl Conn,
    invoice_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE invoices SET state = 'void', void_reason = $1, voided_at = $2 \
         WHERE invoice_id = $3 AND state = 'issued'",
    )
    .bind(reason)
    .bind(now)
    .bind(invoice_id))?;
    Ok(n == 1)
}

pub async fn mark_sent(c: &mut impl Conn, invoice_id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    execute!(c, c => sqlx::query("UPDATE invoices SET sent_at = $1 WHERE invoice_id = $2")
        .bind(now)
        .bind(invoice_id))?;
    Ok(())
}

/// Until when the customer's late usage is on its invoices: the latest `late_through` of them.
/// Each of the partner's customers with invoices, and the latest `late_through` of them: where
/// the late usage of its next invoice begins. One read for a close, which invoices every
/// customer (a read per customer scanned the invoices each time: no index has `customer_id`
/// first for all of them).
pub async fn late_through_by_customer(
    c: &mut impl Conn,
    partner_id: i64,
) -> StoreResult<HashMap<i64, DateTime<Utc>>> {
    let rows = on_conn!(c, c => sqlx::query_as::<_, (i64, DateTime<Utc>)>(
        "SELECT customer_id, MAX(late_through) FROM invoices WHERE partner_id = $1 \
         GROUP BY customer_id",
    )
    .bind(partner_id)
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().collect())
}

/// The latest `late_through` of the customer's invoices before `before`: where the late usage
/// of the invoice issued with `before` begins.
pub async fn late_through_before(
    c: &mut impl Conn,
    customer_id: i64,
    before: DateTime<Utc>,
) -> StoreResult<Option<DateTime<Utc>>> {
    Ok(
        on_conn!(c, c => sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
        "SELECT MAX(late_through) FROM invoices WHERE customer_id = $1 AND late_through < $2",
    )
    .bind(customer_id)
    .bind(before)
    .fetch_one(c)
    .await)?,
    )
}

/// A late usage record: its day, service, project, cluster and cost.
pub type LateRecord = (NaiveDate, String, String, String, i64);

/// The customer's late usage loaded after `after` (from the first when `None`) up to `until`.
pub async fn late_usage(
    c: &mut impl Conn,
    customer_id: i64,
    after: Option<DateTime<Utc>>,
    until: DateTime<Utc>,
) -> StoreResult<Vec<LateRecord>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, LateRecord>(
        "SELECT day, service, project, cluster, cost FROM usage_records WHERE late AND customer_id = $1 \
         AND ($2 IS NULL OR loaded_at > $2) AND loaded_at <= $3 ORDER BY day",
    )
    .bind(customer_id)
    .bind(after)
    .bind(until)
    .fetch_all(c)
    .await)?)
}

/// The late usage of all the partner's customers loaded up to `until`, with its customer and
/// when it was loaded, for a close to share out ([`late_usage`] for each customer).
pub async fn late_usage_of_partner(
    c: &mut impl Conn,
    partner_id: i64,
    until: DateTime<Utc>,
) -> StoreResult<Vec<(i64, DateTime<Utc>, LateRecord)>> {
    let rows = on_conn!(c, c => sqlx::query_as::<_, (i64, DateTime<Utc>, NaiveDate, String, String, String, i64)>(
        "SELECT r.customer_id, r.loaded_at, r.day, r.service, r.project, r.cluster, r.cost \
         FROM usage_records r JOIN customers cu ON cu.customer_id = r.customer_id \
         WHERE r.late AND cu.partner_id = $1 AND r.loaded_at <= $2 ORDER BY r.day",
    )
    .bind(partner_id)
    .bind(until)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(
            |(customer, loaded_at, day, service, project, cluster, cost)| {
                (customer, loaded_at, (day, service, project, cluster, cost))
            },
        )
        .collect())
}
