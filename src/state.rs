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
}

impl AppState {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// Wall-clock time with an offset tests can move forward (expiry, idle timeouts) without sleeping.
#[derive(Clone, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::seconds(self.offset_secs.load(Ordering::Relaxed))
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.offset_secs
            .fetch_add(by.num_seconds(), Ordering::Relaxed);
    }
}
