//! Forgotten passwords (SPEC 7): a single-use reset link, valid an hour, mailed only to an
//! account that may sign in; the answer never tells whether the address has one.

use super::error::{Error, Result, Thing};
use crate::domain::AuditAction;
use chrono::Duration;

use super::{Actor, Ctx};
use crate::domain::Email;
use crate::i18n::I18n;
use crate::mail;
use crate::paths;
use crate::store::{tokens, users};
use crate::tokens::{hash_token, random_token};

pub use super::email_links::RESET_PURPOSE;
pub const RESET_LIFETIME_HOURS: i64 = 1;

/// Mails a reset link to `email` if it belongs to a user who may sign in; does nothing
/// otherwise, in the same time and with the same result.
pub async fn request_reset(ctx: Ctx<'_>, email: &Email, i18n: &I18n) -> anyhow::Result<()> {
    let mut tx = ctx.db.begin().await?;
    if let Some(user) = users::find_by_email(&mut tx, email).await?
        && !user.is_blocked()
    {
        let token = random_token();
        let expires = ctx.now + Duration::hours(RESET_LIFETIME_HOURS);
        tokens::insert(
            &mut tx,
            RESET_PURPOSE,
            &hash_token(&token),
            user.user_id,
            expires,
            ctx.now,
        )
        .await?;
        let link = format!("{}{}", ctx.public_url, paths::password_reset(&token));
        // A mail follows its recipient's setting, else the language of the request.
        let theirs = user.language.as_deref().and_then(I18n::for_tag);
        let message = mail::password_reset(theirs.as_ref().unwrap_or(i18n), &user.email, &link)?;
        mail::enqueue(&mut tx, &message, ctx.now).await?;
    }
    ctx.commit_and_send(tx).await?;
    Ok(())
}

/// Sets the password a reset link was for, `hash` already computed (argon2 runs before the
/// transaction, so SQLite's write lock is not held meanwhile). The link is used up write-first:
/// of two submissions of one link only one succeeds; the other gets the link's state.
pub async fn complete_reset(
    ctx: Ctx<'_>,
    actor: &Actor,
    token_hash: &str,
    hash: &str,
) -> Result<()> {
    let Some(user_id) = actor.user_id() else {
        return Err(Error::NotFound(Thing::EmailLink));
    };
    let mut tx = ctx.db.begin().await?;
    super::email_links::consume(&mut tx, RESET_PURPOSE, token_hash, ctx.now).await?;
    users::set_password(&mut tx, user_id, hash, ctx.now).await?;
    // Whoever knew the old password may have a session: every one ends.
    super::sessions::end_all_of_user(&mut tx, user_id).await?;
    actor
        .audit(&mut tx, AuditAction::PasswordReset, "", ctx.now)
        .await?;
    tx.commit().await?;
    Ok(())
}
