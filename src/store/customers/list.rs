//! The customer list's reads: which customers a filter matches ([`Matching`]), a page of
//! them from either end or by a month's usage, how many there are, their usage, and the names
//! of some by id.

use super::{Conn, Customer, StoreResult};
use crate::domain::CustomerState;
use crate::on_conn;

/// Which of a partner's customers a list reads.
#[derive(Debug, Clone, Copy)]
pub struct Matching<'a> {
    pub partner_id: i64,
    /// Matched against the name, the e-mail and the orgId; `%` and `_` are taken literally.
    pub query: &'a str,
    pub state: Option<CustomerState>,
    /// Those who signed up through this link.
    pub link: Option<i64>,
}

impl Matching<'_> {
    /// Every customer of the partner.
    pub fn all(partner_id: i64) -> Matching<'static> {
        Matching {
            partner_id,
            query: "",
            state: None,
            link: None,
        }
    }
}

/// The condition of [`Matching`] on `customers c`, its values bound first as `$1`–`$4` by
/// `bind_matching!`.
macro_rules! matching {
    () => {
        "c.partner_id = $1 AND ($2 IS NULL OR lower(c.org_name) LIKE lower($2) ESCAPE '\\' \
         OR lower(c.email) LIKE lower($2) ESCAPE '\\' OR c.org_id LIKE $2 ESCAPE '\\') \
         AND ($3 IS NULL OR c.state = $3) AND ($4 IS NULL OR c.signup_link_id = $4)"
    };
}

macro_rules! bind_matching {
    ($q:expr, $m:expr) => {
        $q.bind($m.partner_id)
            .bind(like_pattern($m.query))
            .bind($m.state)
            .bind($m.link)
    };
}

/// How many customers match, of those newer than `newer_than` when given: the list's total,
/// and where a page starts in it.
pub async fn count_matching(
    c: &mut impl Conn,
    m: &Matching<'_>,
    newer_than: Option<i64>,
) -> StoreResult<i64> {
    Ok(
        on_conn!(c, c => bind_matching!(sqlx::query_scalar::<_, i64>(concat!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM customers c WHERE ",
        matching!(),
        " AND ($5 IS NULL OR c.customer_id > $5)"
    )), m)
    .bind(newer_than)
    .fetch_one(c)
    .await)?,
    )
}

/// A page of customers, newest first, after the keyset `before` (a customer id). One row more
/// than `limit` is asked for, so the caller knows whether a next page exists.
pub async fn page(
    c: &mut impl Conn,
    m: &Matching<'_>,
    before: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<Customer>> {
    Ok(
        on_conn!(c, c => bind_matching!(sqlx::query_as::<_, Customer>(select_customer!(concat!(
            "WHERE ",
            matching!(),
            " AND ($5 IS NULL OR c.customer_id < $5) ORDER BY c.customer_id DESC LIMIT CAST($6 AS BIGINT)"
        ))), m)
        .bind(before)
        .bind(limit)
        .fetch_all(c)
        .await)?,
    )
}

/// The same list read from the other end: the `limit` customers just newer than `after` (the
/// oldest of all without it), returned newest first like [`page`]. The list's "Newer" and
/// "Last" pages: an index walk from the old end, as quick as the first page.
pub async fn page_from_oldest(
    c: &mut impl Conn,
    m: &Matching<'_>,
    after: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<Customer>> {
    let mut rows = on_conn!(c, c => bind_matching!(sqlx::query_as::<_, Customer>(select_customer!(concat!(
        "WHERE ",
        matching!(),
        " AND ($5 IS NULL OR c.customer_id > $5) ORDER BY c.customer_id ASC LIMIT CAST($6 AS BIGINT)"
    ))), m)
    .bind(after)
    .bind(limit)
    .fetch_all(c)
    .await)?;
    rows.reverse();
    Ok(rows)
}

/// A customer with its usage of one month, in cents.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WithUsage {
    #[sqlx(flatten)]
    pub customer: Customer,
    pub month_usage: i64,
}

/// A page of customers by their usage of `month`, highest first (then newest): `limit` from
/// `offset`. The usage is summed over the partner's roll-up lines of the month only.
pub async fn page_by_usage(
    c: &mut impl Conn,
    m: &Matching<'_>,
    month: &str,
    offset: i64,
    limit: i64,
) -> StoreResult<Vec<WithUsage>> {
    Ok(
        on_conn!(c, c => bind_matching!(sqlx::query_as::<_, WithUsage>(concat!(
        "SELECT ",
        customer_columns!(),
        ", CAST(COALESCE(u.total, 0) AS BIGINT) AS month_usage FROM customers c ",
        "LEFT JOIN signup_links l ON l.link_id = c.signup_link_id ",
        "LEFT JOIN (SELECT mu.customer_id, SUM(mu.usage) AS total FROM usage_monthly mu ",
        "JOIN customers cu ON cu.customer_id = mu.customer_id ",
        "WHERE cu.partner_id = $1 AND mu.month = $5 GROUP BY mu.customer_id) u ON u.customer_id = c.customer_id ",
        "WHERE ",
        matching!(),
        " ORDER BY COALESCE(u.total, 0) DESC, c.customer_id DESC LIMIT CAST($6 AS BIGINT) OFFSET CAST($7 AS BIGINT)"
    )), m)
    .bind(month)
    .bind(limit)
    .bind(offset)
    .fetch_all(c)
    .await)?,
    )
}

/// The usage of `month` of each of `customer_ids` that has any, in cents.
pub async fn usage_of(
    c: &mut impl Conn,
    month: &str,
    customer_ids: &[i64],
) -> StoreResult<Vec<(i64, i64)>> {
    if customer_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_conn!(c, c => {
        let mut qb = sqlx::QueryBuilder::new(
            "SELECT customer_id, CAST(SUM(usage) AS BIGINT) FROM usage_monthly WHERE month = ",
        );
        qb.push_bind(month).push(" AND customer_id IN (");
        let mut list = qb.separated(", ");
        for id in customer_ids {
            list.push_bind(*id);
        }
        qb.push(") GROUP BY customer_id");
        qb.build_query_as::<(i64, i64)>().fetch_all(c).await
    })?)
}

fn like_pattern(query: &str) -> Option<String> {
    let q = query.trim();
    (!q.is_empty()).then(|| format!("%{}%", escape_like(q)))
}

pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The organization ids and names of some customers, by id (a thousand ids at most: one
/// statement's parameters).
pub async fn names_of(c: &mut impl Conn, ids: &[i64]) -> StoreResult<Vec<(i64, String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_conn!(c, c => {
        let mut qb = sqlx::QueryBuilder::new(
            "SELECT customer_id, org_id, org_name FROM customers WHERE customer_id IN (",
        );
        let mut list = qb.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        qb.push(")");
        qb.build_query_as::<(i64, String, String)>().fetch_all(c).await
    })?)
}
