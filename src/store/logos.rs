//! Cleaned SVG logos. Each upload gets a random `upload_key`, so a form that is shown again after
//! a mistake can keep the file without asking for it twice.

use chrono::{DateTime, Utc};

use super::{Conn, StoreResult};
use crate::domain::SvgLogo;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LogoRow {
    pub logo_id: i64,
    pub upload_key: String,
    pub svg: String,
    pub sha256: String,
    pub width: f32,
    pub height: f32,
}

impl LogoRow {
    pub fn logo(&self) -> SvgLogo {
        SvgLogo::from_stored(self.svg.clone(), self.width, self.height)
    }
}

pub async fn insert(
    c: &mut impl Conn,
    upload_key: &str,
    logo: &SvgLogo,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO logos (upload_key, svg, sha256, width, height, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING logo_id",
    )
    .bind(upload_key)
    .bind(logo.svg())
    .bind(logo.sha256())
    .bind(logo.width())
    .bind(logo.height())
    .bind(now)
    .fetch_one(c)
    .await)?)
}

pub async fn find(c: &mut impl Conn, logo_id: i64) -> StoreResult<Option<LogoRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, LogoRow>(
        "SELECT logo_id, upload_key, svg, sha256, width, height FROM logos WHERE logo_id = $1",
    )
    .bind(logo_id)
    .fetch_optional(c)
    .await)?)
}

pub async fn find_by_upload_key(
    c: &mut impl Conn,
    upload_key: &str,
) -> StoreResult<Option<LogoRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, LogoRow>(
        "SELECT logo_id, upload_key, svg, sha256, width, height FROM logos WHERE upload_key = $1",
    )
    .bind(upload_key)
    .fetch_optional(c)
    .await)?)
}
