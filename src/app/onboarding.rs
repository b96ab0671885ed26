//! Partner onboarding (SPEC 2.2 and 2.3): approving or rejecting an application, activation
//! links, and the first API key. Free of HTTP. Approving, rejecting and resending an activation
//! own their transaction and send their mail; the key and the activation mail of `activation`
//! run in the caller's.

use super::error::{Error, FieldError, Message, Result, Thing};
use crate::domain::AuditAction;
use chrono::{DateTime, Duration, Utc};

use crate::app::api_keys;
use crate::app::{Actor, Ctx};
use crate::credentials::api_keys::{IssuedKey, KeyVault};
use crate::domain::{ApplicationState, Email, Role};
use crate::i18n::I18n;
use crate::mail;
use crate::paths as routes;
use crate::store::applications::{self, Application};
use crate::store::partners::{self, NewPartner, Partner};
use crate::store::users::{self, Membership};
use crate::store::{StoreError, Tx, tokens};
use crate::tokens::{hash_token, random_token};

pub use super::email_links::ACTIVATION_PURPOSE;
pub const ACTIVATION_HOURS: i64 = 72;

pub struct Approved {
    pub partner_id: i64,
    pub slug: String,
}

/// Approves: the partner, its owner (no password yet), the activation mail and the audit event,
/// in one transaction. Refused when the contact e-mail is already a user's.
pub async fn approve(
    ctx: Ctx<'_>,
    application_id: i64,
    actor: &Actor,
    i18n: &I18n,
) -> Result<Approved> {
    let mut tx = ctx.db.begin().await?;
    let done = approve_in(
        &mut tx,
        application_id,
        actor,
        ctx.public_url,
        i18n,
        ctx.now,
    )
    .await?;
    ctx.commit_and_send(tx).await?;
    Ok(done)
}

async fn approve_in(
    tx: &mut Tx,
    application_id: i64,
    actor: &Actor,
    public_url: &str,
    i18n: &I18n,
    now: DateTime<Utc>,
) -> Result<Approved> {
    let app = pending(tx, application_id).await?;
    let email = Email::parse(&app.contact_email).map_err(|_| email_taken(&app.contact_email))?;
    if users::find_by_email(tx, &email).await?.is_some() {
        return Err(email_taken(&app.contact_email));
    }
    let kind = app.kind;
    let new = NewPartner {
        name: &app.company_name,
        kind,
        website_url: &app.website_url,
        logo_light_id: Some(app.logo_light_id),
        logo_dark_id: Some(app.logo_dark_id),
    };
    let (partner_id, slug) = partners::insert(tx, new, now).await?;
    partners::set_details(tx, partner_id, email.as_str(), &app.website_url).await?;
    let membership = Membership::Partner {
        partner_id,
        role: Role::Owner,
    };
    let owner = match users::insert(tx, &email, "", None, membership, now).await {
        Err(StoreError::Conflict(_)) => return Err(email_taken(&app.contact_email)),
        other => other?,
    };
    if !applications::decide(
        tx,
        application_id,
        ApplicationState::Approved,
        None,
        Some(partner_id),
        actor.user_id(),
        now,
    )
    .await?
    {
        return Err(Error::conflict("flash-already-decided"));
    }
    send_activation(
        tx,
        owner,
        email.as_str(),
        &app.company_name,
        public_url,
        i18n,
        now,
    )
    .await?;
    let detail = format!("application {application_id}, slug {slug}");
    actor
        .audit_on(
            tx,
            Some(partner_id),
            AuditAction::ApplicationApproved,
            &detail,
            now,
        )
        .await?;
    Ok(Approved { partner_id, slug })
}

/// Rejects with a reason, which is mailed to the applicant.
pub async fn reject(
    ctx: Ctx<'_>,
    application_id: i64,
    reason: &str,
    actor: &Actor,
    i18n: &I18n,
) -> Result<()> {
    let mut tx = ctx.db.begin().await?;
    reject_in(&mut tx, application_id, reason, actor, i18n, ctx.now).await?;
    ctx.commit_and_send(tx).await?;
    Ok(())
}

async fn reject_in(
    tx: &mut Tx,
    application_id: i64,
    reason: &str,
    actor: &Actor,
    i18n: &I18n,
    now: DateTime<Utc>,
) -> Result<()> {
    let app = pending(tx, application_id).await?;
    if !applications::decide(
        tx,
        application_id,
        ApplicationState::Rejected,
        Some(reason),
        None,
        actor.user_id(),
        now,
    )
    .await?
    {
        return Err(Error::conflict("flash-already-decided"));
    }
    let m = mail::application_rejected(i18n, &app.contact_email, &app.company_name, reason)?;
    mail::enqueue(tx, &m, now).await?;
    actor
        .audit_on(
            tx,
            None,
            AuditAction::ApplicationRejected,
            &format!("application {application_id}"),
            now,
        )
        .await?;
    Ok(())
}

