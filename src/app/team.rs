//! A partner's team (issue 15): owners and admins invite members by e-mail with a role, change
//! roles and remove members; only an owner makes, changes or removes an owner, and the last owner
//! stays. An invitation is a member without a password and a single-use link (7 days), like an
//! owner's activation.

use super::error::{Error, Result, Thing};
use crate::domain::AuditAction;
use chrono::{DateTime, Duration, Utc};

use super::{Actor, Ctx};
use crate::domain::{Action, Email, Role};
use crate::i18n::I18n;
use crate::mail;
use crate::store::sessions::Origin;
use crate::store::tokens::{self};
use crate::store::users::{self, Membership, User};
use crate::store::{Conn, StoreError, Tx, partners};
use crate::tokens::{hash_token, random_token};

pub use super::email_links::INVITATION_PURPOSE;
pub const INVITATION_DAYS: i64 = 7;

/// A member as the team page lists it.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub user: User,
    /// Invited, not joined yet: until when the newest link works (`None` once lapsed).
    pub invited_until: Option<Option<DateTime<Utc>>>,
}

impl MemberRow {
    pub fn joined(&self) -> bool {
        self.invited_until.is_none()
    }
}

fn partner_of(actor: &Actor) -> Result<i64> {
    actor.partner_id.ok_or(Error::NotFound(Thing::Partner))
}

/// The right a change of `from` → `to` needs: owners' roles are the owners' business.
fn right_for(from: Option<Role>, to: Option<Role>) -> Action {
    if from == Some(Role::Owner) || to == Some(Role::Owner) {
        Action::ManageOwners
    } else {
        Action::ManageTeam
    }
}

pub async fn list(ctx: Ctx<'_>, actor: &Actor) -> Result<Vec<MemberRow>> {
    actor.require(Action::ManageTeam)?;
    let partner_id = partner_of(actor)?;
    let mut c = ctx.db.acquire().await?;
    let mut out = Vec::new();
    for user in users::list_by_partner(&mut c, partner_id).await? {
        let invited_until = match user.password_hash {
            Some(_) => None,
            None => Some(
                tokens::pending_until(&mut c, INVITATION_PURPOSE, user.user_id)
                    .await?
                    .or(tokens::pending_until(
                        &mut c,
                        crate::app::onboarding::ACTIVATION_PURPOSE,
                        user.user_id,
                    )
                    .await?),
            ),
        };
        out.push(MemberRow {
            user,
            invited_until,
        });
    }
    Ok(out)
}

async fn send(
    tx: &mut Tx,
    user_id: i64,
    email: &str,
    role: Role,
    company: &str,
    ctx: Ctx<'_>,
    i18n: &I18n,
) -> Result<()> {
    let token = random_token();
    tokens::insert(
        tx,
        INVITATION_PURPOSE,
        &hash_token(&token),
        user_id,
        ctx.now + Duration::days(INVITATION_DAYS),
        ctx.now,
    )
    .await?;
    let link = format!("{}{}", ctx.public_url, crate::paths::invitation(&token));
    let role = i18n.t(&format!("role-{}", role.as_str()));
    let m = mail::invitation(i18n, email, company, &role, &link)?;
    mail::enqueue(tx, &m, ctx.now).await?;
    Ok(())
}

/// Invites `email` to the actor's partner with `role` and mails the link.
pub async fn invite(
    ctx: Ctx<'_>,
    actor: &Actor,
    email: &str,
    role: Role,
    i18n: &I18n,
) -> Result<i64> {
    actor.require(right_for(None, Some(role)))?;
    let partner_id = partner_of(actor)?;
    let email = Email::parse(email).map_err(|_| Error::invalid("email", "error-email-invalid"))?;
    let mut tx = ctx.db.begin().await?;
    if users::email_taken(&mut tx, &email).await? {
        // Someone of this team already (its list shows them): say so, and what to do; anyone
        // else gets the one neutral refusal.
        let here = users::find_by_email(&mut tx, &email)
            .await?
            .filter(|u| u.partner_id == Some(partner_id));
        return Err(match here {
            Some(u) if u.password_hash.is_none() => Error::invalid("email", "error-invite-pending"),
            Some(_) => Error::invalid("email", "error-invite-member"),
            None => taken(),
        });
    }
    let partner = partners::find_by_id(&mut tx, partner_id)
        .await?
        .ok_or(Error::NotFound(Thing::Member))?;
    let member = Membership::Partner { partner_id, role };
    let user_id = match users::insert(&mut tx, &email, "", None, member, ctx.now).await {
        Err(StoreError::Conflict(_)) => return Err(taken()),
        other => other?,
    };
    send(
        &mut tx,
        user_id,
        email.as_str(),
        role,
        &partner.name,
        ctx,
        i18n,
    )
    .await?;
    actor
        .audit(
            &mut tx,
            AuditAction::MemberInvited,
            &format!("{} as {}", email.as_str(), role.as_str()),
            ctx.now,
        )
        .await?;
    ctx.commit_and_send(tx).await?;
    Ok(user_id)
}

async fn member(c: &mut impl Conn, partner_id: i64, user_id: i64) -> Result<User> {
    users::find_by_id(c, user_id)
        .await?
        .filter(|u| u.partner_id == Some(partner_id))
        .ok_or(Error::NotFound(Thing::Member))
}

