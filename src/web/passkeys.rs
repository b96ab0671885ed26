//! One's passkeys on the Sign-in security page (issue 26): the registration ceremony's options
//! for the page's script, adding the passkey the browser made, and removing one with the
//! password. The page itself is `security`'s.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::security::{field_id, refused, render_with};
use crate::app::passkeys;
use crate::http::session_origin;
use crate::web::error::AppError;
use crate::web::guard::Person;
use crate::web::page::{FormErrors, Page, redirect_with};
use crate::web::routes;
use crate::web::session::{self, FlashLevel};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        routes::ACCOUNT_PASSKEY_OPTIONS,
        web::post().to(passkey_options),
    )
    .route(routes::ACCOUNT_PASSKEYS, web::post().to(add_passkey))
    .route(
        routes::ACCOUNT_PASSKEY_REMOVE,
        web::post().to(remove_passkey),
    );
}

/// The options of a new passkey's registration, for the page's script.
async fn passkey_options(
    p: Person,
    Page { ctx, sess, state }: Page,
) -> Result<HttpResponse, AppError> {
    let Some(pk) = &state.passkeys else {
        return Ok(HttpResponse::NotFound()
            .json(serde_json::json!({ "error": ctx.t("security-passkeys-unavailable") })));
    };
    let reg = passkeys::begin_registration(state.app(), pk, &p.user).await?;
    let kept = serde_json::to_string(&(&reg.user_handle, &reg.begun.state))
        .map_err(|e| anyhow::anyhow!(e))?;
    session::keep_ceremony(&sess, session::Ceremony::AddPasskey, &kept)?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(reg.begun.options))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AddPasskeyForm {
    name: String,
    /// The browser's answer, put in by the page's script.
    credential: String,
}

async fn add_passkey(
    req: HttpRequest,
    p: Person,
    Page { ctx, sess, state }: Page,
    form: web::Form<AddPasskeyForm>,
) -> Result<HttpResponse, AppError> {
    let kept = session::take_ceremony(&sess, session::Ceremony::AddPasskey)
        .and_then(|k| serde_json::from_str::<(String, String)>(&k).ok());
    let (Some(pk), Some((handle, ceremony))) = (&state.passkeys, kept) else {
        let mut errors = FormErrors::new();
        errors.insert("passkey_name", ctx.t("error-passkey-refused"));
        return render_with(&state, &p, ctx, errors, form.name.clone()).await;
    };
    let origin = session_origin(&req, &state.settings);
    let answer = passkeys::Answer {
        name: &form.name,
        credential: &form.credential,
        state: &ceremony,
        user_handle: &handle,
    };
    match passkeys::add(state.app(), pk, &p.actor, &p.user, answer, &origin).await {
        Ok(id) => {
            session::begin(&sess, &id, state.now().timestamp())?;
            Ok(redirect_with(
                &sess,
                FlashLevel::Success,
                ctx.t("flash-passkey-added"),
                &format!("{}#passkeys", routes::ACCOUNT_SECURITY),
            ))
        }
        Err(crate::app::Error::Invalid(bad)) => {
            let errors = ctx.field_errors(&bad).renamed(|f| field_id("passkey", f));
            render_with(&state, &p, ctx, errors, form.name.clone()).await
        }
        Err(e) => refused(&state, &p, ctx, &sess, e, "passkey").await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RemovePasskeyForm {
    password: String,
}

async fn remove_passkey(
    req: HttpRequest,
    p: Person,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    form: web::Form<RemovePasskeyForm>,
) -> Result<HttpResponse, AppError> {
    let origin = session_origin(&req, &state.settings);
    let done = passkeys::remove(
        state.app(),
        &state.passwords,
        &p.actor,
        &p.user,
        id.into_inner(),
        &form.password,
        &origin,
    )
    .await;
    match done {
        Ok(id) => {
            session::begin(&sess, &id, state.now().timestamp())?;
            Ok(redirect_with(
                &sess,
                FlashLevel::Success,
                ctx.t("flash-passkey-removed"),
                &format!("{}#passkeys", routes::ACCOUNT_SECURITY),
            ))
        }
        Err(e) => refused(&state, &p, ctx, &sess, e, "remove").await,
    }
}
