//! Customer signup links (SPEC 2.4, MSPs only: a reseller's customers come from private
//! offers): create, list, revoke, once for the console and both APIs. A link's URL carries its
//! token and exists only in the answer to its creation: only the token's hash is kept.

use super::error::{Error, FieldError, Result, Thing};
use crate::domain::AuditAction;
use crate::webhooks::Event;
use chrono::Duration;

use super::{Actor, Ctx};
use crate::paths;
use crate::store::partners::{self, Partner};
use crate::store::signup_links::{self, NewLink, SignupLink};
use crate::store::{Conn, StoreError};
use crate::tokens::{hash_token, random_token};

/// Days a link lasts when nothing is said, and at most.
pub const DEFAULT_DAYS: i64 = 7;
pub const MAX_DAYS: i64 = 90;
pub const MAX_LABEL_CHARS: usize = 80;
pub const MAX_USES: i64 = 1_000_000;

/// A link to create. A surface that reads a value it cannot make a number of passes one that is
/// out of range, so the field is reported the same way.
#[derive(Debug, Clone)]
pub struct NewLinkRequest {
    pub label: String,
    pub days: i64,
    /// `None`: any number of signups.
    pub max_uses: Option<i64>,
}

impl NewLinkRequest {
    /// The fields out of range, by the names the API gives them.
    fn invalid_fields(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        if self.label.trim().chars().count() > MAX_LABEL_CHARS {
            out.push(FieldError::new("label", "error-link-label"));
        }
        if !(1..=MAX_DAYS).contains(&self.days) {
            out.push(FieldError::new("expiresInDays", "error-link-days"));
        }
        if self.max_uses.is_some_and(|m| !(1..=MAX_USES).contains(&m)) {
            out.push(FieldError::new("maxUses", "error-link-max-uses"));
        }
        out
    }
}

/// A new link and its URL, which exists only here.
#[derive(Debug, Clone)]
pub struct Created {
    pub link: SignupLink,
    pub url: String,
}

/// The actor's partner, which must be an MSP.
async fn msp(c: &mut impl Conn, actor: &Actor) -> Result<Partner> {
    let id = actor
        .partner_id
        .ok_or(Error::WrongKind(Thing::SignupLink))?;
    let p = partners::find_by_id(c, id)
        .await?
        .ok_or(Error::NotFound(Thing::SignupLink))?;
    if p.is_msp() {
        Ok(p)
    } else {
        Err(Error::WrongKind(Thing::SignupLink))
    }
}

pub async fn list(ctx: Ctx<'_>, actor: &Actor) -> Result<Vec<SignupLink>> {
    let mut c = ctx.db.acquire().await?;
    let p = msp(&mut c, actor).await?;
    Ok(signup_links::list(&mut c, p.partner_id).await?)
}

/// Creates a link for the actor's partner, audited in the same transaction.
pub async fn create(ctx: Ctx<'_>, actor: &Actor, req: NewLinkRequest) -> Result<Created> {
    actor.require(crate::domain::Action::ManageLinks)?;
    let (public_url, now) = (ctx.public_url, ctx.now);
    let mut tx = ctx.db.begin().await?;
    let partner = msp(&mut tx, actor).await?;
    let invalid = req.invalid_fields();
    if !invalid.is_empty() {
        return Err(Error::Invalid(invalid));
    }
    let label = req.label.trim();
    let token = random_token();
    let new = NewLink {
        partner_id: partner.partner_id,
        label,
        token_hash: &hash_token(&token),
        expires_at: now + Duration::days(req.days),
        max_uses: req.max_uses.map(|m| m as i32),
        created_by: actor.user_id(),
    };
    let id = signup_links::insert(&mut tx, new, now).await?;
    actor
        .audit(
            &mut tx,
            AuditAction::SignupLinkCreated,
            &format!("link {id} {label}"),
            now,
        )
        .await?;
    let link = signup_links::find(&mut tx, partner.partner_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    super::events::signup_link(ctx, &mut tx, Event::SignupLinkCreated, &link).await?;
    tx.commit().await?;
    Ok(Created {
        link,
        url: format!("{public_url}{}", paths::signup(&partner.slug, &token)),
    })
}

/// The actor's partner's link `link_id`, if there is one.
pub async fn find(ctx: Ctx<'_>, actor: &Actor, link_id: i64) -> Result<SignupLink> {
    let mut c = ctx.db.acquire().await?;
    let p = msp(&mut c, actor).await?;
    signup_links::find(&mut c, p.partner_id, link_id)
        .await?
        .ok_or(Error::NotFound(Thing::SignupLink))
}

/// Revokes a link of the actor's partner; revoking it again changes nothing and is not audited
/// again. Returns the link as it now is.
pub async fn revoke(ctx: Ctx<'_>, actor: &Actor, link_id: i64) -> Result<SignupLink> {
    actor.require(crate::domain::Action::ManageLinks)?;
    let now = ctx.now;
    let mut tx = ctx.db.begin().await?;
    let p = msp(&mut tx, actor).await?;
    signup_links::find(&mut tx, p.partner_id, link_id)
        .await?
        .ok_or(Error::NotFound(Thing::SignupLink))?;
    let revoked = signup_links::revoke(&mut tx, p.partner_id, link_id, now).await?;
    if revoked {
        actor
            .audit(
                &mut tx,
                AuditAction::SignupLinkRevoked,
                &format!("link {link_id}"),
                now,
            )
            .await?;
    }
    let link = signup_links::find(&mut tx, p.partner_id, link_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if revoked {
        super::events::signup_link(ctx, &mut tx, Event::SignupLinkRevoked, &link).await?;
    }
    tx.commit().await?;
    Ok(link)
}
