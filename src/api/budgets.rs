//! Budgets in `/api/v1` (issue 27): list with the running month's figures, set one for the
//! partner or a customer, remove one. The `budget.threshold_reached` webhook's `data` is
//! written here too ([`reached_json`]).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::PartnerKey;
use super::body::path_id;
use super::error::{ApiError, ErrorBody};
use super::formats::{Amount, Time, amount, time};
use crate::app::budgets::{self, BudgetRequest, BudgetStatus};
use crate::billing::budget::parse_thresholds;
use crate::state::AppState;
use crate::store::budgets::Budget;

pub fn configure(scope: actix_web::Scope) -> actix_web::Scope {
    scope
        .route("/budgets", web::get().to(list_budgets))
        .route("/budgets", web::post().to(create_budget))
        .route("/budgets/{budgetId}", web::delete().to(delete_budget))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Budget)]
pub(super) struct BudgetJson {
    budget_id: String,
    /// The customer the budget is for; `null` for your whole bill.
    customer_org_id: Option<String>,
    /// The monthly amount, US dollars.
    #[schema(value_type = Amount)]
    amount: String,
    /// The shares of `amount` that alert, in percent, ascending.
    thresholds: Vec<u32>,
    /// `true`: thresholds are judged on the straight-line forecast to the month's end, not on
    /// the amount owed so far.
    on_forecast: bool,
    #[schema(value_type = Time)]
    create_time: String,
}

fn budget_json(b: &Budget) -> BudgetJson {
    BudgetJson {
        budget_id: b.budget_id.to_string(),
        customer_org_id: b.org_id.clone(),
        amount: amount(b.amount),
        thresholds: parse_thresholds(&b.thresholds).unwrap_or_default(),
        on_forecast: b.on_forecast,
        create_time: time(Some(b.created_at)),
    }
}

/// A budget with the running month's figures.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = BudgetWithStatus)]
pub(super) struct StatusJson {
    #[serde(flatten)]
    budget: BudgetJson,
    /// The running month's amount owed (`totalCost`) for the budget's scope so far.
    #[schema(value_type = Amount)]
    total_cost: String,
    /// What the thresholds are judged on: `totalCost`, or its forecast to the month's end.
    #[schema(value_type = Amount)]
    judged_amount: String,
    /// `judgedAmount` as a whole percentage of `amount`, rounded down.
    percent_used: i64,
    /// The thresholds reached this month (each alerts once a month).
    reached_thresholds: Vec<u32>,
}

fn status_json(s: &BudgetStatus) -> StatusJson {
    StatusJson {
        budget: budget_json(&s.budget),
        total_cost: amount(s.owed),
        judged_amount: amount(s.figure),
        percent_used: s.percent,
        reached_thresholds: s.fired.clone(),
    }
}

/// The `data` of a `budget.threshold_reached` webhook.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = BudgetThresholdReached)]
pub(crate) struct ReachedJson {
    budget: BudgetJson,
    /// `YYYY-MM`.
    billed_month: String,
    /// The percentage reached.
    threshold: u32,
    #[schema(value_type = Amount)]
    total_cost: String,
    #[schema(value_type = Amount)]
    judged_amount: String,
}

pub(crate) fn reached_json(
    b: &Budget,
    month: &str,
    threshold: u32,
    owed: i64,
    figure: i64,
) -> ReachedJson {
    ReachedJson {
        budget: budget_json(b),
        billed_month: month.to_string(),
        threshold,
        total_cost: amount(owed),
        judged_amount: amount(figure),
    }
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct BudgetList {
    budgets: Vec<StatusJson>,
}

/// A share of a budget, in percent: a whole number from 1 to 1000.
pub(super) struct Percent;

impl utoipa::PartialSchema for Percent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1))
            .maximum(Some(crate::billing::budget::MAX_PERCENT))
            .into()
    }
}

impl ToSchema for Percent {}

/// A new budget.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = NewBudget)]
pub(super) struct NewBudgetJson {
    /// One of your customers; leave it out for your whole bill.
    customer_org_id: Option<String>,
    /// The monthly amount in US dollars, more than zero.
    #[schema(example = "1000.00", pattern = "^[0-9]{1,12}(\\.[0-9]{1,2})?$")]
    amount: String,
    /// Percentages from 1 to 1000; `[50, 80, 100]` when left out.
    #[schema(value_type = Option<Vec<Percent>>, min_items = 1, max_items = 10)]
    thresholds: Option<Vec<u32>>,
    /// Judge the thresholds on the forecast to the month's end.
    #[serde(default)]
    on_forecast: bool,
}

/// List your budgets.
///
/// Your budgets with the running month's figures: the amount owed so far for each budget's
/// scope, what its thresholds are judged on, and the thresholds reached this month.
#[utoipa::path(get, path = "/budgets", tag = "Budgets", operation_id = "listBudgets",
    responses((status = 200, description = "Your own budget first, then your customers'", body = BudgetList)))]
pub(super) async fn list_budgets(
    key: PartnerKey,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let all = budgets::list(state.app(), &key.actor()).await?;
    Ok(HttpResponse::Ok().json(BudgetList {
        budgets: all.iter().map(status_json).collect(),
    }))
}

/// Set a budget.
///
/// A monthly amount for your whole bill or for one customer, with thresholds. After each usage
/// load every threshold newly reached alerts once a month: an e-mail to the members who chose
/// budget alerts and a `budget.threshold_reached` webhook.
#[utoipa::path(post, path = "/budgets", tag = "Budgets", operation_id = "createBudget",
    request_body = NewBudgetJson,
    responses(
        (status = 201, description = "The budget", body = BudgetJson),
        (status = 400, description = "A body that is not the documented object, an amount that is not more than zero, thresholds outside 1-1000, or no customer of yours with this organization id (every field named)", body = ErrorBody),
        (status = 409, description = "The partner or customer has a budget already, or you have the most budgets a partner may have", body = ErrorBody),
    ))]
pub(super) async fn create_budget(
    key: PartnerKey,
    state: web::Data<AppState>,
    raw: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: NewBudgetJson = serde_json::from_slice(&raw)
        .map_err(|e| ApiError::BadRequest(format!("the body is not a budget: {e}")))?;
    let request = BudgetRequest {
        customer_org_id: b.customer_org_id.unwrap_or_default(),
        amount: b.amount,
        thresholds: b
            .thresholds
            .map(|t| {
                if t.is_empty() {
                    "0".to_string()
                } else {
                    crate::billing::budget::thresholds_text(&t)
                }
            })
            .unwrap_or_default(),
        on_forecast: b.on_forecast,
    };
    let created = budgets::create(state.app(), &key.actor(), &request).await?;
    Ok(HttpResponse::Created().json(budget_json(&created)))
}

/// Remove a budget.
#[utoipa::path(delete, path = "/budgets/{budgetId}", tag = "Budgets", operation_id = "deleteBudget",
    params(("budgetId" = String, Path, description = "The budget's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No budget of yours has this id", body = ErrorBody),
    ))]
pub(super) async fn delete_budget(
    key: PartnerKey,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    budgets::delete(state.app(), &key.actor(), path_id(&id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
