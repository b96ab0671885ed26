//! The HTML surface: one module per page area, each with `configure`.

pub mod activation;
pub mod admin;
pub mod apply;
pub mod auth;
pub mod chart;
pub mod console;
pub mod keys;
pub mod logos;
pub mod multipart;
pub mod ops;
pub mod page;
pub mod public;
pub mod routes;
pub mod signup;

use actix_web::{HttpRequest, web};

use crate::config::Settings;

pub fn configure(cfg: &mut web::ServiceConfig) {
    ops::configure(cfg);
    public::configure(cfg);
    apply::configure(cfg);
    activation::configure(cfg);
    signup::configure(cfg);
    logos::configure(cfg);
    auth::configure(cfg);
    admin::configure(cfg);
    console::configure(cfg);
}

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
