//! Operators' resale authorizations per reseller (issue 14): create, edit while a draft,
//! activate, restrict.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app;
use crate::app::authorizations::{self, AuthorizationRequest, Move};
use crate::app::offers::{self};
use crate::domain::AuthorizationState;
use crate::state::AppState;
use crate::store::authorizations::Authorization;
use crate::store::offers::{Filter, Offer};
use crate::store::partners::Partner;
use crate::web::console::offers::figures::Figures;
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::Operator;
use crate::web::page::{FormErrors, Page, PageCtx, redirect, redirect_with, render_status};
use crate::web::routes;
use crate::web::session::{self, FlashLevel};

use crate::app::partners as app_partners;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let at = |p| routes::within(routes::ADMIN, p);
    cfg.route(at(routes::ADMIN_AUTHORIZATIONS), web::get().to(list))
        .route(at(routes::ADMIN_AUTHORIZATIONS), web::post().to(create))
        .route(at(routes::ADMIN_AUTHORIZATION), web::get().to(detail))
        .route(at(routes::ADMIN_AUTHORIZATION), web::post().to(update))
        .route(
            at(routes::ADMIN_AUTHORIZATION_ACTIVATE),
            web::post().to(activate),
        )
        .route(
            at(routes::ADMIN_AUTHORIZATION_RESTRICT),
            web::post().to(restrict),
        );
}

/// The authorization form's values as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AuthorizationForm {
    partner: String,
    product: String,
    wholesale: String,
    available_until: String,
    buyers: String,
    max_offers: String,
    durations: String,
    eula: String,
    eula_url: String,
}

impl Default for AuthorizationForm {
    fn default() -> Self {
        AuthorizationForm {
            partner: String::new(),
            product: "TiDB Cloud Dedicated".into(),
            wholesale: String::new(),
            available_until: String::new(),
            buyers: String::new(),
            max_offers: "1".into(),
            durations: "12, 24, 36".into(),
            eula: "standard".into(),
            eula_url: String::new(),
        }
    }
}

impl AuthorizationForm {
    fn request(&self) -> AuthorizationRequest {
        AuthorizationRequest {
            product: self.product.clone(),
            // "20" or "12.5" percent, as basis points; anything else is out of range.
            wholesale_bps: crate::billing::grants::parse_percent(&self.wholesale).unwrap_or(-1),
            available_until: crate::billing::month::parse_day(&self.available_until),
            buyers: self.buyers.clone(),
            max_offers: self.max_offers.trim().parse().unwrap_or(0),
            durations: self.durations.clone(),
            eula: self.eula.clone(),
            eula_url: self.eula_url.clone(),
        }
    }

    fn of(a: &Authorization) -> AuthorizationForm {
        AuthorizationForm {
            partner: a.partner_id.to_string(),
            product: a.product.clone(),
            wholesale: crate::billing::grants::percent_number(a.wholesale_bps),
            available_until: a.available_until.to_string(),
            buyers: a.buyers.replace(',', ", "),
            max_offers: a.max_offers.to_string(),
            durations: a.durations.replace(',', ", "),
            eula: a.eula.clone(),
            eula_url: a.eula_url.clone(),
        }
    }
}

/// The authorization form's fields in their order, for the summary of its errors.
const FIELDS: &[&str] = &[
    "partner",
    "product",
    "wholesale",
    "available_until",
    "durations",
    "max_offers",
    "buyers",
    "eula_url",
];

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct ListFilters {
    partner: String,
    state: String,
}

#[derive(Template)]
#[template(path = "admin/authorizations/list.html")]
struct ListPage {
    ctx: PageCtx,
    f: ListFilters,
    items: Vec<Authorization>,
    resellers: Vec<Partner>,
    states: &'static [AuthorizationState],
    v: AuthorizationForm,
    errors: FormErrors,
}

impl Figures for ListPage {
    fn page(&self) -> &PageCtx {
        &self.ctx
    }
}

async fn list_page(
    state: &AppState,
    ctx: PageCtx,
    f: ListFilters,
    v: AuthorizationForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let items = authorizations::list_all(
        state.app(),
        f.partner.trim().parse().ok(),
        AuthorizationState::parse(&f.state),
    )
    .await?;
    Ok(render_status(
        status,
        &ListPage {
            ctx,
            f,
            items,
            resellers: app_partners::resellers(state.app()).await?,
            states: AuthorizationState::ALL,
            v,
            errors,
        },
    ))
}

