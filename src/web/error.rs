//! The one error type of the HTML surface, mapped to a status and a styled page in one place.
//! Internal errors are logged with their cause chain; the visitor sees a generic page.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use actix_web::body::EitherBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("gone: {0}")]
    Gone(&'static str),
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

impl From<crate::app::signup_links::LinkError> for AppError {
    fn from(e: crate::app::signup_links::LinkError) -> Self {
        use crate::app::signup_links::LinkError;
        match e {
            // A reseller's console has no signup links: the pages do not exist for it.
            LinkError::NotMsp | LinkError::NotFound => AppError::NotFound,
            LinkError::Invalid(_) => AppError::BadRequest,
            LinkError::Forbidden(_) => AppError::Forbidden,
            LinkError::Store(s) => AppError::Store(s),
        }
    }
}

impl From<crate::app::api_keys::KeyError> for AppError {
    fn from(e: crate::app::api_keys::KeyError) -> Self {
        use crate::app::api_keys::KeyError;
        match e {
            KeyError::NotFound => AppError::NotFound,
            KeyError::Name => AppError::BadRequest,
            KeyError::Forbidden(_) => AppError::Forbidden,
            KeyError::Store(s) => AppError::Store(s),
            KeyError::Internal(e) => AppError::Internal(e),
        }
    }
}

impl From<crate::app::customers::ChangeError> for AppError {
    fn from(e: crate::app::customers::ChangeError) -> Self {
        match e {
            crate::app::customers::ChangeError::NotFound => AppError::NotFound,
            crate::app::customers::ChangeError::Forbidden(_) => AppError::Forbidden,
            crate::app::customers::ChangeError::Store(s) => AppError::Store(s),
        }
    }
}

impl From<crate::app::partners::PartnerError> for AppError {
    fn from(e: crate::app::partners::PartnerError) -> Self {
        match e {
            crate::app::partners::PartnerError::NotFound => AppError::NotFound,
            crate::app::partners::PartnerError::Store(s) => AppError::Store(s),
        }
    }
}

impl From<crate::app::grants::GrantError> for AppError {
    fn from(e: crate::app::grants::GrantError) -> Self {
        match e {
            crate::app::grants::GrantError::NotFound => AppError::NotFound,
            crate::app::grants::GrantError::Store(s) => AppError::Store(s),
        }
    }
}

impl From<crate::app::offers::OfferError> for AppError {
    fn from(e: crate::app::offers::OfferError) -> Self {
        use crate::app::offers::OfferError;
        match e {
            // An MSP's console has no offers: the pages do not exist for it.
            OfferError::NotReseller | OfferError::NotFound => AppError::NotFound,
            OfferError::Invalid(_) | OfferError::State(..) | OfferError::Replaced(_) => {
                AppError::BadRequest
            }
            OfferError::Forbidden(_) => AppError::Forbidden,
            OfferError::Store(s) => AppError::Store(s),
        }
    }
}

impl From<crate::app::authorizations::AuthorizationError> for AppError {
    fn from(e: crate::app::authorizations::AuthorizationError) -> Self {
        use crate::app::authorizations::AuthorizationError as E;
        match e {
            E::NotReseller | E::NotFound => AppError::NotFound,
            E::Invalid(_) | E::NotDraft(_) | E::Transition(..) => AppError::BadRequest,
            E::Store(s) => AppError::Store(s),
        }
    }
}

impl From<crate::app::logos::ReplaceError> for AppError {
    fn from(e: crate::app::logos::ReplaceError) -> Self {
        match e {
            crate::app::logos::ReplaceError::Forbidden(_) => AppError::Forbidden,
            crate::app::logos::ReplaceError::Store(s) => AppError::Store(s),
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

    /// (title key, message key) of the page shown for this error.
    fn page_keys(&self) -> (&'static str, &'static str) {
        match self {
            AppError::NotFound => ("error-404-title", "error-404-text"),
            AppError::Gone(text) => ("error-410-title", text),
            AppError::Forbidden => ("error-403-title", "error-403-text"),
            AppError::CsrfRejected => ("error-403-title", "error-csrf-text"),
            AppError::PayloadTooLarge => ("error-413-title", "error-413-text"),
            AppError::BadRequest => ("error-400-title", "error-400-text"),
            AppError::SignInRequired { .. } => ("error-403-title", "error-403-text"),
            AppError::Store(_) | AppError::Internal(_) => ("error-500-title", "error-500-text"),
        }
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

/// A month outside the window is a bad request (the pages check their month first).
impl From<crate::app::bills::BillError> for AppError {
    fn from(e: crate::app::bills::BillError) -> Self {
        match e {
            crate::app::bills::BillError::OutOfWindow(_) => AppError::BadRequest,
            crate::app::bills::BillError::Store(s) => s.into(),
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
pub fn error_page(status: StatusCode, keys: (&'static str, &'static str)) -> HttpResponse {
    let mut res = HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .content_type("text/plain; charset=utf-8")
        .body(status.canonical_reason().unwrap_or("Error"));
    res.extensions_mut().insert(ErrorKeys(keys));
    res
}

/// What an error page says, kept on its response for `error_page::localize`.
#[derive(Debug, Clone, Copy)]
pub struct ErrorKeys(pub (&'static str, &'static str));

/// Answers a middleware's refusal here rather than returning `Err`, so the session middleware
/// outside still writes its cookie (a cleared session, a flash) on it.
pub fn refuse<B>(req: ServiceRequest, e: AppError) -> ServiceResponse<EitherBody<B>> {
    req.error_response(e).map_into_right_body()
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
