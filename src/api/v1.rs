//! The Partner Management API `v1`, for resellers and MSPs alike: the same reads as the MSP API,
//! signup links (MSPs only), and the key's own partner. New operations go here, not in v1beta1.

use actix_web::{HttpResponse, web};
use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::auth::{ApiError, PartnerKey};
use super::msp;
use crate::state::AppState;
use crate::store::signup_links::{self, NewLink, SignupLink};
use crate::store::{api_keys, audit, partners};
use crate::tokens::{hash_token, random_token};
use crate::web::routes;

pub const BASE: &str = "/api/v1";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(BASE)
            .wrap(actix_web::middleware::from_fn(super::ratelimit::headers))
            .route("/me", web::get().to(me))
            .route(
                "/bills/{billedMonth}",
                web::get().to(msp::bill::<PartnerKey>),
            )
            .route("/credits", web::get().to(msp::credits::<PartnerKey>))
            .route("/discounts", web::get().to(msp::discounts::<PartnerKey>))
            .route(
                "/customers",
                web::get().to(msp::list_customers::<PartnerKey>),
            )
            .route(
                "/customers/{customerOrgId}",
                web::get().to(msp::get_customer::<PartnerKey>),
            )
            .route(
                "/customers/{customerOrgId}/bills/{billedMonth}",
                web::get().to(msp::customer_bill::<PartnerKey>),
            )
            .route("/signupLinks", web::get().to(list_links))
            .route("/signupLinks", web::post().to(create_link))
            .route("/signupLinks/{id}", web::delete().to(revoke_link))
            .default_service(web::to(not_found)),
    );
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound(
        "no such operation in the Partner Management API".into(),
    ))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Me {
    partner_name: String,
    partner_slug: String,
    partner_kind: String,
    partner_state: String,
    key_name: String,
    public_key: String,
    created_time: String,
    last_used_time: String,
}

async fn me(key: PartnerKey, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let mut c = state.db.acquire().await?;
    let p = partners::find_by_id(&mut c, key.partner_id)
        .await?
        .ok_or(ApiError::Internal)?;
    let k = api_keys::find(&mut c, key.partner_id, key.key_id)
        .await?
        .ok_or(ApiError::Internal)?;
    Ok(HttpResponse::Ok().json(Me {
        partner_name: p.name,
        partner_slug: p.slug,
        partner_kind: p.kind,
        partner_state: p.state,
        key_name: k.name,
        public_key: k.public_key,
        created_time: msp::time(Some(k.created_at)),
        last_used_time: msp::time(k.last_used_at),
    }))
}

fn msp_only(key: &PartnerKey) -> Result<(), ApiError> {
    if key.is_msp {
        Ok(())
    } else {
        Err(ApiError::Forbidden("signup links are for managed service providers; a reseller's customers come from private offers".into()))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LinkJson {
    id: String,
    label: String,
    state: String,
    uses: i32,
    max_uses: Option<i32>,
    expired_at: String,
    created_time: String,
    /// Only in the answer to the creation: the token is not kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_signup_url: Option<String>,
}

fn link_json(l: &SignupLink, now: chrono::DateTime<chrono::Utc>, url: Option<String>) -> LinkJson {
    LinkJson {
        id: l.link_id.to_string(),
        label: l.label.clone(),
        state: l.state(now).as_str().to_string(),
        uses: l.uses,
        max_uses: l.max_uses,
        expired_at: msp::time(Some(l.expires_at)),
        created_time: msp::time(Some(l.created_at)),
        customer_signup_url: url,
    }
}

async fn list_links(key: PartnerKey, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    msp_only(&key)?;
    let now = state.now();
    let mut c = state.db.acquire().await?;
    let links: Vec<LinkJson> = signup_links::list(&mut c, key.partner_id)
        .await?
        .iter()
        .map(|l| link_json(l, now, None))
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "signupLinks": links })))
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
struct NewLinkBody {
    label: String,
    expires_in_days: Option<i64>,
    max_uses: Option<i32>,
}

async fn create_link(
    key: PartnerKey,
    state: web::Data<AppState>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    msp_only(&key)?;
    // An empty body means every default; anything else must be the documented object.
    let body: NewLinkBody = if raw.iter().all(u8::is_ascii_whitespace) {
        NewLinkBody::default()
    } else {
        serde_json::from_slice(&raw).map_err(|e| {
            ApiError::BadRequest(format!("the body is not a signup link request: {e}"))
        })?
    };
    let days = body.expires_in_days.unwrap_or(7);
    if !(1..=90).contains(&days) {
        return Err(ApiError::BadRequest(
            "expiresInDays must be from 1 to 90".into(),
        ));
    }
    if body.max_uses.is_some_and(|m| m < 1) {
        return Err(ApiError::BadRequest(
            "maxUses must be at least 1, or absent for unlimited".into(),
        ));
    }
    if body.label.chars().count() > 80 {
        return Err(ApiError::BadRequest(
            "label must be at most 80 characters".into(),
        ));
    }
    let now = state.now();
    let token = random_token();
    let mut tx = state.db.begin().await?;
    let p = partners::find_by_id(&mut tx, key.partner_id)
        .await?
        .ok_or(ApiError::Internal)?;
    let new = NewLink {
        partner_id: key.partner_id,
        label: &body.label,
        token_hash: &hash_token(&token),
        expires_at: now + Duration::days(days),
        max_uses: body.max_uses,
        created_by: None,
    };
    let id = signup_links::insert(&mut tx, new, now).await?;
    let e = audit::AuditEvent {
        actor_user_id: None,
        partner_id: Some(key.partner_id),
        action: "signup_link_created",
        detail: &format!("link {id} by API key {}", key.key_id),
        address: "",
    };
    audit::record(&mut tx, e, now).await?;
    let link = signup_links::find(&mut tx, key.partner_id, id)
        .await?
        .ok_or(ApiError::Internal)?;
    tx.commit().await?;
    let url = format!(
        "{}{}",
        state.settings.public_url,
        routes::signup(&p.slug, &token)
    );
    Ok(HttpResponse::Created().json(link_json(&link, now, Some(url))))
}

async fn revoke_link(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    msp_only(&key)?;
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::NotFound("no such signup link".into()))?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let link = signup_links::find(&mut tx, key.partner_id, id)
        .await?
        .ok_or_else(|| ApiError::NotFound("no such signup link".into()))?;
    if signup_links::revoke(&mut tx, key.partner_id, id, now).await? {
        let e = audit::AuditEvent {
            actor_user_id: None,
            partner_id: Some(key.partner_id),
            action: "signup_link_revoked",
            detail: &format!("link {id} by API key {}", key.key_id),
            address: "",
        };
        audit::record(&mut tx, e, now).await?;
    }
    let link = signup_links::find(&mut tx, key.partner_id, link.link_id)
        .await?
        .ok_or(ApiError::Internal)?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(link_json(&link, now, None)))
}
