//! Activating a new partner's owner account (SPEC 2.3): the mailed link sets a password, signs
//! the owner in and shows the partner's first API key, once.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::keys::{KeyCreated, key_created_page};
use super::page::{Page, PageCtx, UserView, render, render_status};
use super::{client_addr, routes};
use crate::app::Actor;
use crate::app::email_links;
use crate::app::onboarding::{self, ACTIVATION_PURPOSE};
use crate::domain::NewPassword;
use crate::state::AppState;
use crate::store::users;
use crate::tokens::hash_token;
use crate::web::error::AppError;
use crate::web::session;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(routes::ACTIVATE, web::get().to(form))
        .route(routes::ACTIVATE, web::post().to(activate));
}

#[derive(Template)]
#[template(path = "activation.html")]
struct ActivatePage {
    ctx: PageCtx,
    email: String,
    company: String,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ActivateForm {
    password: String,
    password_confirm: String,
}

/// The user and partner name behind a usable link.
async fn holder(state: &AppState, token_hash: &str) -> Result<(users::User, String), AppError> {
    let user = email_links::holder(state.app(), ACTIVATION_PURPOSE, token_hash).await?;
    let company = user.partner_name.clone().unwrap_or_default();
    Ok((user, company))
}

async fn form(
    Page { ctx, state, .. }: Page,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (user, company) = holder(&state, &hash_token(&token)).await?;
    render(&ActivatePage {
        ctx,
        email: user.email,
        company,
        error: None,
    })
}

async fn activate(
    req: HttpRequest,
    state: web::Data<AppState>,
    sess: Session,
    ctx: PageCtx,
    token: web::Path<String>,
    form: web::Form<ActivateForm>,
) -> Result<HttpResponse, AppError> {
    let token_hash = hash_token(&token);
    let (user, company) = holder(&state, &token_hash).await?;
    let error = NewPassword::confirmed(&form.password, &form.password_confirm, &user.email)
        .err()
        .map(|e| e.key);
    if let Some(key) = error {
        let page = ActivatePage {
            error: Some(ctx.t(key)),
            ctx,
            email: user.email,
            company,
        };
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let partner_id = user.partner_id.ok_or(AppError::NotFound)?;
    let hash = state.passwords.hash(&form.password).await?;
    let actor = Actor::user(
        user.user_id,
        Some(partner_id),
        client_addr(&req, &state.settings),
    );
    let name = ctx.t("key-first-name");
    let origin = crate::http::session_origin(&req, &state.settings);
    let done = onboarding::activate(
        state.app(),
        &state.vault,
        &actor,
        &token_hash,
        &hash,
        &name,
        &origin,
    )
    .await?;
    let now = state.now();
    session::begin(&sess, &done.session, now.timestamp())?;
    let (partner, key) = (done.partner, done.key);
    // This request signed the owner in: the page shows them so, with the new session's token.
    let mut ctx = ctx;
    ctx.csrf = session::csrf_token(&sess);
    ctx.user = Some(UserView {
        email: user.email.clone(),
        is_operator: false,
        partner_name: Some(partner.name.clone()),
        role: user.role,
        is_msp: partner.is_msp(),
    });
    let page = KeyCreated::new(ctx, &state.settings.public_url, &partner, key, true);
    Ok(key_created_page(&page))
}
