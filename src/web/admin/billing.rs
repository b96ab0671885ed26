//! Operators close finished months; closed bills never change, late usage is counted.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::app::bills;
use crate::app::operator_reads::{self, MonthStatus};
use crate::billing::month::Month;
use crate::web::confirm::{Confirmation, Question, ask};
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::Operator;
use crate::web::page::{Page, PageCtx, redirect, render};
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

#[derive(Template)]
#[template(path = "admin/billing.html")]
struct MonthsPage {
    ctx: PageCtx,
    months: Vec<MonthStatus>,
}

async fn page(_op: Operator, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let months = operator_reads::months(state.app()).await?;
    render(&MonthsPage { ctx, months })
}

async fn close(
    _op: Operator,
    Page { ctx, sess, state }: Page,
    month: web::Path<String>,
    confirmation: Confirmation,
) -> Result<HttpResponse, AppError> {
    let m = Month::parse(&month).ok_or(AppError::NotFound)?;
    if !confirmation.given() {
        let label = ctx.month(m);
        let month = [("month", label.as_str())];
        let q = Question {
            title: ctx.t_args("confirm-close-title", &month),
            text: ctx.t_args("confirm-close-text", &month),
            button: ctx.t_args("confirm-close-button", &month),
            action: routes::admin_billing_close(m),
            back: routes::ADMIN_BILLING.into(),
        };
        return ask(ctx, q);
    }
    match bills::close_month(state.app(), m).await {
        Ok(r) => {
            let text = ctx.t_args(
                "flash-month-closed",
                &[
                    ("month", &m.to_string()),
                    ("lines", &r.lines.to_string()),
                    ("invoices", &r.invoices.to_string()),
                ],
            );
            session::flash(&sess, FlashLevel::Success, text);
        }
        Err(e) => match ctx.refusal(&e) {
            Some(text) => session::flash(&sess, FlashLevel::Error, text),
            None => return Err(e.into()),
        },
    }
    Ok(redirect(routes::ADMIN_BILLING))
}
