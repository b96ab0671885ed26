//! `POST /internal/v1/usage`: the metering pipeline loads usage (CSV or JSON lines), with an
//! operator's API key over HTTP Digest. All or nothing, idempotent per record key: 200 with the
//! counts, or 422 listing every rejected row with its line and reason.

use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use serde_json::json;

use super::auth::OperatorKey;
use super::error::{ApiError, json_error};
use crate::billing::usage_file;
use crate::state::AppState;

pub const INGEST: &str = "/internal/v1/usage";
/// Largest file accepted in one request.
const MAX_BODY: usize = 64 * 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource(INGEST)
            .app_data(web::PayloadConfig::new(MAX_BODY))
            .route(web::post().to(ingest)),
    );
}

/// The operator key is checked before the body is read: an unauthenticated caller cannot make
/// the server take 64 MiB.
async fn ingest(
    operator: OperatorKey,
    state: web::Data<AppState>,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let (rows, rejected) = usage_file::parse(&body);
    let report = crate::app::usage::load(&state.db, &rows, rejected, state.now(), |_| {})
        .await
        .map_err(ApiError::internal)?;
    tracing::info!(
        operator = operator.user_id,
        key = operator.key_id,
        inserted = report.inserted,
        "usage ingested"
    );
    Ok(if report.rejected.is_empty() {
        HttpResponse::Ok().json(
            json!({ "inserted": report.inserted, "skipped": report.skipped, "late": report.late }),
        )
    } else {
        let rejected: Vec<_> = report
            .rejected
            .iter()
            .map(|r| json!({ "line": r.line, "reason": r.reason }))
            .collect();
        json_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "InvalidArgument",
            json!({ "message": "nothing was loaded", "rejected": rejected }),
        )
    })
}
