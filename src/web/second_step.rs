//! The second step of signing in, for an account with two-factor sign-in: a code from the
//! authenticator app, a recovery code, or one of the person's passkeys, within minutes of the
//! right password. Nobody is signed in until it is done.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::page::{PageCtx, redirect, redirect_with, render_status};
use super::routes;
use super::sign_in::{PasskeyForm, ceremony_options, ceremony_refused, landing, refusal_key};
use crate::app::sign_in::{self, Refusal};
use crate::app::two_factor::Factor;
use crate::http::session_origin;
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::session::{self, FlashLevel};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(routes::SIGN_IN_CODE, web::get().to(code_form))
        .route(routes::SIGN_IN_CODE, web::post().to(code))
        .route(
            routes::SIGN_IN_CODE_PASSKEY_OPTIONS,
            web::post().to(code_passkey_options),
        )
        .route(routes::SIGN_IN_CODE_PASSKEY, web::post().to(code_passkey));
}

#[derive(Template)]
#[template(path = "second_step.html")]
struct CodePage {
    ctx: PageCtx,
    error: Option<String>,
    /// Which second factors the person has: the code field, the passkey button.
    totp: bool,
    passkey: bool,
}

/// The second step's page for the person half-way in, with `error`.
async fn code_page(
    state: &AppState,
    ctx: PageCtx,
    user_id: i64,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let user = sign_in::pending_user(state.app(), user_id).await?;
    let (totp, passkey) = user.map_or((true, false), |u| (u.has_totp, u.has_passkey));
    let page = CodePage {
        ctx,
        error,
        totp,
        passkey: passkey && state.passkeys.is_some(),
    };
    Ok(render_status(status, &page))
}

/// The second step, for someone whose password was right a moment ago; anyone else starts at
/// the first.
async fn code_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    sess: Session,
) -> Result<HttpResponse, AppError> {
    if ctx.user.is_some() {
        return Ok(redirect(ctx.home_href()));
    }
    let Some(pending) = session::pending_second_factor(&sess) else {
        return Ok(redirect(routes::SIGN_IN));
    };
    code_page(&state, ctx, pending.user_id, StatusCode::OK, None).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CodeForm {
    code: String,
}

async fn code(
    req: HttpRequest,
    state: web::Data<AppState>,
    sess: Session,
    ctx: PageCtx,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let Some(pending) = session::pending_second_factor(&sess) else {
        return Ok(redirect(routes::SIGN_IN));
    };
    let origin = session_origin(&req, &state.settings);
    let signed = sign_in::second_factor(
        state.app(),
        &state.settings,
        &state.vault,
        pending.half_way(),
        &form.code,
        &origin,
    )
    .await?;
    let refusal = match signed {
        Ok((user, id, factor)) => {
            session::begin(&sess, &id, state.now().timestamp())?;
            if let Factor::RecoveryCode { left } = factor {
                let n = left.to_string();
                session::flash(
                    &sess,
                    FlashLevel::Info,
                    ctx.t_args("flash-recovery-code-used", &[("count", &n)]),
                );
            }
            return Ok(redirect(&landing(&user, &pending.next)));
        }
        Err(r) => r,
    };
    second_step_refused(&state, &sess, ctx, &pending, refusal).await
}

/// A refused second step: the code page again with why, or the first step where the person
/// must start again.
async fn second_step_refused(
    state: &AppState,
    sess: &Session,
    ctx: PageCtx,
    pending: &session::PendingSecondFactor,
    refusal: Refusal,
) -> Result<HttpResponse, AppError> {
    let (status, key) = refusal_key(refusal);
    if matches!(refusal, Refusal::Expired | Refusal::Suspended) {
        // The person starts again at the first step, told why.
        session::forget_second_factor(sess);
        let to = if pending.next.is_empty() {
            routes::SIGN_IN.to_string()
        } else {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair("next", &pending.next);
            format!("{}?{}", routes::SIGN_IN, q.finish())
        };
        return Ok(redirect_with(sess, FlashLevel::Error, ctx.t(key), &to));
    }
    let error = Some(ctx.t(key));
    code_page(state, ctx, pending.user_id, status, error).await
}

/// The options of the second step with a passkey, for the person half-way in.
async fn code_passkey_options(
    state: web::Data<AppState>,
    ctx: PageCtx,
    sess: Session,
) -> Result<HttpResponse, AppError> {
    let (Some(pk), Some(pending)) = (&state.passkeys, session::pending_second_factor(&sess)) else {
        return Ok(ceremony_refused(
            StatusCode::NOT_FOUND,
            ctx.t("error-signin-code-expired"),
        ));
    };
    match sign_in::begin_passkey_second_factor(state.app(), pk, pending.user_id).await? {
        Some(begun) => {
            session::keep_ceremony(&sess, session::Ceremony::SecondFactor, &begun.state)?;
            Ok(ceremony_options(begun.options))
        }
        None => Ok(ceremony_refused(
            StatusCode::NOT_FOUND,
            ctx.t("error-signin-passkey-wrong"),
        )),
    }
}

async fn code_passkey(
    req: HttpRequest,
    state: web::Data<AppState>,
    sess: Session,
    ctx: PageCtx,
    form: web::Form<PasskeyForm>,
) -> Result<HttpResponse, AppError> {
    let Some(pending) = session::pending_second_factor(&sess) else {
        return Ok(redirect(routes::SIGN_IN));
    };
    let ceremony = session::take_ceremony(&sess, session::Ceremony::SecondFactor);
    let (Some(pk), Some(ceremony)) = (&state.passkeys, ceremony) else {
        return second_step_refused(&state, &sess, ctx, &pending, Refusal::WrongPasskey).await;
    };
    let origin = session_origin(&req, &state.settings);
    let signed = sign_in::passkey_second_factor(
        state.app(),
        &state.settings,
        pk,
        pending.half_way(),
        &form.credential,
        &ceremony,
        &origin,
    )
    .await?;
    match signed {
        Ok((user, id)) => {
            session::begin(&sess, &id, state.now().timestamp())?;
            Ok(redirect(&landing(&user, &pending.next)))
        }
        Err(r) => second_step_refused(&state, &sess, ctx, &pending, r).await,
    }
}
