//! API keys: list, create (the private key shown once) with a scope and an optional expiry,
//! rotate to a successor with a grace period, revoke with confirmation. Owners and admins only;
//! every query is scoped by the member's partner, so a foreign key id is a 404.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::app::api_keys::{self as keys, KeyRequest};
use crate::domain::KeyScope;
use crate::store::api_keys::ApiKeyRow;
use crate::web::error::AppError;
use crate::web::guard::Manager;
use crate::web::keys::{KeyCreated, key_created_page};
use crate::web::page::{FormErrors, Page, PageCtx, redirect_with, render, render_status};
use crate::web::routes;
use crate::web::session::FlashLevel;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        routes::within(routes::CONSOLE, routes::CONSOLE_API_KEYS),
        web::get().to(list),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_API_KEYS),
        web::post().to(create),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_API_KEY_ROTATE),
        web::get().to(rotate_page),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_API_KEY_ROTATE),
        web::post().to(rotate),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_API_KEY_REVOKE),
        web::get().to(confirm_revoke),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_API_KEY_REVOKE),
        web::post().to(revoke),
    );
}

/// The grace periods offered when a key is replaced, in hours, and the one chosen first.
const GRACE_HOURS: [i64; 6] = [0, 1, 24, 7 * 24, 14 * 24, 30 * 24];
const DEFAULT_GRACE_HOURS: i64 = 7 * 24;

/// The order of the key form's fields, for its error summary.
const FIELDS: [&str; 4] = ["name", "scope", "expires_on", "grace"];

/// A key as the list shows it.
struct KeyView {
    key: ApiKeyRow,
    /// The message key of its state: active, expiring, expired, revoked.
    state: &'static str,
    /// Neither revoked nor past its end.
    works: bool,
    /// Still working, and stops within [`keys::WARN_LIST_DAYS`] days.
    warn: bool,
    /// The key created to replace it.
    successor: Option<String>,
}

impl KeyView {
    fn all(rows: Vec<ApiKeyRow>, now: DateTime<Utc>) -> Vec<KeyView> {
        let soon = now + Duration::days(keys::WARN_LIST_DAYS);
        let successor_of = |id: i64| {
            rows.iter()
                .find(|r| r.replaces_key_id == Some(id))
                .map(|r| format!("{} ({})", r.name, r.public_key))
        };
        let views: Vec<_> = rows
            .iter()
            .map(|k| {
                let works = k.works_at(now);
                let warn = works && k.expires_at.is_some_and(|e| e <= soon);
                let state = match (k.revoked_at, works, warn) {
                    (Some(_), _, _) => "key-revoked",
                    (None, false, _) => "key-expired",
                    (None, true, true) => "key-expiring",
                    (None, true, false) => "state-active",
                };
                (state, works, warn, successor_of(k.key_id))
            })
            .collect();
        rows.into_iter()
            .zip(views)
            .map(|(key, (state, works, warn, successor))| KeyView {
                key,
                state,
                works,
                warn,
                successor,
            })
            .collect()
    }

    /// The last day it works, for a key that expires at a midnight; else when it stops.
    fn stops(&self) -> Option<String> {
        self.key.expires_at.map(stop_text)
    }

    /// How a working key's end is said: through a last day, or at a minute.
    fn until_key(&self) -> &'static str {
        match self.key.expires_at {
            Some(at) if at.time() != chrono::NaiveTime::MIN => "keys-stops-at",
            _ => "keys-works-through",
        }
    }
}

