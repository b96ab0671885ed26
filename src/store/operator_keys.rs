//! Operators' API keys (for the usage ingest endpoint): verifiers only, encrypted.

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::on_conn;

pub async fn insert(
    c: &mut impl Conn,
    user_id: i64,
    public_key: &str,
    ha1_sha256: &str,
    ha1_md5: &str,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO operator_keys (user_id, public_key, ha1_sha256, ha1_md5, created_at) VALUES ($1, $2, $3, $4, $5) \
         RETURNING key_id",
    )
    .bind(user_id)
    .bind(public_key)
    .bind(ha1_sha256)
    .bind(ha1_md5)
    .bind(now)
    .fetch_one(c)
    .await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OperatorKey {
    pub key_id: i64,
    pub user_id: i64,
    pub ha1_sha256: String,
    pub ha1_md5: String,
}

/// An active key of an operator user, by its public key.
pub async fn find_active(c: &mut impl Conn, public_key: &str) -> StoreResult<Option<OperatorKey>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, OperatorKey>(
        "SELECT k.key_id, k.user_id, k.ha1_sha256, k.ha1_md5 FROM operator_keys k JOIN users u ON u.user_id = k.user_id \
         WHERE k.public_key = $1 AND k.revoked_at IS NULL AND u.is_operator",
    )
    .bind(public_key)
    .fetch_optional(c)
    .await)?)
}
