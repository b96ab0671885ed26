//! Customer organizations of partners. Every query takes the partner: a customer of another
//! partner is simply not found.

use chrono::{DateTime, Utc};

use super::{Conn, OnConflict, StoreError, StoreResult};
use crate::domain::CustomerState;
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Customer {
    pub customer_id: i64,
    pub partner_id: i64,
    pub org_id: String,
    pub org_name: String,
    pub email: String,
    pub state: CustomerState,
    pub signup_link_id: Option<i64>,
    pub signup_link_label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub effected_at: Option<DateTime<Utc>>,
    pub expired_at: Option<DateTime<Utc>>,
    /// The buyer's AWS account, for a reseller's customer from a private offer.
    pub aws_account: Option<String>,
    /// An MSP's customer's own price plan; `None`: the partner's default.
    pub price_plan_id: Option<i64>,
    /// The language of an MSP's invoices to the customer; `None`: the partner's.
    pub invoice_language: Option<String>,
}

/// A [`Customer`]'s columns, from `customers c` joined to `signup_links l`.
macro_rules! customer_columns {
    () => {
        concat!(
            "c.customer_id, c.partner_id, c.org_id, c.org_name, c.email, c.state, c.signup_link_id, ",
            "l.label AS signup_link_label, c.created_at, c.effected_at, c.expired_at, c.aws_account, ",
            "c.price_plan_id, c.invoice_language"
        )
    };
}

macro_rules! select_customer {
    ($tail:expr) => {
        concat!(
            "SELECT ",
            customer_columns!(),
            " FROM customers c LEFT JOIN signup_links l ON l.link_id = c.signup_link_id ",
            $tail
        )
    };
}

mod list;
pub use list::*;

pub struct NewCustomer<'a> {
    pub partner_id: i64,
    pub org_id: &'a str,
    pub org_name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub state: CustomerState,
    pub signup_link_id: Option<i64>,
    pub effected_at: Option<DateTime<Utc>>,
    pub aws_account: Option<&'a str>,
}

/// Inserts a customer; a second organization for the same e-mail with one partner is a conflict
/// on "e-mail address" (an orgId collision, practically impossible, on "organization id").
pub async fn insert(c: &mut impl Conn, n: NewCustomer<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    let r = on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO customers (partner_id, org_id, org_name, email, password_hash, state, signup_link_id, \
         created_at, effected_at, aws_account) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING customer_id",
    )
    .bind(n.partner_id)
    .bind(n.org_id)
    .bind(n.org_name)
    .bind(n.email)
    .bind(n.password_hash)
    .bind(n.state)
    .bind(n.signup_link_id)
    .bind(now)
    .bind(n.effected_at)
    .bind(n.aws_account)
    .fetch_one(c)
    .await);
    r.on_unique("e-mail address")
}

/// Inserts many customers in one statement (seeding at scale); returns how many. Callers make
/// organization ids and e-mails unique.
pub async fn insert_many(
    c: &mut impl Conn,
    rows: &[NewCustomer<'_>],
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let r = on_conn!(c, c => {
        let mut qb = sqlx::QueryBuilder::new(
            "INSERT INTO customers (partner_id, org_id, org_name, email, password_hash, state, signup_link_id, \
             created_at, effected_at, aws_account) ",
        );
        qb.push_values(rows, |mut b, n| {
            b.push_bind(n.partner_id)
                .push_bind(n.org_id)
                .push_bind(n.org_name)
                .push_bind(n.email)
                .push_bind(n.password_hash)
                .push_bind(n.state)
                .push_bind(n.signup_link_id)
                .push_bind(now)
                .push_bind(n.effected_at)
                .push_bind(n.aws_account);
        });
        qb.build().execute(c).await.map(|r| r.rows_affected())
    });
    r.on_unique("e-mail address")
}

/// How many customers a partner has, in every state.
pub async fn count(c: &mut impl Conn, partner_id: i64) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM customers WHERE partner_id = $1",
    )
    .bind(partner_id)
    .fetch_one(c)
    .await)?)
}

pub async fn find_by_email(
    c: &mut impl Conn,
    partner_id: i64,
    email: &str,
) -> StoreResult<Option<Customer>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Customer>(select_customer!("WHERE c.partner_id = $1 AND lower(c.email) = lower($2)"))
        .bind(partner_id)
        .bind(email)
        .fetch_optional(c)
        .await)?,
    )
}

