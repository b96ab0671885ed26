//! CSRF: every state-changing request to the HTML surface must carry the session's token, as the
//! form field `csrf_token` (or, for multipart uploads, the query parameter of the same name).
//! Checked here, once, for every route; the API surfaces authenticate without cookies and are
//! exempt.

use actix_session::SessionExt;
use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use futures_util::StreamExt;

use super::session;
use crate::tokens::constant_time_eq;
use crate::web::error::{AppError, refuse};

pub const FIELD: &str = "csrf_token";
/// Largest url-encoded form read here; larger bodies are refused before any handler runs.
const MAX_FORM_BYTES: usize = 256 * 1024;
/// Paths authenticated by API keys rather than cookies.
const EXEMPT_PREFIXES: &[&str] = &["/api/", "/v1beta1/", "/internal/"];

pub async fn verify_csrf(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || EXEMPT_PREFIXES.iter().any(|p| req.path().starts_with(p)) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let expected = session::existing_csrf_token(&req.get_session());
    let mut submitted = field_of(req.query_string().as_bytes());
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if submitted.is_none() && is_form {
        let mut body = BytesMut::new();
        let mut payload = req.take_payload();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > MAX_FORM_BYTES {
                return Ok(refuse(req, AppError::PayloadTooLarge));
            }
            body.extend_from_slice(&chunk);
        }
        let body: Bytes = body.freeze();
        submitted = field_of(&body);
        // The handler reads the form again from the bytes we consumed.
        req.set_payload(Payload::from(body));
    }
    match (expected, submitted) {
        (Some(e), Some(s)) if constant_time_eq(e.as_bytes(), s.as_bytes()) => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
        _ => Ok(refuse(req, AppError::CsrfRejected)),
    }
}

fn field_of(urlencoded: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(urlencoded)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}
