//! What every handler shares: the store, settings, password hasher, outbox wake-up, metrics and
//! the clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use crate::auth::Passwords;
use crate::auth::api_keys::KeyVault;
use crate::config::Settings;
use crate::metrics::Metrics;
use crate::store::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub passwords: Passwords,
    pub outbox_wake: Arc<Notify>,
    pub metrics: Metrics,
    pub clock: Clock,
    pub vault: KeyVault,
    pub nonces: crate::api::digest::Nonces,
    pub limiter: crate::api::ratelimit::Limiter,
    pub replays: crate::api::replay::ReplayGuard,
}

impl AppState {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The application layer's context for one request, at the clock's present reading.
    pub fn app(&self) -> crate::app::Ctx<'_> {
        crate::app::Ctx::new(
            &self.db,
            self.now(),
            &self.settings.public_url,
            &self.outbox_wake,
        )
    }
}

/// Wall-clock time with an offset tests can move forward (expiry, idle timeouts, rate limits)
/// without sleeping, and can stop so that time passes only when a test says so.
#[derive(Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
    /// Milliseconds since the epoch the clock stands at; 0 while it runs.
    frozen_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        let offset = chrono::Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed));
        match self.frozen_ms.load(Ordering::Relaxed) {
            0 => Utc::now() + offset,
            ms => DateTime::from_timestamp_millis(ms).unwrap_or_default() + offset,
        }
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }

    /// Stops the clock at the present moment; [`Clock::advance`] still moves it.
    pub fn freeze(&self) {
        self.frozen_ms
            .store(Utc::now().timestamp_millis(), Ordering::Relaxed);
    }
}
