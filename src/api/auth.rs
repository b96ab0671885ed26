//! API key authentication: one HTTP Digest core for every kind of key (partners' keys on the
//! partner APIs, operators' keys on the ingest endpoint), as extractors: [`PartnerKey`],
//! [`MspKey`], [`OperatorKey`]. Every kind gets the same nonce checks, the per-address limit on
//! failed attempts, the replay guard and the same errors; a store that cannot be reached is a
//! 503, never a 401. A revoked key or a suspended partner is refused at once (keys are looked up
//! on every request).

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::{DateTime, Duration, Utc};

use super::error::ApiError;
use super::ratelimit::Quota;
use crate::app::Actor;
use crate::credentials::api_keys::Algorithm;
use crate::credentials::digest::{self, NonceCheck};
use crate::domain::{KeyUse, PartnerKind, PartnerState};
use crate::http::client_addr;
use crate::state::AppState;
use crate::store::{PoolConn, StoreError, api_keys, operator_keys};

/// A kind of API key the Digest core can check.
trait DigestKey: Sized {
    /// What a request without credentials is told to bring.
    const WANTED: &'static str;

    async fn find(c: &mut PoolConn, public_key: &str) -> Result<Option<Self>, StoreError>;

    /// The sealed verifier (HA1) for `algorithm`.
    fn sealed(&self, algorithm: Algorithm) -> &str;

    /// Why a key whose secret was right may not be used at `now`.
    fn refusal(&self, now: DateTime<Utc>) -> Option<&'static str>;
}

impl DigestKey for api_keys::KeySecrets {
    const WANTED: &'static str = "authentication required: HTTP Digest with your API key";

    async fn find(c: &mut PoolConn, public_key: &str) -> Result<Option<Self>, StoreError> {
        api_keys::secrets_by_public_key(c, public_key).await
    }

    fn sealed(&self, algorithm: Algorithm) -> &str {
        match algorithm {
            Algorithm::Sha256 => &self.ha1_sha256,
            Algorithm::Md5 => &self.ha1_md5,
        }
    }

    fn refusal(&self, now: DateTime<Utc>) -> Option<&'static str> {
        if self.revoked_at.is_some() || self.partner_state != PartnerState::Active {
            return Some("this API key is revoked or its partner is suspended");
        }
        api_keys::expired(self.expires_at, now).then_some(
            "this API key has expired (or was replaced and its time is over); use its successor or create a new key",
        )
    }
}

impl DigestKey for operator_keys::OperatorKey {
    const WANTED: &'static str = "authentication required: HTTP Digest with an operator API key";

    async fn find(c: &mut PoolConn, public_key: &str) -> Result<Option<Self>, StoreError> {
        // Only active keys of operators are found: a revoked one is an unknown one.
        operator_keys::find_active(c, public_key).await
    }

    fn sealed(&self, algorithm: Algorithm) -> &str {
        match algorithm {
            Algorithm::Sha256 => &self.ha1_sha256,
            Algorithm::Md5 => &self.ha1_md5,
        }
    }

    fn refusal(&self, _: DateTime<Utc>) -> Option<&'static str> {
        None
    }
}

/// A key whose Digest answer checked out, with the connection and the instant of the check.
struct Verified<K> {
    key: K,
    conn: PoolConn,
    now: DateTime<Utc>,
}

fn unauthorized(state: &AppState, message: &'static str, stale: bool) -> ApiError {
    ApiError::Unauthorized {
        message,
        stale,
        nonce: state.api.nonces.make(state.now().timestamp()),
    }
}

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(None))
}

