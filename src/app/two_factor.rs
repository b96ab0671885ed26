//! Two-factor sign-in with an authenticator app (issue 26): enrolment confirmed by a first code,
//! ten recovery codes shown once, turning it off or renewing the codes with the password and a
//! code. Every change ends the person's other sessions and starts a new one for the browser that
//! made it, as a new password does. [`spend`] is the one check of a typed code, for sign-in and
//! for the changes here: a code's time step and a recovery code are each accepted once.

use chrono::{DateTime, Utc};

use super::error::{Error, FieldError, Result};
use super::{Actor, Ctx, sessions};
use crate::credentials::Passwords;
use crate::credentials::api_keys::KeyVault;
use crate::credentials::recovery_codes;
use crate::credentials::totp::{self, Secret};
use crate::domain::AuditAction;
use crate::store::sessions::Origin;
use crate::store::users::User;
use crate::store::{Conn, StoreResult, Tx, two_factor};

/// What the person proved with the code they typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    Authenticator,
    /// A recovery code, now spent; `left` are still unused.
    RecoveryCode {
        left: i64,
    },
}

impl Factor {
    /// How the audit row tells the sign-in.
    pub fn detail(self) -> &'static str {
        match self {
            Factor::Authenticator => "with an authenticator code",
            Factor::RecoveryCode { .. } => "with a recovery code",
        }
    }
}

/// The secret's sealing context: a sealed secret opens only in its own person's row.
fn context(user_id: i64) -> String {
    format!("totp/{user_id}")
}

fn open(vault: &KeyVault, user_id: i64, sealed: &str) -> Result<Secret> {
    vault
        .open_bytes(&context(user_id), sealed)
        .map(Secret::from_bytes)
        .ok_or_else(|| {
            anyhow::anyhow!("the authenticator secret of user {user_id} does not open").into()
        })
}

/// Checks `typed` against `user_id`'s confirmed authenticator (six digits) or unused recovery
/// codes, and spends what matched; None when nothing did, or it was spent already.
pub async fn spend(
    c: &mut impl Conn,
    vault: &KeyVault,
    user_id: i64,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Option<Factor>> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == totp::DIGITS as usize && digits.bytes().all(|b| b.is_ascii_digit()) {
        let Some(row) = two_factor::find_totp(c, user_id).await? else {
            return Ok(None);
        };
        if row.confirmed_at.is_none() {
            return Ok(None);
        }
        let secret = open(vault, user_id, &row.secret_enc)?;
        let Some(step) = totp::accept(&secret, &digits, now.timestamp(), row.last_step) else {
            return Ok(None);
        };
        return Ok(
            (two_factor::spend_step(c, user_id, step).await? == 1).then_some(Factor::Authenticator)
        );
    }
    let Some(hash) = recovery_codes::hash_of(typed) else {
        return Ok(None);
    };
    if two_factor::spend_recovery_code(c, user_id, &hash, now).await? == 0 {
        return Ok(None);
    }
    let left = two_factor::recovery_codes_left(c, user_id).await?;
    Ok(Some(Factor::RecoveryCode { left }))
}

/// Where a person's two-factor sign-in stands, for Settings.
#[derive(Debug, Clone)]
pub struct Status {
    /// Since when the authenticator counts; None when it is off.
    pub enabled_at: Option<DateTime<Utc>>,
    pub recovery_codes_left: i64,
    /// An enrolment started and not confirmed yet.
    pub enrolling: Option<Enrolment>,
}

/// An enrolment in progress: what the person's app needs.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// The secret in base32, in groups of four as apps' "enter a key" fields take it.
    pub secret_text: String,
    /// The `otpauth://` URI the QR code holds.
    pub uri: String,
}

pub async fn status(ctx: Ctx<'_>, vault: &KeyVault, user: &User, issuer: &str) -> Result<Status> {
    let mut c = ctx.db.acquire().await?;
    let row = two_factor::find_totp(&mut c, user.user_id).await?;
    let left = two_factor::recovery_codes_left(&mut c, user.user_id).await?;
    let enrolling = match &row {
        Some(r) if r.confirmed_at.is_none() => {
            let secret = open(vault, user.user_id, &r.secret_enc)?;
            let plain = secret.base32();
            Some(Enrolment {
                secret_text: grouped(&plain),
                uri: secret.otpauth_uri(issuer, &user.email),
            })
        }
        _ => None,
    };
    Ok(Status {
        enabled_at: row.and_then(|r| r.confirmed_at),
        recovery_codes_left: left,
        enrolling,
    })
}

