//! The typed session: everything the console keeps in its (encrypted, signed) cookie.

use actix_session::Session;
use serde::{Deserialize, Serialize};

const UID: &str = "uid";
const EPOCH: &str = "epoch";
const AUTH_AT: &str = "auth_at";
const SEEN_AT: &str = "seen_at";
const CSRF: &str = "csrf";
const FLASH: &str = "flash";

/// Who is signed in, as the session remembers it; checked against the database on each request.
#[derive(Debug, Clone, Copy)]
pub struct SignedIn {
    pub user_id: i64,
    pub epoch: i64,
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
        user_id: s.get::<i64>(UID).ok()??,
        epoch: s.get::<i64>(EPOCH).ok()??,
        auth_at: s.get::<i64>(AUTH_AT).ok()??,
        seen_at: s.get::<i64>(SEEN_AT).ok()??,
    })
}

/// Starts a fresh session for `user_id`: anything a visitor carried before sign-in is dropped and
/// the cookie is renewed, so a session fixed before sign-in is worth nothing after it.
pub fn begin(s: &Session, user_id: i64, epoch: i64, now: i64) -> anyhow::Result<()> {
    // clear, not purge: after a purge actix-session ignores inserts for the rest of the request.
    s.clear();
    s.renew();
    s.insert(UID, user_id)?;
    s.insert(EPOCH, epoch)?;
    s.insert(AUTH_AT, now)?;
    s.insert(SEEN_AT, now)?;
    s.insert(CSRF, new_token())?;
    Ok(())
}

pub fn touch(s: &Session, now: i64) {
    let _ = s.insert(SEEN_AT, now);
}

pub fn end(s: &Session) {
    s.purge();
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
