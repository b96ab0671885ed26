//! API key authentication for the partner APIs: HTTP Digest with a partner's key. A revoked key
//! or a suspended partner is refused at once (the key is looked up on every request).

use std::future::Future;
use std::pin::Pin;

use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use chrono::Duration;
use serde_json::json;

use super::digest::{self, NonceCheck};
use super::error::json_error;
use super::ratelimit::Quota;
use crate::auth::api_keys::Algorithm;
use crate::state::AppState;
use crate::store::api_keys;
use crate::web::client_addr;

/// An API failure, answered as JSON in the public API's error shape.
#[derive(Debug)]
pub enum ApiError {
    Unauthorized {
        message: &'static str,
        stale: bool,
        nonce: String,
    },
    Forbidden(String),
    NotFound(String),
    BadRequest(String),
    TooManyRequests(String),
    /// A documented path asked with another method; carries the methods it takes.
    MethodNotAllowed(Vec<String>),
    Internal,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Unauthorized {
                message,
                stale,
                nonce,
            } => {
                let mut res =
                    json_error(StatusCode::UNAUTHORIZED, "Unauthenticated", json!(message));
                for c in digest::challenges(nonce, *stale) {
                    if let Ok(v) = header::HeaderValue::from_str(&c) {
                        res.headers_mut().append(header::WWW_AUTHENTICATE, v);
                    }
                }
                res
            }
            ApiError::Forbidden(m) => {
                json_error(StatusCode::FORBIDDEN, "PermissionDenied", json!(m))
            }
            ApiError::NotFound(m) => json_error(StatusCode::NOT_FOUND, "NotFound", json!(m)),
            ApiError::BadRequest(m) => {
                json_error(StatusCode::BAD_REQUEST, "InvalidArgument", json!(m))
            }
            ApiError::TooManyRequests(m) => {
                json_error(StatusCode::TOO_MANY_REQUESTS, "ResourceExhausted", json!(m))
            }
            ApiError::MethodNotAllowed(allowed) => {
                let allow = allowed.join(", ");
                let mut res = json_error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "MethodNotAllowed",
                    json!(format!("this path takes {allow}")),
                );
                if let Ok(v) = header::HeaderValue::from_str(&allow) {
                    res.headers_mut().insert(header::ALLOW, v);
                }
                res
            }
            ApiError::Internal => json_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal",
                json!("internal error"),
            ),
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        tracing::error!(error = %e, "API request failed");
        ApiError::Internal
    }
}

/// The partner behind a valid API key.
#[derive(Debug, Clone)]
pub struct PartnerKey {
    pub key_id: i64,
    pub partner_id: i64,
    pub is_msp: bool,
}

fn unauthorized(state: &AppState, message: &'static str, stale: bool) -> ApiError {
    ApiError::Unauthorized {
        message,
        stale,
        nonce: state.nonces.make(state.now().timestamp()),
    }
}

async fn authenticate(req: HttpRequest) -> Result<PartnerKey, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(ApiError::Internal)?
        .clone();
    let Some(auth) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(digest::parse)
    else {
        return Err(unauthorized(
            &state,
            "authentication required: HTTP Digest with your API key",
            false,
        ));
    };
    // One reading of the clock for the whole check: nonce age, limits and "last used" agree.
    let now = state.now();
    let now_us = now.timestamp_micros();
    match state.nonces.check(&auth.nonce, now.timestamp()) {
        NonceCheck::Fresh => {}
        NonceCheck::Stale => return Err(unauthorized(&state, "nonce expired", true)),
        NonceCheck::Invalid => return Err(unauthorized(&state, "invalid nonce", false)),
    }
    // Guessing keys is slowed per client address; the challenge round trip is not a failure.
    let failures = format!("auth:{}", client_addr(&req, &state.settings));
    let failure_quota = Quota {
        per_minute: state.settings.api_auth_failures_per_minute,
    };
    let mut c = state.db.acquire().await?;
    if state
        .limiter
        .exhausted(&mut c, &failures, failure_quota, now_us)
        .await?
    {
        return Err(ApiError::TooManyRequests(
            "too many failed authentications from this address; wait a minute".into(),
        ));
    }
    let Some(key) = api_keys::secrets_by_public_key(&mut c, &auth.username).await? else {
        state
            .limiter
            .take(&mut c, &failures, failure_quota, now_us)
            .await?;
        return Err(unauthorized(&state, "invalid API key", false));
    };
    if key.revoked_at.is_some() || key.partner_state != "active" {
        return Err(unauthorized(
            &state,
            "this API key is revoked or its partner is suspended",
            false,
        ));
    }
    let sealed = if auth.algorithm == Algorithm::Sha256 {
        &key.ha1_sha256
    } else {
        &key.ha1_md5
    };
    let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("");
    let ok = state
        .vault
        .open(&auth.username, auth.algorithm, sealed)
        .is_some_and(|ha1| digest::verify(&auth, &ha1, req.method().as_str(), target));
    if !ok {
        state
            .limiter
            .take(&mut c, &failures, failure_quota, now_us)
            .await?;
        return Err(unauthorized(&state, "invalid API key", false));
    }
    if !state
        .replays
        .first_use(&auth.nonce, &auth.nc, now.timestamp())
    {
        // stale=true lets an honest client whose counts went astray start over with a new nonce.
        return Err(unauthorized(
            &state,
            "this nonce count was already used; take the new nonce",
            true,
        ));
    }
    let quota = Quota {
        per_minute: state.settings.api_rate_limit_per_minute,
    };
    let decision = state
        .limiter
        .take(&mut c, &format!("key:{}", key.key_id), quota, now_us)
        .await?;
    req.extensions_mut().insert(decision);
    if !decision.allowed {
        return Err(ApiError::TooManyRequests(format!(
            "rate limit exceeded: {} requests per minute per API key; retry in {} s",
            decision.limit, decision.reset_secs
        )));
    }
    let a_minute_ago = now - Duration::minutes(1);
    if key.last_used_at.is_none_or(|t| t < a_minute_ago) {
        api_keys::touch(&mut c, key.key_id, now, a_minute_ago).await?;
    }
    Ok(PartnerKey {
        key_id: key.key_id,
        partner_id: key.partner_id,
        is_msp: key.partner_kind == "msp",
    })
}

impl FromRequest for PartnerKey {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

/// A key of an MSP: the whole of `/v1beta1/msp` is for MSPs.
#[derive(Debug, Clone)]
pub struct MspKey(pub PartnerKey);

impl FromRequest for MspKey {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let key = authenticate(req).await?;
            if !key.is_msp {
                return Err(ApiError::Forbidden(
                    "the MSP API is for managed service providers; resellers use the Partner Management API under /api/v1".into(),
                ));
            }
            Ok(MspKey(key))
        })
    }
}

/// Either kind of authenticated key, for handlers shared by both API surfaces.
pub trait AsPartner {
    fn partner(&self) -> &PartnerKey;
}

impl AsPartner for PartnerKey {
    fn partner(&self) -> &PartnerKey {
        self
    }
}

impl AsPartner for MspKey {
    fn partner(&self) -> &PartnerKey {
        &self.0
    }
}
