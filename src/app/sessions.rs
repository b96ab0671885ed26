//! Signed-in sessions kept on the server (SPEC 7, issue 21). The cookie carries a random id and
//! the database the record: a session is valid while its record exists, so ending one (sign-out,
//! a new password, removal from a team, a partner's suspension) holds at once on every instance,
//! whatever copy of the cookie is still around.

use chrono::{DateTime, Duration, Utc};

use super::Ctx;
use crate::store::sessions::{self, Origin};
use crate::store::users::{self, User};
use crate::store::{Conn, Db, StoreResult};
use crate::tokens::{hash_token, random_token};

/// How long a session lives: unused, and at most.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Lifetimes {
    pub fn of(settings: &crate::config::Settings) -> Self {
        Lifetimes {
            idle: Duration::minutes(settings.session_idle_minutes),
            absolute: Duration::hours(settings.session_lifetime_hours),
        }
    }
}

/// Records a new session for `user_id` on `c` (inside the caller's transaction where the
/// session comes with a change) and returns the id the cookie carries.
pub async fn start_on(
    c: &mut impl Conn,
    user_id: i64,
    origin: &Origin,
    now: DateTime<Utc>,
) -> StoreResult<String> {
    let id = random_token();
    sessions::insert(c, &hash_token(&id), user_id, origin, now).await?;
    Ok(id)
}

/// Ends every session of `user_id` and starts one from `origin` for the browser that made the
/// change (a new password, any two-factor change), inside the caller's transaction: a stolen
/// session ends with the change, the person making it goes on. Returns the new session's id.
pub async fn restart_on(
    c: &mut impl Conn,
    user_id: i64,
    origin: &Origin,
    now: DateTime<Utc>,
) -> StoreResult<String> {
    end_all_of_user(c, user_id).await?;
    start_on(c, user_id, origin, now).await
}

/// A new session for `user_id`, who just proved who they are.
pub async fn start(ctx: Ctx<'_>, user_id: i64, origin: &Origin) -> StoreResult<String> {
    let mut c = ctx.db.acquire().await?;
    start_on(&mut c, user_id, origin, ctx.now).await
}

/// The user of session `id` if it is still valid at `now`: recorded, used within the idle
/// timeout, started within the absolute lifetime, the user not removed. When `touch` is set the
/// use is recorded (the caller does so at most once a minute).
pub async fn user_of(
    db: &Db,
    id: &str,
    limits: Lifetimes,
    now: DateTime<Utc>,
    touch: bool,
) -> StoreResult<Option<User>> {
    let hash = hash_token(id);
    let mut c = db.acquire().await?;
    let user =
        users::find_by_session(&mut c, &hash, now - limits.idle, now - limits.absolute).await?;
    if user.is_some() && touch {
        sessions::touch(&mut c, &hash, now).await?;
    }
    Ok(user)
}

/// Ends session `id` (sign-out).
pub async fn end(db: &Db, id: &str) -> StoreResult<()> {
    let mut c = db.acquire().await?;
    sessions::delete(&mut c, &hash_token(id)).await
}

/// Ends every session of `user_id`, inside the caller's transaction.
pub async fn end_all_of_user(c: &mut impl Conn, user_id: i64) -> StoreResult<u64> {
    sessions::delete_for_user(c, user_id).await
}

/// Ends every session of every member of `partner_id`, inside the caller's transaction.
pub async fn end_all_of_partner(c: &mut impl Conn, partner_id: i64) -> StoreResult<u64> {
    sessions::delete_for_partner(c, partner_id).await
}

/// Forgets sessions that can no longer be used; the periodic sweep calls it.
pub async fn prune(db: &Db, limits: Lifetimes, now: DateTime<Utc>) -> StoreResult<u64> {
    let mut c = db.acquire().await?;
    sessions::prune(&mut c, now - limits.idle, now - limits.absolute).await
}

/// One of a person's own sessions as Settings lists it.
#[derive(Debug, Clone)]
pub struct OwnSession {
    pub row: sessions::SessionRow,
    /// The browser asking.
    pub current: bool,
}

/// The actor's sessions still in use, the one of `current_id` marked.
pub async fn list_own(
    ctx: Ctx<'_>,
    user_id: i64,
    current_id: &str,
    limits: Lifetimes,
) -> StoreResult<Vec<OwnSession>> {
    let current = hash_token(current_id);
    let mut c = ctx.db.acquire().await?;
    let rows = sessions::list_for_user(
        &mut c,
        user_id,
        ctx.now - limits.idle,
        ctx.now - limits.absolute,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| OwnSession {
            current: row.session_hash == current,
            row,
        })
        .collect())
}

/// Which of one's sessions to end from Settings.
#[derive(Debug, Clone)]
pub enum Ending<'a> {
    /// One, by the reference the list gave; never the browser asking (it signs out instead).
    One(&'a str),
    AllOthers,
}

/// Ends sessions of the actor (never the one of `current_id`), audited with how many ended.
/// Returns how many ended: 0 when the one asked for had ended already.
pub async fn end_own(
    ctx: Ctx<'_>,
    actor: &super::Actor,
    current_id: &str,
    which: Ending<'_>,
) -> super::error::Result<u64> {
    let user_id = actor
        .user_id()
        .ok_or(super::Error::NotFound(super::Thing::Member))?;
    let current = hash_token(current_id);
    let mut tx = ctx.db.begin().await?;
    let ended = match which {
        Ending::One(r) if r == current => 0,
        Ending::One(r) => sessions::delete_of_user(&mut tx, user_id, r).await?,
        Ending::AllOthers => sessions::delete_others(&mut tx, user_id, &current).await?,
    };
    if ended > 0 {
        let detail = match which {
            Ending::One(_) => "1 session".to_string(),
            Ending::AllOthers => format!("{ended} other sessions"),
        };
        actor
            .audit(
                &mut tx,
                crate::domain::AuditAction::SessionsEnded,
                &detail,
                ctx.now,
            )
            .await?;
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(ended)
}
