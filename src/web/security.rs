//! One's own sign-in security, for operators and members alike (issue 26): two-factor sign-in
//! with an authenticator app (enrolment with a QR code drawn here as SVG, recovery codes shown
//! once, turning it off), and where one is signed in. Someone who must use two-factor sign-in
//! and does not yet is sent here by the area guards, and this page says why.

use actix_session::Session;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::passkeys;
use crate::app::sessions::{self, Ending, Lifetimes, OwnSession};
use crate::app::two_factor::{self, Issued, Proof};
use crate::http::session_origin;
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::guard::{Person, must_enrol};
use crate::web::page::{FormErrors, Page, PageCtx, redirect_with, render_status};
use crate::web::routes;
use crate::web::session::{self, FlashLevel};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(routes::ACCOUNT_SECURITY, web::get().to(page))
        .route(routes::ACCOUNT_TWO_FACTOR_START, web::post().to(start))
        .route(routes::ACCOUNT_TWO_FACTOR_CONFIRM, web::post().to(confirm))
        .route(routes::ACCOUNT_TWO_FACTOR_OFF, web::post().to(turn_off))
        .route(routes::ACCOUNT_RECOVERY_CODES, web::post().to(renew_codes))
        .route(routes::ACCOUNT_SESSIONS, web::post().to(end_sessions));
}

#[derive(Template)]
#[template(path = "security/page.html")]
struct SecurityPage {
    ctx: PageCtx,
    email: String,
    /// Why the person was sent here: two-factor sign-in is required and they have none.
    must_enrol: bool,
    enabled_at: Option<String>,
    recovery_codes_left: i64,
    enrolling: Option<EnrolView>,
    errors: FormErrors,
    sessions: Vec<SessionView>,
    /// Whether passkeys work here (the console is at a domain name).
    passkeys_available: bool,
    passkeys: Vec<PasskeyView>,
    /// The name typed for a new passkey, kept when it is refused.
    passkey_name: String,
}

struct PasskeyView {
    remove_href: String,
    name: String,
    added: String,
    last_used: Option<String>,
}

impl SecurityPage {
    fn others(&self) -> usize {
        self.sessions.iter().filter(|s| !s.current).count()
    }
}

/// What the person's authenticator app needs: the QR code and the same secret in text.
struct EnrolView {
    qr_svg: String,
    secret_text: String,
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
    fn of(s: OwnSession) -> SessionView {
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

/// The name the authenticator app lists the account under.
fn issuer(state: &AppState) -> String {
    format!("{} Partner Console", state.settings.vendor_name)
}

/// The QR code of `uri`, as inline SVG: black on white whatever the page's colours, which is
/// what cameras read.
fn qr_svg(uri: &str) -> Result<String, AppError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|e| anyhow::anyhow!("the enrolment QR code cannot be drawn: {e}"))?;
    let drawn = code
        .render::<svg::Color>()
        .min_dimensions(208, 208)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // The XML declaration has no place inside HTML.
    Ok(drawn
        .find("<svg")
        .map_or(drawn.clone(), |at| drawn[at..].to_string()))
}

async fn render_page(
    state: &AppState,
    p: &Person,
    ctx: PageCtx,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    render_with(state, p, ctx, errors, String::new()).await
}

pub(super) async fn render_with(
    state: &AppState,
    p: &Person,
    ctx: PageCtx,
    errors: FormErrors,
    passkey_name: String,
) -> Result<HttpResponse, AppError> {
    let minute = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    let passkeys = passkeys::list(state.app(), p.user.user_id)
        .await?
        .into_iter()
        .map(|k| PasskeyView {
            remove_href: routes::account_passkey_remove(k.passkey_id),
            name: k.name,
            added: minute(k.created_at),
            last_used: k.last_used_at.map(minute),
        })
        .collect();
    let status = two_factor::status(state.app(), &state.vault, &p.user, &issuer(state)).await?;
    let enrolling = match status.enrolling {
        Some(e) => Some(EnrolView {
            qr_svg: qr_svg(&e.uri)?,
            secret_text: e.secret_text,
        }),
        None => None,
    };
    let limits = Lifetimes::of(&state.settings);
    let sessions = sessions::list_own(state.app(), p.user.user_id, &p.session_id, limits)
        .await?
        .into_iter()
        .map(SessionView::of)
        .collect();
    let code = errors.status();
    Ok(render_status(
        code,
        &SecurityPage {
            email: p.user.email.clone(),
            must_enrol: must_enrol(&p.user, &state.settings),
            enabled_at: status
                .enabled_at
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
            recovery_codes_left: status.recovery_codes_left,
            enrolling,
            errors,
            sessions,
            passkeys_available: state.passkeys.is_some(),
            passkeys,
            passkey_name,
            ctx,
        },
    ))
}

async fn page(p: Person, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    render_page(&state, &p, ctx, FormErrors::new()).await
}

/// Back to the page's two-factor section with a message.
fn back(sess: &Session, level: FlashLevel, text: String) -> HttpResponse {
    redirect_with(
        sess,
        level,
        text,
        &format!("{}#two-factor", routes::ACCOUNT_SECURITY),
    )
}

