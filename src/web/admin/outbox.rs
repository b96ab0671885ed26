//! The mail outbox, as operators check it: what went out, what waits, what failed.

use actix_web::HttpResponse;
use askama::Template;

use crate::domain::MailState;
use crate::store::outbox::OutboxRow;
use crate::web::error::AppError;
use crate::web::guard::Operator;
use crate::web::page::{Page, PageCtx, render};

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    ctx: PageCtx,
    mails: Vec<OutboxRow>,
    /// Where `.eml` files go when no SMTP server is configured.
    folder: Option<String>,
}

pub(super) async fn outbox_page(
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
