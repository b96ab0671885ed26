//! Public pages anyone can open.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::page::{PageCtx, render};
use super::routes;
use crate::web::error::AppError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(routes::HOME, web::get().to(landing))
        .route(routes::LANGUAGE, web::get().to(choose_language));
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct LanguageChoice {
    to: String,
    next: String,
}

/// The public pages' language switcher: remembers the choice in a cookie for a year and goes
/// back where the visitor was (a path on this site only).
async fn choose_language(q: web::Query<LanguageChoice>) -> HttpResponse {
    let next = super::local_path::local_path(&q.next).unwrap_or_else(|| routes::HOME.to_string());
    let mut res = crate::web::page::redirect(&next);
    if let Some(i18n) = crate::i18n::I18n::for_tag(&q.to) {
        let cookie = actix_web::cookie::Cookie::build(crate::i18n::LANGUAGE_COOKIE, i18n.lang())
            .path("/")
            .max_age(actix_web::cookie::time::Duration::days(365))
            .same_site(actix_web::cookie::SameSite::Lax)
            .http_only(true)
            .finish();
        let _ = res.add_cookie(&cookie);
    }
    res
}

#[derive(Template)]
#[template(path = "public.html")]
struct Landing {
    ctx: PageCtx,
}

async fn landing(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    render(&Landing { ctx })
}
