//! A closed month's bill summed per customer and per service, written once at closing.

use super::{CHUNK, totals};
use crate::billing::bill::Totals;
use crate::billing::resale::Resale;
use crate::on_conn;
use crate::store::json::{JsonRows, json_rows};
use crate::store::{Conn, StoreError, StoreResult};

/// What one customer's closed month came to, as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(from = "CustomerJson")]
pub struct CustomerRow {
    pub customer_id: i64,
    /// The customer's organization id and name as they are now; `None` for a customer gone.
    pub org_id: Option<String>,
    pub name: Option<String>,
    pub totals: Totals,
    pub resale: Resale,
}

pub async fn insert_customers(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
    rows: &[(i64, Totals, Resale)],
) -> StoreResult<()> {
    for part in rows.chunks(CHUNK) {
        on_conn!(c, c => {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO closed_customer_totals (month, partner_id, customer_id, usage, \
                 discounts, credits, price, margin) ",
            );
            qb.push_values(part, |mut b, (customer_id, t, r)| {
                b.push_bind(month)
                    .push_bind(partner_id)
                    .push_bind(*customer_id)
                    .push_bind(t.usage)
                    .push_bind(t.discounts)
                    .push_bind(t.credits)
                    .push_bind(r.price)
                    .push_bind(r.margin);
            });
            qb.build().execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn insert_services(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
    rows: &[(String, Totals)],
) -> StoreResult<()> {
    for part in rows.chunks(CHUNK) {
        on_conn!(c, c => {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO closed_service_totals (month, partner_id, service, usage, discounts, \
                 credits) ",
            );
            qb.push_values(part, |mut b, (service, t)| {
                b.push_bind(month)
                    .push_bind(partner_id)
                    .push_bind(service.as_str())
                    .push_bind(t.usage)
                    .push_bind(t.discounts)
                    .push_bind(t.credits);
            });
            qb.build().execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// A corrected invoice priced the customer's closed month anew.
pub async fn set_customer_resale(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
    customer_id: i64,
    r: Resale,
) -> StoreResult<()> {
    crate::execute!(c, c => sqlx::query(
        "UPDATE closed_customer_totals SET price = $1, margin = $2 \
         WHERE month = $3 AND partner_id = $4 AND customer_id = $5",
    )
    .bind(r.price)
    .bind(r.margin)
    .bind(month)
    .bind(partner_id)
    .bind(customer_id))?;
    Ok(())
}

/// The customers' rows as one JSON array built by the database: sqlx hands SQLite's rows over
/// from its worker thread one by one, and a partner has tens of thousands of customers.
macro_rules! customer_totals {
    () => {
        "closed_customer_totals t LEFT JOIN customers cu ON cu.customer_id = t.customer_id \
         WHERE t.month = $1 AND t.partner_id = $2"
    };
}
const CUSTOMERS: JsonRows = json_rows!(
    array: "t.customer_id, cu.org_id, cu.org_name, t.usage, t.discounts, t.credits, t.price, t.margin",
    order: "t.usage DESC, t.customer_id",
    from: customer_totals!(),
);

type CustomerJson = (i64, Option<String>, Option<String>, i64, i64, i64, i64, i64);

/// Every customer's row of the partner's closed month in the bill's order (biggest usage first,
/// then by id); empty for a month closed before rows were kept (or without usage).
pub async fn customers(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
) -> StoreResult<Vec<CustomerRow>> {
    let sql = CUSTOMERS.on(c);
    let json: String = on_conn!(c, c => sqlx::query_scalar(sql)
        .bind(month)
        .bind(partner_id)
        .fetch_one(c)
        .await)?;
    // Each element becomes a row as it is parsed: no second vector of 100 000 tuples.
    serde_json::from_str(&json).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

impl From<CustomerJson> for CustomerRow {
    fn from(
        (customer_id, org_id, name, usage, discounts, credits, price, margin): CustomerJson,
    ) -> CustomerRow {
        CustomerRow {
            customer_id,
            org_id,
            name,
            totals: totals(usage, discounts, credits),
            resale: Resale { price, margin },
        }
    }
}

/// The customers' ids, org ids and totals in the order asked, as one JSON array built by the
/// database.
fn in_order_sql(by: Order) -> JsonRows {
    macro_rules! columns {
        () => {
            "t.customer_id, cu.org_id, t.usage, t.discounts, t.credits"
        };
    }
    match by {
        Order::BiggestFirst => json_rows!(
            array: columns!(),
            order: "t.usage DESC, t.customer_id",
            from: customer_totals!(),
        ),
        Order::ById => json_rows!(
            array: columns!(),
            order: "t.customer_id",
            from: customer_totals!(),
        ),
    }
}

/// The order [`in_order`] hands the customers over in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The bill's: biggest usage first, then by id.
    BiggestFirst,
    /// By customer id, as the bill's lines are.
    ById,
}

/// The partner's customers of a closed month in the order asked, each handed to `each` with
/// its organization id as it is now (`None`: a customer gone) and its totals as the rows are
/// parsed: an answer that walks 100 000 customers keeps what it needs of each, not every row.
pub async fn in_order(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
    by: Order,
    mut each: impl FnMut(i64, Option<&str>, Totals),
) -> StoreResult<()> {
    let sql = in_order_sql(by).on(c);
    let json: String = on_conn!(c, c => sqlx::query_scalar(sql)
        .bind(month)
        .bind(partner_id)
        .fetch_one(c)
        .await)?;
    type Row = (i64, Option<String>, i64, i64, i64);
    crate::store::json::for_each::<Row>(&json, |(id, org_id, u, d, k)| {
        each(id, org_id.as_deref(), totals(u, d, k))
    })
    .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

/// Every service's totals of the partner's closed month, in no particular order.
pub async fn services(
    c: &mut impl Conn,
    month: &str,
    partner_id: i64,
) -> StoreResult<Vec<(String, Totals)>> {
    let rows = on_conn!(c, c => sqlx::query_as::<_, (String, i64, i64, i64)>(
        "SELECT service, usage, discounts, credits FROM closed_service_totals \
         WHERE month = $1 AND partner_id = $2",
    )
    .bind(month)
    .bind(partner_id)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(s, u, d, k)| (s, totals(u, d, k)))
        .collect())
}
