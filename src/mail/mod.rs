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
    /// The sender's name and the address replies go to, for a mail on a partner's behalf.
    pub on_behalf: Option<OnBehalf>,
    /// What the worker attaches at delivery (see [`worker::Attachments`]).
    pub attachment: Option<String>,
}

#[derive(Debug, Clone)]
pub struct OnBehalf {
    pub name: String,
    /// Empty when the partner has no contact address.
    pub reply_to: String,
}

pub async fn enqueue(c: &mut impl Conn, m: &Mail, now: DateTime<Utc>) -> StoreResult<i64> {
    let new = outbox::NewMail {
        recipient: &m.to,
        subject: &m.subject,
        body_text: &m.text,
        body_html: &m.html,
        from_name: m.on_behalf.as_ref().map(|b| b.name.as_str()),
        reply_to: m.on_behalf.as_ref().map(|b| b.reply_to.as_str()),
        attachment: m.attachment.as_deref(),
    };
    outbox::enqueue(c, &new, now).await
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
    signature: &'a str,
    paragraphs: &'a [String],
    action: Option<&'a Action>,
    after: &'a [String],
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct MessageHtml<'a> {
    i18n: &'a I18n,
    /// The name at the top: the product's, or the partner's on its behalf.
    brand: &'a str,
    signature: &'a str,
    paragraphs: &'a [String],
    action: Option<&'a Action>,
    after: &'a [String],
}

/// Renders one message: `paragraphs`, then the action, then `after`, signed by the console.
pub fn compose(
    i18n: &I18n,
    to: &str,
    subject: String,
    paragraphs: &[String],
    action: Option<Action>,
    after: &[String],
) -> anyhow::Result<Mail> {
    let (brand, signature) = (i18n.t("product-name"), i18n.t("mail-signature"));
    signed(
        i18n,
        to,
        subject,
        (paragraphs, action, after),
        (&brand, &signature),
    )
}

/// [`compose`] under `brand`, signed by `signature` (a partner writing to its customer).
fn signed(
    i18n: &I18n,
    to: &str,
    subject: String,
    (paragraphs, action, after): (&[String], Option<Action>, &[String]),
    (brand, signature): (&str, &str),
) -> anyhow::Result<Mail> {
    Ok(Mail {
        to: to.to_string(),
        subject,
        text: MessageText {
            i18n,
            signature,
            paragraphs,
            action: action.as_ref(),
            after,
        }
        .render()?,
        html: MessageHtml {
            i18n,
            brand,
            signature,
            paragraphs,
            action: action.as_ref(),
            after,
        }
        .render()?,
        on_behalf: None,
        attachment: None,
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

/// A partner's API key that stops soon, told to its owners.
pub struct ExpiringKey<'a> {
    pub name: &'a str,
    pub public_key: &'a str,
    /// When it stops, as shown.
    pub stops: &'a str,
    /// The console's API keys page.
    pub link: &'a str,
}

pub fn key_expiring(i18n: &I18n, to: &str, k: &ExpiringKey<'_>) -> anyhow::Result<Mail> {
    let args = [("name", k.name), ("key", k.public_key), ("stops", k.stops)];
    compose(
        i18n,
        to,
        i18n.t_args("mail-key-expiring-subject", &args),
        &[i18n.t_args("mail-key-expiring-intro", &args)],
        Some(Action {
            label: i18n.t("mail-key-expiring-button"),
            link: k.link.to_string(),
        }),
        &[i18n.t("mail-key-expiring-after")],
    )
}

/// An endpoint disabled after failing for days (issue 27).
pub struct WebhookDisabled<'a> {
    pub url: &'a str,
    /// When its failures began, in UTC.
    pub since: &'a str,
    /// The console's webhooks page.
    pub link: &'a str,
}

pub fn webhook_disabled(i18n: &I18n, to: &str, w: &WebhookDisabled<'_>) -> anyhow::Result<Mail> {
    let args = [("url", w.url), ("since", w.since)];
    compose(
        i18n,
        to,
        i18n.t("mail-webhook-disabled-subject"),
        &[i18n.t_args("mail-webhook-disabled-intro", &args)],
        Some(Action {
            label: i18n.t("mail-webhook-disabled-button"),
            link: w.link.to_string(),
        }),
        &[i18n.t("mail-webhook-disabled-after")],
    )
}

/// A budget that reached one of its thresholds (issue 27).
pub struct BudgetAlert<'a> {
    /// The customer's name; `None` for the partner's own budget.
    pub scope: Option<&'a str>,
    pub month: &'a str,
    pub threshold: u32,
    /// The budget and the figure that reached the threshold, in dollars ("1234.50").
    pub amount: &'a str,
    pub figure: &'a str,
    /// The figure is the forecast to the month's end, not the amount owed so far.
    pub forecast: bool,
    /// The console's Budgets page.
    pub link: &'a str,
}

pub fn budget_alert(i18n: &I18n, to: &str, b: &BudgetAlert<'_>) -> anyhow::Result<Mail> {
    let scope = b
        .scope
        .map_or_else(|| i18n.t("budget-scope-partner"), str::to_string);
    let threshold = b.threshold.to_string();
    let args = [
        ("scope", scope.as_str()),
        ("month", b.month),
        ("threshold", threshold.as_str()),
        ("amount", b.amount),
        ("figure", b.figure),
    ];
    let intro = if b.forecast {
        "mail-budget-intro-forecast"
    } else {
        "mail-budget-intro"
    };
    compose(
        i18n,
        to,
        i18n.t_args("mail-budget-subject", &args),
        &[i18n.t_args(intro, &args)],
        Some(Action {
            label: i18n.t("mail-budget-button"),
            link: b.link.to_string(),
        }),
        &[i18n.t("mail-budget-after")],
    )
}

/// An MSP's invoice to its customer, in the invoice's language, from the partner (its name as
/// the sender's, replies to its contact address), the PDF attached at delivery.
pub struct InvoiceMail<'a> {
    pub to: &'a str,
    pub issuer: &'a str,
    pub reply_to: &'a str,
    pub number: &'a str,
    pub month: &'a str,
    pub total: &'a str,
    pub due: &'a str,
    pub invoice_id: i64,
}

pub fn invoice(i18n: &I18n, m: &InvoiceMail<'_>) -> anyhow::Result<Mail> {
    let args = [
        ("issuer", m.issuer),
        ("number", m.number),
        ("month", m.month),
        ("total", m.total),
        ("due", m.due),
    ];
    let mut mail = signed(
        i18n,
        m.to,
        i18n.t_args("mail-invoice-subject", &args),
        (
            &[i18n.t_args("mail-invoice-intro", &args)],
            None,
            &[i18n.t_args("mail-invoice-reply", &args)],
        ),
        (m.issuer, m.issuer),
    )?;
    mail.on_behalf = Some(OnBehalf {
        name: m.issuer.to_string(),
        reply_to: m.reply_to.to_string(),
    });
    mail.attachment = Some(format!("invoice:{}", m.invoice_id));
    Ok(mail)
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
