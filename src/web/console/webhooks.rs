//! Webhooks in the console (issue 27): the partner's endpoints and a form to add one (its secret
//! shown once), and each endpoint's page: change it, turn it off or on, send a test ping, rotate
//! the secret, remove it, and its delivery log with a retry per delivery. Owners and admins
//! only; every query is scoped by the member's partner, so a foreign id is a 404.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::app::webhooks::{self as hooks, EndpointRequest, Reach};
use crate::store::webhooks::{DeliveryRow, Endpoint};
use crate::web::confirm::{Confirmation, Question, ask};
use crate::web::error::AppError;
use crate::web::guard::Manager;
use crate::web::page::{FormErrors, Page, PageCtx, redirect_with, render_status};
use crate::web::routes;
use crate::web::session::FlashLevel;
use crate::webhooks::Event;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let at = |path| routes::within(routes::CONSOLE, path);
    cfg.route(at(routes::CONSOLE_WEBHOOKS), web::get().to(list))
        .route(at(routes::CONSOLE_WEBHOOKS), web::post().to(create))
        .route(at(routes::CONSOLE_WEBHOOK), web::get().to(detail))
        .route(at(routes::CONSOLE_WEBHOOK), web::post().to(change))
        .route(at(routes::CONSOLE_WEBHOOK_TEST), web::post().to(test))
        .route(at(routes::CONSOLE_WEBHOOK_ROTATE), web::post().to(rotate))
        .route(at(routes::CONSOLE_WEBHOOK_DELETE), web::post().to(delete))
        .route(at(routes::CONSOLE_WEBHOOK_RETRY), web::post().to(retry));
}

/// The order of the endpoint form's fields, for its error summary.
const FIELDS: [&str; 3] = ["url", "description", "events"];
/// Deliveries an endpoint's page lists, newest first.
const LOG_ROWS: i64 = 50;

#[derive(Debug, Default)]
struct EndpointForm {
    url: String,
    description: String,
    /// Checked events: the form sends an `event` field per box.
    events: Vec<String>,
    /// The change form only: `on` keeps or turns the endpoint on.
    enabled: String,
}

impl EndpointForm {
    /// The form as posted; `event` repeats, which the derived form readers do not take.
    fn parse(body: &[u8]) -> EndpointForm {
        let mut f = EndpointForm::default();
        for (k, v) in url::form_urlencoded::parse(body) {
            match k.as_ref() {
                "url" => f.url = v.into_owned(),
                "description" => f.description = v.into_owned(),
                "event" => f.events.push(v.into_owned()),
                "enabled" => f.enabled = v.into_owned(),
                _ => {}
            }
        }
        f
    }

    fn of(e: &Endpoint) -> EndpointForm {
        EndpointForm {
            url: e.url.clone(),
            description: e.description.clone(),
            events: e.events.split_whitespace().map(str::to_string).collect(),
            enabled: if e.disabled_at.is_none() {
                "on".into()
            } else {
                String::new()
            },
        }
    }

    fn request(&self, with_enabled: bool) -> EndpointRequest {
        EndpointRequest {
            url: Some(self.url.clone()),
            description: Some(self.description.clone()),
            events: Some(self.events.clone()),
            enabled: with_enabled.then_some(self.enabled == "on"),
        }
    }

    fn chose(&self, e: &&'static str) -> bool {
        self.events.iter().any(|c| c == e)
    }
}

/// Every event an endpoint can choose, by name.
fn event_names() -> Vec<&'static str> {
    Event::CHOOSABLE.iter().map(|e| e.as_str()).collect()
}

fn reach(state: &crate::state::AppState) -> Reach {
    Reach {
        allow_private: state.settings.webhooks.allow_private,
    }
}

#[derive(Template)]
#[template(path = "console/webhooks/list.html")]
struct ListPage {
    ctx: PageCtx,
    endpoints: Vec<Endpoint>,
    form: EndpointForm,
    errors: FormErrors,
    events: Vec<&'static str>,
}

async fn list_page(
    ctx: PageCtx,
    state: &crate::state::AppState,
    m: &Manager,
    form: EndpointForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let endpoints = hooks::list(state.app(), &m.actor).await?;
    let status = errors.status();
    let page = ListPage {
        ctx,
        endpoints,
        form,
        errors,
        events: event_names(),
    };
    Ok(render_status(status, &page))
}

