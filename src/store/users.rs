//! Users: vendor operators and members of one partner.

use chrono::{DateTime, Utc};

use super::{Conn, OnConflict, StoreResult};
use crate::domain::{Email, PartnerKind, PartnerState, Role};
use crate::execute;
use crate::on_conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub is_operator: bool,
    pub partner_id: Option<i64>,
    pub role: Option<Role>,
    /// The partner's state, joined in so every request checks suspension without a second query.
    pub partner_state: Option<PartnerState>,
    pub partner_name: Option<String>,
    pub partner_kind: Option<PartnerKind>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The language the member chose in Settings (`en-US`, `ja`); `None` follows the browser.
    pub language: Option<String>,
    /// A confirmed authenticator (TOTP) secret.
    pub has_totp: bool,
    /// One passkey or more.
    pub has_passkey: bool,
    /// The partner's owner requires two-factor sign-in of every member.
    pub partner_requires_two_factor: bool,
}

impl User {
    pub fn role(&self) -> Option<Role> {
        self.role
    }

    /// Whether this partner member may do `action` ([`Role::can`]); never for operators, whose
    /// pages are their own.
    pub fn can(&self, action: crate::domain::Action) -> bool {
        self.role().is_some_and(|r| r.can(action))
    }

    /// An owner or admin of a partner (see [`Role::manages`]).
    pub fn is_manager(&self) -> bool {
        self.role().is_some_and(Role::manages)
    }

    /// A member of a reseller, whose customers come from private offers.
    pub fn is_reseller(&self) -> bool {
        self.partner_kind == Some(PartnerKind::Reseller)
    }

    /// A member of a suspended partner cannot sign in or use a session.
    pub fn is_blocked(&self) -> bool {
        self.partner_state == Some(PartnerState::Suspended)
    }

    /// Whether signing in takes a second factor after the password.
    pub fn has_two_factor(&self) -> bool {
        self.has_totp || self.has_passkey
    }
}

/// The one SELECT of a user, with a caller's WHERE appended (`concat!` keeps it a literal).
macro_rules! select_user {
    ($where:literal) => {
        concat!(
            "SELECT u.user_id, u.email, u.display_name, u.password_hash, u.is_operator, ",
            "u.partner_id, u.role, p.state AS partner_state, ",
            "p.name AS partner_name, p.kind AS partner_kind, u.last_sign_in_at, u.created_at, u.language, ",
            "EXISTS (SELECT 1 FROM totp_credentials t WHERE t.user_id = u.user_id ",
            "AND t.confirmed_at IS NOT NULL) AS has_totp, ",
            "EXISTS (SELECT 1 FROM passkeys k WHERE k.user_id = u.user_id) AS has_passkey, ",
            "COALESCE(p.require_two_factor, FALSE) AS partner_requires_two_factor ",
            "FROM users u LEFT JOIN partners p ON p.partner_id = u.partner_id ",
            $where
        )
    };
}

pub async fn find_by_email(c: &mut impl Conn, email: &Email) -> StoreResult<Option<User>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, User>(select_user!("WHERE u.removed_at IS NULL AND lower(u.email) = lower($1)"))
        .bind(email.as_str())
        .fetch_optional(c)
        .await)?,
    )
}

/// The user signed in with the session `session_hash`, if that session still exists, was used
/// at or after `idle_since` and started at or after `started_since`.
pub async fn find_by_session(
    c: &mut impl Conn,
    session_hash: &str,
    idle_since: DateTime<Utc>,
    started_since: DateTime<Utc>,
) -> StoreResult<Option<User>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, User>(select_user!(
        "JOIN sessions s ON s.user_id = u.user_id \
         WHERE s.session_hash = $1 AND s.last_seen_at >= $2 AND s.created_at >= $3 \
         AND u.removed_at IS NULL"
    ))
    .bind(session_hash)
    .bind(idle_since)
    .bind(started_since)
    .fetch_optional(c)
    .await)?)
}

pub async fn find_by_id(c: &mut impl Conn, user_id: i64) -> StoreResult<Option<User>> {
    Ok(
        on_conn!(c, c => sqlx::query_as::<_, User>(select_user!("WHERE u.removed_at IS NULL AND u.user_id = $1"))
        .bind(user_id)
        .fetch_optional(c)
        .await)?,
    )
}

