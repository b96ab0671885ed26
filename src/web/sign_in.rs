//! Signing in and out, and resetting a forgotten password.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::local_path::local_path;
use super::page::{Page, PageCtx, redirect, redirect_with, render, render_status};
use super::{client_addr, routes};
use crate::app::passwords::{self, RESET_PURPOSE};
use crate::app::sign_in::{self, Refusal, Signed};
use crate::app::{Actor, email_links, sessions};
use crate::domain::{Email, NewPassword};
use crate::http::session_origin;
use crate::state::AppState;
use crate::store::users::User;
use crate::tokens::hash_token;
use crate::web::error::AppError;
use crate::web::session::{self, FlashLevel};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(routes::SIGN_IN, web::get().to(sign_in_form))
        .route(routes::SIGN_IN, web::post().to(sign_in))
        .route(
            routes::SIGN_IN_PASSKEY_OPTIONS,
            web::post().to(passkey_options),
        )
        .route(routes::SIGN_IN_PASSKEY, web::post().to(passkey))
        .route(routes::SIGN_OUT, web::post().to(sign_out))
        .route(routes::PASSWORD_FORGOT, web::get().to(forgot_form))
        .route(routes::PASSWORD_FORGOT, web::post().to(forgot))
        .route(routes::PASSWORD_RESET, web::get().to(reset_form))
        .route(routes::PASSWORD_RESET, web::post().to(reset));
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SignInForm {
    email: String,
    password: String,
    next: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SignInQuery {
    next: String,
    signed_out: Option<String>,
}

#[derive(Template)]
#[template(path = "sign_in/form.html")]
struct SignInPage {
    ctx: PageCtx,
    email: String,
    next: String,
    error: Option<String>,
    notice: Option<String>,
    /// Whether a passkey can sign in here (the console is at a domain name).
    passkeys: bool,
}

async fn sign_in_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    q: web::Query<SignInQuery>,
) -> Result<HttpResponse, AppError> {
    if ctx.user.is_some() {
        return Ok(redirect(ctx.home_href()));
    }
    let notice = q.signed_out.as_ref().map(|_| ctx.t("flash-signed-out"));
    render(&SignInPage {
        next: local_path(&q.next).unwrap_or_default(),
        ctx,
        email: String::new(),
        error: None,
        notice,
        passkeys: state.passkeys.is_some(),
    })
}

async fn sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    sess: Session,
    ctx: PageCtx,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let origin = session_origin(&req, &state.settings);
    let signed = sign_in::sign_in(
        state.app(),
        &state.settings,
        &state.passwords,
        &form.email,
        &form.password,
        &origin,
    )
    .await?;
    let next = local_path(&form.next).unwrap_or_default();
    let refusal = match signed {
        Ok(Signed::In(user, id)) => {
            session::begin(&sess, &id, state.now().timestamp())?;
            return Ok(redirect(&landing(&user, &next)));
        }
        Ok(Signed::SecondFactor(user)) => {
            session::await_second_factor(
                &sess,
                &session::PendingSecondFactor {
                    user_id: user.user_id,
                    password_at: state.now().timestamp(),
                    next,
                },
            )?;
            return Ok(redirect(routes::SIGN_IN_CODE));
        }
        Err(r) => r,
    };
    let page = SignInPage {
        error: Some(ctx.t(refusal_key(refusal).1)),
        email: form.email,
        next,
        notice: None,
        passkeys: state.passkeys.is_some(),
        ctx,
    };
    Ok(render_status(refusal_key(refusal).0, &page))
}

/// Where a person lands once signed in: where they were going, else their area's home.
pub(super) fn landing(user: &User, next: &str) -> String {
    if !next.is_empty() {
        return next.to_string();
    }
    let home = if user.is_operator {
        routes::ADMIN
    } else {
        routes::CONSOLE
    };
    home.to_string()
}

pub(super) fn refusal_key(refusal: Refusal) -> (StatusCode, &'static str) {
    match refusal {
        Refusal::TooManyFromAddress => (
            StatusCode::TOO_MANY_REQUESTS,
            "error-signin-throttled-address",
        ),
        Refusal::TooManyForAccount => (
            StatusCode::TOO_MANY_REQUESTS,
            "error-signin-throttled-account",
        ),
        Refusal::Wrong => (StatusCode::UNAUTHORIZED, "error-signin-wrong"),
        Refusal::Suspended => (StatusCode::FORBIDDEN, "error-signin-suspended"),
        Refusal::WrongCode => (StatusCode::UNAUTHORIZED, "error-signin-code-wrong"),
        Refusal::Expired => (StatusCode::UNAUTHORIZED, "error-signin-code-expired"),
        Refusal::WrongPasskey => (StatusCode::UNAUTHORIZED, "error-signin-passkey-wrong"),
    }
}

/// A WebAuthn ceremony's options, for the page's script; never cached.
pub(super) fn ceremony_options(json: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(json)
}

