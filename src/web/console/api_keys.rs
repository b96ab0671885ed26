//! API keys: list, create (the private key shown once), revoke with confirmation. Owners and
//! admins only; every query is scoped by the member's partner, so a foreign key id is a 404.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::api_keys as keys;
use crate::store::api_keys::ApiKeyRow;
use crate::web::error::AppError;
use crate::web::guard::Manager;
use crate::web::keys::{KeyCreated, key_created_page};
use crate::web::page::{Page, PageCtx, redirect_with, render, render_status};
use crate::web::routes;
use crate::web::session::FlashLevel;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        routes::within(routes::CONSOLE, routes::CONSOLE_API_KEYS),
        web::get().to(list),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_API_KEYS),
        web::post().to(create),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_API_KEY_REVOKE),
        web::get().to(confirm_revoke),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_API_KEY_REVOKE),
        web::post().to(revoke),
    );
}

#[derive(Template)]
#[template(path = "console/api_keys/list.html")]
struct ListPage {
    ctx: PageCtx,
    keys: Vec<ApiKeyRow>,
    name: String,
    error: Option<String>,
}

async fn list(m: Manager, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let keys = keys::list(state.app(), &m.actor).await?;
    render(&ListPage {
        ctx,
        keys,
        name: String::new(),
        error: None,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CreateForm {
    name: String,
}

async fn create(
    m: Manager,
    Page { ctx, state, .. }: Page,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, AppError> {
    let actor = m.actor.clone();
    match keys::create(state.app(), &state.vault, &actor, &form.name).await {
        Ok(created) => Ok(key_created_page(&KeyCreated::new(
            ctx,
            &state.settings.public_url,
            &created.partner,
            created.key,
            false,
        ))),
        Err(crate::app::Error::Invalid(bad)) => {
            let keys = keys::list(state.app(), &m.actor).await?;
            let error = ctx.field_errors(&bad).remove("name");
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ListPage {
                    ctx,
                    keys,
                    name: form.name.trim().to_string(),
                    error,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "console/api_keys/revoke.html")]
struct RevokePage {
    ctx: PageCtx,
    key: ApiKeyRow,
}

async fn confirm_revoke(
    m: Manager,
    Page { ctx, state, .. }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let key = keys::find(state.app(), &m.actor, *id).await?;
    render(&RevokePage { ctx, key })
}

async fn revoke(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let key = keys::revoke(state.app(), &m.actor, *id).await?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t_args("flash-key-revoked", &[("name", &key.name)]),
        routes::CONSOLE_API_KEYS,
    ))
}
