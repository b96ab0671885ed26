//! Branding: the partner's logos for light and dark mode, replaced here and previewed on both
//! backgrounds and on the public signup page as customers will see it.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::app::logos::{self, LogoField};
use crate::domain::MAX_LOGO_BYTES;
use crate::web::error::AppError;
use crate::web::guard::{Manager, Member};
use crate::web::logos::{Brand, brand};
use crate::web::multipart::FormParts;
use crate::web::page::{Page, PageCtx, redirect, render, render_status};
use crate::web::routes;
use crate::web::session::{self, FlashLevel};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        routes::within(routes::CONSOLE, routes::CONSOLE_BRANDING),
        web::get().to(page),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_BRANDING_PREVIEW),
        web::get().to(preview),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_BRANDING_LOGO),
        web::post().to(replace),
    );
}

#[derive(Template)]
#[template(path = "console/branding/form.html")]
struct BrandingPage {
    ctx: PageCtx,
    brand: Brand,
    can_edit: bool,
    error_mode: String,
    error: Option<String>,
}

impl BrandingPage {
    /// (mode, logo URL, label key) for the light and the dark logo.
    fn slots(&self) -> [(&'static str, Option<&String>, &'static str); 2] {
        [
            ("light", self.brand.light_url.as_ref(), "field-logo-light"),
            ("dark", self.brand.dark_url.as_ref(), "field-logo-dark"),
        ]
    }
}

async fn page(member: Member, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let brand = brand(&state, member.partner_id).await?;
    let can_edit = member.user.is_manager();
    render(&BrandingPage {
        ctx,
        brand,
        can_edit,
        error_mode: String::new(),
        error: None,
    })
}

async fn replace(
    manager: Manager,
    Page { ctx, sess, state }: Page,
    mode: web::Path<String>,
    mp: Multipart,
) -> Result<HttpResponse, AppError> {
    let dark = match mode.as_str() {
        "light" => false,
        "dark" => true,
        _ => return Err(AppError::NotFound),
    };
    let parts = FormParts::read(mp, MAX_LOGO_BYTES).await?;
    match logos::replace(state.app(), &manager.actor, dark, &parts.file("logo")).await? {
        LogoField::Stored { warning, .. } => {
            session::flash(
                &sess,
                FlashLevel::Success,
                ctx.t(if dark {
                    "flash-logo-dark"
                } else {
                    "flash-logo-light"
                }),
            );
            if let Some(w) = warning {
                session::flash(&sess, FlashLevel::Info, ctx.t(w));
            }
            Ok(redirect(routes::CONSOLE_BRANDING))
        }
        LogoField::Refused(key) => {
            let brand = brand(&state, manager.partner_id).await?;
            let page = BrandingPage {
                error: Some(ctx.t(key)),
                ctx,
                brand,
                can_edit: true,
                error_mode: mode.into_inner(),
            };
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

#[derive(Template)]
#[template(path = "console/branding/preview.html")]
struct Preview {
    ctx: PageCtx,
    brand: Brand,
}

/// The public signup page as a partner's customers see it, with the form inert.
async fn preview(member: Member, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let brand = brand(&state, member.partner_id).await?;
    render(&Preview { ctx, brand })
}