/// The partner's customer with this AWS account (one from a private offer).
pub async fn find_by_aws_account(
    c: &mut impl Conn,
    partner_id: i64,
    aws_account: &str,
) -> StoreResult<Option<Customer>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Customer>(select_customer!("WHERE c.partner_id = $1 AND c.aws_account = $2"))
        .bind(partner_id)
        .bind(aws_account)
        .fetch_optional(c)
        .await)?,
    )
}

/// Makes a customer active again under a new agreement; its effective time stays the first one.
pub async fn reactivate(
    c: &mut impl Conn,
    customer_id: i64,
    effected_at: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "UPDATE customers SET state = 'active', expired_at = NULL, \
         effected_at = COALESCE(effected_at, $1) WHERE customer_id = $2",
    )
    .bind(effected_at)
    .bind(customer_id))?;
    Ok(())
}

pub async fn find_by_org_id(
    c: &mut impl Conn,
    partner_id: i64,
    org_id: &str,
) -> StoreResult<Option<Customer>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Customer>(select_customer!("WHERE c.partner_id = $1 AND c.org_id = $2"))
        .bind(partner_id)
        .bind(org_id)
        .fetch_optional(c)
        .await)?,
    )
}

pub async fn find_by_id(c: &mut impl Conn, customer_id: i64) -> StoreResult<Option<Customer>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Customer>(select_customer!("WHERE c.customer_id = $1"))
        .bind(customer_id)
        .fetch_optional(c)
        .await)?,
    )
}

/// Removes a never-confirmed organization whose confirmation lapsed, freeing its e-mail.
pub async fn delete_lapsed(c: &mut impl Conn, customer_id: i64) -> StoreResult<()> {
    execute!(c, c => sqlx::query("DELETE FROM customers WHERE customer_id = $1 AND state = 'pending'")
        .bind(customer_id))?;
    Ok(())
}

/// Customers by state for the dashboard.
pub async fn count_by_state(
    c: &mut impl Conn,
    partner_id: i64,
) -> StoreResult<Vec<(CustomerState, i64)>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, (CustomerState, i64)>(
        "SELECT state, CAST(COUNT(*) AS BIGINT) FROM customers WHERE partner_id = $1 GROUP BY state ORDER BY state",
    )
    .bind(partner_id)
    .fetch_all(c)
    .await)?)
}

pub async fn set_state(
    c: &mut impl Conn,
    partner_id: i64,
    customer_id: i64,
    state: CustomerState,
    expired_at: Option<DateTime<Utc>>,
) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE customers SET state = $1, expired_at = COALESCE($2, expired_at) \
         WHERE partner_id = $3 AND customer_id = $4",
    )
    .bind(state)
    .bind(expired_at)
    .bind(partner_id)
    .bind(customer_id))?;
    Ok(n == 1)
}

/// Confirms a pending customer: active from `now`.
pub async fn activate(c: &mut impl Conn, customer_id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "UPDATE customers SET state = 'active', effected_at = $1 WHERE customer_id = $2 AND state = 'pending'",
    )
    .bind(now)
    .bind(customer_id))?;
    Ok(())
}

// Confirmation tokens of customers (single use, expiring).

pub async fn insert_token(
    c: &mut impl Conn,
    token_hash: &str,
    customer_id: i64,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query("INSERT INTO customer_tokens (token_hash, customer_id, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(customer_id)
        .bind(expires_at))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub customer_id: i64,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

pub async fn token(c: &mut impl Conn, token_hash: &str) -> StoreResult<Option<TokenRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, TokenRow>(
        "SELECT customer_id, expires_at, used_at FROM customer_tokens WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(c)
    .await)?)
}

/// The newest confirmation deadline of a customer (to tell a lapsed signup from a waiting one).
pub async fn confirmation_deadline(
    c: &mut impl Conn,
    customer_id: i64,
) -> StoreResult<Option<DateTime<Utc>>> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, DateTime<Utc>>(
        "SELECT expires_at FROM customer_tokens WHERE customer_id = $1 ORDER BY token_id DESC LIMIT 1",
    )
    .bind(customer_id)
    .fetch_optional(c)
    .await)?)
}

pub async fn use_token(
    c: &mut impl Conn,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "UPDATE customer_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
         RETURNING customer_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(c)
    .await)?)
}

/// A partner's customers in signup order after the keyset `after`; new customers only ever
/// join at the end, so paging through while they are added returns each one exactly once.
pub async fn page_asc(
    c: &mut impl Conn,
    partner_id: i64,
    after: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<Customer>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, Customer>(select_customer!(
        "WHERE c.partner_id = $1 AND ($2 IS NULL OR c.customer_id > $2) ORDER BY c.customer_id LIMIT CAST($3 AS BIGINT)"
    ))
    .bind(partner_id)
    .bind(after)
    .bind(limit)
    .fetch_all(c)
    .await)?,
    )
}

