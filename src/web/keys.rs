//! The page that shows a new API key's private half, once: after activation and after creating a
//! key on the API keys page.

use actix_web::HttpResponse;
use askama::Template;

use super::page::PageCtx;
use crate::credentials::api_keys::IssuedKey;
use crate::store::partners::Partner;

#[derive(Template)]
#[template(path = "keys.html")]
pub struct KeyCreated {
    pub ctx: PageCtx,
    pub public_key: String,
    pub private_key: String,
    pub curl: String,
    pub welcome: bool,
}

impl KeyCreated {
    pub fn new(
        ctx: PageCtx,
        public_url: &str,
        partner: &Partner,
        key: IssuedKey,
        welcome: bool,
    ) -> KeyCreated {
        let curl = crate::paths::first_api_call(
            public_url,
            &format!("{}:{}", key.public_key, key.private_key),
            partner.is_msp(),
        );
        KeyCreated {
            ctx,
            public_key: key.public_key,
            private_key: key.private_key,
            curl,
            welcome,
        }
    }
}

/// Rendered, never cached: the private key must not be kept by any cache or shown again.
pub fn key_created_page(page: &KeyCreated) -> HttpResponse {
    crate::web::page::render_shown_once(page)
}
