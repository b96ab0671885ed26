//! Joining a partner's team (issue 15): the invitation's link asks for a password, then signs
//! the new member in. A used, expired or cancelled link says so.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::page::{Page, PageCtx, redirect, render, render_status};
use super::routes;
use crate::app::team;
use crate::domain::NewPassword;
use crate::state::AppState;
use crate::tokens::hash_token;
use crate::web::error::AppError;
use crate::web::session;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(routes::INVITATION, web::get().to(form))
        .route(routes::INVITATION, web::post().to(join));
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct JoinPage {
    ctx: PageCtx,
    email: String,
    company: String,
    role: String,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct JoinForm {
    password: String,
    password_confirm: String,
}

fn page(ctx: PageCtx, user: &crate::store::users::User, error: Option<String>) -> JoinPage {
    let role = ctx.t(&format!(
        "role-{}",
        user.role.unwrap_or(crate::domain::Role::Viewer)
    ));
    JoinPage {
        ctx,
        email: user.email.clone(),
        company: user.partner_name.clone().unwrap_or_default(),
        role,
        error,
    }
}

async fn form(
    Page { ctx, state, .. }: Page,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let user = team::invited(state.app(), &hash_token(&token)).await?;
    render(&page(ctx, &user, None))
}

async fn join(
    req: HttpRequest,
    state: web::Data<AppState>,
    sess: Session,
    ctx: PageCtx,
    token: web::Path<String>,
    form: web::Form<JoinForm>,
) -> Result<HttpResponse, AppError> {
    let token_hash = hash_token(&token);
    let user = team::invited(state.app(), &token_hash).await?;
    let error = NewPassword::confirmed(&form.password, &form.password_confirm, &user.email)
        .err()
        .map(|e| e.key);
    if let Some(key) = error {
        let e = ctx.t(key);
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(ctx, &user, Some(e)),
        ));
    }
    let hash = state.passwords.hash(&form.password).await?;
    let origin = crate::http::session_origin(&req, &state.settings);
    let (_, id) = team::join(state.app(), &token_hash, &hash, &origin).await?;
    session::begin(&sess, &id, state.now().timestamp())?;
    Ok(redirect(routes::CONSOLE))
}
