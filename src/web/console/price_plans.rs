//! Price plans (issue 24, MSPs only): the list with a form for a new plan, a plan's page to
//! change it, make it the default or delete it, and a customer's own plan from its page.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::Actor;
use crate::app::price_plans::{self as plans, PlanRequest};
use crate::billing::money::Cents;
use crate::billing::plans::parse_markup;
use crate::domain::{Action, PartnerKind};
use crate::state::AppState;
use crate::store::price_plans::PricePlan;
use crate::web::confirm::{Confirmation, Question, ask};
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::{Manager, Member, partner_kind};
use crate::web::page::{FormErrors, Page, PageCtx, redirect_with, render_status};
use crate::web::routes;
use crate::web::session::FlashLevel;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let msp = || partner_kind(PartnerKind::Msp);
    let at = |path| routes::within(routes::CONSOLE, path);
    cfg.route(at(routes::CONSOLE_PLANS), web::get().guard(msp()).to(list))
        .route(
            at(routes::CONSOLE_PLANS),
            web::post().guard(msp()).to(create),
        )
        .route(at(routes::CONSOLE_PLAN), web::get().guard(msp()).to(detail))
        .route(
            at(routes::CONSOLE_PLAN),
            web::post().guard(msp()).to(update),
        )
        .route(
            at(routes::CONSOLE_PLAN_DEFAULT),
            web::post().guard(msp()).to(make_default),
        )
        .route(
            at(routes::CONSOLE_PLAN_DELETE),
            web::post().guard(msp()).to(delete),
        )
        .route(
            at(routes::CONSOLE_CUSTOMER_PLAN),
            web::post().guard(msp()).to(set_customer_plan),
        );
}

/// The plan form's values as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    name: String,
    markup: String,
    /// One "service: markup" a line.
    service_markups: String,
    fee: String,
    fee_label: String,
}

impl PlanForm {
    fn of(p: &PricePlan) -> PlanForm {
        PlanForm {
            name: p.name.clone(),
            markup: crate::billing::grants::percent_number(p.markup_bps),
            service_markups: p
                .service_markups()
                .iter()
                .map(|(s, m)| format!("{s}: {}", crate::billing::grants::percent_number(*m)))
                .collect::<Vec<_>>()
                .join("\n"),
            fee: if p.fee == 0 {
                String::new()
            } else {
                Cents(p.fee).to_string()
            },
            fee_label: p.fee_label.clone(),
        }
    }

    /// What the form asks for; what cannot be read is passed as `None`, so its field says what
    /// is allowed.
    fn request(&self) -> PlanRequest {
        let service_markups = self
            .service_markups
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| match l.rsplit_once(':') {
                Some((service, markup)) => (service.trim().to_string(), parse_markup(markup)),
                None => (l.trim().to_string(), None),
            })
            .collect();
        let fee = match self.fee.trim().trim_start_matches('$') {
            "" => Some(0),
            f => Cents::parse(f).ok().map(|c| c.value()),
        };
        PlanRequest {
            name: self.name.clone(),
            markup_bps: parse_markup(&self.markup),
            service_markups,
            fee,
            fee_label: self.fee_label.clone(),
        }
    }
}

/// The form's errors by its inputs' ids (the application names fields as the API does).
fn form_errors(ctx: &PageCtx, bad: &[crate::app::FieldError]) -> FormErrors {
    ctx.field_errors(bad)
        .renamed(|f| match f {
            "serviceMarkups" => "service_markups",
            "monthlyFee" => "fee",
            "feeLabel" => "fee_label",
            other => other,
        })
        .in_order(&["name", "markup", "service_markups", "fee", "fee_label"])
}

#[derive(Template)]
#[template(path = "console/price_plans/list.html")]
struct ListPage {
    ctx: PageCtx,
    plans: Vec<PricePlan>,
    can_edit: bool,
    v: PlanForm,
    errors: FormErrors,
}

async fn list_page(
    state: &AppState,
    (actor, can_edit): (&Actor, bool),
    ctx: PageCtx,
    v: PlanForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let plans = plans::list(state.app(), actor).await?;
    let status = errors.status();
    Ok(render_status(
        status,
        &ListPage {
            ctx,
            plans,
            can_edit,
            v,
            errors,
        },
    ))
}