/// A refusal of the use case shown on the page: the fields' errors under the ids of the form
/// that was sent, anything else as a flash.
pub(super) async fn refused(
    state: &AppState,
    p: &Person,
    ctx: PageCtx,
    sess: &Session,
    e: crate::app::Error,
    form: &'static str,
) -> Result<HttpResponse, AppError> {
    match e {
        crate::app::Error::Invalid(bad) => {
            let errors = ctx.field_errors(&bad).renamed(|f| field_id(form, f));
            render_page(state, p, ctx, errors).await
        }
        other => match ctx.refusal(&other) {
            Some(text) => Ok(back(sess, FlashLevel::Error, text)),
            None => Err(other.into()),
        },
    }
}

/// The id of field `field` in the form `form` (the page holds three forms with a code field).
pub(super) fn field_id(form: &'static str, field: &'static str) -> &'static str {
    match (form, field) {
        ("confirm", _) => "confirm_code",
        ("off", "password") => "off_password",
        ("off", _) => "off_code",
        ("codes", "password") => "codes_password",
        ("passkey", _) => "passkey_name",
        ("remove", _) => "remove_password",
        (_, _) => "codes_code",
    }
}

async fn start(p: Person, Page { ctx, sess, state }: Page) -> Result<HttpResponse, AppError> {
    match two_factor::start(state.app(), &state.vault, &p.actor).await {
        Ok(()) => Ok(redirect_with(
            &sess,
            FlashLevel::Info,
            ctx.t("flash-two-factor-scan"),
            &format!("{}#two-factor", routes::ACCOUNT_SECURITY),
        )),
        Err(e) => refused(&state, &p, ctx, &sess, e, "confirm").await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CodeForm {
    code: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProofForm {
    password: String,
    code: String,
}

impl ProofForm {
    fn proof(&self) -> Proof<'_> {
        Proof {
            password: &self.password,
            code: &self.code,
        }
    }
}

#[derive(Template)]
#[template(path = "security/recovery_codes.html")]
struct RecoveryCodesPage {
    ctx: PageCtx,
    codes: Vec<String>,
    /// The codes replace earlier ones (rather than come with a new authenticator).
    renewed: bool,
}

/// The codes, shown this once; the browser goes on under the session the change started.
fn show_codes(
    state: &AppState,
    sess: &Session,
    ctx: PageCtx,
    issued: Issued,
    renewed: bool,
) -> Result<HttpResponse, AppError> {
    session::begin(sess, &issued.session, state.now().timestamp())?;
    let page = RecoveryCodesPage {
        ctx,
        codes: issued.recovery_codes,
        renewed,
    };
    Ok(crate::web::page::render_shown_once(&page))
}

async fn confirm(
    req: HttpRequest,
    p: Person,
    Page { ctx, sess, state }: Page,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let origin = session_origin(&req, &state.settings);
    match two_factor::confirm(state.app(), &state.vault, &p.actor, &form.code, &origin).await {
        Ok(issued) => show_codes(&state, &sess, ctx, issued, false),
        Err(e) => refused(&state, &p, ctx, &sess, e, "confirm").await,
    }
}

async fn turn_off(
    req: HttpRequest,
    p: Person,
    Page { ctx, sess, state }: Page,
    form: web::Form<ProofForm>,
) -> Result<HttpResponse, AppError> {
    let origin = session_origin(&req, &state.settings);
    let done = two_factor::turn_off(
        state.app(),
        &state.vault,
        &state.passwords,
        &p.actor,
        &p.user,
        form.proof(),
        &origin,
    )
    .await;
    match done {
        Ok(id) => {
            session::begin(&sess, &id, state.now().timestamp())?;
            Ok(back(
                &sess,
                FlashLevel::Success,
                ctx.t("flash-two-factor-off"),
            ))
        }
        Err(e) => refused(&state, &p, ctx, &sess, e, "off").await,
    }
}

async fn renew_codes(
    req: HttpRequest,
    p: Person,
    Page { ctx, sess, state }: Page,
    form: web::Form<ProofForm>,
) -> Result<HttpResponse, AppError> {
    let origin = session_origin(&req, &state.settings);
    let done = two_factor::renew_codes(
        state.app(),
        &state.vault,
        &state.passwords,
        &p.actor,
        &p.user,
        form.proof(),
        &origin,
    )
    .await;
    match done {
        Ok(issued) => show_codes(&state, &sess, ctx, issued, true),
        Err(e) => refused(&state, &p, ctx, &sess, e, "codes").await,
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
    p: Person,
    Page { ctx, sess, state }: Page,
    form: web::Form<EndForm>,
) -> Result<HttpResponse, AppError> {
    let which = if form.all_others == "yes" {
        Ending::AllOthers
    } else {
        Ending::One(form.session.trim())
    };
    let ended = sessions::end_own(state.app(), &p.actor, &p.session_id, which).await?;
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
        &format!("{}#sessions", routes::ACCOUNT_SECURITY),
    ))
}