/// Every customer of a partner by id: (orgId, name), in one query (bills name their customers).
pub async fn names(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<(i64, String, String)>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, (i64, String, String)>(
        "SELECT customer_id, org_id, org_name FROM customers WHERE partner_id = $1",
    )
    .bind(partner_id)
    .fetch_all(c)
    .await)?)
}

/// A partner's customer ids, smallest first, as one JSON array built by the database: sqlx
/// hands SQLite's rows over one by one, which at 100 000 customers cost more than the bill's
/// reads they serve.
pub async fn ids(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<i64>> {
    const IDS: crate::store::json::JsonRows = crate::store::json::json_rows!(
        value: "customer_id",
        order: "customer_id",
        from: "customers WHERE partner_id = $1",
    );
    let sql = IDS.on(c);
    let json: String = on_conn!(c, c => sqlx::query_scalar(sql)
        .bind(partner_id)
        .fetch_one(c)
        .await)?;
    let mut ids: Vec<i64> = serde_json::from_str(&json)
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
    // Parts of the bill's reads are ranges of these: they must be in order.
    ids.sort_unstable();
    Ok(ids)
}

/// What an invoice says of a customer, and the language it is written in (`None`: the
/// partner's).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceContact {
    pub customer_id: i64,
    pub org_id: String,
    pub org_name: String,
    pub email: String,
    pub invoice_language: Option<String>,
}

/// The partner's customers as invoices name them, by id.
pub async fn invoice_contacts(
    c: &mut impl Conn,
    partner_id: i64,
) -> StoreResult<Vec<InvoiceContact>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, InvoiceContact>(
        "SELECT customer_id, org_id, org_name, email, invoice_language FROM customers \
         WHERE partner_id = $1 ORDER BY customer_id",
    )
    .bind(partner_id)
    .fetch_all(c)
    .await)?)
}

/// Sets the language of the customer's invoices (`None`: the partner's).
pub async fn set_invoice_language(
    c: &mut impl Conn,
    partner_id: i64,
    customer_id: i64,
    language: Option<&str>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "UPDATE customers SET invoice_language = $1 WHERE partner_id = $2 AND customer_id = $3",
    )
    .bind(language)
    .bind(partner_id)
    .bind(customer_id))?;
    Ok(())
}

/// One page of the API's customer list, as the JSON array the vendor's document defines,
/// from the database in one row, not one row per customer (sqlx hands SQLite rows over from
/// its worker thread one by one, which cost most of the listing's time).
pub struct JsonPage {
    /// `[{"id":…,"orgId":…,"orgName":…,"email":…,"state":…,"effectedTime":…,"expiredTime":…}]`
    pub customers: String,
    /// The keyset id of the page's last customer, when there is one after it.
    pub more_after: Option<i64>,
}

/// The page is the customers' stored `api_json` (migration 0014 has the database keep it as
/// the vendor's document writes a customer), joined in keyset order; one text for both stores
/// (SQLite knows `string_agg` with an ordered aggregate since 3.44).
const PAGE_JSON: &str = "WITH page AS (SELECT customer_id, api_json \
     FROM customers WHERE partner_id = $1 AND customer_id > $2 ORDER BY customer_id LIMIT CAST($3 AS BIGINT)) \
     SELECT '[' || coalesce((SELECT string_agg(api_json, ',' ORDER BY customer_id) FROM page), '') || ']', \
     (SELECT max(customer_id) FROM page), \
     EXISTS (SELECT 1 FROM customers WHERE partner_id = $1 AND customer_id > (SELECT max(customer_id) FROM page))";

/// The API's page of at most `limit` customers after the keyset `after`, oldest first.
pub async fn page_json(
    c: &mut impl Conn,
    partner_id: i64,
    after: Option<i64>,
    limit: i64,
) -> StoreResult<JsonPage> {
    let (customers, last, more): (String, Option<i64>, bool) = on_conn!(c, c => sqlx::query_as(PAGE_JSON)
        .bind(partner_id)
        // Customer ids start at 1.
        .bind(after.unwrap_or(0))
        .bind(limit)
        .fetch_one(c)
        .await)?;
    Ok(JsonPage {
        customers,
        more_after: last.filter(|_| more),
    })
}