async fn list(m: Member, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let who = (&m.actor, m.user.can(Action::ManagePlans));
    list_page(&state, who, ctx, PlanForm::default(), FormErrors::new()).await
}

async fn create(
    m: Manager,
    Page { ctx, sess, state }: Page,
    form: web::Form<PlanForm>,
) -> Result<HttpResponse, AppError> {
    let v = form.into_inner();
    match plans::create(state.app(), &m.actor, &v.request()).await {
        Ok(p) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t_args("flash-plan-created", &[("name", &p.name)]),
            routes::CONSOLE_PLANS,
        )),
        Err(crate::app::Error::Invalid(bad)) => {
            let errors = form_errors(&ctx, &bad);
            list_page(&state, (&m.actor, true), ctx, v, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "console/price_plans/detail.html")]
struct DetailPage {
    ctx: PageCtx,
    plan: PricePlan,
    can_edit: bool,
    v: PlanForm,
    errors: FormErrors,
}

async fn detail_page(
    state: &AppState,
    (actor, can_edit): (&Actor, bool),
    ctx: PageCtx,
    id: i64,
    v: Option<PlanForm>,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let plan = plans::find(state.app(), actor, id).await?;
    let status = errors.status();
    Ok(render_status(
        status,
        &DetailPage {
            ctx,
            v: v.unwrap_or_else(|| PlanForm::of(&plan)),
            plan,
            can_edit,
            errors,
        },
    ))
}

async fn detail(
    m: Member,
    Page { ctx, state, .. }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let who = (&m.actor, m.user.can(Action::ManagePlans));
    detail_page(&state, who, ctx, *id, None, FormErrors::new()).await
}

async fn update(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    form: web::Form<PlanForm>,
) -> Result<HttpResponse, AppError> {
    let v = form.into_inner();
    match plans::update(state.app(), &m.actor, *id, &v.request()).await {
        Ok(p) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t_args("flash-plan-saved", &[("name", &p.name)]),
            &routes::console_plan(p.plan_id),
        )),
        Err(crate::app::Error::Invalid(bad)) => {
            let errors = form_errors(&ctx, &bad);
            detail_page(&state, (&m.actor, true), ctx, *id, Some(v), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn make_default(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let p = plans::make_default(state.app(), &m.actor, *id).await?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t_args("flash-plan-default", &[("name", &p.name)]),
        routes::CONSOLE_PLANS,
    ))
}

/// Deleting a plan moves its customers to the default: asked first.
async fn delete(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    confirmation: Confirmation,
) -> Result<HttpResponse, AppError> {
    if !confirmation.given() {
        let p = plans::find(state.app(), &m.actor, *id).await?;
        let name = [("name", p.name.as_str())];
        let q = Question {
            title: ctx.t_args("confirm-plan-delete-title", &name),
            text: ctx.t("confirm-plan-delete-text"),
            button: ctx.t("plans-delete"),
            action: routes::console_plan_delete(*id),
            back: routes::console_plan(*id),
        };
        return ask(ctx, q);
    }
    match plans::delete(state.app(), &m.actor, *id).await {
        Ok(p) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t_args("flash-plan-deleted", &[("name", &p.name)]),
            routes::CONSOLE_PLANS,
        )),
        Err(e @ crate::app::Error::Conflict(_)) => Ok(redirect_with(
            &sess,
            FlashLevel::Error,
            ctx.refusal(&e).unwrap_or_default(),
            &routes::console_plan(*id),
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CustomerPlanForm {
    /// A plan id, or empty for the partner's default.
    plan: String,
}

async fn set_customer_plan(
    m: Manager,
    Page { ctx, sess, state }: Page,
    org_id: web::Path<String>,
    form: web::Form<CustomerPlanForm>,
) -> Result<HttpResponse, AppError> {
    let plan_id = form.plan.trim().parse().ok();
    let back = routes::console_customer(org_id.as_str());
    match plans::set_customer_plan(state.app(), &m.actor, &org_id, plan_id).await {
        Ok(()) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t("flash-customer-plan"),
            &back,
        )),
        Err(e @ crate::app::Error::Invalid(_)) => Ok(redirect_with(
            &sess,
            FlashLevel::Error,
            ctx.refusal(&e).unwrap_or_default(),
            &back,
        )),
        Err(e) => Err(e.into()),
    }
}
