//! Logos on the web: serving a stored logo with the strict headers of SPEC section 7 (taking an
//! upload is `app::logos`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::routes;
use crate::app::logos as app_logos;
use crate::state::AppState;
use crate::store::logos::LogoRow;
use crate::store::partners::Partner;
use crate::web::error::AppError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Uploads first: `/logos/uploads/…` would otherwise match the partner pattern.
    cfg.route(routes::UPLOADED_LOGO, web::get().to(uploaded_logo))
        .route(routes::PARTNER_LOGO, web::get().to(partner_logo));
}

/// The CSP of a served logo: no scripts, nothing loaded, inline styles only.
pub const LOGO_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

pub fn serve(req: &HttpRequest, row: &LogoRow) -> HttpResponse {
    let etag = format!("\"{}\"", &row.sha256[..16.min(row.sha256.len())]);
    // The URL carries the content hash (`?v=`): such a URL never changes meaning.
    let cache = if req.query_string().starts_with("v=") {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag);
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::CONTENT_SECURITY_POLICY, LOGO_CSP))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, etag));
    if fresh {
        return res.finish();
    }
    res.content_type("image/svg+xml").body(row.svg.clone())
}

/// The public URL of a partner's logo in `mode` (`light` or `dark`), with its content hash.
pub fn partner_logo_url(slug: &str, mode: &str, sha256: &str) -> String {
    format!(
        "/logos/{slug}/{mode}.svg?v={}",
        &sha256[..16.min(sha256.len())]
    )
}

async fn partner_logo(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, mode) = path.into_inner();
    let row = app_logos::of_partner(state.app(), &slug, &mode).await?;
    Ok(serve(&req, &row))
}

/// A logo just uploaded in a form, shown back while the form is corrected. Its key is a random
/// token only the uploader has.
async fn uploaded_logo(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let row = app_logos::uploaded(state.app(), &key).await?;
    Ok(serve(&req, &row))
}

/// The partner and the URLs of its logos (with content hashes), for templates.
pub struct Brand {
    pub partner: Partner,
    pub light_url: Option<String>,
    pub dark_url: Option<String>,
}

pub async fn brand(state: &AppState, partner_id: i64) -> Result<Brand, AppError> {
    let (partner, [light, dark]) = app_logos::brand(state.app(), partner_id).await?;
    let light_url = light.map(|h| partner_logo_url(&partner.slug, "light", &h));
    let dark_url = dark.map(|h| partner_logo_url(&partner.slug, "dark", &h));
    Ok(Brand {
        partner,
        light_url,
        dark_url,
    })
}
