//! Webhook settings (issue 27): whether deliveries may reach this machine's own network, the
//! retry schedule and how often the worker looks for due deliveries.

use std::time::Duration;

use anyhow::anyhow;

#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Deliver to loopback and private addresses and over plain http
    /// (`PC_WEBHOOK_ALLOW_PRIVATE`, off by default): for tests and the demo only, since a
    /// partner's URL could otherwise reach the console's own network.
    pub allow_private: bool,
    /// The waits between attempts (`PC_WEBHOOK_RETRIES`, default [`RETRIES`]).
    pub retries: Vec<Duration>,
    /// How often the worker looks for due deliveries (`PC_WEBHOOK_POLL_MS`, default 500).
    pub poll_ms: u64,
}

impl WebhookSettings {
    /// From the file's `webhook_allow_private`, `webhook_retries` and `webhook_poll_ms`, then
    /// the environment.
    pub(super) fn from_sources(
        (allow_private, retries, poll_ms): (Option<bool>, Option<String>, Option<u64>),
        env: &impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<WebhookSettings> {
        let allow_private = match env("PC_WEBHOOK_ALLOW_PRIVATE") {
            Some(v) => matches!(v.as_str(), "1" | "true" | "yes"),
            None => allow_private.unwrap_or(false),
        };
        let text = env("PC_WEBHOOK_RETRIES")
            .or(retries)
            .unwrap_or_else(|| RETRIES.into());
        let retries = parse_retries(&text).ok_or_else(|| {
            anyhow!("PC_WEBHOOK_RETRIES must be durations such as {RETRIES:?}, got {text:?}")
        })?;
        let poll_ms = match env("PC_WEBHOOK_POLL_MS") {
            Some(v) => v
                .parse()
                .map_err(|_| anyhow!("PC_WEBHOOK_POLL_MS must be a number, got {v:?}"))?,
            None => poll_ms.unwrap_or(500),
        };
        Ok(WebhookSettings {
            allow_private,
            retries,
            poll_ms,
        })
    }
}

/// The Standard Webhooks schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
pub const RETRIES: &str = "5s,5m,30m,2h,5h,10h,10h";

/// Parses a schedule such as [`RETRIES`]: durations in `ms`, `s`, `m` or `h`, comma-separated.
pub fn parse_retries(text: &str) -> Option<Vec<Duration>> {
    text.split(',')
        .map(|part| {
            let part = part.trim();
            let split = part.find(|c: char| !c.is_ascii_digit())?;
            let (n, unit) = part.split_at(split);
            let n: u64 = n.parse().ok()?;
            let ms = match unit {
                "ms" => n,
                "s" => n.checked_mul(1_000)?,
                "m" => n.checked_mul(60_000)?,
                "h" => n.checked_mul(3_600_000)?,
                _ => return None,
            };
            Some(Duration::from_millis(ms))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_parses_and_bad_ones_do_not() {
        let s = parse_retries(RETRIES).unwrap();
        assert_eq!(s.len(), 7);
        assert_eq!(s[0], Duration::from_secs(5));
        assert_eq!(s[2], Duration::from_secs(1800));
        assert_eq!(s[6], Duration::from_secs(36_000));
        assert_eq!(
            parse_retries("200ms, 1s").unwrap(),
            [Duration::from_millis(200), Duration::from_secs(1)]
        );
        assert_eq!(parse_retries("5"), None);
        assert_eq!(parse_retries("5d"), None);
        assert_eq!(parse_retries(""), None);
    }
}
