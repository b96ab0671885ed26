//! E-mails: messages rendered from Askama templates (plain text and HTML), put in the outbox in
//! the caller's transaction, and delivered by [`worker`]. Every message has the same frame: a
//! greeting, paragraphs, an optional button with its link, a signature.

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

/// A call to action: the button's label and its absolute link.
pub struct Action {
    pub label: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "mail/message.txt")]
struct MessageText<'a> {
    i18n: &'a I18n,
    paragraphs: &'a [String],
    action: Option<&'a Action>,
    after: &'a [String],
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct MessageHtml<'a> {
    i18n: &'a I18n,
    paragraphs: &'a [String],
    action: Option<&'a Action>,
    after: &'a [String],
}

/// Renders one message: `paragraphs`, then the action, then `after`.
pub fn compose(
    i18n: &I18n,
    to: &str,
    subject: String,
    paragraphs: &[String],
    action: Option<Action>,
    after: &[String],
) -> anyhow::Result<Mail> {
    Ok(Mail {
        to: to.to_string(),
        subject,
        text: MessageText {
            i18n,
            paragraphs,
            action: action.as_ref(),
            after,
        }
        .render()?,
        html: MessageHtml {
            i18n,
            paragraphs,
            action: action.as_ref(),
            after,
        }
        .render()?,
    })
}

fn product(i18n: &I18n) -> String {
    i18n.t("product-name")
}

pub fn password_reset(i18n: &I18n, to: &str, link: &str) -> anyhow::Result<Mail> {
    compose(
        i18n,
        to,
        i18n.t_args("mail-reset-subject", &[("product", &product(i18n))]),
        &[i18n.t("mail-reset-intro")],
        Some(Action {
            label: i18n.t("mail-reset-button"),
            link: link.to_string(),
        }),
        &[i18n.t("mail-reset-expiry"), i18n.t("mail-reset-ignore")],
    )
}

pub fn application_received(i18n: &I18n, to: &str, company: &str) -> anyhow::Result<Mail> {
    compose(
        i18n,
        to,
        i18n.t_args("mail-applied-subject", &[("company", company)]),
        &[
            i18n.t_args("mail-applied-intro", &[("company", company)]),
            i18n.t("mail-applied-next"),
        ],
        None,
        &[],
    )
}

pub fn application_rejected(
    i18n: &I18n,
    to: &str,
    company: &str,
    reason: &str,
) -> anyhow::Result<Mail> {
    compose(
        i18n,
        to,
        i18n.t_args("mail-rejected-subject", &[("company", company)]),
        &[
            i18n.t_args("mail-rejected-intro", &[("company", company)]),
            reason.to_string(),
            i18n.t("mail-rejected-contact"),
        ],
        None,
        &[],
    )
}

pub fn activation(i18n: &I18n, to: &str, company: &str, link: &str) -> anyhow::Result<Mail> {
    compose(
        i18n,
        to,
        i18n.t_args("mail-activate-subject", &[("company", company)]),
        &[
            i18n.t_args("mail-activate-intro", &[("company", company)]),
            i18n.t("mail-activate-key"),
        ],
        Some(Action {
            label: i18n.t("mail-activate-button"),
            link: link.to_string(),
        }),
        &[i18n.t("mail-activate-expiry")],
    )
}

pub fn invitation(
    i18n: &I18n,
    to: &str,
    company: &str,
    role: &str,
    link: &str,
) -> anyhow::Result<Mail> {
    compose(
        i18n,
        to,
        i18n.t_args("mail-invite-subject", &[("company", company)]),
        &[i18n.t_args("mail-invite-intro", &[("company", company), ("role", role)])],
        Some(Action {
            label: i18n.t_args("mail-invite-button", &[("company", company)]),
            link: link.to_string(),
        }),
        &[i18n.t("mail-invite-expiry")],
    )
}

pub fn customer_confirmation(
    i18n: &I18n,
    to: &str,
    partner: &str,
    org: &str,
    link: &str,
) -> anyhow::Result<Mail> {
    compose(
        i18n,
        to,
        i18n.t_args("mail-confirm-subject", &[("org", org)]),
        &[i18n.t_args("mail-confirm-intro", &[("org", org), ("partner", partner)])],
        Some(Action {
            label: i18n.t("mail-confirm-button"),
            link: link.to_string(),
        }),
        &[
            i18n.t("mail-confirm-expiry"),
            i18n.t_args("mail-confirm-ignore", &[("partner", partner)]),
        ],
    )
}
