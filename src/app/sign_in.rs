//! Signing in (SPEC 7): the throttle, the password check, the audit row and the new session.
//!
//! Throttling counts failures per account in a window and attempts per client address per
//! minute. The account key is the address as typed, lower-cased, whether or not such an account
//! exists, so the answer never tells the two apart; an unknown account and a wrong password get
//! the same refusal, after the same password work.

use crate::domain::AuditAction;
use chrono::{DateTime, Duration, Utc};

use super::error::Result;
use super::two_factor::{self, Factor};
use super::{Actor, Ctx, sessions};
use crate::config::Settings;
use crate::credentials::Passwords;
use crate::credentials::api_keys::KeyVault;
use crate::credentials::passkeys::{Begun, Credential, Passkeys};
use crate::domain::Email;
use crate::store::sessions::Origin;
use crate::store::users::{self, User};
use crate::store::{Conn, StoreResult, passkeys, throttle};

/// Why a sign-in was refused; each has its own message and status on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    TooManyFromAddress,
    TooManyForAccount,
    /// An unknown account or a wrong password: one answer for both.
    Wrong,
    /// The account's partner is suspended.
    Suspended,
    /// The second step's code is not one of now, was used already, or is no recovery code.
    WrongCode,
    /// The second step was not reached in time (or never started): sign in again.
    Expired,
    /// The browser's passkey answer did not verify, or names no passkey of this console.
    WrongPasskey,
}

/// Where a right password leads.
#[derive(Debug)]
pub enum Signed {
    /// Signed in: the user and the id of their new session.
    In(User, String),
    /// The account has a second factor: nothing is started until it is proven
    /// ([`second_factor`]).
    SecondFactor(User),
}

/// How long the second step may take after the password.
pub const SECOND_STEP: Duration = Duration::minutes(5);

/// Checks `email` and `password` from `origin`; on success the user, audited, with the id of
/// their new session, or, for an account with a second factor, the user still to prove it.
pub async fn sign_in(
    ctx: Ctx<'_>,
    settings: &Settings,
    passwords: &Passwords,
    email: &str,
    password: &str,
    origin: &Origin,
) -> Result<Result<Signed, Refusal>> {
    let now = ctx.now;
    let account = email.trim().to_lowercase();
    let mut c = ctx.db.acquire().await?;
    match admit(&mut c, settings, &account, &origin.address, now).await? {
        Verdict::Allowed => {}
        Verdict::TooManyFromAddress => {
            return Ok(Err(Refusal::TooManyFromAddress));
        }
        Verdict::TooManyForAccount => return Ok(Err(Refusal::TooManyForAccount)),
    }
    let user = match Email::parse(email) {
        Ok(email) => users::find_by_email(&mut c, &email).await?,
        Err(_) => None,
    };
    let hash = user.as_ref().and_then(|u| u.password_hash.as_deref());
    let password_ok = passwords.verify(password, hash).await?;
    let user = match user {
        Some(u) if password_ok => u,
        _ => {
            record_failure(&mut c, &account, now).await?;
            return Ok(Err(Refusal::Wrong));
        }
    };
    if user.is_blocked() {
        return Ok(Err(Refusal::Suspended));
    }
    // The account's failures are forgiven only once the second factor is proven too: a right
    // password must not reset the count of wrong codes.
    if user.has_two_factor() {
        return Ok(Ok(Signed::SecondFactor(user)));
    }
    let session = finish(&mut c, &user, &account, origin, "", now).await?;
    Ok(Ok(Signed::In(user, session)))
}

/// Someone who gave the right password and has the second step to go.
#[derive(Debug, Clone, Copy)]
pub struct HalfWay {
    pub user_id: i64,
    /// When the password was right: the second step must follow within [`SECOND_STEP`].
    pub password_at: DateTime<Utc>,
}

/// Whether the second step of `half` may be tried now: in time, the person still there, the
/// throttle not closed, the partner not suspended. The person and their throttle account.
async fn go_on(
    c: &mut impl Conn,
    settings: &Settings,
    half: &HalfWay,
    origin: &Origin,
    now: DateTime<Utc>,
) -> StoreResult<Result<(User, String), Refusal>> {
    if now - half.password_at > SECOND_STEP || half.password_at > now {
        return Ok(Err(Refusal::Expired));
    }
    let Some(user) = users::find_by_id(c, half.user_id).await? else {
        return Ok(Err(Refusal::Expired));
    };
    let account = user.email.to_lowercase();
    if let Some(r) = admitted(c, settings, &account, &origin.address, now).await? {
        return Ok(Err(r));
    }
    if user.is_blocked() {
        return Ok(Err(Refusal::Suspended));
    }
    Ok(Ok((user, account)))
}

