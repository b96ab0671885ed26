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

impl OutboxPage {
    /// The language a mail was written in, as far as its subject tells: mails go out in their
    /// recipient's language, whatever the operator reads the outbox in.
    fn lang_of(&self, subject: &str) -> &'static str {
        let japanese = subject.chars().any(|c| {
            ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c)
        });
        if japanese { "ja" } else { "en" }
    }
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