/// The one Digest check: the answer's nonce, the address's failed attempts, the key and its
/// secret, then the replay guard.
async fn verify<K: DigestKey>(
    req: &HttpRequest,
    state: &AppState,
) -> Result<Verified<K>, ApiError> {
    let Some(auth) = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(digest::parse)
    else {
        return Err(unauthorized(state, K::WANTED, false));
    };
    // One reading of the clock for the whole check: nonce age, limits and "last used" agree.
    let now = state.now();
    let now_us = now.timestamp_micros();
    match state.api.nonces.check(&auth.nonce, now.timestamp()) {
        NonceCheck::Fresh => {}
        NonceCheck::Stale => return Err(unauthorized(state, "nonce expired", true)),
        NonceCheck::Invalid => return Err(unauthorized(state, "invalid nonce", false)),
    }
    // Guessing keys is slowed per client address; the challenge round trip is not a failure.
    let failures = format!("auth:{}", client_addr(req, &state.settings));
    let failure_quota = Quota {
        per_minute: state.settings.api_auth_failures_per_minute,
    };
    let mut conn = state.db.acquire().await.map_err(ApiError::Unavailable)?;
    if state
        .api
        .limiter
        .exhausted(&mut conn, &failures, failure_quota, now_us)
        .await
        .map_err(ApiError::Unavailable)?
    {
        return Err(ApiError::TooManyRequests(
            "too many failed authentications from this address; wait a minute".into(),
        ));
    }
    let key = K::find(&mut conn, &auth.username)
        .await
        .map_err(ApiError::Unavailable)?;
    let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("");
    let right = key.as_ref().is_some_and(|k| {
        state
            .vault
            .open(&auth.username, auth.algorithm, k.sealed(auth.algorithm))
            .is_some_and(|ha1| digest::verify(&auth, &ha1, req.method().as_str(), target))
    });
    let Some(key) = key.filter(|_| right) else {
        state
            .api
            .limiter
            .take(&mut conn, &failures, failure_quota, now_us)
            .await
            .map_err(ApiError::Unavailable)?;
        return Err(unauthorized(state, "invalid API key", false));
    };
    // Told only to whoever holds the private key.
    if let Some(why) = key.refusal(now) {
        return Err(unauthorized(state, why, false));
    }
    if !state
        .api
        .replays
        .first_use(&auth.nonce, &auth.nc, now.timestamp())
    {
        // stale=true lets an honest client whose counts went astray start over with a new nonce.
        return Err(unauthorized(
            state,
            "this nonce count was already used; take the new nonce",
            true,
        ));
    }
    Ok(Verified { key, conn, now })
}

/// The partner behind a valid API key, within its rate limit.
#[derive(Debug, Clone)]
pub struct PartnerKey {
    pub key_id: i64,
    pub partner_id: i64,
    pub is_msp: bool,
    /// The request's client address.
    pub address: String,
}

impl PartnerKey {
    /// The key as the actor of what its request does.
    pub fn actor(&self) -> Actor {
        Actor::api_key(self.key_id, self.partner_id, self.address.clone())
    }
}

async fn authenticate(req: HttpRequest) -> Result<(PartnerKey, PoolConn), ApiError> {
    let state = app_state(&req)?;
    let Verified { key, mut conn, now } = verify::<api_keys::KeySecrets>(&req, &state).await?;
    let quota = Quota {
        per_minute: state.settings.api_rate_limit_per_minute,
    };
    let decision = state
        .api
        .limiter
        .take(
            &mut conn,
            &format!("key:{}", key.key_id),
            quota,
            now.timestamp_micros(),
        )
        .await
        .map_err(ApiError::Unavailable)?;
    req.extensions_mut().insert(decision);
    if !decision.allowed {
        return Err(ApiError::TooManyRequests(format!(
            "rate limit exceeded: {} requests per minute per API key; retry in {} s",
            decision.limit, decision.reset_secs
        )));
    }
    // After the rate limit: a refused request counts, and carries the limit's headers.
    let used = key_use(&req);
    if !key.scope.allows(used) {
        return Err(ApiError::Forbidden(format!(
            "this API key's scope is `{}`, which does not allow {} {}; use a key with scope {}",
            key.scope,
            req.method(),
            req.path(),
            if used == KeyUse::InvoiceWrite {
                "`billing` or `full`"
            } else {
                "`full`"
            }
        )));
    }
    let address = client_addr(&req, &state.settings);
    let a_minute_ago = now - Duration::minutes(1);
    if key.last_used_at.is_none_or(|t| t < a_minute_ago) {
        api_keys::touch(&mut conn, key.key_id, &address, now, a_minute_ago)
            .await
            .map_err(ApiError::Unavailable)?;
    }
    let partner_key = PartnerKey {
        key_id: key.key_id,
        partner_id: key.partner_id,
        is_msp: key.partner_kind == PartnerKind::Msp,
        address,
    };
    Ok((partner_key, conn))
}

