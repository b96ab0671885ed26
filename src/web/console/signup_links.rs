//! Signup links (MSPs only: a reseller's customers come from private offers). Owners and admins
//! create and revoke; the URL with its token is shown once, at creation, since only a hash of
//! the token is kept.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::app::signup_links::{self as links, NewLinkRequest};
use crate::domain::PartnerKind;
use crate::store::signup_links::{LinkState, SignupLink};
use crate::web::error::AppError;
use crate::web::guard::partner_kind;
use crate::web::guard::{Manager, Member};
use crate::web::page::{FormErrors, Page, PageCtx, redirect_with, render, render_status};
use crate::web::routes;
use crate::web::session::FlashLevel;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let msp = || partner_kind(PartnerKind::Msp);
    cfg.route(
        routes::within(routes::CONSOLE, routes::CONSOLE_SIGNUP_LINKS),
        web::get().guard(msp()).to(list),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_SIGNUP_LINKS),
        web::post().guard(msp()).to(create),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_SIGNUP_LINK_REVOKE),
        web::get().guard(msp()).to(confirm_revoke),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_SIGNUP_LINK_REVOKE),
        web::post().guard(msp()).to(revoke),
    );
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
            days: links::DEFAULT_DAYS.to_string(),
            max_uses: String::new(),
        }
    }
}

impl CreateForm {
    /// What the form asks for; a number that does not parse is out of range, so the field's
    /// message says what is allowed.
    fn request(&self) -> NewLinkRequest {
        NewLinkRequest {
            label: self.label.clone(),
            days: self.days.trim().parse().unwrap_or(0),
            max_uses: match self.max_uses.trim() {
                "" => None,
                s => Some(s.parse().unwrap_or(0)),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "console/signup_links/list.html")]
struct ListPage {
    ctx: PageCtx,
    links: Vec<SignupLink>,
    now: DateTime<Utc>,
    can_edit: bool,
    v: CreateForm,
    errors: FormErrors,
    created_url: Option<String>,
}

async fn list(m: Member, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let links = links::list(state.app(), &m.actor).await?;
    render(&ListPage {
        ctx,
        links,
        now: state.now(),
        can_edit: m.user.is_manager(),
        v: CreateForm::default(),
        errors: FormErrors::new(),
        created_url: None,
    })
}

async fn create(
    m: Manager,
    Page { ctx, state, .. }: Page,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, AppError> {
    let v = form.into_inner();
    let created = links::create(state.app(), &m.actor, v.request()).await;
    let (status, v, errors, created_url) = match created {
        Ok(c) => (
            StatusCode::OK,
            CreateForm::default(),
            FormErrors::new(),
            Some(c.url),
        ),
        Err(crate::app::Error::Invalid(fields)) => {
            // The form names two fields otherwise than the API.
            let errors = ctx
                .field_errors(&fields)
                .renamed(|field| match field {
                    "expiresInDays" => "days",
                    "maxUses" => "max_uses",
                    other => other,
                })
                .in_order(&["label", "days", "max_uses"]);
            (StatusCode::UNPROCESSABLE_ENTITY, v, errors, None)
        }
        Err(e) => return Err(e.into()),
    };
    let links = links::list(state.app(), &m.actor).await?;
    let mut res = render_status(
        status,
        &ListPage {
            ctx,
            links,
            now: state.now(),
            can_edit: true,
            v,
            errors,
            created_url,
        },
    );
    // The page carries the new link's token.
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "console/signup_links/revoke.html")]
struct RevokePage {
    ctx: PageCtx,
    link: SignupLink,
}

async fn confirm_revoke(
    m: Manager,
    Page { ctx, state, .. }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let link = links::find(state.app(), &m.actor, *id).await?;
    render(&RevokePage { ctx, link })
}

async fn revoke(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    links::revoke(state.app(), &m.actor, *id).await?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t("flash-link-revoked"),
        routes::CONSOLE_SIGNUP_LINKS,
    ))
}
