//! The one error type of the HTML surface, mapped to a status and a styled page in one place.
//! Internal errors are logged with their cause chain; the visitor sees a generic page.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use actix_web::body::EitherBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};

use crate::app;
use crate::i18n::Message;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("gone: {0}")]
    Gone(Message),
    /// A valid request that the state of things refuses.
    #[error("conflict: {0}")]
    Conflict(Message),
    #[error("forbidden")]
    Forbidden,
    #[error("CSRF token missing or wrong")]
    CsrfRejected,
    #[error("sign-in required")]
    SignInRequired { next: String },
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("malformed request")]
    BadRequest,
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The one mapping of the application's errors to pages. A form that can say what is wrong
/// next to its fields matches [`app::Error::Invalid`] itself before this; what reaches here is
/// a page of its own.
impl From<app::Error> for AppError {
    fn from(e: app::Error) -> Self {
        match e {
            app::Error::Invalid(_) => AppError::BadRequest,
            // A foreign id and an unknown one answer the same; so do the pages of the other
            // kind of partner.
            app::Error::NotFound(_) | app::Error::WrongKind(_) => AppError::NotFound,
            app::Error::Forbidden(_) => AppError::Forbidden,
            app::Error::Conflict(m) => AppError::Conflict(m),
            app::Error::Gone(m) => AppError::Gone(m),
            app::Error::Store(s) => s.into(),
            app::Error::Internal(e) => AppError::Internal(e),
        }
    }
}

impl AppError {
    pub fn sign_in_required(req: &HttpRequest) -> AppError {
        let uri = req.uri();
        let next = uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
            .to_string();
        AppError::SignInRequired { next }
    }

    /// The title key and the message of the page shown for this error.
    fn page_keys(&self) -> ErrorKeys {
        let (title, text) = match self {
            AppError::Gone(m) => return ErrorKeys::new("error-410-title", m.clone()),
            AppError::Conflict(m) => return ErrorKeys::new("error-409-title", m.clone()),
            AppError::NotFound => ("error-404-title", "error-404-text"),
            AppError::Forbidden => ("error-403-title", "error-403-text"),
            AppError::CsrfRejected => ("error-403-title", "error-csrf-text"),
            AppError::PayloadTooLarge => ("error-413-title", "error-413-text"),
            AppError::BadRequest => ("error-400-title", "error-400-text"),
            AppError::SignInRequired { .. } => ("error-403-title", "error-403-text"),
            AppError::Store(_) | AppError::Internal(_) => ("error-500-title", "error-500-text"),
        };
        ErrorKeys::new(title, Message::new(text))
    }
}

/// A record the actor may not see, or that does not exist, is the page's 404 (a foreign id and
/// an unknown one answer the same); every other store failure is the server's.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            other => AppError::Store(other),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Store(StoreError::Database(e))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::SignInRequired { next } = self {
            let target = format!("{}?next={}", crate::paths::SIGN_IN, urlencode(next));
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .finish();
        }
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        error_page(status, self.page_keys())
    }
}

/// A bare error answer: its status, the keys of what its page says, and a plain-text body in
/// case nothing renders it. `error_page::localize`, around every page, renders it as the styled
/// page in the request's language with the visitor's navigation.
pub fn error_page(status: StatusCode, keys: ErrorKeys) -> HttpResponse {
    let mut res = HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .content_type("text/plain; charset=utf-8")
        .body(status.canonical_reason().unwrap_or("Error"));
    res.extensions_mut().insert(keys);
    res
}

/// What an error page says, kept on its response for `error_page::localize`.
#[derive(Debug, Clone)]
pub struct ErrorKeys {
    pub title: &'static str,
    pub text: Message,
}

impl ErrorKeys {
    pub fn new(title: &'static str, text: Message) -> ErrorKeys {
        ErrorKeys { title, text }
    }
}

/// Answers a middleware's refusal here rather than returning `Err`, so the session middleware
/// outside still writes its cookie (a cleared session, a flash) on it.
pub fn refuse<B>(req: ServiceRequest, e: AppError) -> ServiceResponse<EitherBody<B>> {
    req.error_response(e).map_into_right_body()
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
