//! Who is signed in, decided once per request by [`identify`], and the scope guards that keep
//! `/admin` for operators and `/console` for partner members. Handlers take [`Operator`],
//! [`Member`] or [`CurrentUser`] as parameters and never check roles themselves.

use std::future::{Ready, ready};

use actix_session::SessionExt;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::session::{self, FlashLevel};
use crate::app::Actor;
use crate::app::sessions::{self, Lifetimes};
use crate::domain::PartnerKind;
use crate::http::client_addr;
use crate::state::AppState;
use crate::store::users::User;
use crate::web::error::{AppError, refuse};

/// The signed-in user of this request.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

/// A signed-in vendor operator, and the actor of what its request does (with its address).
#[derive(Debug, Clone)]
pub struct Operator {
    pub user: User,
    pub actor: Actor,
}

/// A signed-in member of a partner; `partner_id` is the scope of every query it makes, `actor`
/// who does what the request does (role and client address included).
#[derive(Debug, Clone)]
pub struct Member {
    pub user: User,
    pub partner_id: i64,
    pub actor: Actor,
    /// The id of the session the request came with (the cookie's), for the person's own list
    /// of sessions.
    pub session_id: String,
}

/// A member who may manage the partner's settings and keys: role owner or admin.
#[derive(Debug, Clone)]
pub struct Manager {
    pub user: User,
    pub partner_id: i64,
    pub actor: Actor,
    pub session_id: String,
}

/// Loads the session's user and checks it still may be signed in: the session's record on the
/// server still exists (sign-out, a new password, removal and suspension delete it), it is within
/// its idle timeout and absolute lifetime, and the user's partner is not suspended. Anything
/// else ends the session.
pub async fn identify(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let sess = req.get_session();
    if let (Some(signed), Some(state)) = (
        session::signed_in(&sess),
        req.app_data::<web::Data<AppState>>(),
    ) {
        let now = state.now();
        let limits = Lifetimes::of(&state.settings);
        let (at, seen) = (now.timestamp(), signed.seen_at);
        let idle = at - seen > limits.idle.num_seconds();
        let too_old = at - signed.auth_at > limits.absolute.num_seconds();
        if idle || too_old {
            sess.clear();
            session::flash(
                &sess,
                FlashLevel::Info,
                crate::i18n::I18n::default().t("flash-session-expired"),
            );
        } else {
            // Recording every request is wasted work; a minute is precise enough for an idle
            // timeout counted in minutes.
            let touch = at - seen >= 60;
            match sessions::user_of(&state.db, &signed.session_id, limits, now, touch)
                .await
                .map_err(AppError::from)?
            {
                Some(u) if !u.is_blocked() => {
                    if touch {
                        session::touch(&sess, at);
                    }
                    req.extensions_mut().insert(CurrentUser(u));
                }
                _ => sess.clear(),
            }
        }
    }
    next.call(req).await
}

/// Route guard for pages that exist only for one kind of partner (signup links for MSPs, private
/// offers for resellers): for a member of another kind the route is not there (404), whatever
/// the member's role, so what exists never depends on who asks. It runs after `require_member`.
pub fn partner_kind(kind: PartnerKind) -> impl actix_web::guard::Guard {
    actix_web::guard::fn_guard(move |ctx| {
        ctx.req_data()
            .get::<CurrentUser>()
            .is_some_and(|u| u.0.partner_kind == Some(kind))
    })
}

fn current(req: &ServiceRequest) -> Option<User> {
    req.extensions().get::<CurrentUser>().map(|c| c.0.clone())
}

/// Guard of `/admin`: anonymous visitors are sent to sign in, partner users get 404. Where
/// operators must use two-factor sign-in (`require_operator_mfa`), one without it is taken to
/// enrolment.
pub async fn require_operator(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    admit_if(req, next, |u| u.is_operator).await
}

/// Guard of `/console`: anonymous visitors are sent to sign in, operators get 404. A member of
/// a partner that requires two-factor sign-in, without it, is taken to enrolment.
pub async fn require_member(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    admit_if(req, next, |u| u.partner_id.is_some()).await
}

/// Whether `u` must set up two-factor sign-in before anything else: their partner's owner
/// requires it, or (operators) the setting does.
pub fn must_enrol(u: &User, settings: &crate::config::Settings) -> bool {
    let required = if u.is_operator {
        settings.operator_mfa_required()
    } else {
        u.partner_requires_two_factor
    };
    required && !u.has_two_factor()
}

