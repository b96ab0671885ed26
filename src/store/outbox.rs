//! The e-mail outbox: rows written in the transaction of the change that causes them, claimed and
//! delivered by the worker in `mail::worker`.

use crate::domain::MailState;
use chrono::{DateTime, Duration, Utc};

use super::{Backend, Conn, StoreResult};
use crate::execute;
use crate::on_conn;

/// A mail as the outbox keeps it until it is delivered.
pub struct NewMail<'a> {
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    /// The sender's display name, when the mail goes out on a partner's behalf.
    pub from_name: Option<&'a str>,
    pub reply_to: Option<&'a str>,
    /// What to attach, drawn at delivery: `invoice:{invoice_id}`.
    pub attachment: Option<&'a str>,
}

pub async fn enqueue(c: &mut impl Conn, m: &NewMail<'_>, now: DateTime<Utc>) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO outbox (recipient, subject, body_text, body_html, from_name, reply_to, attachment, \
         state, attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, \
         $8, $8) RETURNING mail_id",
    )
    .bind(m.recipient)
    .bind(m.subject)
    .bind(m.body_text)
    .bind(m.body_html)
    .bind(m.from_name)
    .bind(m.reply_to)
    .bind(m.attachment)
    .bind(now)
    .fetch_one(c)
    .await)?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedMail {
    pub mail_id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub from_name: Option<String>,
    pub reply_to: Option<String>,
    pub attachment: Option<String>,
    pub attempts: i32,
}

/// Claims the next due mail for `lease`, write-first: the row is marked `sending` in the same
/// statement that picks it, so two workers never deliver one mail. A worker that dies mid-send
/// leaves a lease that expires and the mail is picked up again.
pub async fn claim_next(
    c: &mut impl Conn,
    backend: Backend,
    now: DateTime<Utc>,
    lease: Duration,
) -> StoreResult<Option<ClaimedMail>> {
    // PostgreSQL can skip rows another worker holds; SQLite has one writer at a time anyway.
    let sql = match backend {
        Backend::Postgres => CLAIM_POSTGRES,
        Backend::Sqlite => CLAIM_SQLITE,
    };
    Ok(on_conn!(c, c => sqlx::query_as::<_, ClaimedMail>(sql)
        .bind(now)
        .bind(now + lease)
        .fetch_optional(c)
        .await)?)
}

const CLAIM_SQLITE: &str = "UPDATE outbox SET state = 'sending', locked_until = $2, attempts = attempts + 1 \
     WHERE mail_id = (SELECT mail_id FROM outbox WHERE (state = 'pending' AND next_attempt_at <= $1) \
     OR (state = 'sending' AND locked_until < $1) ORDER BY next_attempt_at, mail_id LIMIT 1) \
     RETURNING mail_id, recipient, subject, body_text, body_html, from_name, reply_to, attachment, attempts";

const CLAIM_POSTGRES: &str = "UPDATE outbox SET state = 'sending', locked_until = $2, attempts = attempts + 1 \
     WHERE mail_id = (SELECT mail_id FROM outbox WHERE (state = 'pending' AND next_attempt_at <= $1) \
     OR (state = 'sending' AND locked_until < $1) ORDER BY next_attempt_at, mail_id LIMIT 1 \
     FOR UPDATE SKIP LOCKED) \
     RETURNING mail_id, recipient, subject, body_text, body_html, from_name, reply_to, attachment, attempts";

/// Records a delivery: `sent` over SMTP, or `written` to an `.eml` file when no SMTP is set.
pub async fn mark_delivered(
    c: &mut impl Conn,
    mail_id: i64,
    eml_path: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let state = if eml_path.is_some() {
        MailState::Written
    } else {
        MailState::Sent
    };
    execute!(c, c => sqlx::query(
        "UPDATE outbox SET state = $1, eml_path = $2, sent_at = $3, locked_until = NULL, \
         last_error = NULL WHERE mail_id = $4",
    )
    .bind(state)
    .bind(eml_path)
    .bind(now)
    .bind(mail_id))?;
    Ok(())
}

/// Records a failed attempt: back to `pending` at `retry_at`, or `failed` for good.
pub async fn mark_attempt_failed(
    c: &mut impl Conn,
    mail_id: i64,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    match retry_at {
        Some(at) => execute!(c, c => sqlx::query(
            "UPDATE outbox SET state = 'pending', next_attempt_at = $1, locked_until = NULL, \
             last_error = $2 WHERE mail_id = $3",
        )
        .bind(at)
        .bind(error)
        .bind(mail_id))?,
        None => execute!(c, c => sqlx::query(
            "UPDATE outbox SET state = 'failed', locked_until = NULL, last_error = $1 \
             WHERE mail_id = $2",
        )
        .bind(error)
        .bind(mail_id))?,
    };
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub mail_id: i64,
    pub recipient: String,
    pub subject: String,
    pub state: MailState,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub eml_path: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub next_attempt_at: DateTime<Utc>,
}

pub async fn recent(c: &mut impl Conn, limit: i64) -> StoreResult<Vec<OutboxRow>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, OutboxRow>(
        "SELECT mail_id, recipient, subject, state, attempts, last_error, eml_path, created_at, \
         sent_at, next_attempt_at FROM outbox ORDER BY mail_id DESC LIMIT CAST($1 AS BIGINT)",
    )
    .bind(limit)
    .fetch_all(c)
    .await)?)
}

/// Mails not yet delivered (pending or being sent); exported as a metric.
pub async fn depth(c: &mut impl Conn) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE state IN ('pending', 'sending')"
    )
    .fetch_one(c)
    .await)?)
}

/// Mails given up on after every retry; operators should look at these.
pub async fn failed_count(c: &mut impl Conn) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE state = 'failed'"
    )
    .fetch_one(c)
    .await)?)
}
