//! `POST /internal/v1/usage`: the metering pipeline loads usage (CSV or JSON lines), with an
//! operator's API key over HTTP Digest. All or nothing, idempotent per record key: 200 with the
//! counts, or 422 listing the first 1 000 rejected lines with their line and reason, and how many were
//! rejected in all (`rejectedCount`); 413 past `PC_USAGE_MAX_BYTES`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;
use serde_json::json;

use super::auth::OperatorKey;
use super::error::{ApiError, json_error};
use crate::billing::usage_file;
use crate::state::AppState;

pub const INGEST: &str = "/internal/v1/usage";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(INGEST).route(web::post().to(ingest)));
}

/// The operator key is checked before the body is read: an unauthenticated caller cannot make
/// the server take a file. The body goes to a temporary file as it arrives, and loads from
/// there: memory stays the same whatever the file's size, and the loading transaction (which
/// holds SQLite's write lock) starts once the whole file is here, not while a client uploads.
async fn ingest(
    operator: OperatorKey,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let limit = state.settings.usage_max_bytes;
    let file = match spool(payload, limit).await? {
        Some(file) => file,
        None => {
            return Ok(json_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "InvalidArgument",
                json!(format!(
                    "the usage file is larger than {limit} bytes (PC_USAGE_MAX_BYTES); split it"
                )),
            ));
        }
    };
    let rows = usage_file::Rows::new(file);
    let report = crate::app::usage::load(&state.db, rows, state.now(), |_| {})
        .await
        .map_err(ApiError::internal)?;
    tracing::info!(
        operator = operator.user_id,
        key = operator.key_id,
        inserted = report.inserted,
        "usage ingested"
    );
    if report.rejected.is_empty() && report.inserted > 0 {
        crate::app::usage::after_load(state.app(), &report).await;
    }
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
            json!({
                "message": "nothing was loaded",
                "rejected": rejected,
                "rejectedCount": report.rejected_count(),
            }),
        )
    })
}

/// Writes the body to an unnamed temporary file and rewinds it; `None` once it passes `limit`
/// bytes (the rest is not read). The writes go through tokio's file, which runs them on the
/// blocking pool: a gigabyte written from the actix worker itself would stall every other
/// request that worker serves.
async fn spool(mut payload: web::Payload, limit: u64) -> Result<Option<std::fs::File>, ApiError> {
    use tokio::io::{AsyncSeekExt, AsyncWriteExt};
    let file = tokio::task::spawn_blocking(tempfile::tempfile)
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let mut file = tokio::fs::File::from_std(file);
    let mut size = 0u64;
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::BadRequest(format!("the body could not be read: {e}")))?;
        size += chunk.len() as u64;
        if size > limit {
            return Ok(None);
        }
        file.write_all(&chunk).await.map_err(ApiError::internal)?;
    }
    file.flush().await.map_err(ApiError::internal)?;
    file.rewind().await.map_err(ApiError::internal)?;
    Ok(Some(file.into_std().await))
}