/// What the page's script tells when a ceremony cannot start.
pub(super) fn ceremony_refused(status: StatusCode, text: String) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({ "error": text }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PasskeyForm {
    /// The browser's answer (`PublicKeyCredential.toJSON()`), put in by the page's script.
    pub(super) credential: String,
    pub(super) next: String,
}

/// The options of a sign-in with a passkey alone.
async fn passkey_options(
    state: web::Data<AppState>,
    ctx: PageCtx,
    sess: Session,
) -> Result<HttpResponse, AppError> {
    let Some(pk) = &state.passkeys else {
        return Ok(ceremony_refused(
            StatusCode::NOT_FOUND,
            ctx.t("security-passkeys-unavailable"),
        ));
    };
    let begun = pk.begin_discoverable().map_err(|e| anyhow::anyhow!(e))?;
    session::keep_ceremony(&sess, session::Ceremony::SignIn, &begun.state)?;
    Ok(ceremony_options(begun.options))
}

async fn passkey(
    req: HttpRequest,
    state: web::Data<AppState>,
    sess: Session,
    ctx: PageCtx,
    form: web::Form<PasskeyForm>,
) -> Result<HttpResponse, AppError> {
    let next = local_path(&form.next).unwrap_or_default();
    let ceremony = session::take_ceremony(&sess, session::Ceremony::SignIn);
    let refusal = match (&state.passkeys, ceremony) {
        (Some(pk), Some(ceremony)) => {
            let origin = session_origin(&req, &state.settings);
            let signed = sign_in::passkey_sign_in(
                state.app(),
                &state.settings,
                pk,
                &form.credential,
                &ceremony,
                &origin,
            )
            .await?;
            match signed {
                Ok((user, id)) => {
                    session::begin(&sess, &id, state.now().timestamp())?;
                    return Ok(redirect(&landing(&user, &next)));
                }
                Err(r) => r,
            }
        }
        _ => Refusal::WrongPasskey,
    };
    let (status, key) = refusal_key(refusal);
    let page = SignInPage {
        error: Some(ctx.t(key)),
        email: String::new(),
        next,
        notice: None,
        passkeys: state.passkeys.is_some(),
        ctx,
    };
    Ok(render_status(status, &page))
}

/// Ends the session on the server too: a copy of the cookie is worth nothing afterwards.
async fn sign_out(state: web::Data<AppState>, sess: Session) -> Result<HttpResponse, AppError> {
    if let Some(id) = session::end(&sess) {
        sessions::end(&state.db, &id).await?;
    }
    Ok(redirect(&routes::signed_out()))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ForgotForm {
    email: String,
}

#[derive(Template)]
#[template(path = "sign_in/forgot.html")]
struct ForgotPage {
    ctx: PageCtx,
    email: String,
    error: Option<String>,
    sent: bool,
}

async fn forgot_form(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    render(&ForgotPage {
        ctx,
        email: String::new(),
        error: None,
        sent: false,
    })
}

/// Always answers the same page, whether or not the account exists.
async fn forgot(
    Page { ctx, state, .. }: Page,
    form: web::Form<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let email = match Email::parse(&form.email) {
        Ok(e) => e,
        Err(e) => {
            let page = ForgotPage {
                error: Some(ctx.t(e.key)),
                email: form.email.clone(),
                sent: false,
                ctx,
            };
            return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    passwords::request_reset(state.app(), &email, &ctx.i18n).await?;
    render(&ForgotPage {
        ctx,
        email: String::new(),
        error: None,
        sent: true,
    })
}

#[derive(Template)]
#[template(path = "sign_in/reset.html")]
struct ResetPage {
    ctx: PageCtx,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResetForm {
    password: String,
    password_confirm: String,
}

async fn reset_form(
    Page { ctx, state, .. }: Page,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    email_links::holder(state.app(), RESET_PURPOSE, &hash_token(&token)).await?;
    render(&ResetPage { ctx, error: None })
}

async fn reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    sess: Session,
    ctx: PageCtx,
    token: web::Path<String>,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let token_hash = hash_token(&token);
    let user = email_links::holder(state.app(), RESET_PURPOSE, &token_hash).await?;
    let user_id = user.user_id;
    let error = NewPassword::confirmed(&form.password, &form.password_confirm, &user.email)
        .err()
        .map(|e| e.key);
    if let Some(key) = error {
        let page = ResetPage {
            error: Some(ctx.t(key)),
            ctx,
        };
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    // Hashed before the transaction opens: SQLite's write lock is not held while argon2 runs.
    let hash = state.passwords.hash(&form.password).await?;
    let actor = Actor::user(user_id, user.partner_id, client_addr(&req, &state.settings));
    passwords::complete_reset(state.app(), &actor, &token_hash, &hash).await?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t("flash-password-changed"),
        routes::SIGN_IN,
    ))
}
