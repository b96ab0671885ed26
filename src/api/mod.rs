//! The machine surfaces: the operator ingest endpoint now; the partner management APIs later.
//! Authentication is HTTP Digest with API keys (see `digest`).

pub mod auth;
pub mod digest;
pub mod error;
pub mod formats;
pub mod ingest;
pub mod msp;
pub mod openapi;
pub mod ratelimit;
pub mod reference;
pub mod replay;
pub mod v1;
