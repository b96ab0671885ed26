//! The application layer: one module per use case. A use case, reads included, takes the
//! context ([`Ctx`]: the store, the instant, the public URL), the [`Actor`] and parsed input; it
//! owns its transaction, its audit row and (where it mails) the outbox wake, and returns domain
//! results or the one [`Error`], which says what is refused in the application's terms. The
//! pages (`web`) and the APIs (`api`) only parse, call it and render; each maps [`Error`] once.
//! It reaches down (`store`, `billing`, `domain`, `mail`, `credentials`, `i18n`, `paths`), never
//! up into `web` or `api`: `crate::architecture` checks it.

pub mod actor;
pub mod api_keys;
pub mod applications;
pub mod audit;
pub mod authorizations;
pub mod bills;
pub mod budgets;
pub mod customer_reads;
pub mod customers;
pub mod email_links;
pub mod error;
mod events;
pub mod focus;
pub mod grants;
pub mod invoices;
pub mod logos;
pub mod offers;
pub mod onboarding;
pub mod operator_reads;
pub mod operators;
pub mod partners;
pub mod passkeys;
pub mod passwords;
pub mod price_plans;
pub mod sessions;
pub mod settings;
pub mod sign_in;
pub mod signup_links;
pub mod statements;
pub mod team;
pub mod two_factor;
pub mod usage;
pub mod webhooks;

pub use actor::{Actor, Forbidden};
pub use error::{Error, FieldError, Thing};

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use crate::store::{Db, StoreResult, Tx};

/// What a use case works with besides its input: the store, the instant it happens at, the
/// public URL that links in mails and answers start with, the mail worker's wake-up, and how
/// webhooks write the objects they tell of.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub db: &'a Db,
    pub now: DateTime<Utc>,
    pub public_url: &'a str,
    outbox: &'a Notify,
    pub shapes: &'a dyn crate::webhooks::Shapes,
}

impl<'a> Ctx<'a> {
    pub fn new(
        db: &'a Db,
        now: DateTime<Utc>,
        public_url: &'a str,
        outbox: &'a Notify,
        shapes: &'a dyn crate::webhooks::Shapes,
    ) -> Self {
        Ctx {
            db,
            now,
            public_url,
            outbox,
            shapes,
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
