//! E-mails: messages rendered from Askama templates (plain text and HTML), put in the outbox in
//! the caller's transaction, and delivered by [`worker`].

pub mod worker;

use askama::Template;
use chrono::{DateTime, Utc};

use crate::i18n::I18n;
use crate::store::{Conn, StoreResult, outbox};

/// A rendered message, ready for the outbox.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub async fn enqueue(c: &mut impl Conn, m: &Mail, now: DateTime<Utc>) -> StoreResult<i64> {
    outbox::enqueue(c, &m.to, &m.subject, &m.text, &m.html, now).await
}

#[derive(Template)]
#[template(path = "mail/password_reset.txt")]
struct PasswordResetText<'a> {
    i18n: &'a I18n,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/password_reset.html")]
struct PasswordResetHtml<'a> {
    i18n: &'a I18n,
    link: &'a str,
}

pub fn password_reset(i18n: &I18n, to: &str, link: &str) -> anyhow::Result<Mail> {
    Ok(Mail {
        to: to.to_string(),
        subject: i18n.t_args(
            "mail-reset-subject",
            &[("product", &i18n.t("product-name"))],
        ),
        text: PasswordResetText { i18n, link }.render()?,
        html: PasswordResetHtml { i18n, link }.render()?,
    })
}
