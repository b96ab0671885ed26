//! The machine surfaces: the MSP API `v1beta1` (`msp`), the Partner Management API `v1`
//! (`v1`), both answering bills (`bills`) and grants (`grants`) in the vendor's shapes, and the
//! operator ingest endpoint. Authentication is HTTP Digest with API keys (see `credentials::digest`).

pub mod auth;
pub mod authorizations;
pub mod bill_reads;
pub mod bills;
pub mod body;
pub mod budgets;
pub mod customers;
pub mod error;
pub mod focus;
pub mod formats;
pub mod grants;
pub mod ingest;
pub mod invoices;
pub mod msp;
pub mod offers;
pub mod openapi;
pub mod page_token;
pub mod price_plans;
pub mod ratelimit;
pub mod reference;
pub mod replay;
pub mod shapes;
pub mod statements;
pub mod v1;
pub mod webhooks;

use crate::config::{RateLimitStore, Settings};

/// What the APIs keep between requests, in the application's state.
#[derive(Clone)]
pub struct ApiState {
    pub nonces: crate::credentials::digest::Nonces,
    pub limiter: ratelimit::Limiter,
    pub replays: replay::ReplayGuard,
}

impl ApiState {
    /// Digest nonces are MACed with the session key, which every instance shares already.
    pub fn new(settings: &Settings, session_key: &[u8]) -> crate::store::StoreResult<ApiState> {
        use secrecy::ExposeSecret;
        Ok(ApiState {
            nonces: crate::credentials::digest::Nonces::new(session_key),
            limiter: match settings.api_rate_limit_store {
                RateLimitStore::Memory => ratelimit::Limiter::memory(),
                RateLimitStore::Database => {
                    ratelimit::Limiter::Database(crate::store::Db::rate_limit_pool(
                        settings.database_url.expose_secret(),
                        settings.database_schema.as_deref(),
                    )?)
                }
            },
            replays: Default::default(),
        })
    }
}
