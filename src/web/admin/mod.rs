//! The operators' area. Every route here sits behind `require_operator`.

mod applications;
mod authorizations;
mod billing;
mod grant_forms;
mod grants;
mod offers;
mod partner_pages;

use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::page::{Page, PageCtx, render};
use super::routes;
use crate::domain::MailState;
use crate::store::audit::AuditRow;
use crate::store::outbox::OutboxRow;
use crate::web::error::AppError;
use crate::web::guard::Operator;
use crate::web::guard::require_operator;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(routes::ADMIN)
            .wrap(from_fn(require_operator))
            .route(
                routes::within(routes::ADMIN, routes::ADMIN),
                web::get().to(overview),
            )
            .route(
                routes::within(routes::ADMIN, routes::ADMIN_OUTBOX),
                web::get().to(outbox_page),
            )
            .route(
                routes::within(routes::ADMIN, routes::ADMIN_AUDIT),
                web::get().to(crate::web::audit_log::admin_page),
            )
            .route(
                routes::within(routes::ADMIN, routes::ADMIN_AUDIT_CSV),
                web::get().to(crate::web::audit_log::admin_csv),
            )
            .configure(applications::configure)
            .configure(partner_pages::configure)
            .configure(grants::configure)
            .configure(authorizations::configure)
            .configure(offers::configure)
            .configure(billing::configure),
    );
}

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct Overview {
    ctx: PageCtx,
    partners: i64,
    pending_applications: i64,
    outbox_waiting: i64,
    outbox_failed: i64,
    recent: Vec<AuditRow>,
}

async fn overview(_op: Operator, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let o = crate::app::operator_reads::overview(state.app()).await?;
    render(&Overview {
        ctx,
        partners: o.partners,
        pending_applications: o.pending_applications,
        outbox_waiting: o.outbox_waiting,
        outbox_failed: o.outbox_failed,
        recent: o.recent,
    })
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    ctx: PageCtx,
    mails: Vec<OutboxRow>,
    /// Where `.eml` files go when no SMTP server is configured.
    folder: Option<String>,
}

async fn outbox_page(
    _op: Operator,
    Page { ctx, state, .. }: Page,
) -> Result<HttpResponse, AppError> {
    let folder = match state.settings.smtp_url {
        Some(_) => None,
        None => Some(absolute(&state.settings.outbox_dir())),
    };
    render(&OutboxPage {
        ctx,
        mails: crate::app::operator_reads::outbox(state.app(), 200).await?,
        folder,
    })
}

fn absolute(p: &std::path::Path) -> String {
    std::path::absolute(p)
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}
