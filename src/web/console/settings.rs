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
            at(routes::CONSOLE_SETTINGS_SESSIONS),
            web::post().to(end_sessions),
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
    sessions: Vec<SessionView>,
}

/// One of the person's sessions as the list shows it.
struct SessionView {
    /// What the end button sends back: the stored hash of the session's id, which signs nobody in.
    reference: String,
    browser: String,
    address: String,
    signed_in: String,
    last_seen: String,
    current: bool,
}

impl SessionView {
    fn of(s: crate::app::sessions::OwnSession) -> SessionView {
        SessionView {
            browser: crate::web::user_agent::describe(&s.row.user_agent),
            address: s.row.address,
            signed_in: s.row.created_at.format("%Y-%m-%d %H:%M").to_string(),
            last_seen: s.row.last_seen_at.format("%Y-%m-%d %H:%M").to_string(),
            current: s.current,
            reference: s.row.session_hash,
        }
    }
}

impl SettingsPage {
    fn others(&self) -> usize {
        self.sessions.iter().filter(|s| !s.current).count()
    }
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
    let limits = crate::app::sessions::Lifetimes::of(&state.settings);
    let sessions =
        crate::app::sessions::list_own(state.app(), m.user.user_id, &m.session_id, limits)
            .await?
            .into_iter()
            .map(SessionView::of)
            .collect();
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
            sessions,
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
struct EndForm {
    /// One session's reference from the list, or empty with `all_others`.
    session: String,
    all_others: String,
}

/// Ends one of the person's other sessions, or all of them; this browser stays signed in.
async fn end_sessions(
    m: Member,
    Page { ctx, sess, state }: Page,
    form: web::Form<EndForm>,
) -> Result<HttpResponse, AppError> {
    use crate::app::sessions::{Ending, end_own};
    let which = if form.all_others == "yes" {
        Ending::AllOthers
    } else {
        Ending::One(form.session.trim())
    };
    let ended = end_own(state.app(), &m.actor, &m.session_id, which).await?;
    let (level, text) = if ended == 0 {
        (FlashLevel::Info, ctx.t("flash-sessions-none"))
    } else {
        let n = ended.to_string();
        (
            FlashLevel::Success,
            ctx.t_args("flash-sessions-ended", &[("count", &n)]),
        )
    };
    Ok(redirect_with(
        &sess,
        level,
        text,
        &format!("{}#sessions", routes::CONSOLE_SETTINGS),
    ))
}
