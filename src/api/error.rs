//! The APIs' one error type and its JSON answer in the shape of the vendor's public API:
//! `{"code", "error", "msgPrefix", "status"}`. Failures that are the server's own are logged with
//! their whole cause chain here; the client gets a generic text.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::app;
use crate::credentials::digest;
use crate::i18n::I18n;
use crate::store::StoreError;

/// An API failure, answered as JSON in the public API's error shape.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("unauthenticated: {message}")]
    Unauthorized {
        message: &'static str,
        /// Ask the client to take the new nonce (RFC 7616 `stale=true`).
        stale: bool,
        /// The nonce of the challenges sent with the answer.
        nonce: String,
    },
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request is valid but the thing is not in a state that allows it.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    /// A documented path asked with another method; carries the methods it takes.
    #[error("method not allowed; the path takes {0:?}")]
    MethodNotAllowed(Vec<String>),
    /// The store cannot be reached: nothing the client did wrong, and worth a retry.
    #[error("the store is unavailable")]
    Unavailable(#[source] StoreError),
    #[error("internal error")]
    Internal(#[source] Option<Box<dyn std::error::Error + Send + Sync>>),
}

impl ApiError {
    /// An internal failure with its cause, which the log keeps and the client never sees.
    pub fn internal(e: impl std::error::Error + Send + Sync + 'static) -> ApiError {
        ApiError::Internal(Some(Box::new(e)))
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound("not found".into()),
            other => ApiError::internal(other),
        }
    }
}

/// The one mapping of the application's errors to the public API's statuses and codes, said in
/// English: a field error names the field as the JSON does.
impl From<app::Error> for ApiError {
    fn from(e: app::Error) -> Self {
        let en = I18n::default();
        match e {
            app::Error::Invalid(fields) => ApiError::BadRequest(
                fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, en.say(&f.message)))
                    .collect::<Vec<_>>()
                    // The messages are sentences of their own.
                    .join(" "),
            ),
            app::Error::NotFound(_) => ApiError::NotFound(e.to_string()),
            app::Error::WrongKind(_) | app::Error::Forbidden(_) => {
                ApiError::Forbidden(e.to_string())
            }
            app::Error::Conflict(m) => ApiError::Conflict(en.say(&m)),
            app::Error::Gone(m) => ApiError::NotFound(en.say(&m)),
            app::Error::Store(s) => s.into(),
            app::Error::Internal(e) => ApiError::Internal(Some(e.into())),
        }
    }
}

/// `e` and every cause under it, for the log.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        next = cause.source();
    }
    out
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            ApiError::Unauthorized {
                message,
                stale,
                nonce,
            } => {
                let mut res = json_error(status, "Unauthenticated", json!(message));
                for c in digest::challenges(nonce, *stale) {
                    if let Ok(v) = header::HeaderValue::from_str(&c) {
                        res.headers_mut().append(header::WWW_AUTHENTICATE, v);
                    }
                }
                res
            }
            ApiError::Forbidden(m) => json_error(status, "PermissionDenied", json!(m)),
            ApiError::NotFound(m) => json_error(status, "NotFound", json!(m)),
            ApiError::BadRequest(m) => json_error(status, "InvalidArgument", json!(m)),
            ApiError::Conflict(m) => json_error(status, "FailedPrecondition", json!(m)),
            ApiError::TooManyRequests(m) => json_error(status, "ResourceExhausted", json!(m)),
            ApiError::MethodNotAllowed(allowed) => {
                let allow = allowed.join(", ");
                let mut res = json_error(
                    status,
                    "MethodNotAllowed",
                    json!(format!("this path takes {allow}")),
                );
                if let Ok(v) = header::HeaderValue::from_str(&allow) {
                    res.headers_mut().insert(header::ALLOW, v);
                }
                res
            }
            ApiError::Unavailable(e) => {
                tracing::error!(error = %chain(e), "API request: the store is unavailable");
                let mut res = json_error(
                    status,
                    "Unavailable",
                    json!("the service is unavailable for a moment; try again"),
                );
                res.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
                res
            }
            ApiError::Internal(cause) => {
                match cause {
                    Some(e) => tracing::error!(error = %chain(e.as_ref()), "API request failed"),
                    None => tracing::error!("API request failed"),
                }
                json_error(status, "Internal", json!("internal error"))
            }
        }
    }
}

/// Every error of the APIs.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Error)]
pub struct ErrorBody {
    /// A short name of the failure: `InvalidArgument`, `Unauthenticated`, `PermissionDenied`,
    /// `NotFound`, `FailedPrecondition`, `ResourceExhausted` or `Internal`.
    pub code: String,
    /// What went wrong, for a person; usually a string.
    #[schema(value_type = Value)]
    pub error: serde_json::Value,
    /// Kept for compatibility with the public API; always `""`.
    pub msg_prefix: String,
    /// The HTTP status, repeated.
    pub status: u16,
}

pub fn json_error(status: StatusCode, code: &str, error: serde_json::Value) -> HttpResponse {
    HttpResponseBuilder::new(status).json(ErrorBody {
        code: code.into(),
        error,
        msg_prefix: String::new(),
        status: status.as_u16(),
    })
}
