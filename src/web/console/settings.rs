//! Settings (issue 15): profile and language, password, and the partner's own details for its
//! owner. Each form re-renders with its values and a message at the wrong field.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::settings;
use crate::domain::{Action, NewPassword};
use crate::http::session_origin;
use crate::i18n::LANGUAGES;
use crate::state::AppState;
use crate::store::partners::Partner;
use crate::web::error::AppError;
use crate::web::guard::Member;
use crate::web::page::{FormErrors, Page, PageCtx, redirect_with, render_status};
use crate::web::routes;
use crate::web::session::{self, FlashLevel};
use actix_session::Session;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let at = |p| routes::within(routes::CONSOLE, p);
    cfg.route(at(routes::CONSOLE_SETTINGS), web::get().to(page))
        .route(
            at(routes::CONSOLE_SETTINGS_PROFILE),
            web::post().to(profile),
        )
        .route(
            at(routes::CONSOLE_SETTINGS_PASSWORD),
            web::post().to(password),
        )
        .route(
            at(routes::CONSOLE_SETTINGS_PARTNER),
            web::post().to(partner),
        )
        .route(
            at(routes::CONSOLE_SETTINGS_TWO_FACTOR),
            web::post().to(require_two_factor),
        );
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct ProfileForm {
    display_name: String,
    language: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct PasswordForm {
    current: String,
    password: String,
    password_confirm: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct PartnerForm {
    contact_email: String,
    website_url: String,
}

#[derive(Template)]
#[template(path = "console/settings.html")]
struct SettingsPage {
    ctx: PageCtx,
    email: String,
    profile: ProfileForm,
    partner: PartnerForm,
    partner_name: String,
    can_edit_partner: bool,
    languages: &'static [(&'static str, &'static str)],
    errors: FormErrors,
    /// The person's own second factor, and whether the partner requires one of every member.
    has_two_factor: bool,
    two_factor_required: bool,
    can_require_two_factor: bool,
}

/// The page with what is stored, or with `profile`/`partner` as posted and `errors`.
async fn render_page(
    state: &AppState,
    m: &Member,
    ctx: PageCtx,
    profile: Option<ProfileForm>,
    partner: Option<PartnerForm>,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let p: Partner = crate::app::partners::own(state.app(), &m.actor).await?;
    let status = errors.status();
    let actor = m.actor.clone();
    Ok(render_status(
        status,
        &SettingsPage {
            email: m.user.email.clone(),
            profile: profile.unwrap_or_else(|| ProfileForm {
                display_name: m.user.display_name.clone(),
                language: m.user.language.clone().unwrap_or_default(),
            }),
            partner: partner.unwrap_or(PartnerForm {
                contact_email: p.contact_email.clone(),
                website_url: p.website_url.clone(),
            }),
            partner_name: p.name,
            can_edit_partner: actor.may(Action::EditPartnerDetails),
            languages: LANGUAGES,
            errors,
            has_two_factor: m.user.has_two_factor(),
            two_factor_required: m.user.partner_requires_two_factor,
            can_require_two_factor: actor.may(Action::RequireTwoFactor),
            ctx,
        },
    ))
}

async fn page(m: Member, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    render_page(&state, &m, ctx, None, None, FormErrors::new()).await
}

fn field_error(ctx: &PageCtx, e: crate::app::Error) -> Result<FormErrors, AppError> {
    match e {
        crate::app::Error::Invalid(bad) => Ok(ctx.field_errors(&bad)),
        other => Err(other.into()),
    }
}

/// Back to the settings page, saying the change was saved.
fn saved(sess: &Session, ctx: &PageCtx) -> HttpResponse {
    let text = ctx.t("flash-settings-saved");
    redirect_with(sess, FlashLevel::Success, text, routes::CONSOLE_SETTINGS)
}

async fn profile(
    m: Member,
    Page { ctx, sess, state }: Page,
    form: web::Form<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let v = form.into_inner();
    match settings::update_profile(state.app(), &m.actor, &v.display_name, &v.language).await {
        Ok(()) => Ok(saved(&sess, &ctx)),
        Err(e) => {
            let errors = field_error(&ctx, e)?;
            render_page(&state, &m, ctx, Some(v), None, errors).await
        }
    }
}

async fn password(
    req: HttpRequest,
    m: Member,
    Page { ctx, sess, state }: Page,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let current_ok = state
        .passwords
        .verify(&form.current, m.user.password_hash.as_deref())
        .await?;
    let refusal = if !current_ok {
        Some(("current", "error-current-password"))
    } else {
        NewPassword::confirmed(&form.password, &form.password_confirm, &m.user.email)
            .err()
            .map(|e| ("password", e.key))
    };
    if let Some((field, key)) = refusal {
        let mut errors = FormErrors::new();
        errors.insert(field, ctx.t(key));
        return render_page(&state, &m, ctx, None, None, errors).await;
    }
    let hash = state.passwords.hash(&form.password).await?;
    let origin = session_origin(&req, &state.settings);
    let id = settings::change_password(state.app(), &m.actor, &hash, &origin).await?;
    // Every session ended with the change; this browser goes on under a new one.
    session::begin(&sess, &id, state.now().timestamp())?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t("flash-password-set"),
        routes::CONSOLE_SETTINGS,
    ))
}

async fn partner(
    m: Member,
    Page { ctx, sess, state }: Page,
    form: web::Form<PartnerForm>,
) -> Result<HttpResponse, AppError> {
    let v = form.into_inner();
    match settings::update_partner(state.app(), &m.actor, &v.contact_email, &v.website_url).await {
        Ok(()) => Ok(saved(&sess, &ctx)),
        Err(e) => {
            let errors = field_error(&ctx, e)?;
            render_page(&state, &m, ctx, None, Some(v), errors).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RequireForm {
    required: String,
}

/// The owner requires two-factor sign-in of every member, or stops requiring it.
async fn require_two_factor(
    m: Member,
    Page { ctx, sess, state }: Page,
    form: web::Form<RequireForm>,
) -> Result<HttpResponse, AppError> {
    let required = form.required == "yes";
    match settings::require_two_factor(state.app(), &m.actor, &m.user, required).await {
        Ok(()) => {
            let key = if required {
                "flash-two-factor-required"
            } else {
                "flash-two-factor-not-required"
            };
            Ok(redirect_with(
                &sess,
                FlashLevel::Success,
                ctx.t(key),
                &format!("{}#security", routes::CONSOLE_SETTINGS),
            ))
        }
        // The owner must have it first: said on the page. Others may not (403).
        Err(crate::app::Error::Conflict(m)) => Ok(redirect_with(
            &sess,
            FlashLevel::Error,
            ctx.say(&m),
            &format!("{}#security", routes::CONSOLE_SETTINGS),
        )),
        Err(e) => Err(e.into()),
    }
}
