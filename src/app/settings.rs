//! A member's own settings (issue 15): the profile (display name, language), the password, and
//! for owners the partner's contact e-mail and website (its name and slug stay with operators).

use super::error::{Error, FieldError, Result, Thing};
use super::{Actor, Ctx, sessions};
use crate::domain::AuditAction;
use crate::domain::{Action, Email, check_website};
use crate::i18n::LANGUAGES;
use crate::store::sessions::Origin;
use crate::store::{StoreError, partners, users};

pub const MAX_NAME_CHARS: usize = 80;

fn user_of(actor: &Actor) -> Result<i64> {
    actor
        .user_id()
        .ok_or_else(|| anyhow::anyhow!("settings are a signed-in person's").into())
}

/// Sets the actor's display name and language (`""`: follow the browser).
pub async fn update_profile(
    ctx: Ctx<'_>,
    actor: &Actor,
    display_name: &str,
    language: &str,
) -> Result<()> {
    let user_id = user_of(actor)?;
    let name = display_name.trim();
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid("display_name", "error-display-name"));
    }
    let language = match language {
        "" => None,
        l if LANGUAGES.iter().any(|(code, _)| *code == l) => Some(l),
        _ => return Err(Error::invalid("language", "error-language")),
    };
    let mut tx = ctx.db.begin().await?;
    users::set_profile(&mut tx, user_id, name, language, ctx.now).await?;
    actor
        .audit(&mut tx, AuditAction::ProfileChanged, "", ctx.now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets the actor's new password (`hash`, computed off the transaction once the current one was
/// checked). Every session of the actor ends; returns the id of a new one, from `origin`, to
/// keep the person who made the change signed in.
pub async fn change_password(
    ctx: Ctx<'_>,
    actor: &Actor,
    hash: &str,
    origin: &Origin,
) -> Result<String> {
    let user_id = user_of(actor)?;
    let mut tx = ctx.db.begin().await?;
    users::set_password(&mut tx, user_id, hash, ctx.now).await?;
    let session = sessions::restart_on(&mut tx, user_id, origin, ctx.now).await?;
    let user = users::find_by_id(&mut tx, user_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    actor
        .audit(&mut tx, AuditAction::PasswordChanged, &user.email, ctx.now)
        .await?;
    tx.commit().await?;
    Ok(session)
}

/// The owner sets the partner's contact e-mail and website.
pub async fn update_partner(
    ctx: Ctx<'_>,
    actor: &Actor,
    contact_email: &str,
    website_url: &str,
) -> Result<()> {
    actor.require(Action::EditPartnerDetails)?;
    let partner_id = actor.partner_id.ok_or(Error::NotFound(Thing::Partner))?;
    // Both fields are checked, so the form can say all that is wrong at once.
    let email = Email::parse(contact_email).map_err(|e| FieldError::new("contact_email", e.key));
    let website = website_url.trim();
    let site = check_website(website).map_err(|e| FieldError::new("website_url", e.key));
    let email = match (email, site) {
        (Ok(email), Ok(())) => email,
        (email, site) => {
            return Err(Error::Invalid(
                [email.err(), site.err()].into_iter().flatten().collect(),
            ));
        }
    };
    let mut tx = ctx.db.begin().await?;
    partners::set_details(&mut tx, partner_id, email.as_str(), website).await?;
    actor
        .audit(
            &mut tx,
            AuditAction::PartnerDetailsChanged,
            &format!("{} {website}", email.as_str()),
            ctx.now,
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The owner requires two-factor sign-in of every member, or stops requiring it. Members
/// without it are taken to enrolment at their next request; the owner cannot require it before
/// having it (or they would be the first one locked out of their own pages).
pub async fn require_two_factor(
    ctx: Ctx<'_>,
    actor: &Actor,
    owner: &users::User,
    required: bool,
) -> Result<()> {
    actor.require(Action::RequireTwoFactor)?;
    let partner_id = actor.partner_id.ok_or(Error::NotFound(Thing::Partner))?;
    if required && !owner.has_two_factor() {
        return Err(Error::conflict("error-two-factor-require-own-first"));
    }
    let mut tx = ctx.db.begin().await?;
    partners::set_require_two_factor(&mut tx, partner_id, required).await?;
    let detail = if required { "required" } else { "not required" };
    actor
        .audit(&mut tx, AuditAction::TwoFactorRequired, detail, ctx.now)
        .await?;
    tx.commit().await?;
    Ok(())
}
