//! Budgets in the console (issue 27): the partner's budgets with the running month's figures,
//! a form to set one (owners, admins and billing members), remove one (asked first), and each
//! member's own choice to receive the alerts by e-mail.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::budgets::{self, BudgetRequest, BudgetStatus};
use crate::billing::Cents;
use crate::domain::Action;
use crate::web::confirm::{Confirmation, Question, ask};
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::Member;
use crate::web::page::{FormErrors, Page, PageCtx, redirect_with, render_status};
use crate::web::routes;
use crate::web::session::FlashLevel;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let at = |path| routes::within(routes::CONSOLE, path);
    cfg.route(at(routes::CONSOLE_BUDGETS), web::get().to(list))
        .route(at(routes::CONSOLE_BUDGETS), web::post().to(create))
        .route(at(routes::CONSOLE_BUDGET_DELETE), web::post().to(delete))
        .route(at(routes::CONSOLE_BUDGET_ALERTS), web::post().to(alerts));
}

/// The order of the form's fields, for its error summary.
const FIELDS: [&str; 3] = ["customerOrgId", "amount", "thresholds"];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BudgetForm {
    customer_org_id: String,
    amount: String,
    thresholds: String,
    /// `on` for the forecast.
    on_forecast: String,
}

impl BudgetForm {
    fn request(&self) -> BudgetRequest {
        BudgetRequest {
            customer_org_id: self.customer_org_id.clone(),
            amount: self.amount.clone(),
            thresholds: self.thresholds.clone(),
            on_forecast: self.on_forecast == "on",
        }
    }
}

#[derive(Template)]
#[template(path = "console/budgets/list.html")]
struct ListPage {
    ctx: PageCtx,
    budgets: Vec<BudgetStatus>,
    form: BudgetForm,
    errors: FormErrors,
    can_manage: bool,
    receives: bool,
}

impl ListPage {
    fn money(&self, cents: &i64) -> String {
        Cents(*cents).to_string()
    }

    /// The bar's width: the share used, at most the whole bar.
    fn bar(&self, s: &BudgetStatus) -> i64 {
        s.percent.clamp(0, 100)
    }

    fn reached(&self, s: &BudgetStatus, t: &u32) -> bool {
        s.fired.contains(t)
    }
}

async fn list_page(
    ctx: PageCtx,
    state: &crate::state::AppState,
    m: &Member,
    form: BudgetForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let budgets = budgets::list(state.app(), &m.actor).await?;
    let receives = budgets::receives_alerts(state.app(), m.user.user_id).await?;
    let status = errors.status();
    let page = ListPage {
        ctx,
        budgets,
        form,
        errors,
        can_manage: m.user.can(Action::ManageBudgets),
        receives,
    };
    Ok(render_status(status, &page))
}

async fn list(m: Member, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let form = BudgetForm {
        thresholds: "50, 80, 100".into(),
        ..BudgetForm::default()
    };
    list_page(ctx, &state, &m, form, FormErrors::new()).await
}

async fn create(
    m: Member,
    Page { ctx, sess, state }: Page,
    form: web::Form<BudgetForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    match budgets::create(state.app(), &m.actor, &form.request()).await {
        Ok(_) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t("flash-budget-saved"),
            routes::CONSOLE_BUDGETS,
        )),
        Err(crate::app::Error::Invalid(bad)) => {
            let errors = ctx.field_errors(&bad).in_order(&FIELDS);
            list_page(ctx, &state, &m, form, errors).await
        }
        Err(crate::app::Error::Conflict(message)) => {
            let mut errors = FormErrors::new();
            errors.insert("customerOrgId", ctx.say(&message));
            list_page(ctx, &state, &m, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn delete(
    m: Member,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    confirmation: Confirmation,
) -> Result<HttpResponse, AppError> {
    if !m.user.can(Action::ManageBudgets) {
        return Err(AppError::Forbidden);
    }
    if !confirmation.given() {
        let b = budgets::get(state.app(), &m.actor, *id).await?;
        let scope = b
            .customer_name
            .clone()
            .unwrap_or_else(|| ctx.t("budget-scope-partner"));
        let q = Question {
            title: ctx.t_args("confirm-budget-delete-title", &[("scope", scope.as_str())]),
            text: ctx.t("confirm-budget-delete-text"),
            button: ctx.t("budgets-delete"),
            action: routes::console_budget_delete(*id),
            back: routes::CONSOLE_BUDGETS.to_string(),
        };
        return ask(ctx, q);
    }
    budgets::delete(state.app(), &m.actor, *id).await?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t("flash-budget-deleted"),
        routes::CONSOLE_BUDGETS,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AlertsForm {
    receive: String,
}

async fn alerts(
    m: Member,
    Page { ctx, sess, state }: Page,
    form: web::Form<AlertsForm>,
) -> Result<HttpResponse, AppError> {
    let on = form.receive == "on";
    budgets::set_receives_alerts(state.app(), m.user.user_id, on).await?;
    let said = if on {
        "flash-budget-alerts-on"
    } else {
        "flash-budget-alerts-off"
    };
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t(said),
        routes::CONSOLE_BUDGETS,
    ))
}