fn grouped(base32: &str) -> String {
    base32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Starts an enrolment with a new secret (a second start replaces the first's secret).
/// Refused while an authenticator is on: it must be turned off first.
pub async fn start(ctx: Ctx<'_>, vault: &KeyVault, actor: &Actor) -> Result<()> {
    let user_id = person(actor)?;
    let secret = Secret::generate();
    let sealed = vault.seal_bytes(&context(user_id), secret.bytes())?;
    let mut c = ctx.db.acquire().await?;
    if two_factor::put_pending(&mut c, user_id, &sealed, ctx.now).await? == 0 {
        return Err(Error::conflict("error-two-factor-already-on"));
    }
    Ok(())
}

/// What a change that issues recovery codes gives back: the codes, shown once, and the id of
/// the browser's new session.
pub struct Issued {
    pub recovery_codes: Vec<String>,
    pub session: String,
}

/// Confirms the enrolment with a first code from the app: the authenticator counts from now,
/// with ten new recovery codes.
pub async fn confirm(
    ctx: Ctx<'_>,
    vault: &KeyVault,
    actor: &Actor,
    code: &str,
    origin: &Origin,
) -> Result<Issued> {
    let user_id = person(actor)?;
    let mut c = ctx.db.acquire().await?;
    let row = two_factor::find_totp(&mut c, user_id).await?;
    drop(c);
    let Some(row) = row else {
        return Err(Error::conflict("error-two-factor-not-started"));
    };
    if row.confirmed_at.is_some() {
        return Err(Error::conflict("error-two-factor-already-on"));
    }
    let secret = open(vault, user_id, &row.secret_enc)?;
    let Some(step) = totp::accept(&secret, code, ctx.now.timestamp(), None) else {
        return Err(Error::invalid("code", "error-two-factor-code"));
    };
    let mut tx = ctx.db.begin().await?;
    // Another browser may have confirmed (or started again) meanwhile: only this secret counts.
    if two_factor::confirm(&mut tx, user_id, &row.secret_enc, step, ctx.now).await? == 0 {
        tx.rollback().await?;
        return Err(Error::conflict("error-two-factor-not-started"));
    }
    let codes = new_recovery_codes(&mut tx, user_id, ctx.now).await?;
    let session = sessions::restart_on(&mut tx, user_id, origin, ctx.now).await?;
    actor
        .audit(
            &mut tx,
            AuditAction::TwoFactorEnabled,
            "authenticator app",
            ctx.now,
        )
        .await?;
    tx.commit().await?;
    Ok(Issued {
        recovery_codes: codes,
        session,
    })
}

/// What proves it is the person at the keyboard before a two-factor change: the password and a
/// code (from the app or a recovery code).
pub struct Proof<'a> {
    pub password: &'a str,
    pub code: &'a str,
}

/// Checks both parts of `proof` (each wrong part named) and opens the transaction of the change
/// with the code spent in it. The password is checked first, outside the transaction (argon2
/// must not hold SQLite's write lock), and a wrong password costs no code.
async fn proven(
    ctx: Ctx<'_>,
    vault: &KeyVault,
    passwords: &Passwords,
    user: &User,
    proof: &Proof<'_>,
) -> Result<Tx> {
    let password_ok = passwords
        .verify(proof.password, user.password_hash.as_deref())
        .await?;
    let mut wrong = Vec::new();
    if !password_ok {
        wrong.push(FieldError::new("password", "error-current-password"));
        if proof.code.trim().is_empty() {
            wrong.push(FieldError::new("code", "error-two-factor-code"));
        }
        return Err(Error::Invalid(wrong));
    }
    let mut tx = ctx.db.begin().await?;
    if spend(&mut tx, vault, user.user_id, proof.code, ctx.now)
        .await?
        .is_none()
    {
        tx.rollback().await?;
        return Err(Error::invalid("code", "error-two-factor-code"));
    }
    Ok(tx)
}

/// Turns the authenticator off (with its recovery codes). Refused where the partner requires
/// two-factor sign-in and no passkey would remain.
pub async fn turn_off(
    ctx: Ctx<'_>,
    vault: &KeyVault,
    passwords: &Passwords,
    actor: &Actor,
    user: &User,
    proof: Proof<'_>,
    origin: &Origin,
) -> Result<String> {
    if user.partner_requires_two_factor && !user.has_passkey {
        return Err(Error::conflict("error-two-factor-required"));
    }
    let mut tx = proven(ctx, vault, passwords, user, &proof).await?;
    two_factor::delete_all(&mut tx, user.user_id).await?;
    let session = sessions::restart_on(&mut tx, user.user_id, origin, ctx.now).await?;
    actor
        .audit(
            &mut tx,
            AuditAction::TwoFactorDisabled,
            "authenticator app",
            ctx.now,
        )
        .await?;
    tx.commit().await?;
    Ok(session)
}

/// Ten new recovery codes in place of the old ones, which stop working.
pub async fn renew_codes(
    ctx: Ctx<'_>,
    vault: &KeyVault,
    passwords: &Passwords,
    actor: &Actor,
    user: &User,
    proof: Proof<'_>,
    origin: &Origin,
) -> Result<Issued> {
    let mut tx = proven(ctx, vault, passwords, user, &proof).await?;
    let codes = new_recovery_codes(&mut tx, user.user_id, ctx.now).await?;
    let session = sessions::restart_on(&mut tx, user.user_id, origin, ctx.now).await?;
    actor
        .audit(&mut tx, AuditAction::TwoFactorCodesRenewed, "", ctx.now)
        .await?;
    tx.commit().await?;
    Ok(Issued {
        recovery_codes: codes,
        session,
    })
}

async fn new_recovery_codes(
    c: &mut impl Conn,
    user_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<Vec<String>> {
    let codes = recovery_codes::generate();
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|c| recovery_codes::hash_of(c))
        .collect();
    two_factor::replace_recovery_codes(c, user_id, &hashes, now).await?;
    Ok(codes)
}

fn person(actor: &Actor) -> Result<i64> {
    actor
        .user_id()
        .ok_or_else(|| anyhow::anyhow!("two-factor sign-in is a signed-in person's").into())
}
