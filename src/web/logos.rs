//! Logos on the web: serving a stored logo with the strict headers of SPEC section 7 (taking an
//! upload is `app::logos`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::routes;
use crate::state::AppState;
use crate::store::logos::{self, LogoRow};
use crate::store::partners;
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
    let mut c = state.db.acquire().await?;
    let partner = partners::find_by_slug(&mut c, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let logo_id = match mode.as_str() {
        "light" => partner.logo_light_id,
        "dark" => partner.logo_dark_id.or(partner.logo_light_id),
        _ => None,
    }
    .ok_or(AppError::NotFound)?;
    let row = logos::find(&mut c, logo_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(serve(&req, &row))
}

/// A logo just uploaded in a form, shown back while the form is corrected. Its key is a random
/// token only the uploader has.
async fn uploaded_logo(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let mut c = state.db.acquire().await?;
    let row = logos::find_by_upload_key(&mut c, &key)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(serve(&req, &row))
}

/// The partner and the URLs of its logos (with content hashes), for templates.
pub struct Brand {
    pub partner: Partner,
    pub light_url: Option<String>,
    pub dark_url: Option<String>,
}

pub async fn brand(state: &AppState, partner_id: i64) -> Result<Brand, AppError> {
    let mut c = state.db.acquire().await?;
    let partner = partners::find_by_id(&mut c, partner_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut urls = [None, None];
    for (slot, (id, mode)) in urls.iter_mut().zip([
        (partner.logo_light_id, "light"),
        (partner.logo_dark_id, "dark"),
    ]) {
        if let Some(id) = id {
            *slot = logos::find(&mut c, id)
                .await?
                .map(|l| partner_logo_url(&partner.slug, mode, &l.sha256));
        }
    }
    let [light_url, dark_url] = urls;
    Ok(Brand {
        partner,
        light_url,
        dark_url,
    })
}