/// What a new user is: a vendor operator or a member of one partner with a role.
pub enum Membership {
    Operator,
    Partner { partner_id: i64, role: Role },
}

pub async fn insert(
    c: &mut impl Conn,
    email: &Email,
    display_name: &str,
    password_hash: Option<&str>,
    membership: Membership,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let (is_operator, partner_id, role) = match membership {
        Membership::Operator => (true, None, None),
        Membership::Partner { partner_id, role } => (false, Some(partner_id), Some(role.as_str())),
    };
    on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (email, display_name, password_hash, is_operator, partner_id, role, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
         RETURNING user_id",
    )
    .bind(email.as_str())
    .bind(display_name)
    .bind(password_hash)
    .bind(is_operator)
    .bind(partner_id)
    .bind(role)
    .bind(now)
    .fetch_one(c)
    .await)
    .on_unique("e-mail address")
}

/// Sets a new password. Ending the user's sessions is the caller's (`store::sessions`).
pub async fn set_password(
    c: &mut impl Conn,
    user_id: i64,
    password_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "UPDATE users SET password_hash = $1, updated_at = $2 \
         WHERE user_id = $3",
    )
    .bind(password_hash)
    .bind(now)
    .bind(user_id))?;
    Ok(())
}

pub async fn count_operators(c: &mut impl Conn) -> StoreResult<i64> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE is_operator"
    )
    .fetch_one(c)
    .await)?)
}

/// A partner's members, owners first.
pub async fn list_by_partner(c: &mut impl Conn, partner_id: i64) -> StoreResult<Vec<User>> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, User>(select_user!(
        "WHERE u.removed_at IS NULL AND u.partner_id = $1 ORDER BY CASE u.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 \
         WHEN 'billing' THEN 2 ELSE 3 END, lower(u.email)"
    ))
    .bind(partner_id)
    .fetch_all(c)
    .await)?)
}

/// Notes a successful sign-in, for the team list.
pub async fn touch_sign_in(c: &mut impl Conn, user_id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    execute!(c, c => sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE user_id = $2")
        .bind(now)
        .bind(user_id))?;
    Ok(())
}

/// Sets a member's role; `false` when no current member of `partner_id` has that id.
pub async fn set_role(
    c: &mut impl Conn,
    partner_id: i64,
    user_id: i64,
    role: Role,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE users SET role = $1, updated_at = $2 \
         WHERE partner_id = $3 AND user_id = $4 AND removed_at IS NULL",
    )
    .bind(role.as_str())
    .bind(now)
    .bind(partner_id)
    .bind(user_id))?;
    Ok(n == 1)
}

/// Removes a member: found by no sign-in or session from now on, kept for the audit log's sake.
pub async fn remove(
    c: &mut impl Conn,
    partner_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "UPDATE users SET removed_at = $1, updated_at = $1 \
         WHERE partner_id = $2 AND user_id = $3 AND removed_at IS NULL",
    )
    .bind(now)
    .bind(partner_id)
    .bind(user_id))?;
    Ok(n == 1)
}

/// Deletes an invited member who never set a password (a cancelled invitation); its tokens go
/// with it.
pub async fn delete_invited(c: &mut impl Conn, partner_id: i64, user_id: i64) -> StoreResult<bool> {
    let n = execute!(c, c => sqlx::query(
        "DELETE FROM users WHERE partner_id = $1 AND user_id = $2 AND password_hash IS NULL",
    )
    .bind(partner_id)
    .bind(user_id))?;
    Ok(n == 1)
}

/// Whether any user, current or removed, has this e-mail.
pub async fn email_taken(c: &mut impl Conn, email: &Email) -> StoreResult<bool> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE lower(email) = lower($1)"
    )
    .bind(email.as_str())
    .fetch_one(c)
    .await)?
        > 0)
}

/// A member's own profile: the name shown to the team, and the language of pages and mails.
pub async fn set_profile(
    c: &mut impl Conn,
    user_id: i64,
    display_name: &str,
    language: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    execute!(c, c => sqlx::query(
        "UPDATE users SET display_name = $1, language = $2, updated_at = $3 WHERE user_id = $4",
    )
    .bind(display_name)
    .bind(language)
    .bind(now)
    .bind(user_id))?;
    Ok(())
}