/// A key's end as people read it: the last day it works when it stops at midnight (a chosen
/// expiry), else the minute (the end of a grace period).
fn stop_text(at: DateTime<Utc>) -> String {
    if at.time() == chrono::NaiveTime::MIN {
        let last = at - Duration::days(1);
        format!("{} (UTC)", last.format("%Y-%m-%d"))
    } else {
        at.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct KeyForm {
    name: String,
    scope: String,
    expires_on: String,
    /// Rotation only: how many hours the replaced key keeps working.
    grace: String,
}

impl KeyForm {
    fn request(&self) -> KeyRequest {
        KeyRequest {
            name: self.name.clone(),
            scope: self.scope.clone(),
            expires_on: self.expires_on.clone(),
        }
    }

    fn new_key() -> KeyForm {
        KeyForm {
            scope: KeyScope::Full.as_str().into(),
            ..KeyForm::default()
        }
    }
}

#[derive(Template)]
#[template(path = "console/api_keys/list.html")]
struct ListPage {
    ctx: PageCtx,
    keys: Vec<KeyView>,
    form: KeyForm,
    errors: FormErrors,
    today: String,
}

impl ListPage {
    fn scopes(&self) -> [KeyScope; 3] {
        KeyScope::ALL
    }

    /// How many working keys stop within the warning's days.
    fn expiring(&self) -> usize {
        self.keys.iter().filter(|k| k.warn).count()
    }
}

async fn list_page(
    ctx: PageCtx,
    state: &crate::state::AppState,
    m: &Manager,
    form: KeyForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    let keys = KeyView::all(keys::list(state.app(), &m.actor).await?, now);
    let status = errors.status();
    let page = ListPage {
        ctx,
        keys,
        form,
        errors,
        today: now.format("%Y-%m-%d").to_string(),
    };
    Ok(render_status(status, &page))
}

async fn list(m: Manager, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    list_page(ctx, &state, &m, KeyForm::new_key(), FormErrors::new()).await
}

async fn create(
    m: Manager,
    Page { ctx, state, .. }: Page,
    form: web::Form<KeyForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    match keys::create(state.app(), &state.vault, &m.actor, &form.request()).await {
        Ok(created) => Ok(shown_once(ctx, &state, created)),
        Err(crate::app::Error::Invalid(bad)) => {
            let errors = ctx.field_errors(&bad).in_order(&FIELDS);
            list_page(ctx, &state, &m, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The page that shows a new key's private half, once.
fn shown_once(
    ctx: PageCtx,
    state: &crate::state::AppState,
    created: keys::Created,
) -> HttpResponse {
    key_created_page(&KeyCreated::new(
        ctx,
        &state.settings.public_url,
        &created.partner,
        created.key,
        false,
    ))
}

#[derive(Template)]
#[template(path = "console/api_keys/rotate.html")]
struct RotatePage {
    ctx: PageCtx,
    key: KeyView,
    form: KeyForm,
    errors: FormErrors,
    today: String,
}

impl RotatePage {
    fn scopes(&self) -> [KeyScope; 3] {
        KeyScope::ALL
    }

    fn graces(&self) -> [i64; 6] {
        GRACE_HOURS
    }

    /// The label of a grace period of `hours`.
    fn grace_label(&self, hours: &i64) -> String {
        match *hours {
            0 => self.ctx.t("keys-grace-now"),
            h if h < 24 => self
                .ctx
                .t_args("keys-grace-hours", &[("hours", &h.to_string())]),
            h => self
                .ctx
                .t_args("keys-grace-days", &[("days", &(h / 24).to_string())]),
        }
    }
}

async fn rotate_form(
    ctx: PageCtx,
    state: &crate::state::AppState,
    m: &Manager,
    id: i64,
    form: Option<KeyForm>,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let now = state.now();
    let row = keys::find(state.app(), &m.actor, id).await?;
    let form = form.unwrap_or_else(|| KeyForm {
        name: row.name.clone(),
        scope: row.scope.as_str().into(),
        expires_on: String::new(),
        grace: DEFAULT_GRACE_HOURS.to_string(),
    });
    let key = KeyView::all(vec![row], now)
        .pop()
        .ok_or(crate::app::Error::NotFound(crate::app::Thing::ApiKey))?;
    let status = errors.status();
    let page = RotatePage {
        ctx,
        key,
        form,
        errors,
        today: now.format("%Y-%m-%d").to_string(),
    };
    Ok(render_status(status, &page))
}

async fn rotate_page(
    m: Manager,
    Page { ctx, state, .. }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    rotate_form(ctx, &state, &m, *id, None, FormErrors::new()).await
}

async fn rotate(
    m: Manager,
    Page { ctx, state, .. }: Page,
    id: web::Path<i64>,
    form: web::Form<KeyForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    // Not a number of hours is as wrong as too many: the app names the field.
    let grace = form.grace.trim().parse::<i64>().unwrap_or(-1);
    match keys::rotate(
        state.app(),
        &state.vault,
        &m.actor,
        *id,
        &form.request(),
        grace,
    )
    .await
    {
        Ok(created) => Ok(shown_once(ctx, &state, created)),
        Err(crate::app::Error::Invalid(bad)) => {
            let errors = ctx.field_errors(&bad).in_order(&FIELDS);
            rotate_form(ctx, &state, &m, *id, Some(form), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "console/api_keys/revoke.html")]
struct RevokePage {
    ctx: PageCtx,
    key: ApiKeyRow,
}

async fn confirm_revoke(
    m: Manager,
    Page { ctx, state, .. }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let key = keys::find(state.app(), &m.actor, *id).await?;
    render(&RevokePage { ctx, key })
}

async fn revoke(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let key = keys::revoke(state.app(), &m.actor, *id).await?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t_args("flash-key-revoked", &[("name", &key.name)]),
        routes::CONSOLE_API_KEYS,
    ))
}
