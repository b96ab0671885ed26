//! The outbox worker: claims due mails one at a time and delivers them over SMTP, or, without
//! SMTP (the embedded default), writes each as an `.eml` file. Failures are retried with
//! exponential back-off and recorded for operators.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::config::Settings;
use crate::store::outbox::{self, ClaimedMail};
use crate::store::{Db, StoreResult};

/// Attempts before a mail is marked failed for good.
const MAX_ATTEMPTS: i32 = 8;
/// How long a claimed mail is reserved for one worker; a crash frees it after this.
const LEASE_SECS: i64 = 120;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
}

impl Transport {
    pub fn from_settings(s: &Settings) -> anyhow::Result<Transport> {
        match &s.smtp_url {
            Some(url) => {
                let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|e| anyhow::anyhow!("PC_SMTP_URL is not usable: {e}"))?
                    .timeout(Some(StdDuration::from_secs(15)))
                    .build();
                Ok(Transport::Smtp(t))
            }
            None => Ok(Transport::Folder(s.outbox_dir())),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp(_) => "SMTP".into(),
            Transport::Folder(p) => p.display().to_string(),
        }
    }
}

/// What one step of the worker did; tests loop on it.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    Failed,
    Empty,
}

/// A file a mail carries, drawn when the mail is delivered.
pub struct File {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Draws the file an outbox row names (`invoice:{id}`). The application layer provides it
/// (it reads invoices and draws PDFs), so the worker stays below it.
pub trait Attachments: Send + Sync {
    fn draw<'a>(
        &'a self,
        db: &'a Db,
        name: &'a str,
    ) -> futures_util::future::BoxFuture<'a, anyhow::Result<File>>;
}

pub struct Worker {
    pub db: Db,
    pub transport: Transport,
    pub from: Mailbox,
    pub clock: Clock,
    pub attachments: Option<Arc<dyn Attachments>>,
}

impl Worker {
    pub fn new(db: Db, settings: &Settings, clock: Clock) -> anyhow::Result<Worker> {
        let from: Mailbox = settings.mail_from.parse().map_err(|e| {
            anyhow::anyhow!(
                "PC_MAIL_FROM {:?} is not a mailbox: {e}",
                settings.mail_from
            )
        })?;
        Ok(Worker {
            db,
            transport: Transport::from_settings(settings)?,
            from,
            clock,
            attachments: None,
        })
    }

    /// The worker, drawing mails' attachments with `a`.
    pub fn with_attachments(mut self, a: Arc<dyn Attachments>) -> Worker {
        self.attachments = Some(a);
        self
    }

    /// Claims and delivers one due mail.
    pub async fn step(&self) -> StoreResult<Outcome> {
        let now = self.clock.now();
        let claimed = {
            let mut conn = self.db.acquire().await?;
            outbox::claim_next(
                &mut conn,
                self.db.backend(),
                now,
                Duration::seconds(LEASE_SECS),
            )
            .await?
        };
        let Some(mail) = claimed else {
            return Ok(Outcome::Empty);
        };
        let result = self.deliver(&mail).await;
        let mut conn = self.db.acquire().await?;
        let now = self.clock.now();
        match result {
            Ok(eml_path) => {
                outbox::mark_delivered(&mut conn, mail.mail_id, eml_path.as_deref(), now).await?;
                tracing::info!(mail_id = mail.mail_id, "mail delivered");
                Ok(Outcome::Delivered)
            }
            Err(e) => {
                let error = format!("{e:#}");
                let retry_at = (mail.attempts < MAX_ATTEMPTS).then(|| now + backoff(mail.attempts));
                tracing::warn!(mail_id = mail.mail_id, attempts = mail.attempts, error = %error, "mail delivery failed");
                outbox::mark_attempt_failed(&mut conn, mail.mail_id, &error, retry_at).await?;
                Ok(Outcome::Failed)
            }
        }
    }

    async fn deliver(&self, mail: &ClaimedMail) -> anyhow::Result<Option<String>> {
        let to: Mailbox = mail.recipient.parse()?;
        // On a partner's behalf: its name on the console's own address (so SPF and DKIM hold),
        // replies to the partner.
        let from = match &mail.from_name {
            Some(name) => Mailbox::new(Some(name.clone()), self.from.email.clone()),
            None => self.from.clone(),
        };
        let mut builder = Message::builder()
            .from(from)
            .to(to)
            .subject(mail.subject.clone());
        if let Some(reply_to) = mail.reply_to.as_deref().filter(|r| !r.is_empty()) {
            builder = builder.reply_to(reply_to.parse()?);
        }
        let body =
            MultiPart::alternative_plain_html(mail.body_text.clone(), mail.body_html.clone());
        let message = match &mail.attachment {
            None => builder.multipart(body)?,
            Some(name) => {
                let drawer = self
                    .attachments
                    .as_ref()
                    .ok_or_else(|| anyhow::anyhow!("no one draws attachments ({name})"))?;
                let file = drawer.draw(&self.db, name).await?;
                let part = Attachment::new(file.name)
                    .body(file.bytes, ContentType::parse(&file.content_type)?);
                builder.multipart(MultiPart::mixed().multipart(body).singlepart(part))?
            }
        };
        match &self.transport {
            Transport::Smtp(t) => {
                t.send(message).await?;
                Ok(None)
            }
            Transport::Folder(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                let path = dir.join(format!("{:06}.eml", mail.mail_id));
                tokio::fs::write(&path, message.formatted()).await?;
                Ok(Some(path.display().to_string()))
            }
        }
    }

    /// Runs until `stop` is notified: delivers everything due, then sleeps until woken by a new
    /// mail or the poll interval passes.
    pub async fn run(self, wake: Arc<Notify>, stop: Arc<Notify>, poll: StdDuration) {
        loop {
            match self.step().await {
                Ok(Outcome::Delivered | Outcome::Failed) => continue,
                Ok(Outcome::Empty) => {}
                Err(e) => tracing::error!(error = %e, "outbox worker could not reach the store"),
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(poll) => {}
                _ = stop.notified() => return,
            }
        }
    }
}

/// 30 s, 1 min, 2 min, … capped at one hour.
fn backoff(attempts: i32) -> Duration {
    let secs = 30i64.saturating_mul(1 << attempts.clamp(0, 10).saturating_sub(1));
    Duration::seconds(secs.min(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(3), Duration::seconds(120));
        assert_eq!(backoff(20), Duration::seconds(3600));
    }
}
