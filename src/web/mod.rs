//! The HTML surface: one module per page area, each with `configure`.

pub mod activation;
pub mod admin;
pub mod apply;
pub mod auth;
pub mod chart;
pub mod console;
pub mod error;
pub mod keys;
pub mod logos;
pub mod multipart;
pub mod ops;
pub mod page;
pub mod public;
pub use crate::http::client_addr;
pub use crate::paths as routes;
pub mod signup;

use actix_web::web;

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
