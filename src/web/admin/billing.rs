//! Operators close finished months; closed bills never change, late usage is counted.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::app::bills::{self, CloseError};
use crate::billing::month::Month;
use crate::state::AppState;
use crate::store::{closed, usage};
use crate::web::error::AppError;
use crate::web::guard::Operator;
use crate::web::page::{PageCtx, redirect, render};
use crate::web::routes;
use crate::web::session::{self, FlashLevel};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        routes::within(routes::ADMIN, routes::ADMIN_BILLING),
        web::get().to(page),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_BILLING_CLOSE),
        web::post().to(close),
    );
}

pub struct MonthRow {
    pub month: Month,
    pub closed: bool,
    pub closable: bool,
    pub late: i64,
}

#[derive(Template)]
#[template(path = "admin/billing.html")]
struct Page {
    ctx: PageCtx,
    months: Vec<MonthRow>,
}

async fn page(
    _op: Operator,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let current = Month::of(state.now().date_naive());
    let mut c = state.db.acquire().await?;
    let closed_months = closed::closed_months(&mut c).await?;
    let mut months = Vec::new();
    for m in Month::window(current) {
        let is_closed = closed_months.contains(&m.to_string());
        let late = if is_closed {
            usage::late_count(&mut c, m.first_day(), m.last_day()).await?
        } else {
            0
        };
        months.push(MonthRow {
            month: m,
            closed: is_closed,
            closable: !is_closed && m < current,
            late,
        });
    }
    render(&Page { ctx, months })
}

async fn close(
    _op: Operator,
    ctx: PageCtx,
    sess: Session,
    state: web::Data<AppState>,
    month: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let m = Month::parse(&month).ok_or(AppError::NotFound)?;
    let now = state.now();
    match bills::close_month(&state.db, m, now.date_naive(), now).await {
        Ok(r) => {
            let text = ctx.t_args(
                "flash-month-closed",
                &[("month", &m.to_string()), ("lines", &r.lines.to_string())],
            );
            session::flash(&sess, FlashLevel::Success, text);
        }
        Err(CloseError::Store(e)) => return Err(e.into()),
        Err(e) => session::flash(&sess, FlashLevel::Error, e.to_string()),
    }
    Ok(redirect("/admin/billing"))
}