async fn list(
    _op: Operator,
    Page { ctx, state, .. }: Page,
    f: web::Query<ListFilters>,
) -> Result<HttpResponse, AppError> {
    let f = f.into_inner();
    let v = AuthorizationForm {
        partner: f.partner.clone(),
        ..Default::default()
    };
    list_page(&state, ctx, f, v, FormErrors::new(), StatusCode::OK).await
}

async fn create(
    op: Operator,
    Page { ctx, sess, state }: Page,
    form: web::Form<AuthorizationForm>,
) -> Result<HttpResponse, AppError> {
    let v = form.into_inner();
    let partner_id = v.partner.trim().parse().unwrap_or(0);
    match authorizations::create(state.app(), &op.actor, partner_id, &v.request()).await {
        Ok(a) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t_args(
                "flash-authorization-created",
                &[("id", &a.authorization_id.to_string())],
            ),
            &routes::admin_authorization(a.authorization_id),
        )),
        Err(app::Error::Invalid(bad)) => {
            let errors = ctx.field_errors(&bad).in_order(FIELDS);
            let f = ListFilters::default();
            list_page(&state, ctx, f, v, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "admin/authorizations/detail.html")]
struct DetailPage {
    ctx: PageCtx,
    auth: Authorization,
    offers: Vec<Offer>,
    v: AuthorizationForm,
    errors: FormErrors,
}

impl Figures for DetailPage {
    fn page(&self) -> &PageCtx {
        &self.ctx
    }

    fn offer_href(&self, id: &i64) -> String {
        routes::admin_offer(id)
    }
}

impl DetailPage {
    fn is(&self, s: AuthorizationState) -> bool {
        self.auth.state == s
    }
}

async fn detail_page(
    state: &AppState,
    ctx: PageCtx,
    id: i64,
    v: Option<AuthorizationForm>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let a = authorizations::find_any(state.app(), id).await?;
    let f = Filter {
        authorization_id: Some(id),
        ..Default::default()
    };
    let offers = offers::page_all(state.app(), &f, None, 200).await?;
    let v = v.unwrap_or_else(|| AuthorizationForm::of(&a));
    Ok(render_status(
        status,
        &DetailPage {
            ctx,
            auth: a,
            offers,
            v,
            errors,
        },
    ))
}

async fn detail(
    _op: Operator,
    Page { ctx, state, .. }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    detail_page(&state, ctx, *id, None, FormErrors::new(), StatusCode::OK).await
}

async fn update(
    op: Operator,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    form: web::Form<AuthorizationForm>,
) -> Result<HttpResponse, AppError> {
    let v = form.into_inner();
    match authorizations::update(state.app(), &op.actor, *id, &v.request()).await {
        Ok(_) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t("flash-authorization-saved"),
            &routes::admin_authorization(*id),
        )),
        Err(app::Error::Invalid(bad)) => {
            let errors = ctx.field_errors(&bad).in_order(FIELDS);
            detail_page(
                &state,
                ctx,
                *id,
                Some(v),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(app::Error::Conflict(m)) => Ok(redirect_with(
            &sess,
            FlashLevel::Error,
            ctx.say(&m),
            &routes::admin_authorization(*id),
        )),
        Err(e) => Err(e.into()),
    }
}

async fn change(
    op: Operator,
    Page { ctx, sess, state }: Page,
    id: i64,
    m: Move,
) -> Result<HttpResponse, AppError> {
    match authorizations::change_state(state.app(), &op.actor, id, m).await {
        Ok(a) => session::flash(
            &sess,
            FlashLevel::Success,
            ctx.t_args("flash-authorization-state", &[("state", a.state.as_str())]),
        ),
        Err(app::Error::Conflict(m)) => session::flash(&sess, FlashLevel::Error, ctx.say(&m)),
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&routes::admin_authorization(id)))
}

async fn activate(
    op: Operator,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    change(op, Page { ctx, sess, state }, *id, Move::Activate).await
}

async fn restrict(
    op: Operator,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    change(op, Page { ctx, sess, state }, *id, Move::Restrict).await
}
