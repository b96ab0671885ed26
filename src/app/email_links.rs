//! Who an e-mailed link (activation, password reset, invitation) was sent to, while it can still
//! be used: the pages behind a link read it before they ask for anything.

use super::Ctx;
use super::error::{Error, Result, Thing};
use crate::store::tokens::{self, TokenState};
use crate::store::users::{self, User};

/// What each kind of link is for, as the store's tokens name it.
pub const ACTIVATION_PURPOSE: &str = "activation";
pub const RESET_PURPOSE: &str = "password_reset";
pub const INVITATION_PURPOSE: &str = "invitation";

/// The user link `token_hash` of `purpose` was made for. Reading uses nothing up; a link that
/// cannot be used is [`dead`].
pub async fn holder(ctx: Ctx<'_>, purpose: &str, token_hash: &str) -> Result<User> {
    let mut c = ctx.db.acquire().await?;
    match tokens::peek(&mut c, purpose, token_hash, ctx.now).await? {
        TokenState::Usable(id) => users::find_by_id(&mut c, id)
            .await?
            .ok_or(Error::NotFound(Thing::EmailLink)),
        other => Err(dead(purpose, other)),
    }
}

/// Uses up the link `token_hash` of `purpose` (write-first, so of two submissions only one
/// succeeds) and returns the user it was made for.
pub async fn consume(
    tx: &mut crate::store::Tx,
    purpose: &str,
    token_hash: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64> {
    match tokens::consume(tx, purpose, token_hash, now).await? {
        TokenState::Usable(id) => Ok(id),
        other => Err(dead(purpose, other)),
    }
}

/// Why a link of `purpose` cannot be used: used and expired links are gone, with the words of
/// their kind; an unknown one was never there.
pub fn dead(purpose: &str, state: TokenState) -> Error {
    let (used, expired) = match purpose {
        ACTIVATION_PURPOSE => ("error-activation-used", "error-activation-expired"),
        RESET_PURPOSE => ("error-reset-used", "error-reset-expired"),
        INVITATION_PURPOSE => ("error-invitation-used", "error-invitation-expired"),
        _ => return Error::NotFound(Thing::EmailLink),
    };
    match state {
        TokenState::Used => Error::gone(used),
        TokenState::Expired => Error::gone(expired),
        TokenState::Unknown | TokenState::Usable(_) => Error::NotFound(Thing::EmailLink),
    }
}
