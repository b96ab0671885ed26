//! JSON errors in the shape of the vendor's public API: `{"code", "error", "msgPrefix", "status"}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder};
use serde::Serialize;
use utoipa::ToSchema;

/// Every error of the APIs.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Error)]
pub struct ErrorBody {
    /// A short name of the failure: `InvalidArgument`, `Unauthenticated`, `PermissionDenied`,
    /// `NotFound`, `ResourceExhausted` or `Internal`.
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