/// What a request does, for the key's scope: a read, something done to invoices (their send and
/// void), or another change.
fn key_use(req: &HttpRequest) -> KeyUse {
    let method = req.method();
    if method == actix_web::http::Method::GET || method == actix_web::http::Method::HEAD {
        return KeyUse::Read;
    }
    let on_invoices = req
        .path()
        .strip_prefix(crate::paths::PARTNER_API)
        .is_some_and(|rest| rest.starts_with("/invoices/"));
    if on_invoices {
        KeyUse::InvoiceWrite
    } else {
        KeyUse::OtherWrite
    }
}

/// What a partner's authenticated key must be to serve a surface: any partner's key, or an
/// MSP's (the whole of `/v1beta1/msp` is for MSPs).
pub trait KeyKind: Sized + 'static {
    fn admit(key: PartnerKey) -> Result<Self, ApiError>;
}

impl KeyKind for PartnerKey {
    fn admit(key: PartnerKey) -> Result<Self, ApiError> {
        Ok(key)
    }
}

/// A key of an MSP: the whole of `/v1beta1/msp` is for MSPs.
#[derive(Debug, Clone)]
pub struct MspKey(pub PartnerKey);

impl KeyKind for MspKey {
    fn admit(key: PartnerKey) -> Result<Self, ApiError> {
        if !key.is_msp {
            return Err(ApiError::Forbidden(
                "the MSP API is for managed service providers; resellers use the Partner Management API under /api/v1".into(),
            ));
        }
        Ok(MspKey(key))
    }
}

/// A key with the connection it was checked on, for a handler that goes on to read: it then
/// takes no second connection from the pool (on SQLite, each connection given back costs a
/// round trip to its worker thread; on the customer list that was a fifth of the request).
pub struct Keyed<K> {
    pub key: K,
    pub conn: PoolConn,
}

impl<K: KeyKind> FromRequest for Keyed<K> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (key, conn) = authenticate(req).await?;
            Ok(Keyed {
                key: K::admit(key)?,
                conn,
            })
        })
    }
}

/// The key alone; its connection goes back to the pool before the handler runs.
macro_rules! key_extractor {
    ($kind:ty) => {
        impl FromRequest for $kind {
            type Error = ApiError;
            type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

            fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
                let req = req.clone();
                Box::pin(async move { <$kind>::admit(authenticate(req).await?.0) })
            }
        }
    };
}
key_extractor!(PartnerKey);
key_extractor!(MspKey);

/// Either kind of authenticated key, for handlers shared by both API surfaces.
pub trait AsPartner {
    fn partner(&self) -> &PartnerKey;
}

impl AsPartner for PartnerKey {
    fn partner(&self) -> &PartnerKey {
        self
    }
}

impl AsPartner for MspKey {
    fn partner(&self) -> &PartnerKey {
        &self.0
    }
}

/// The vendor operator behind a valid operator API key (the ingest endpoint's).
#[derive(Debug, Clone)]
pub struct OperatorKey {
    pub key_id: i64,
    pub user_id: i64,
}

impl FromRequest for OperatorKey {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = app_state(&req)?;
            let v = verify::<operator_keys::OperatorKey>(&req, &state).await?;
            Ok(OperatorKey {
                key_id: v.key.key_id,
                user_id: v.key.user_id,
            })
        })
    }
}