/// The second step of signing in, for the person `half` names: a code from the authenticator
/// app or a recovery code. Failed codes count against the account
/// in the same throttle as wrong passwords.
pub async fn second_factor(
    ctx: Ctx<'_>,
    settings: &Settings,
    vault: &KeyVault,
    half: HalfWay,
    code: &str,
    origin: &Origin,
) -> Result<Result<(User, String, Factor), Refusal>> {
    let now = ctx.now;
    let mut c = ctx.db.acquire().await?;
    let (user, account) = match go_on(&mut c, settings, &half, origin, now).await? {
        Ok(found) => found,
        Err(r) => return Ok(Err(r)),
    };
    let user_id = half.user_id;
    let Some(factor) = two_factor::spend(&mut c, vault, user_id, code, now).await? else {
        record_failure(&mut c, &account, now).await?;
        return Ok(Err(Refusal::WrongCode));
    };
    let session = finish(&mut c, &user, &account, origin, factor.detail(), now).await?;
    Ok(Ok((user, session, factor)))
}

/// The person half-way through signing in, for the second step's page.
pub async fn pending_user(ctx: Ctx<'_>, user_id: i64) -> Result<Option<User>> {
    let mut c = ctx.db.acquire().await?;
    Ok(users::find_by_id(&mut c, user_id).await?)
}

/// Starts the second step with a passkey of `user_id`'s; None when they have none.
pub async fn begin_passkey_second_factor(
    ctx: Ctx<'_>,
    pk: &Passkeys,
    user_id: i64,
) -> Result<Option<Begun>> {
    let mut c = ctx.db.acquire().await?;
    let stored: Vec<String> = passkeys::list_for_user(&mut c, user_id)
        .await?
        .into_iter()
        .map(|r| r.credential)
        .collect();
    if stored.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        pk.begin_authentication(&stored)
            .map_err(|e| anyhow::anyhow!(e))?,
    ))
}

/// The second step with one of the person's passkeys instead of a code: the browser's
/// `answer` to the ceremony of `state`. A refused answer counts as a wrong code does.
pub async fn passkey_second_factor(
    ctx: Ctx<'_>,
    settings: &Settings,
    pk: &Passkeys,
    half: HalfWay,
    answer: &str,
    state: &str,
    origin: &Origin,
) -> Result<Result<(User, String), Refusal>> {
    let now = ctx.now;
    let mut c = ctx.db.acquire().await?;
    let (user, account) = match go_on(&mut c, settings, &half, origin, now).await? {
        Ok(found) => found,
        Err(r) => return Ok(Err(r)),
    };
    let user_id = half.user_id;
    let stored: Vec<String> = passkeys::list_for_user(&mut c, user_id)
        .await?
        .into_iter()
        .map(|r| r.credential)
        .collect();
    let checked = pk.finish_authentication(answer, state, &stored);
    by_passkey(&mut c, user, &account, checked, origin, now).await
}

/// Signing in with a passkey alone, no e-mail or password typed: the passkey names its person
/// (by its credential id and the user handle it keeps) and proves it with user verification,
/// which is two factors in one.
pub async fn passkey_sign_in(
    ctx: Ctx<'_>,
    settings: &Settings,
    pk: &Passkeys,
    answer: &str,
    state: &str,
    origin: &Origin,
) -> Result<Result<(User, String), Refusal>> {
    let now = ctx.now;
    let mut c = ctx.db.acquire().await?;
    let named = pk.identify(answer).ok();
    let row = match &named {
        Some((credential_id, _)) => passkeys::find_by_credential_id(&mut c, credential_id).await?,
        None => None,
    };
    let row = row.filter(|r| {
        named
            .as_ref()
            .is_some_and(|(_, handle)| *handle == r.user_handle)
    });
    let user = match &row {
        Some(r) => users::find_by_id(&mut c, r.user_id).await?,
        None => None,
    };
    let (Some(row), Some(user)) = (row, user) else {
        // Counted against the address only: there is no account to count it against.
        if let Some(r) = admitted(&mut c, settings, "", &origin.address, now).await? {
            return Ok(Err(r));
        }
        return Ok(Err(Refusal::WrongPasskey));
    };
    let account = user.email.to_lowercase();
    if let Some(r) = admitted(&mut c, settings, &account, &origin.address, now).await? {
        return Ok(Err(r));
    }
    if user.is_blocked() {
        return Ok(Err(Refusal::Suspended));
    }
    let checked = pk.finish_discoverable(answer, state, &row.credential);
    by_passkey(&mut c, user, &account, checked, origin, now).await
}

