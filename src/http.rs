//! What both HTTP surfaces (the pages in `web`, the JSON APIs in `api`) read of a request the same
//! way.

use actix_web::HttpRequest;

use crate::config::Settings;

/// The client's address for throttling and the audit log. `X-Forwarded-For` is believed only
/// when configured to sit behind a proxy; otherwise anyone could choose their own address.
pub fn client_addr(req: &HttpRequest, settings: &Settings) -> String {
    if settings.trust_proxy
        && let Some(ip) = req.connection_info().realip_remote_addr()
    {
        return ip.to_string();
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Where a new session comes from: the client's address and its browser, as the person's list
/// of sessions will show them.
pub fn session_origin(req: &HttpRequest, settings: &Settings) -> crate::store::sessions::Origin {
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(crate::store::sessions::USER_AGENT_MAX)
        .collect();
    crate::store::sessions::Origin {
        address: client_addr(req, settings),
        user_agent,
    }
}
