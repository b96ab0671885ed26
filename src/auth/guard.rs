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
use crate::state::AppState;
use crate::store::users::{self, User};
use crate::web::error::AppError;

/// The signed-in user of this request.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

/// A signed-in vendor operator.
#[derive(Debug, Clone)]
pub struct Operator(pub User);

/// A signed-in member of a partner; `partner_id` is the scope of every query it makes.
#[derive(Debug, Clone)]
pub struct Member {
    pub user: User,
    pub partner_id: i64,
}

/// A member who may manage the partner's settings and keys: role owner or admin.
#[derive(Debug, Clone)]
pub struct Manager {
    pub user: User,
    pub partner_id: i64,
}

/// Loads the session's user and checks it still may be signed in: the session is within its idle
/// timeout and absolute lifetime, the password has not changed since (session epoch), and the
/// user's partner is not suspended. Anything else ends the session.
pub async fn identify(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let sess = req.get_session();
    if let (Some(signed), Some(state)) = (
        session::signed_in(&sess),
        req.app_data::<web::Data<AppState>>(),
    ) {
        let now = state.now().timestamp();
        let s = &state.settings;
        let idle = now - signed.seen_at > s.session_idle_minutes * 60;
        let too_old = now - signed.auth_at > s.session_lifetime_hours * 3600;
        if idle || too_old {
            sess.clear();
            session::flash(
                &sess,
                FlashLevel::Info,
                crate::i18n::I18n::default().t("flash-session-expired"),
            );
        } else {
            let mut conn = state.db.acquire().await.map_err(AppError::from)?;
            match users::find_by_id(&mut conn, signed.user_id)
                .await
                .map_err(AppError::from)?
            {
                Some(u) if u.session_epoch == signed.epoch && !u.is_blocked() => {
                    // Rewriting the cookie on every request is wasted work; a minute is precise
                    // enough for an idle timeout counted in minutes.
                    if now - signed.seen_at >= 60 {
                        session::touch(&sess, now);
                    }
                    req.extensions_mut().insert(CurrentUser(u));
                }
                _ => sess.clear(),
            }
        }
    }
    next.call(req).await
}

fn current(req: &ServiceRequest) -> Option<User> {
    req.extensions().get::<CurrentUser>().map(|c| c.0.clone())
}

/// Guard of `/admin`: anonymous visitors are sent to sign in, partner users get 404.
pub async fn require_operator(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let refused = match current(&req) {
        Some(u) if u.is_operator => {
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

/// Guard of `/console`: anonymous visitors are sent to sign in, operators get 404.
pub async fn require_member(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let refused = match current(&req) {
        Some(u) if u.partner_id.is_some() => {
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

/// Answers here rather than returning `Err`, so the session middleware outside still writes its
/// cookie (a cleared session, a flash) on the refusal.
pub fn refuse<B>(req: ServiceRequest, e: AppError) -> ServiceResponse<EitherBody<B>> {
    req.error_response(e).map_into_right_body()
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

impl FromRequest for Operator {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.extensions().get::<CurrentUser>() {
            Some(CurrentUser(u)) if u.is_operator => Ok(Operator(u.clone())),
            Some(_) => Err(AppError::NotFound),
            None => Err(AppError::sign_in_required(req)),
        })
    }
}

/// A partner member as the actor of what its request does, with its role.
fn member_actor(user: &User, partner_id: i64, address: String) -> crate::app::Actor {
    crate::app::Actor::member(user.user_id, partner_id, user.role(), address)
}

impl Member {
    pub fn actor(&self, address: String) -> crate::app::Actor {
        member_actor(&self.user, self.partner_id, address)
    }
}

impl Manager {
    pub fn actor(&self, address: String) -> crate::app::Actor {
        member_actor(&self.user, self.partner_id, address)
    }
}

impl FromRequest for Member {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.extensions().get::<CurrentUser>() {
            Some(CurrentUser(u)) => match u.partner_id {
                Some(partner_id) => Ok(Member {
                    user: u.clone(),
                    partner_id,
                }),
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
        ready(match req.extensions().get::<CurrentUser>() {
            Some(CurrentUser(u)) => match (u.partner_id, u.is_manager()) {
                (Some(partner_id), true) => Ok(Manager {
                    user: u.clone(),
                    partner_id,
                }),
                (Some(_), _) => Err(AppError::Forbidden),
                (None, _) => Err(AppError::NotFound),
            },
            None => Err(AppError::sign_in_required(req)),
        })
    }
}
