//! Operators review partner applications: a queue, one application's page, approve or reject.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::onboarding;
use crate::app::operator_reads;
use crate::domain::{ApplicationState, PartnerKind};
use crate::state::AppState;
use crate::store::applications::Application;
use crate::web::error::AppError;
use crate::web::guard::Operator;
use crate::web::page::{Page, PageCtx, redirect_with, render, render_status};
use crate::web::routes;
use crate::web::session::FlashLevel;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        routes::within(routes::ADMIN, routes::ADMIN_APPLICATIONS),
        web::get().to(queue),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_APPLICATION),
        web::get().to(detail),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_APPLICATION_APPROVE),
        web::post().to(approve),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_APPLICATION_REJECT),
        web::post().to(reject),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_APPLICATION_LOGO),
        web::get().to(logo),
    );
}

#[derive(Template)]
#[template(path = "admin/applications/list.html")]
struct Queue {
    ctx: PageCtx,
    pending: Vec<Application>,
    decided: Vec<Application>,
}

async fn queue(_op: Operator, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let (pending, decided) = operator_reads::applications(state.app()).await?;
    render(&Queue {
        ctx,
        pending,
        decided,
    })
}

#[derive(Template)]
#[template(path = "admin/applications/detail.html")]
struct Detail {
    ctx: PageCtx,
    app: Application,
    error: Option<String>,
    reason: String,
}

async fn load(state: &AppState, id: i64) -> Result<Application, AppError> {
    Ok(operator_reads::application(state.app(), id).await?)
}

async fn detail(
    _op: Operator,
    Page { ctx, state, .. }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let app = load(&state, *id).await?;
    render(&Detail {
        ctx,
        app,
        error: None,
        reason: String::new(),
    })
}

async fn approve(
    op: Operator,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    match onboarding::approve(state.app(), id, &op.actor, &ctx.i18n).await {
        Ok(done) => {
            let app = load(&state, id).await?;
            let text = ctx.t_args(
                "flash-approved",
                &[
                    ("company", &app.company_name),
                    ("email", &app.contact_email),
                ],
            );
            Ok(redirect_with(
                &sess,
                FlashLevel::Success,
                text,
                &routes::admin_partner(done.partner_id),
            ))
        }
        Err(e) => review_failed(e, ctx, &sess, &state, id, String::new()).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RejectForm {
    reason: String,
}

async fn reject(
    op: Operator,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    form: web::Form<RejectForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let reason = form.reason.trim().to_string();
    if reason.chars().count() < 10 || reason.chars().count() > 2000 {
        let app = load(&state, id).await?;
        let error = Some(ctx.t("error-reject-reason"));
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &Detail {
                ctx,
                app,
                error,
                reason,
            },
        ));
    }
    match onboarding::reject(state.app(), id, &reason, &op.actor, &ctx.i18n).await {
        Ok(()) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t("flash-rejected"),
            routes::ADMIN_APPLICATIONS,
        )),
        Err(e) => review_failed(e, ctx, &sess, &state, id, reason).await,
    }
}

async fn review_failed(
    e: crate::app::Error,
    ctx: PageCtx,
    sess: &Session,
    state: &AppState,
    id: i64,
    reason: String,
) -> Result<HttpResponse, AppError> {
    match e {
        crate::app::Error::Conflict(m) => Ok(redirect_with(
            sess,
            FlashLevel::Info,
            ctx.say(&m),
            routes::ADMIN_APPLICATIONS,
        )),
        crate::app::Error::Invalid(bad) => {
            let app = load(state, id).await?;
            let error = bad.first().map(|f| ctx.say(&f.message));
            Ok(render_status(
                StatusCode::CONFLICT,
                &Detail {
                    ctx,
                    app,
                    error,
                    reason,
                },
            ))
        }
        other => Err(other.into()),
    }
}

async fn logo(
    req: HttpRequest,
    _op: Operator,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, mode) = path.into_inner();
    let row = operator_reads::application_logo(state.app(), id, &mode).await?;
    Ok(crate::web::logos::serve(&req, &row))
}
