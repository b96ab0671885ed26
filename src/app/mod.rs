//! The application layer: one module per use case. A use case takes the store, the [`Actor`]
//! and parsed input, owns its transaction, its audit row and (where it mails) the outbox wake, and
//! returns domain results; the pages (`web`) and the APIs (`api`) only parse, call it and render.
//! It reaches down (`store`, `billing`, `domain`, `mail`, `credentials`, `paths`), never up into
//! `web` or `api`: `crate::architecture` checks it.
//!
//! Being reshaped use case by use case: `signup_links` owns its transaction and audit row; the
//! others still take a transaction from their caller (moved here from the crate's root).

pub mod actor;
pub mod api_keys;
pub mod applications;
pub mod audit;
pub mod authorizations;
pub mod bills;
pub mod customer_reads;
pub mod customers;
pub mod email_links;
pub mod grants;
pub mod logos;
pub mod offers;
pub mod onboarding;
pub mod operator_reads;
pub mod operators;
pub mod partners;
pub mod passwords;
pub mod sessions;
pub mod settings;
pub mod sign_in;
pub mod signup_links;
pub mod team;
pub mod usage;

pub use actor::{Actor, Forbidden};

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use crate::store::{Db, StoreResult, Tx};

/// What a use case works with besides its input: the store, the instant it happens at, the
/// public URL that links in mails and answers start with, and the mail worker's wake-up.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub db: &'a Db,
    pub now: DateTime<Utc>,
    pub public_url: &'a str,
    outbox: &'a Notify,
}

impl<'a> Ctx<'a> {
    pub fn new(db: &'a Db, now: DateTime<Utc>, public_url: &'a str, outbox: &'a Notify) -> Self {
        Ctx {
            db,
            now,
            public_url,
            outbox,
        }
    }

    /// Commits `tx` and wakes the mail worker for what it queued in the outbox: the mails go
    /// out with the change or not at all.
    pub async fn commit_and_send(&self, tx: Tx) -> StoreResult<()> {
        tx.commit().await?;
        self.outbox.notify_one();
        Ok(())
    }
}
