//! The application layer: one module per use case. A use case takes the store, the [`Actor`]
//! and parsed input, owns its transaction, its audit row and (where it mails) the outbox wake, and
//! returns domain results; the pages (`web`) and the APIs (`api`) only parse, call it and render.
//! It reaches down (`store`, `billing`, `domain`, `mail`, `paths`), never up into `web` or `api`.
//!
//! Being reshaped use case by use case: `signup_links` owns its transaction and audit row; the
//! others still take a transaction from their caller (moved here from the crate's root).

pub mod actor;
pub mod api_keys;
pub mod applications;
pub mod audit;
pub mod authorizations;
pub mod bills;
pub mod customers;
pub mod demo;
pub mod demo_scale;
pub mod grants;
pub mod logos;
pub mod offers;
pub mod onboarding;
pub mod operators;
pub mod partners;
pub mod passwords;
pub mod sessions;
pub mod settings;
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

#[cfg(test)]
mod tests {
    /// The layers below the HTTP surfaces, and what none of them may name.
    const BELOW: &[&str] = &[
        "src/app",
        "src/store",
        "src/billing",
        "src/domain",
        "src/mail",
        "src/clock.rs",
        "src/paths.rs",
        "src/tokens.rs",
        "src/i18n.rs",
    ];
    const ABOVE: &[&str] = &[
        "crate::web",
        "crate::api",
        "crate::state",
        "crate::startup",
        "actix_web",
    ];

    fn sources(path: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        if path.is_dir() {
            for e in std::fs::read_dir(path).unwrap().flatten() {
                sources(&e.path(), out);
            }
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path.to_path_buf());
        }
    }

    #[test]
    fn nothing_below_the_surfaces_reaches_up() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for b in BELOW {
            sources(&root.join(b), &mut files);
        }
        assert!(files.len() > 30, "{files:?}");
        let mut wrong = Vec::new();
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            // Tests may reach anywhere; the code may not.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate() {
                if let Some(up) = ABOVE.iter().find(|a| line.contains(*a)) {
                    wrong.push(format!("{}:{}: {up}", f.display(), n + 1));
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
