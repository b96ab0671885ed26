//! The webhook worker: claims due deliveries one at a time (any instance may run one; the claim
//! is write-first), checks where the endpoint's name resolves to, posts the signed message
//! there and writes the attempt down. A 2xx answer is a success; anything else is tried again
//! on the retry schedule, and an endpoint failing for [`DISABLE_AFTER_DAYS`] days is disabled
//! and its owners e-mailed.

use std::net::SocketAddr;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use tokio::sync::Notify;

use super::address;
use super::signature::{self, Secret};
use crate::clock::Clock;
use crate::store::webhooks::{self as store, Attempt, Claimed};
use crate::store::{Db, StoreResult};

/// An endpoint failing (no success since its first failure) this long is disabled.
pub const DISABLE_AFTER_DAYS: i64 = 5;
/// How long one answer may take.
const TIMEOUT: StdDuration = StdDuration::from_secs(10);
/// How much of an answer the delivery log keeps.
const RESPONSE_KEPT: usize = 1024;
/// A claimed delivery is this one worker's for this long; a crash frees it after.
const LEASE_SECS: i64 = 60;

/// Where deliveries may go and when failures are tried again.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Deliver to loopback and private addresses, and over plain `http` (tests, the demo).
    pub allow_private: bool,
    /// The waits after the first, second… failed attempt; past the last the delivery fails.
    pub retries: Vec<StdDuration>,
}

/// What one step did; tests loop on it.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    Failed,
    Empty,
}

pub struct Worker {
    pub db: Db,
    pub clock: Clock,
    pub policy: Policy,
    /// The console's public URL, for the link in the owners' mail when an endpoint is disabled.
    pub public_url: String,
}

/// What came back from one post.
struct Answer {
    status: Option<u16>,
    body: String,
    error: Option<String>,
}

impl Worker {
    /// Claims and sends one due delivery.
    pub async fn step(&self) -> StoreResult<Outcome> {
        let now = self.clock.now();
        let claimed = {
            let mut c = self.db.acquire().await?;
            store::claim_next(
                &mut c,
                self.db.backend(),
                now,
                Duration::seconds(LEASE_SECS),
            )
            .await?
        };
        let Some(d) = claimed else {
            return Ok(Outcome::Empty);
        };
        let started = Instant::now();
        let answer = self.send(&d, now).await;
        let attempt = Attempt {
            attempted_at: now,
            status_code: answer.status.map(i32::from),
            duration_ms: started.elapsed().as_millis().try_into().unwrap_or(i64::MAX),
            response: answer.body,
            error: answer.error,
        };
        let ok = answer.status.is_some_and(|s| (200..300).contains(&s));
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        store::record_attempt(&mut tx, d.delivery_id, &attempt).await?;
        if ok {
            store::mark_delivered(&mut tx, d.delivery_id, d.endpoint_id, now).await?;
            tx.commit().await?;
            tracing::info!(delivery_id = d.delivery_id, "webhook delivered");
            return Ok(Outcome::Delivered);
        }
        let retry_at = usize::try_from(d.attempts - 1)
            .ok()
            .and_then(|i| self.policy.retries.get(i))
            .and_then(|wait| Duration::from_std(*wait).ok())
            .map(|wait| now + wait);
        store::mark_failed(&mut tx, d.delivery_id, d.endpoint_id, retry_at, now).await?;
        let failing_since = d.failing_since.unwrap_or(now);
        let disabled = now - failing_since >= Duration::days(DISABLE_AFTER_DAYS)
            && store::disable(&mut tx, d.endpoint_id, now).await?;
        if disabled {
            self.tell_owners(&mut tx, &d, failing_since, now).await?;
        }
        tx.commit().await?;
        tracing::warn!(
            delivery_id = d.delivery_id,
            attempts = d.attempts,
            status = ?attempt.status_code,
            error = attempt.error.as_deref().unwrap_or(""),
            "webhook delivery failed"
        );
        Ok(Outcome::Failed)
    }

    /// E-mails the partner's owners that the endpoint was disabled, in the disabling's
    /// transaction (the mail outbox's worker sends it).
    async fn tell_owners(
        &self,
        tx: &mut crate::store::Tx,
        d: &Claimed,
        failing_since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let link = format!("{}{}", self.public_url, crate::paths::CONSOLE_WEBHOOKS);
        let since = failing_since.format("%Y-%m-%d %H:%M UTC").to_string();
        let members = crate::store::users::list_by_partner(tx, d.partner_id).await?;
        let owners = members
            .iter()
            .filter(|u| u.role() == Some(crate::domain::Role::Owner) && u.password_hash.is_some());
        for owner in owners {
            let i18n = owner
                .language
                .as_deref()
                .and_then(crate::i18n::I18n::for_tag)
                .unwrap_or_default();
            let disabled = crate::mail::WebhookDisabled {
                url: &d.url,
                since: &since,
                link: &link,
            };
            match crate::mail::webhook_disabled(&i18n, &owner.email, &disabled) {
                Ok(m) => {
                    crate::mail::enqueue(tx, &m, now).await?;
                }
                Err(e) => {
                    tracing::error!(error = %e, "the webhook-disabled mail could not be written")
                }
            }
        }
        Ok(())
    }

