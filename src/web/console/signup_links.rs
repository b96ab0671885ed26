//! Signup links (MSPs only: a reseller's customers come from private offers). Owners and admins
//! create and revoke; the URL with its token is shown once, at creation, since only a hash of
//! the token is kept.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::auth::session::{self, FlashLevel};
use crate::auth::{Manager, Member};
use crate::error::AppError;
use crate::onboarding::{self, Actor};
use crate::state::AppState;
use crate::store::partners::{self, Partner};
use crate::store::signup_links::{self, NewLink, SignupLink};
use crate::tokens::{hash_token, random_token};
use crate::web::client_addr;
use crate::web::page::{PageCtx, redirect, render, render_status};
use crate::web::routes;

const DEFAULT_DAYS: i64 = 7;
const MAX_DAYS: i64 = 90;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/signup-links", web::get().to(list))
        .route("/signup-links", web::post().to(create))
        .route("/signup-links/{id}/revoke", web::get().to(confirm_revoke))
        .route("/signup-links/{id}/revoke", web::post().to(revoke));
}

/// The member's partner, which must be an MSP.
async fn msp(state: &AppState, partner_id: i64) -> Result<Partner, AppError> {
    let mut c = state.db.acquire().await?;
    let p = partners::find_by_id(&mut c, partner_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !p.is_msp() {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
struct CreateForm {
    label: String,
    days: String,
    max_uses: String,
}

impl Default for CreateForm {
    fn default() -> Self {
        CreateForm {
            label: String::new(),
            days: DEFAULT_DAYS.to_string(),
            max_uses: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "console/signup_links.html")]
struct ListPage {
    ctx: PageCtx,
    links: Vec<SignupLink>,
    now: DateTime<Utc>,
    can_edit: bool,
    v: CreateForm,
    errors: std::collections::BTreeMap<&'static str, String>,
    created_url: Option<String>,
}

impl ListPage {
    fn error(&self, f: &str) -> Option<&String> {
        self.errors.get(f)
    }
}

async fn list(
    m: Member,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let partner = msp(&state, m.partner_id).await?;
    let mut c = state.db.acquire().await?;
    let links = signup_links::list(&mut c, partner.partner_id).await?;
    let can_edit = m.user.is_manager();
    render(&ListPage {
        ctx,
        links,
        now: state.now(),
        can_edit,
        v: CreateForm::default(),
        errors: Default::default(),
        created_url: None,
    })
}

async fn create(
    req: HttpRequest,
    m: Manager,
    ctx: PageCtx,
    state: web::Data<AppState>,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, AppError> {
    let partner = msp(&state, m.partner_id).await?;
    let v = form.into_inner();
    let mut errors = std::collections::BTreeMap::new();
    let label = v.label.trim().to_string();
    if label.chars().count() > 80 {
        errors.insert("label", ctx.t("error-link-label"));
    }
    let days = match v.days.trim().parse::<i64>() {
        Ok(d) if (1..=MAX_DAYS).contains(&d) => d,
        _ => {
            errors.insert("days", ctx.t("error-link-days"));
            0
        }
    };
    let max_uses = match v.max_uses.trim() {
        "" => None,
        s => match s.parse::<i32>() {
            Ok(n) if (1..=1_000_000).contains(&n) => Some(n),
            _ => {
                errors.insert("max_uses", ctx.t("error-link-max-uses"));
                None
            }
        },
    };
    let now = state.now();
    if !errors.is_empty() {
        let mut c = state.db.acquire().await?;
        let links = signup_links::list(&mut c, partner.partner_id).await?;
        let page = ListPage {
            ctx,
            links,
            now,
            can_edit: true,
            v,
            errors,
            created_url: None,
        };
        return Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let token = random_token();
    let mut tx = state.db.begin().await?;
    let new = NewLink {
        partner_id: partner.partner_id,
        label: &label,
        token_hash: &hash_token(&token),
        expires_at: now + Duration::days(days),
        max_uses,
        created_by: Some(m.user.user_id),
    };
    let id = signup_links::insert(&mut tx, new, now).await?;
    let addr = client_addr(&req, &state.settings);
    let actor = Actor {
        user_id: m.user.user_id,
        address: &addr,
    };
    onboarding::audit(
        &mut tx,
        &actor,
        Some(partner.partner_id),
        "signup_link_created",
        &format!("link {id} {label}"),
        now,
    )
    .await?;
    tx.commit().await?;
    let created_url = Some(format!(
        "{}{}",
        state.settings.public_url,
        routes::signup(&partner.slug, &token)
    ));
    let mut c = state.db.acquire().await?;
    let links = signup_links::list(&mut c, partner.partner_id).await?;
    let mut res = render_status(
        StatusCode::OK,
        &ListPage {
            ctx,
            links,
            now,
            can_edit: true,
            v: CreateForm::default(),
            errors: Default::default(),
            created_url,
        },
    );
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "console/signup_link_revoke.html")]
struct RevokePage {
    ctx: PageCtx,
    link: SignupLink,
}

async fn confirm_revoke(
    m: Manager,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    msp(&state, m.partner_id).await?;
    let mut c = state.db.acquire().await?;
    let link = signup_links::find(&mut c, m.partner_id, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    render(&RevokePage { ctx, link })
}

async fn revoke(
    req: HttpRequest,
    m: Manager,
    ctx: PageCtx,
    sess: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    msp(&state, m.partner_id).await?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let link = signup_links::find(&mut tx, m.partner_id, *id)
        .await?
        .ok_or(AppError::NotFound)?;
    if signup_links::revoke(&mut tx, m.partner_id, link.link_id, now).await? {
        let addr = client_addr(&req, &state.settings);
        let actor = Actor {
            user_id: m.user.user_id,
            address: &addr,
        };
        onboarding::audit(
            &mut tx,
            &actor,
            Some(m.partner_id),
            "signup_link_revoked",
            &format!("link {}", link.link_id),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    session::flash(&sess, FlashLevel::Success, ctx.t("flash-link-revoked"));
    Ok(redirect(routes::CONSOLE_SIGNUP_LINKS))
}