async fn list(m: Manager, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let form = EndpointForm {
        events: event_names().into_iter().map(str::to_string).collect(),
        ..EndpointForm::default()
    };
    list_page(ctx, &state, &m, form, FormErrors::new()).await
}

/// The page that shows an endpoint's new secret, once.
#[derive(Template)]
#[template(path = "console/webhooks/secret.html")]
struct SecretPage {
    ctx: PageCtx,
    endpoint: Endpoint,
    secret: String,
    rotated: bool,
}

fn shown_once(page: &SecretPage) -> HttpResponse {
    crate::web::page::render_shown_once(page)
}

async fn create(
    m: Manager,
    Page { ctx, state, .. }: Page,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = EndpointForm::parse(&body);
    match hooks::register(state.app(), &m.actor, reach(&state), &form.request(false)).await {
        Ok((endpoint, secret)) => Ok(shown_once(&SecretPage {
            ctx,
            endpoint,
            secret: secret.expose().to_string(),
            rotated: false,
        })),
        Err(crate::app::Error::Invalid(bad)) => {
            let errors = ctx.field_errors(&bad).in_order(&FIELDS);
            list_page(ctx, &state, &m, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "console/webhooks/detail.html")]
struct DetailPage {
    ctx: PageCtx,
    endpoint: Endpoint,
    form: EndpointForm,
    errors: FormErrors,
    events: Vec<&'static str>,
    deliveries: Vec<DeliveryRow>,
}

impl DetailPage {
    /// The badge class of a delivery's state.
    fn badge(&self, d: &DeliveryRow) -> &'static str {
        match d.state.as_str() {
            "delivered" => "badge-sent",
            "failed" => "badge-failed",
            _ => "badge-warn",
        }
    }
}

async fn detail_page(
    ctx: PageCtx,
    state: &crate::state::AppState,
    m: &Manager,
    id: i64,
    form: Option<EndpointForm>,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let endpoint = hooks::get(state.app(), &m.actor, id).await?;
    let deliveries = hooks::deliveries(state.app(), &m.actor, id, None, LOG_ROWS).await?;
    let status = errors.status();
    let page = DetailPage {
        ctx,
        form: form.unwrap_or_else(|| EndpointForm::of(&endpoint)),
        endpoint,
        errors,
        events: event_names(),
        deliveries,
    };
    Ok(render_status(status, &page))
}

async fn detail(
    m: Manager,
    Page { ctx, state, .. }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    detail_page(ctx, &state, &m, *id, None, FormErrors::new()).await
}

async fn change(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = EndpointForm::parse(&body);
    match hooks::change(
        state.app(),
        &m.actor,
        reach(&state),
        *id,
        &form.request(true),
    )
    .await
    {
        Ok(e) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t("flash-webhook-saved"),
            &routes::console_webhook(e.endpoint_id),
        )),
        Err(crate::app::Error::Invalid(bad)) => {
            let errors = ctx.field_errors(&bad).in_order(&FIELDS);
            detail_page(ctx, &state, &m, *id, Some(form), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn test(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    hooks::test(state.app(), &m.actor, *id).await?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t("flash-webhook-ping"),
        &routes::console_webhook(*id),
    ))
}

async fn rotate(
    m: Manager,
    Page { ctx, state, .. }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (endpoint, secret) = hooks::rotate_secret(state.app(), &m.actor, *id).await?;
    Ok(shown_once(&SecretPage {
        ctx,
        endpoint,
        secret: secret.expose().to_string(),
        rotated: true,
    }))
}

async fn delete(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    confirmation: Confirmation,
) -> Result<HttpResponse, AppError> {
    if !confirmation.given() {
        let e = hooks::get(state.app(), &m.actor, *id).await?;
        let q = Question {
            title: ctx.t_args("confirm-webhook-delete-title", &[("url", e.url.as_str())]),
            text: ctx.t("confirm-webhook-delete-text"),
            button: ctx.t("webhooks-delete"),
            action: routes::console_webhook_delete(*id),
            back: routes::console_webhook(*id),
        };
        return ask(ctx, q);
    }
    hooks::delete(state.app(), &m.actor, *id).await?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t("flash-webhook-deleted"),
        routes::CONSOLE_WEBHOOKS,
    ))
}

async fn retry(
    m: Manager,
    Page { ctx, sess, state }: Page,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, delivery) = path.into_inner();
    hooks::retry(state.app(), &m.actor, id, delivery).await?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t("flash-webhook-retry"),
        &routes::console_webhook(id),
    ))
}
