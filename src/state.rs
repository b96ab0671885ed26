//! What every handler shares: the store, settings, password hasher, outbox wake-up, metrics and
//! the clock.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

pub use crate::clock::Clock;
use crate::config::Settings;
use crate::credentials::Passwords;
use crate::credentials::api_keys::KeyVault;
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
    /// The WebAuthn relying party of the public URL; None where its host is an IP address,
    /// which WebAuthn does not allow (the pages then say passkeys need a domain name).
    pub passkeys: Option<crate::credentials::passkeys::Passkeys>,
    /// What the APIs keep between requests: Digest nonces, rate limits, the replay guard.
    pub api: crate::api::ApiState,
    /// How webhooks write the objects they tell of: the API's shapes (`api::shapes`), set at
    /// start so that this module does not name the handlers that use it.
    pub shapes: &'static dyn crate::webhooks::Shapes,
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
            self.shapes,
        )
    }
}
