//! Per-key rate limits of the partner APIs, and the limit on failed authentication per client
//! address: GCRA (the generic cell rate algorithm), which behaves as a sliding window without
//! storing one timestamp per request. A quota of N per minute lets a client spend N at once and
//! then one every 60/N seconds; it never resets on a clock-minute boundary.
//!
//! The state lives in the database (shared by every instance on one PostgreSQL) or, for the
//! single-instance SQLite default, in process memory to spare the embedded store a write per
//! request. `PC_API_RATE_LIMIT_STORE` chooses.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

use crate::store::{Conn, Db, StoreResult, rate_limits};

/// Time is counted in microseconds, so that even a million requests a minute has a non-zero
/// interval.
const MINUTE_US: i64 = 60_000_000;

/// How many requests a bucket may make per minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub per_minute: u32,
}

impl Quota {
    fn interval(self) -> i64 {
        MINUTE_US / i64::from(self.per_minute.max(1))
    }

    /// How far ahead of now a bucket's arrival time may run and still admit a request.
    fn tolerance(self) -> i64 {
        MINUTE_US - self.interval()
    }

    /// The outcome when a request moved the arrival time to `tat` (allowed) or found it at `tat`
    /// (refused).
    pub fn decide(self, allowed: bool, tat: i64, now: i64) -> Decision {
        let interval = self.interval();
        let ahead = (tat - now).max(0);
        let remaining = ((self.tolerance() - ahead).div_euclid(interval) + 1).max(0);
        // Seconds until the next request would pass: zero while some remain.
        let wait_us = (ahead - self.tolerance()).max(0);
        Decision {
            allowed,
            limit: self.per_minute,
            remaining: u32::try_from(remaining).unwrap_or(0),
            reset_secs: u64::try_from((wait_us + 999_999) / 1_000_000).unwrap_or(0),
        }
    }
}

/// The headers every authenticated answer carries, with what they mean (also for the OpenAPI
/// documents and the Support page).
pub const RATE_HEADERS: [(&str, &str); 3] = [
    (
        "X-Ratelimit-Limit-Minute",
        "Requests this key may make per minute.",
    ),
    (
        "X-Ratelimit-Remaining-Minute",
        "Requests left right now; one more becomes available every 60/limit seconds.",
    ),
    (
        "X-Ratelimit-Reset",
        "Seconds until a request will be allowed again; 0 while some remain.",
    ),
];

/// One request's standing against its quota; written to the response as `X-Ratelimit-*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    pub reset_secs: u64,
}

/// Where the buckets live.
#[derive(Clone)]
pub enum Limiter {
    Memory(Arc<Mutex<HashMap<String, i64>>>),
    /// In the database; on PostgreSQL takes go through a pool of their own
    /// (`Db::rate_limit_pool`), elsewhere through the caller's connection.
    Database(Option<Db>),
}

impl Limiter {
    pub fn memory() -> Limiter {
        Limiter::Memory(Arc::default())
    }

    /// Spends one request of `bucket`'s quota, if one is left; `now` in microseconds. Without
    /// a pool of its own the database limiter runs on the caller's connection; with one, the
    /// second connection comes from another pool, so requests never wait on each other for it.
    pub async fn take(
        &self,
        c: &mut impl Conn,
        bucket: &str,
        quota: Quota,
        now: i64,
    ) -> StoreResult<Decision> {
        let (interval, tolerance) = (quota.interval(), quota.tolerance());
        let outcome = match self {
            Limiter::Memory(map) => {
                let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
                if map.len() > 100_000 {
                    map.retain(|_, tat| *tat > now);
                }
                let tat = map.get(bucket).copied().unwrap_or(now).max(now);
                if tat - now <= tolerance {
                    map.insert(bucket.to_string(), tat + interval);
                    Ok(tat + interval)
                } else {
                    Err(tat)
                }
            }
            Limiter::Database(Some(pool)) => {
                let mut own = pool.acquire().await?;
                let outcome =
                    rate_limits::take_committed(&mut own, bucket, now, interval, tolerance).await?;
                // Full buckets read as new; trimming now and then keeps the table small.
                if rand::random::<u16>() < 64 {
                    rate_limits::prune(&mut own, now).await?;
                }
                outcome
            }
            Limiter::Database(None) => {
                let outcome = rate_limits::take(c, bucket, now, interval, tolerance).await?;
                if rand::random::<u16>() < 64 {
                    rate_limits::prune(c, now).await?;
                }
                outcome
            }
        };
        Ok(match outcome {
            Ok(tat) => quota.decide(true, tat, now),
            Err(tat) => quota.decide(false, tat, now),
        })
    }