    async fn send(&self, d: &Claimed, now: DateTime<Utc>) -> Answer {
        let failed = |error: String| Answer {
            status: None,
            body: String::new(),
            error: Some(error),
        };
        let url = match url::Url::parse(&d.url) {
            Ok(u) => u,
            Err(e) => return failed(format!("not a URL: {e}")),
        };
        let addrs = match resolve(&url, self.policy.allow_private).await {
            Ok(found) => found,
            Err(e) => return failed(e),
        };
        let mut secrets: Vec<Secret> = Secret::parse(&d.secret).into_iter().collect();
        if d.previous_expires_at.is_some_and(|until| until > now) {
            secrets.extend(d.previous_secret.as_deref().and_then(Secret::parse));
        }
        let timestamp = now.timestamp();
        let body = d.payload.as_bytes();
        let signed = signature::header(&secrets, &d.message_id, timestamp, body);
        let Some(host) = url.host_str() else {
            return failed("the URL has no host".into());
        };
        // The addresses checked are the ones connected to: the name is not looked up again.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(TIMEOUT)
            .resolve_to_addrs(host, &addrs)
            .user_agent(concat!(
                "partner-console-webhooks/",
                env!("CARGO_PKG_VERSION")
            ))
            .build();
        let client = match client {
            Ok(c) => c,
            Err(e) => return failed(format!("{e}")),
        };
        let sent = client
            .post(url.clone())
            .header("content-type", "application/json")
            .header("webhook-id", &d.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signed)
            .body(d.payload.clone())
            .send()
            .await;
        let mut response = match sent {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return failed("no answer within 10 s".into()),
            Err(e) => return failed(format!("could not connect: {}", root_cause(&e))),
        };
        let status = response.status().as_u16();
        let mut kept = Vec::new();
        while kept.len() < RESPONSE_KEPT {
            match response.chunk().await {
                Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
                Ok(None) | Err(_) => break,
            }
        }
        kept.truncate(RESPONSE_KEPT);
        Answer {
            status: Some(status),
            body: String::from_utf8_lossy(&kept).into_owned(),
            error: None,
        }
    }

    /// Runs until `stop` is notified: sends everything due, then waits `poll`.
    pub async fn run(self, stop: std::sync::Arc<Notify>, poll: StdDuration) {
        loop {
            match self.step().await {
                Ok(Outcome::Delivered | Outcome::Failed) => continue,
                Ok(Outcome::Empty) => {}
                Err(e) => tracing::error!(error = %e, "webhook worker could not reach the store"),
            }
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = stop.notified() => return,
            }
        }
    }
}

/// The addresses `url`'s host resolves to, or why it may not be delivered to: a scheme other
/// than https (http too with `allow_private`), a name that does not resolve, or an address of
/// a refused class. Used at registration and at every delivery.
pub async fn resolve(url: &url::Url, allow_private: bool) -> Result<Vec<SocketAddr>, String> {
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err("the URL must start with https://".into()),
    }
    let host = url.host_str().ok_or("the URL has no host")?;
    let port = url.port_or_known_default().unwrap_or(443);
    // `[::1]` comes as a bracketed host; the resolver wants it bare.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|_| format!("{host} does not resolve"))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("{host} does not resolve"));
    }
    if !allow_private {
        for a in &addrs {
            if let Some(class) = address::refused(a.ip()) {
                return Err(format!("{host} resolves to {} ({class})", a.ip()));
            }
        }
    }
    Ok(addrs)
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn inward_and_plain_http_urls_are_refused_unless_allowed() {
        let url = |s: &str| url::Url::parse(s).unwrap();
        let refused = resolve(&url("https://127.0.0.1:9/hook"), false).await;
        assert_eq!(
            refused.unwrap_err(),
            "127.0.0.1 resolves to 127.0.0.1 (loopback)"
        );
        let refused = resolve(&url("https://[::1]/hook"), false).await;
        assert!(refused.unwrap_err().contains("(loopback)"));
        let refused = resolve(&url("https://169.254.169.254/latest"), false).await;
        assert!(refused.unwrap_err().contains("(cloud metadata)"));
        let refused = resolve(&url("https://localhost/hook"), false).await;
        assert!(refused.unwrap_err().contains("(loopback)"));
        let refused = resolve(&url("http://93.184.216.34/hook"), false).await;
        assert_eq!(refused.unwrap_err(), "the URL must start with https://");
        assert!(resolve(&url("http://127.0.0.1:9/hook"), true).await.is_ok());
        assert!(resolve(&url("ftp://127.0.0.1/hook"), true).await.is_err());
    }
}
