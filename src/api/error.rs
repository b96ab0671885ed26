//! JSON errors in the shape of the vendor's public API: `{"code", "error", "msgPrefix", "status"}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder};
use serde_json::json;

pub fn json_error(status: StatusCode, code: &str, error: serde_json::Value) -> HttpResponse {
    HttpResponseBuilder::new(status).json(json!({
        "code": code,
        "error": error,
        "msgPrefix": "",
        "status": status.as_u16(),
    }))
}
