//! Public pages anyone can open.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::page::{PageCtx, render};
use super::routes;
use crate::web::error::AppError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(routes::HOME, web::get().to(landing));
}

#[derive(Template)]
#[template(path = "landing.html")]
struct Landing {
    ctx: PageCtx,
}

async fn landing(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    render(&Landing { ctx })
}
