//! `POST /internal/v1/usage`: the metering pipeline loads usage (CSV or JSON lines), with an
//! operator's API key over HTTP Digest. All or nothing, idempotent per record key: 200 with the
//! counts, or 422 listing every rejected row with its line and reason.

use actix_web::http::{StatusCode, header};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use super::digest::{self, NonceCheck};
use super::error::json_error;
use crate::auth::api_keys::Algorithm;
use crate::billing::usage_file;
use crate::state::AppState;
use crate::store::operator_keys;

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

/// 401 with both challenges and a JSON body.
pub fn unauthorized(state: &AppState, stale: bool, message: &str) -> HttpResponse {
    let nonce = state.nonces.make(state.now().timestamp());
    let mut res = json_error(StatusCode::UNAUTHORIZED, "Unauthenticated", json!(message));
    for c in digest::challenges(&nonce, stale) {
        if let Ok(v) = header::HeaderValue::from_str(&c) {
            res.headers_mut().append(header::WWW_AUTHENTICATE, v);
        }
    }
    res
}

/// The operator behind a valid Digest answer, or the 401 to send.
async fn operator(req: &HttpRequest, state: &AppState) -> Result<i64, HttpResponse> {
    let Some(auth) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(digest::parse)
    else {
        return Err(unauthorized(
            state,
            false,
            "authentication required: HTTP Digest with an operator API key",
        ));
    };
    match state.nonces.check(&auth.nonce, state.now().timestamp()) {
        NonceCheck::Fresh => {}
        NonceCheck::Stale => return Err(unauthorized(state, true, "nonce expired")),
        NonceCheck::Invalid => return Err(unauthorized(state, false, "invalid nonce")),
    }
    let key = match state.db.acquire().await {
        Ok(mut c) => operator_keys::find_active(&mut c, &auth.username)
            .await
            .ok()
            .flatten(),
        Err(_) => None,
    };
    let Some(key) = key else {
        return Err(unauthorized(state, false, "invalid API key"));
    };
    let sealed = if auth.algorithm == Algorithm::Sha256 {
        &key.ha1_sha256
    } else {
        &key.ha1_md5
    };
    let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("");
    match state.vault.open(&auth.username, auth.algorithm, sealed) {
        Some(ha1) if digest::verify(&auth, &ha1, req.method().as_str(), target) => Ok(key.user_id),
        _ => Err(unauthorized(state, false, "invalid API key")),
    }
}

async fn ingest(req: HttpRequest, state: web::Data<AppState>, body: Bytes) -> HttpResponse {
    if let Err(refused) = operator(&req, &state).await {
        return refused;
    }
    let (rows, rejected) = usage_file::parse(&body);
    let report = match crate::usage::load(&state.db, &rows, rejected, state.now(), |_| {}).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "usage ingest failed");
            return json_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal",
                json!("internal error"),
            );
        }
    };
    if report.rejected.is_empty() {
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
    }
}
