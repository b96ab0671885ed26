//! Partners' statements of closed months (issue 24): the number the vendor gave each when the
//! month closed. Their figures are the closed month's bill (`closed`).

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatementRow {
    pub month: String,
    pub number: String,
    pub issued_at: DateTime<Utc>,
}

pub async fn insert(
    c: &mut impl Conn,
    partner_id: i64,
    month: &str,
    number: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "INSERT INTO statements (partner_id, month, number, issued_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(partner_id)
    .bind(month)
    .bind(number)
    .bind(now))?;
    Ok(())
}

/// The partner's statements, newest month first.
pub async fn list(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<StatementRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, StatementRow>(
        "SELECT month, number, issued_at FROM statements WHERE partner_id = $1 ORDER BY month DESC",
    )
    .bind(partner_id)
    .fetch_all(c)
    .await)?)
}

pub async fn find(
    c: &mut impl Conn,
    partner_id: i64,
    month: &str,
) -> StoreResult<Option<StatementRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, StatementRow>(
        "SELECT month, number, issued_at FROM statements WHERE partner_id = $1 AND month = $2",
    )
    .bind(partner_id)
    .bind(month)
    .fetch_optional(c)
    .await)?)
}