/// Mails a fresh invitation link; the old one stops working.
pub async fn resend(ctx: Ctx<'_>, actor: &Actor, user_id: i64, i18n: &I18n) -> Result<User> {
    let partner_id = partner_of(actor)?;
    let mut tx = ctx.db.begin().await?;
    let u = member(&mut tx, partner_id, user_id).await?;
    actor.require(right_for(u.role(), u.role()))?;
    if u.password_hash.is_some() {
        return Err(Error::conflict("flash-member-joined"));
    }
    tokens::void(&mut tx, INVITATION_PURPOSE, user_id, ctx.now).await?;
    let company = u.partner_name.clone().unwrap_or_default();
    let role = u.role().unwrap_or(Role::Viewer);
    send(&mut tx, user_id, &u.email, role, &company, ctx, i18n).await?;
    actor
        .audit(&mut tx, AuditAction::InvitationResent, &u.email, ctx.now)
        .await?;
    ctx.commit_and_send(tx).await?;
    Ok(u)
}

/// Cancels an invitation not accepted yet: the member and its link are gone.
pub async fn cancel(ctx: Ctx<'_>, actor: &Actor, user_id: i64) -> Result<User> {
    let partner_id = partner_of(actor)?;
    let mut tx = ctx.db.begin().await?;
    let u = member(&mut tx, partner_id, user_id).await?;
    actor.require(right_for(u.role(), u.role()))?;
    if u.role() == Some(Role::Owner) && owners(&mut tx, partner_id).await? <= 1 {
        return Err(Error::conflict("flash-last-owner"));
    }
    if !users::delete_invited(&mut tx, partner_id, user_id).await? {
        return Err(Error::conflict("flash-member-joined"));
    }
    actor
        .audit(&mut tx, AuditAction::InvitationCancelled, &u.email, ctx.now)
        .await?;
    tx.commit().await?;
    Ok(u)
}

async fn owners(c: &mut impl Conn, partner_id: i64) -> Result<usize> {
    Ok(users::list_by_partner(c, partner_id)
        .await?
        .iter()
        .filter(|u| u.role() == Some(Role::Owner))
        .count())
}

/// Gives a member another role; the last owner stays an owner.
pub async fn change_role(ctx: Ctx<'_>, actor: &Actor, user_id: i64, role: Role) -> Result<User> {
    let partner_id = partner_of(actor)?;
    let mut tx = ctx.db.begin().await?;
    let u = member(&mut tx, partner_id, user_id).await?;
    actor.require(right_for(u.role(), Some(role)))?;
    if u.role() == Some(role) {
        return Ok(u);
    }
    if u.role() == Some(Role::Owner) && owners(&mut tx, partner_id).await? <= 1 {
        return Err(Error::conflict("flash-last-owner"));
    }
    users::set_role(&mut tx, partner_id, user_id, role, ctx.now).await?;
    actor
        .audit(
            &mut tx,
            AuditAction::MemberRoleChanged,
            &format!(
                "{} {} → {}",
                u.email,
                u.role.map_or("", Role::as_str),
                role.as_str()
            ),
            ctx.now,
        )
        .await?;
    tx.commit().await?;
    Ok(u)
}

/// Removes a member, whose sessions end at their next request; the last owner stays.
pub async fn remove(ctx: Ctx<'_>, actor: &Actor, user_id: i64) -> Result<User> {
    let partner_id = partner_of(actor)?;
    let mut tx = ctx.db.begin().await?;
    let u = member(&mut tx, partner_id, user_id).await?;
    actor.require(right_for(u.role(), None))?;
    if u.role() == Some(Role::Owner) && owners(&mut tx, partner_id).await? <= 1 {
        return Err(Error::conflict("flash-last-owner"));
    }
    users::remove(&mut tx, partner_id, user_id, ctx.now).await?;
    super::sessions::end_all_of_user(&mut tx, user_id).await?;
    actor
        .audit(&mut tx, AuditAction::MemberRemoved, &u.email, ctx.now)
        .await?;
    tx.commit().await?;
    Ok(u)
}

/// The invited member behind a usable link, for the page that asks for a password.
pub async fn invited(ctx: Ctx<'_>, token_hash: &str) -> Result<User> {
    super::email_links::holder(ctx, INVITATION_PURPOSE, token_hash).await
}

/// Joins with the link `token_hash` (used up write-first) and the password `hash`; returns the
/// member and the id of the session it is signed in with, started from `origin`.
pub async fn join(
    ctx: Ctx<'_>,
    token_hash: &str,
    hash: &str,
    origin: &Origin,
) -> Result<(User, String)> {
    let mut tx = ctx.db.begin().await?;
    let user_id =
        super::email_links::consume(&mut tx, INVITATION_PURPOSE, token_hash, ctx.now).await?;
    users::set_password(&mut tx, user_id, hash, ctx.now).await?;
    let user = users::find_by_id(&mut tx, user_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let partner_id = user.partner_id.ok_or(StoreError::NotFound)?;
    Actor::member(user_id, partner_id, user.role(), origin.address.clone())
        .audit(&mut tx, AuditAction::MemberJoined, &user.email, ctx.now)
        .await?;
    let session = super::sessions::start_on(&mut tx, user_id, origin, ctx.now).await?;
    tx.commit().await?;
    Ok((user, session))
}

/// One neutral refusal whatever the reason (a member here, of another partner, an operator).
fn taken() -> Error {
    Error::invalid("email", "error-invite-taken")
}
