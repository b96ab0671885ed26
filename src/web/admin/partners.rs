//! Operators' view of partners: a searchable list, a partner's page, suspend and reactivate, and
//! resending the owner's activation link.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::grant_forms::GrantForms;
use crate::app::customers as app_customers;
use crate::app::onboarding::{self, Resent};
use crate::app::operator_reads;
use crate::app::partners as app_partners;
use crate::billing::bill::Totals;
use crate::billing::month::Month;
use crate::domain::{CustomerState, PartnerKind, PartnerState, Role};
use crate::state::AppState;
use crate::store::api_keys::ApiKeyRow;
use crate::store::customers::Customer;
use crate::store::grants::{CreditRow, DiscountRow};
use crate::store::partners::Partner;
use crate::store::users::User;
use crate::web::confirm::{Confirmation, Question, ask};
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::Operator;
use crate::web::page::{Page, PageCtx, redirect, redirect_with, render};
use crate::web::routes;
use crate::web::session::{self, FlashLevel};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        routes::within(routes::ADMIN, routes::ADMIN_PARTNERS),
        web::get().to(list),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_PARTNER),
        web::get().to(detail),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_PARTNER_SUSPEND),
        web::post().to(suspend),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_PARTNER_REACTIVATE),
        web::post().to(|op: Operator, page: Page, id: web::Path<i64>| {
            set_state(op, page, *id, PartnerState::Active)
        }),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_PARTNER_RESEND_ACTIVATION),
        web::post().to(resend_activation),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_CUSTOMER_SUSPEND),
        web::post().to(suspend_customer),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_CUSTOMER_UNSUSPEND),
        web::post().to(|op: Operator, page: Page, path: web::Path<(i64, String)>| {
            let change = (CustomerState::Suspended, CustomerState::Active);
            set_customer_state(op, page, path.into_inner(), change)
        }),
    );
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Filters {
    q: String,
    kind: String,
    state: String,
}

#[derive(Template)]
#[template(path = "admin/partners/list.html")]
struct ListPage {
    ctx: PageCtx,
    f: Filters,
    partners: Vec<Partner>,
}

async fn list(
    _op: Operator,
    Page { ctx, state, .. }: Page,
    f: web::Query<Filters>,
) -> Result<HttpResponse, AppError> {
    let f = f.into_inner();
    let kind = PartnerKind::parse(&f.kind).ok();
    let st = PartnerState::parse(&f.state);
    let partners = operator_reads::partners(state.app(), &f.q, kind, st, 500).await?;
    render(&ListPage { ctx, f, partners })
}

#[derive(Template)]
#[template(path = "admin/partners/detail.html")]
pub struct DetailPage {
    ctx: PageCtx,
    partner: Partner,
    members: Vec<User>,
    keys: Vec<ApiKeyRow>,
    customers: Vec<Customer>,
    discounts: Vec<DiscountRow>,
    credits: Vec<CreditRow>,
    forms: GrantForms,
    /// What the partner's bills come to: the last month that is over, and the running month
    /// so far (an estimate), each with its month.
    last: (Month, Totals),
    running: (Month, Totals),
}

impl DetailPage {
    /// The figures' rows: (month, totals, whether an estimate).
    fn figures(&self) -> [(Month, Totals, bool); 2] {
        [
            (self.last.0, self.last.1, false),
            (self.running.0, self.running.1, true),
        ]
    }

    fn discount_can_end(&self, d: &DiscountRow) -> bool {
        let start = Month::parse(&d.start_month);
        let end = d.end_month.as_deref().and_then(Month::parse);
        start.is_some_and(|s| {
            crate::billing::grants::discount_ended(s, end, self.running.0).is_some()
        })
    }

    fn credit_can_end(&self, k: &CreditRow) -> bool {
        crate::billing::grants::credit_ended(k.effective_on, k.expires_on, self.running.0).is_some()
    }

    fn logo_url(&self, mode: &str) -> String {
        format!("/logos/{}/{mode}.svg", self.partner.slug)
    }

    fn owner_waiting(&self) -> bool {
        self.members
            .iter()
            .any(|m| m.role() == Some(Role::Owner) && m.password_hash.is_none())
    }
}

