//! The application layer: one module per use case. A use case takes the store, the [`Actor`]
//! and parsed input, owns its transaction, its audit row and (where it mails) the outbox wake, and
//! returns domain results; the pages (`web`) and the APIs (`api`) only parse, call it and render.
//! It reaches down (`store`, `billing`, `domain`, `mail`, `paths`), never up into `web` or `api`.
//!
//! Being moved here use case by use case: signup links first; the services still at the crate's
//! root (bills, usage, customers, onboarding, operators, demo) follow.

pub mod actor;
pub mod signup_links;

pub use actor::Actor;
