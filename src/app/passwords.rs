//! Forgotten passwords (SPEC 7): a single-use reset link, valid an hour, mailed only to an
//! account that may sign in; the answer never tells whether the address has one.

use chrono::Duration;

use super::Ctx;
use crate::domain::Email;
use crate::i18n::I18n;
use crate::mail;
use crate::paths;
use crate::store::{tokens, users};
use crate::tokens::{hash_token, random_token};

pub const RESET_PURPOSE: &str = "password_reset";
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
        let message = mail::password_reset(i18n, &user.email, &link)?;
        mail::enqueue(&mut tx, &message, ctx.now).await?;
    }
    ctx.commit_and_send(tx).await?;
    Ok(())
}
