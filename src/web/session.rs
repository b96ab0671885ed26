//! The typed session: everything the console keeps in its (encrypted, signed) cookie.

use actix_session::Session;
use serde::{Deserialize, Serialize};

/// The session's own id; the server keeps its SHA-256 (`store::sessions`).
const SID: &str = "sid";
const AUTH_AT: &str = "auth_at";
const SEEN_AT: &str = "seen_at";
const CSRF: &str = "csrf";
const FLASH: &str = "flash";
const PENDING_USER: &str = "pending_user";
const PENDING_AT: &str = "pending_at";
const PENDING_NEXT: &str = "pending_next";

/// A signed-in session as the cookie remembers it; its id is checked against the server's record
/// on each request, which alone decides whether it is still valid.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session_id: String,
    pub auth_at: i64,
    pub seen_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flash {
    pub level: FlashLevel,
    pub text: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FlashLevel {
    Success,
    Info,
    Error,
}

impl FlashLevel {
    pub fn css(&self) -> &'static str {
        match self {
            FlashLevel::Success => "success",
            FlashLevel::Info => "info",
            FlashLevel::Error => "error",
        }
    }
}

pub fn signed_in(s: &Session) -> Option<SignedIn> {
    Some(SignedIn {
        session_id: s.get::<String>(SID).ok()??,
        auth_at: s.get::<i64>(AUTH_AT).ok()??,
        seen_at: s.get::<i64>(SEEN_AT).ok()??,
    })
}

/// Carries the session `session_id` (recorded on the server by `app::sessions`) from now on:
/// anything a visitor carried before sign-in is dropped and the cookie is renewed, so a session
/// fixed before sign-in is worth nothing after it.
pub fn begin(s: &Session, session_id: &str, now: i64) -> anyhow::Result<()> {
    // clear, not purge: after a purge actix-session ignores inserts for the rest of the request.
    s.clear();
    s.renew();
    s.insert(SID, session_id)?;
    s.insert(AUTH_AT, now)?;
    s.insert(SEEN_AT, now)?;
    s.insert(CSRF, new_token())?;
    Ok(())
}

/// Someone who gave the right password and has still to prove the second factor: nobody is
/// signed in yet. Kept in the (encrypted, signed) cookie only; [`begin`] forgets it.
#[derive(Debug, Clone)]
pub struct PendingSecondFactor {
    pub user_id: i64,
    /// When the password was right (unix seconds): the second step must follow soon.
    pub password_at: i64,
    /// Where to go once signed in.
    pub next: String,
}

impl PendingSecondFactor {
    /// Who the second step is for, in the use cases' terms.
    pub fn half_way(&self) -> crate::app::sign_in::HalfWay {
        crate::app::sign_in::HalfWay {
            user_id: self.user_id,
            password_at: chrono::DateTime::from_timestamp(self.password_at, 0).unwrap_or_default(),
        }
    }
}

/// Remembers `p` in a renewed cookie (anything carried before is dropped).
pub fn await_second_factor(s: &Session, p: &PendingSecondFactor) -> anyhow::Result<()> {
    s.clear();
    s.renew();
    s.insert(PENDING_USER, p.user_id)?;
    s.insert(PENDING_AT, p.password_at)?;
    s.insert(PENDING_NEXT, &p.next)?;
    s.insert(CSRF, new_token())?;
    Ok(())
}

pub fn pending_second_factor(s: &Session) -> Option<PendingSecondFactor> {
    Some(PendingSecondFactor {
        user_id: s.get::<i64>(PENDING_USER).ok()??,
        password_at: s.get::<i64>(PENDING_AT).ok()??,
        next: s.get::<String>(PENDING_NEXT).ok()?.unwrap_or_default(),
    })
}

/// Forgets a pending second step (it expired, or the person starts again).
pub fn forget_second_factor(s: &Session) {
    s.remove(PENDING_USER);
    s.remove(PENDING_AT);
    s.remove(PENDING_NEXT);
}

/// The WebAuthn ceremonies whose state the cookie keeps between their two requests.
#[derive(Debug, Clone, Copy)]
pub enum Ceremony {
    AddPasskey,
    SecondFactor,
    SignIn,
}

impl Ceremony {
    fn key(self) -> &'static str {
        match self {
            Ceremony::AddPasskey => "webauthn_add",
            Ceremony::SecondFactor => "webauthn_second",
            Ceremony::SignIn => "webauthn_sign_in",
        }
    }
}

/// Keeps a ceremony's state (JSON) for its answer; a new one of the same kind replaces it.
pub fn keep_ceremony(s: &Session, c: Ceremony, state: &str) -> anyhow::Result<()> {
    s.insert(c.key(), state)?;
    Ok(())
}

/// The ceremony's state, taken: an answer is checked against it once.
pub fn take_ceremony(s: &Session, c: Ceremony) -> Option<String> {
    let state = s.get::<String>(c.key()).ok().flatten();
    s.remove(c.key());
    state
}

pub fn touch(s: &Session, now: i64) {
    let _ = s.insert(SEEN_AT, now);
}

/// Forgets the session in the browser; returns its id, for the server to end it too.
pub fn end(s: &Session) -> Option<String> {
    let id = s.get::<String>(SID).ok().flatten();
    s.purge();
    id
}

/// The session's CSRF token, made on first use.
pub fn csrf_token(s: &Session) -> String {
    if let Ok(Some(t)) = s.get::<String>(CSRF) {
        return t;
    }
    let t = new_token();
    let _ = s.insert(CSRF, &t);
    t
}

/// The token only if one exists; checking never creates one.
pub fn existing_csrf_token(s: &Session) -> Option<String> {
    s.get::<String>(CSRF).ok().flatten()
}

pub fn flash(s: &Session, level: FlashLevel, text: impl Into<String>) {
    let mut all: Vec<Flash> = s.get(FLASH).ok().flatten().unwrap_or_default();
    all.push(Flash {
        level,
        text: text.into(),
    });
    let _ = s.insert(FLASH, all);
}

pub fn take_flashes(s: &Session) -> Vec<Flash> {
    let all: Vec<Flash> = s.get(FLASH).ok().flatten().unwrap_or_default();
    if !all.is_empty() {
        s.remove(FLASH);
    }
    all
}

fn new_token() -> String {
    crate::tokens::random_token()
}