/// Lets the signed-in users `allowed` admits through; the area does not exist (404) for the
/// others, and anonymous visitors are sent to sign in. One who must enrol in two-factor sign-in
/// first is sent to do so, whatever the request (nothing it asks is done).
async fn admit_if<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
    allowed: fn(&User) -> bool,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let refused = match current(&req) {
        Some(u) if allowed(&u) => {
            let enrol = req
                .app_data::<web::Data<AppState>>()
                .is_some_and(|s| must_enrol(&u, &s.settings));
            if enrol {
                let to = actix_web::HttpResponse::SeeOther()
                    .insert_header((
                        actix_web::http::header::LOCATION,
                        crate::paths::ACCOUNT_SECURITY,
                    ))
                    .finish();
                return Ok(req.into_response(to).map_into_right_body());
            }
            return next
                .call(req)
                .await
                .map(ServiceResponse::map_into_left_body);
        }
        Some(_) => AppError::NotFound,
        None => AppError::sign_in_required(req.request()),
    };
    Ok(refuse(req, refused))
}

/// Any signed-in person, operator or member, as the actor of what the request does, with the
/// id of the session it came with: for the pages of one's own sign-in security.
#[derive(Debug, Clone)]
pub struct Person {
    pub user: User,
    pub actor: Actor,
    pub session_id: String,
}

impl FromRequest for Person {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session_id = session_id_of(req);
        ready(match req.extensions().get::<CurrentUser>() {
            Some(CurrentUser(u)) => {
                let actor = match u.partner_id {
                    Some(p) => Actor::member(u.user_id, p, u.role(), address(req)),
                    None => Actor::user(u.user_id, None, address(req)),
                };
                Ok(Person {
                    user: u.clone(),
                    actor,
                    session_id,
                })
            }
            None => Err(AppError::sign_in_required(req)),
        })
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<CurrentUser>()
                .cloned()
                .ok_or_else(|| AppError::sign_in_required(req)),
        )
    }
}

impl Manager {
    /// The same person as a member, for pages any member may see.
    pub fn member(&self) -> Member {
        Member {
            user: self.user.clone(),
            partner_id: self.partner_id,
            actor: self.actor.clone(),
            session_id: self.session_id.clone(),
        }
    }
}

/// The id of the session `req` came with; empty without one (the guards let none through).
fn session_id_of(req: &HttpRequest) -> String {
    session::signed_in(&req.get_session())
        .map(|s| s.session_id)
        .unwrap_or_default()
}

/// The client address of `req`, as the audit log records it.
fn address(req: &HttpRequest) -> String {
    req.app_data::<web::Data<AppState>>()
        .map(|state| client_addr(req, &state.settings))
        .unwrap_or_else(|| "unknown".into())
}

impl FromRequest for Operator {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.extensions().get::<CurrentUser>() {
            Some(CurrentUser(u)) if u.is_operator => Ok(Operator {
                actor: Actor::user(u.user_id, None, address(req)),
                user: u.clone(),
            }),
            Some(_) => Err(AppError::NotFound),
            None => Err(AppError::sign_in_required(req)),
        })
    }
}

/// A partner member as the actor of what its request does, with its role and address.
fn member(req: &HttpRequest, user: &User, partner_id: i64) -> (User, i64, Actor) {
    let actor = Actor::member(user.user_id, partner_id, user.role(), address(req));
    (user.clone(), partner_id, actor)
}

impl FromRequest for Member {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // Read before the extensions are borrowed: the session lives in them too.
        let session_id = session_id_of(req);
        ready(match req.extensions().get::<CurrentUser>() {
            Some(CurrentUser(u)) => match u.partner_id {
                Some(partner_id) => {
                    let (user, partner_id, actor) = member(req, u, partner_id);
                    Ok(Member {
                        user,
                        partner_id,
                        actor,
                        session_id,
                    })
                }
                None => Err(AppError::NotFound),
            },
            None => Err(AppError::sign_in_required(req)),
        })
    }
}

impl FromRequest for Manager {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session_id = session_id_of(req);
        ready(match req.extensions().get::<CurrentUser>() {
            Some(CurrentUser(u)) => match (u.partner_id, u.is_manager()) {
                (Some(partner_id), true) => {
                    let (user, partner_id, actor) = member(req, u, partner_id);
                    Ok(Manager {
                        user,
                        partner_id,
                        actor,
                        session_id,
                    })
                }
                (Some(_), _) => Err(AppError::Forbidden),
                (None, _) => Err(AppError::NotFound),
            },
            None => Err(AppError::sign_in_required(req)),
        })
    }
}
