//! Passkeys (issue 26, point 2): a person registers one or more from Sign-in security, names
//! them, and removes them with the password. Adding or removing one is a two-factor change: it
//! ends the person's other sessions and renews this browser's, audited. Signing in with one is
//! in [`super::sign_in`].

use chrono::{DateTime, Utc};

use super::error::{Error, Result};
use super::{Actor, Ctx, sessions};
use crate::credentials::Passwords;
use crate::credentials::passkeys::{Begun, Passkeys};
use crate::domain::AuditAction;
use crate::store::passkeys::{self, NewPasskey, PasskeyRow};
use crate::store::sessions::Origin;
use crate::store::users::User;
use crate::store::{StoreError, two_factor};

pub const MAX_NAME_CHARS: usize = 60;

/// One of the person's passkeys, for the list.
#[derive(Debug, Clone)]
pub struct Listed {
    pub passkey_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

pub async fn list(ctx: Ctx<'_>, user_id: i64) -> Result<Vec<Listed>> {
    let mut c = ctx.db.acquire().await?;
    Ok(passkeys::list_for_user(&mut c, user_id)
        .await?
        .into_iter()
        .map(|r| Listed {
            passkey_id: r.passkey_id,
            name: r.name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        })
        .collect())
}

/// A registration begun: the browser's options, and what the server keeps until the answer
/// (the ceremony's state and the person's user handle).
pub struct Registration {
    pub begun: Begun,
    pub user_handle: String,
}

/// Starts registering a passkey for `user`: the handle of their earlier passkeys (or a new
/// one), their credentials excluded so one authenticator is not registered twice.
pub async fn begin_registration(ctx: Ctx<'_>, pk: &Passkeys, user: &User) -> Result<Registration> {
    let mut c = ctx.db.acquire().await?;
    let rows = passkeys::list_for_user(&mut c, user.user_id).await?;
    let handle = rows
        .first()
        .map(|r| r.user_handle.clone())
        .unwrap_or_else(Passkeys::new_user_handle);
    let existing: Vec<String> = rows.into_iter().map(|r| r.credential).collect();
    let begun = pk
        .begin_registration(&handle, &user.email, &user.display_name, &existing)
        .map_err(|e| anyhow::anyhow!(e))?;
    Ok(Registration {
        begun,
        user_handle: handle,
    })
}

/// What the browser answered to a registration, with what the server kept.
pub struct Answer<'a> {
    pub name: &'a str,
    pub credential: &'a str,
    pub state: &'a str,
    pub user_handle: &'a str,
}

/// Adds the passkey the browser made; returns the id of this browser's new session.
pub async fn add(
    ctx: Ctx<'_>,
    pk: &Passkeys,
    actor: &Actor,
    user: &User,
    answer: Answer<'_>,
    origin: &Origin,
) -> Result<String> {
    let name = answer.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid("name", "error-passkey-name"));
    }
    let made = pk
        .finish_registration(answer.credential, answer.state)
        .map_err(|e| {
            tracing::info!(error = %e, "a passkey registration was refused");
            Error::invalid("credential", "error-passkey-refused")
        })?;
    let mut tx = ctx.db.begin().await?;
    let new = NewPasskey {
        user_id: user.user_id,
        user_handle: answer.user_handle,
        name,
        credential_id: &made.credential_id,
        credential: &made.stored,
    };
    match passkeys::insert(&mut tx, new, ctx.now).await {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => {
            tx.rollback().await?;
            return Err(Error::conflict("error-passkey-exists"));
        }
        Err(e) => return Err(e.into()),
    }
    let session = sessions::restart_on(&mut tx, user.user_id, origin, ctx.now).await?;
    actor
        .audit(&mut tx, AuditAction::PasskeyAdded, name, ctx.now)
        .await?;
    tx.commit().await?;
    Ok(session)
}

/// Removes one of the person's passkeys, with their password. Refused where the partner
/// requires two-factor sign-in and it is the person's last second factor.
pub async fn remove(
    ctx: Ctx<'_>,
    passwords: &Passwords,
    actor: &Actor,
    user: &User,
    passkey_id: i64,
    password: &str,
    origin: &Origin,
) -> Result<String> {
    let mut c = ctx.db.acquire().await?;
    let rows: Vec<PasskeyRow> = passkeys::list_for_user(&mut c, user.user_id).await?;
    let has_totp = two_factor::find_totp(&mut c, user.user_id)
        .await?
        .is_some_and(|t| t.confirmed_at.is_some());
    drop(c);
    let Some(row) = rows.iter().find(|r| r.passkey_id == passkey_id) else {
        return Err(Error::conflict("error-no-passkey"));
    };
    if user.partner_requires_two_factor && !has_totp && rows.len() == 1 {
        return Err(Error::conflict("error-two-factor-required"));
    }
    if !passwords
        .verify(password, user.password_hash.as_deref())
        .await?
    {
        return Err(Error::invalid("password", "error-current-password"));
    }
    let mut tx = ctx.db.begin().await?;
    if passkeys::delete(&mut tx, user.user_id, passkey_id).await? == 0 {
        tx.rollback().await?;
        return Err(Error::conflict("error-no-passkey"));
    }
    let session = sessions::restart_on(&mut tx, user.user_id, origin, ctx.now).await?;
    actor
        .audit(&mut tx, AuditAction::PasskeyRemoved, &row.name, ctx.now)
        .await?;
    tx.commit().await?;
    Ok(session)
}