async fn pending(tx: &mut Tx, id: i64) -> Result<Application> {
    let app = applications::find(tx, id)
        .await?
        .ok_or(Error::NotFound(Thing::Application))?;
    if app.state != ApplicationState::Pending {
        return Err(Error::conflict("flash-already-decided"));
    }
    Ok(app)
}

pub enum Resent {
    /// A new activation link went to the owner at this address.
    Sent { email: String },
    /// The owner has set a password already: nothing to resend.
    AlreadyActivated,
}

/// Mails the owner of `partner_id` who has not activated yet a new activation link (the older
/// ones keep working until they expire), audited.
pub async fn resend_activation(
    ctx: Ctx<'_>,
    partner_id: i64,
    actor: &Actor,
    i18n: &I18n,
) -> Result<Resent> {
    let mut tx = ctx.db.begin().await?;
    let partner = partners::find_by_id(&mut tx, partner_id)
        .await?
        .ok_or(Error::NotFound(Thing::Application))?;
    let members = users::list_by_partner(&mut tx, partner_id).await?;
    let Some(owner) = members
        .iter()
        .find(|m| m.role() == Some(Role::Owner) && m.password_hash.is_none())
    else {
        return Ok(Resent::AlreadyActivated);
    };
    send_activation(
        &mut tx,
        owner.user_id,
        &owner.email,
        &partner.name,
        ctx.public_url,
        i18n,
        ctx.now,
    )
    .await?;
    actor
        .audit_on(
            &mut tx,
            Some(partner_id),
            AuditAction::ActivationResent,
            &owner.email,
            ctx.now,
        )
        .await?;
    ctx.commit_and_send(tx).await?;
    Ok(Resent::Sent {
        email: owner.email.clone(),
    })
}

/// A fresh single-use activation link for `user_id`, mailed through the outbox.
pub async fn send_activation(
    tx: &mut Tx,
    user_id: i64,
    email: &str,
    company: &str,
    public_url: &str,
    i18n: &I18n,
    now: DateTime<Utc>,
) -> Result<()> {
    let token = random_token();
    let expires = now + Duration::hours(ACTIVATION_HOURS);
    tokens::insert(
        tx,
        ACTIVATION_PURPOSE,
        &hash_token(&token),
        user_id,
        expires,
        now,
    )
    .await?;
    let link = format!("{public_url}{}", routes::activate(&token));
    let m = mail::activation(i18n, email, company, &link)?;
    mail::enqueue(tx, &m, now).await?;
    Ok(())
}

/// What an owner's activation made: the partner, its first API key (the private half, shown
/// once) and the id of the session the owner is signed in with.
pub struct Activated {
    pub partner: Partner,
    pub key: IssuedKey,
    pub session: String,
}

/// Activates the owner `actor` with the link `token_hash` (used up write-first, so of two
/// submissions only one succeeds) and the password `hash` (computed before, off the
/// transaction): sets it, audits, issues the partner's first API key named `key_name` and
/// starts the owner's session from `origin`.
pub async fn activate(
    ctx: Ctx<'_>,
    vault: &KeyVault,
    actor: &Actor,
    token_hash: &str,
    hash: &str,
    key_name: &str,
    origin: &crate::store::sessions::Origin,
) -> Result<Activated> {
    let (Some(user_id), Some(partner_id)) = (actor.user_id(), actor.partner_id) else {
        return Err(Error::NotFound(Thing::EmailLink));
    };
    let mut tx = ctx.db.begin().await?;
    super::email_links::consume(&mut tx, ACTIVATION_PURPOSE, token_hash, ctx.now).await?;
    users::set_password(&mut tx, user_id, hash, ctx.now).await?;
    let user = users::find_by_id(&mut tx, user_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    actor
        .audit(&mut tx, AuditAction::AccountActivated, &user.email, ctx.now)
        .await?;
    let key = api_keys::issue(&mut tx, vault, partner_id, key_name, actor, ctx.now).await?;
    let partner = partners::find_by_id(&mut tx, partner_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let session = super::sessions::start_on(&mut tx, user_id, origin, ctx.now).await?;
    tx.commit().await?;
    Ok(Activated {
        partner,
        key,
        session,
    })
}

/// The contact e-mail already belongs to a user, and e-mail addresses are unique.
fn email_taken(email: &str) -> Error {
    Error::Invalid(vec![FieldError {
        field: "contact_email",
        message: Message::new("error-approve-email-taken").text("email", email),
    }])
}