async fn detail(
    _op: Operator,
    Page { ctx, state, .. }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    render(&detail_page(ctx, &state, *id, GrantForms::default()).await?)
}

pub async fn detail_page(
    ctx: PageCtx,
    state: &AppState,
    partner_id: i64,
    forms: GrantForms,
) -> Result<DetailPage, AppError> {
    let f = operator_reads::partner(state.app(), partner_id).await?;
    let (last, running) = crate::app::bills::last_and_running(state.app(), partner_id).await?;
    Ok(DetailPage {
        last: (last.month, last.overview()),
        running: (running.month, running.overview()),
        ctx,
        partner: f.partner,
        members: f.members,
        keys: f.keys,
        customers: f.customers,
        discounts: f.discounts,
        credits: f.credits,
        forms,
    })
}

/// Suspending a partner signs its people out and refuses its keys: asked first.
async fn suspend(
    op: Operator,
    page: Page,
    id: web::Path<i64>,
    confirmation: Confirmation,
) -> Result<HttpResponse, AppError> {
    if !confirmation.given() {
        let partner = app_partners::find(page.state.app(), *id).await?;
        let ctx = page.ctx;
        let name = [("partner", partner.name.as_str())];
        let q = Question {
            title: ctx.t_args("confirm-suspend-partner-title", &name),
            text: ctx.t("confirm-suspend-partner-text"),
            button: ctx.t("partner-suspend"),
            action: routes::admin_partner_suspend(*id),
            back: routes::admin_partner(*id),
        };
        return ask(ctx, q);
    }
    set_state(op, page, *id, PartnerState::Suspended).await
}

/// Suspending a customer is asked first, like a partner's.
async fn suspend_customer(
    op: Operator,
    page: Page,
    path: web::Path<(i64, String)>,
    confirmation: Confirmation,
) -> Result<HttpResponse, AppError> {
    let (partner_id, org_id) = path.into_inner();
    if !confirmation.given() {
        let ctx = page.ctx;
        let org = [("org", org_id.as_str())];
        let q = Question {
            title: ctx.t_args("confirm-suspend-customer-title", &org),
            text: ctx.t("confirm-suspend-customer-text"),
            button: ctx.t("customer-suspend"),
            action: routes::admin_customer_suspend(partner_id, &org_id),
            back: routes::admin_partner(partner_id),
        };
        return ask(ctx, q);
    }
    let change = (CustomerState::Active, CustomerState::Suspended);
    set_customer_state(op, page, (partner_id, org_id), change).await
}

async fn set_state(
    op: Operator,
    Page { ctx, sess, state }: Page,
    id: i64,
    new_state: PartnerState,
) -> Result<HttpResponse, AppError> {
    let partner = app_partners::set_state(state.app(), &op.actor, id, new_state).await?;
    let key = if new_state == PartnerState::Suspended {
        "flash-partner-suspended"
    } else {
        "flash-partner-reactivated"
    };
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t_args(key, &[("partner", &partner.name)]),
        &routes::admin_partner(id),
    ))
}

async fn resend_activation(
    op: Operator,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let partner_page = routes::admin_partner(*id);
    match onboarding::resend_activation(state.app(), *id, &op.actor, &ctx.i18n).await {
        Ok(Resent::Sent { email }) => session::flash(
            &sess,
            FlashLevel::Success,
            ctx.t_args("flash-activation-resent", &[("email", &email)]),
        ),
        Ok(Resent::AlreadyActivated) => {
            session::flash(&sess, FlashLevel::Info, ctx.t("flash-already-activated"))
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&partner_page))
}

/// Operators suspend a customer (and lift it): a customer of the partner in the URL only.
async fn set_customer_state(
    op: Operator,
    Page { ctx, sess, state }: Page,
    (partner_id, org_id): (i64, String),
    (from, to): (CustomerState, CustomerState),
) -> Result<HttpResponse, AppError> {
    let c = app_customers::change_state(state.app(), &op.actor, partner_id, &org_id, (from, to))
        .await?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t_args(
            "flash-customer-state",
            &[("org", &c.org_name), ("state", to.as_str())],
        ),
        &routes::admin_partner(partner_id),
    ))
}
