//! The styled error page. Every error of the pages answers bare (`error::error_page`: status and
//! message keys); [`localize`], wrapped around the pages, renders it here in the request's
//! language with the visitor's navigation, so the error type needs no templates of its own.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpResponse};
use askama::Template;

use super::error::{AppError, ErrorKeys};
use super::page::{PageCtx, render_status};

/// The styled page for errors and unknown routes.
#[derive(Template)]
#[template(path = "error_page.html")]
pub struct ErrorPage {
    pub ctx: PageCtx,
    pub status: u16,
    pub title: String,
    pub text: String,
}

/// Renders every bare error answer as the styled page.
pub async fn localize(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let Some(ErrorKeys { title, text }) = res.response().extensions().get::<ErrorKeys>().cloned()
    else {
        return Ok(res);
    };
    let status = res.status();
    let (req, _) = res.into_parts();
    let ctx = PageCtx::extract(&req)
        .await
        .unwrap_or_else(|_| PageCtx::anonymous());
    let page = ErrorPage {
        title: ctx.t(title),
        text: ctx.i18n.say(&text),
        status: status.as_u16(),
        ctx,
    };
    let mut res = render_status(status, &page);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(ServiceResponse::new(req, res))
}

/// What answers a path no route serves.
pub async fn not_found() -> HttpResponse {
    actix_web::ResponseError::error_response(&AppError::NotFound)
}
