//! The application layer: one module per use case. A use case takes the store, the [`Actor`]
//! and parsed input, owns its transaction, its audit row and (where it mails) the outbox wake, and
//! returns domain results; the pages (`web`) and the APIs (`api`) only parse, call it and render.
//! It reaches down (`store`, `billing`, `domain`, `mail`, `paths`), never up into `web` or `api`.
//!
//! Being reshaped use case by use case: `signup_links` owns its transaction and audit row; the
//! others still take a transaction from their caller (moved here from the crate's root).

pub mod actor;
pub mod bills;
pub mod customers;
pub mod demo;
pub mod onboarding;
pub mod operators;
pub mod signup_links;
pub mod usage;

pub use actor::Actor;
