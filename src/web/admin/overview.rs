//! The operators' start page: what waits for them, and what happened last.

use actix_web::HttpResponse;
use askama::Template;

use crate::store::audit::AuditRow;
use crate::web::error::AppError;
use crate::web::guard::Operator;
use crate::web::page::{Page, PageCtx, render};

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

pub(super) async fn overview(
    _op: Operator,
    Page { ctx, state, .. }: Page,
) -> Result<HttpResponse, AppError> {
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
