//! The machine surfaces: the MSP API `v1beta1` (`msp`), the Partner Management API `v1`
//! (`v1`), both answering bills (`bills`) and grants (`grants`) in the vendor's shapes, and the
//! operator ingest endpoint. Authentication is HTTP Digest with API keys (see `digest`).

pub mod auth;
pub mod bills;
pub mod body;
pub mod digest;
pub mod error;
pub mod formats;
pub mod grants;
pub mod ingest;
pub mod msp;
pub mod openapi;
pub mod ratelimit;
pub mod reference;
pub mod replay;
pub mod v1;