    /// Whether `bucket` has used up its quota, without spending any of it.
    pub async fn exhausted(
        &self,
        c: &mut impl Conn,
        bucket: &str,
        quota: Quota,
        now: i64,
    ) -> StoreResult<bool> {
        let tat = match self {
            Limiter::Memory(map) => map
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(bucket)
                .copied(),
            Limiter::Database(_) => rate_limits::peek(c, bucket).await?,
        };
        Ok(tat.is_some_and(|tat| tat - now > quota.tolerance()))
    }
}

/// Writes the key's `X-Ratelimit-*` headers on every answer of an authenticated API request,
/// refused ones included. The key extractor leaves its [`Decision`] in the request.
pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut res = next.call(req).await?;
    let decision = res.request().extensions().get::<Decision>().copied();
    if let Some(d) = decision {
        let h = res.headers_mut();
        let mut set = |name: &str, value: String| {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                h.insert(n, v);
            }
        };
        let values = [
            d.limit.to_string(),
            d.remaining.to_string(),
            d.reset_secs.to_string(),
        ];
        for ((name, _), value) in RATE_HEADERS.iter().zip(values) {
            set(name, value);
        }
        if !d.allowed {
            set("Retry-After", d.reset_secs.to_string());
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: Quota = Quota { per_minute: 100 };

    /// The same sequence on both limiters: in memory and in the database.
    #[tokio::test]
    async fn hundred_at_once_then_one_every_600_milliseconds() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = crate::store::Db::connect(&url, None).await.unwrap();
        db.migrate().await.unwrap();
        for l in [Limiter::memory(), Limiter::Database(None)] {
            let c = &mut db.acquire().await.unwrap();
            let t0 = 1_000_000_000;
            for i in 0..100u32 {
                let d = l.take(c, "k", Q, t0).await.unwrap();
                assert!(d.allowed, "request {} refused", i + 1);
                assert_eq!(d.remaining, 99 - i);
            }
            let d = l.take(c, "k", Q, t0).await.unwrap();
            assert!(!d.allowed);
            assert_eq!((d.remaining, d.reset_secs), (0, 1));
            assert!(l.exhausted(c, "k", Q, t0).await.unwrap());
            // Not a clock-minute window: 600 ms later exactly one more passes.
            assert!(l.take(c, "k", Q, t0 + 600_000).await.unwrap().allowed);
            assert!(!l.take(c, "k", Q, t0 + 600_000).await.unwrap().allowed);
            // A minute of quiet refills the bucket.
            let d = l.take(c, "k", Q, t0 + 61_000_000).await.unwrap();
            assert!(d.allowed);
            assert_eq!(d.remaining, 99);
            assert!(!l.exhausted(c, "k", Q, t0 + 61_000_000).await.unwrap());
            // A million a minute still limits (the interval is 60 µs).
            let big = Quota {
                per_minute: 1_000_000,
            };
            assert!(l.take(c, "big", big, t0).await.unwrap().allowed);
        }
    }

    #[test]
    fn reset_counts_whole_seconds_until_the_next_slot() {
        let q = Quota { per_minute: 2 };
        // Two spent at t=0: the arrival time is 60 s ahead, the next slot opens at 30 s.
        let d = q.decide(false, 60_000_000, 0);
        assert_eq!((d.remaining, d.reset_secs), (0, 30));
        let d = q.decide(false, 60_000_000, 29_500_000);
        assert_eq!(d.reset_secs, 1);
    }
}