/// Signs `user` in by the passkey answer `checked`, or counts its refusal against the account.
/// The credential is stored back either way it moved (its signature counter).
async fn by_passkey(
    c: &mut impl Conn,
    user: User,
    account: &str,
    checked: std::result::Result<Credential, crate::credentials::passkeys::Refused>,
    origin: &Origin,
    now: DateTime<Utc>,
) -> Result<Result<(User, String), Refusal>> {
    let used = match checked {
        Ok(used) => used,
        Err(e) => {
            tracing::info!(error = %e, "a passkey sign-in was refused");
            record_failure(c, account, now).await?;
            return Ok(Err(Refusal::WrongPasskey));
        }
    };
    passkeys::record_use(c, &used.credential_id, &used.stored, now).await?;
    let session = finish(c, &user, account, origin, "with a passkey", now).await?;
    Ok(Ok((user, session)))
}

/// The throttle's verdict as a refusal, or None to go on.
async fn admitted(
    c: &mut impl Conn,
    settings: &Settings,
    account: &str,
    address: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<Refusal>> {
    Ok(match admit(c, settings, account, address, now).await? {
        Verdict::Allowed => None,
        Verdict::TooManyFromAddress => Some(Refusal::TooManyFromAddress),
        Verdict::TooManyForAccount => Some(Refusal::TooManyForAccount),
    })
}

/// Signs `user` in once every factor is proven: the account's failures forgiven, the sign-in
/// recorded and audited (`detail` says how), a new session started.
async fn finish(
    c: &mut impl Conn,
    user: &User,
    account: &str,
    origin: &Origin,
    detail: &str,
    now: DateTime<Utc>,
) -> StoreResult<String> {
    record_success(c, account).await?;
    users::touch_sign_in(c, user.user_id, now).await?;
    Actor::user(user.user_id, user.partner_id, origin.address.clone())
        .audit(c, AuditAction::SignIn, detail, now)
        .await?;
    sessions::start_on(c, user.user_id, origin, now).await
}

const ACCOUNT: &str = "account";
const ADDRESS: &str = "address";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Allowed,
    TooManyFromAddress,
    TooManyForAccount,
}

/// Counts this attempt against the client address and says whether it may go on.
async fn admit(
    c: &mut impl Conn,
    s: &Settings,
    account: &str,
    address: &str,
    now: DateTime<Utc>,
) -> StoreResult<Verdict> {
    if throttle::count_since(c, ADDRESS, address, now - Duration::minutes(1)).await?
        >= s.signin_max_per_address
    {
        return Ok(Verdict::TooManyFromAddress);
    }
    throttle::record(c, ADDRESS, address, now).await?;
    let since = now - Duration::minutes(s.signin_window_minutes);
    if throttle::count_since(c, ACCOUNT, account, since).await? >= s.signin_max_failures {
        return Ok(Verdict::TooManyForAccount);
    }
    Ok(Verdict::Allowed)
}

async fn record_failure(c: &mut impl Conn, account: &str, now: DateTime<Utc>) -> StoreResult<()> {
    throttle::record(c, ACCOUNT, account, now).await?;
    // Old rows are useless; trimming now and then keeps the table small without a job.
    if rand::random::<u8>() == 0 {
        throttle::prune(c, now - Duration::days(1)).await?;
    }
    Ok(())
}

/// A successful sign-in forgives the account's earlier failures.
async fn record_success(c: &mut impl Conn, account: &str) -> StoreResult<()> {
    throttle::clear(c, ACCOUNT, account).await
}
