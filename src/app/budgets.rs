//! Budgets and their alerts (issue 27): a monthly amount for the partner as a whole or for one
//! customer, with thresholds judged on the running month's amount owed (or its straight-line
//! forecast). After each usage load [`check`] fires every threshold newly reached, once per
//! (budget, month, threshold): an e-mail to the members who chose to receive alerts and a
//! `budget.threshold_reached` webhook, both written in the alert's transaction. A new budget is
//! checked at once.

use std::collections::HashMap;

use super::error::{Error, FieldError, Message, Result, Thing};
use super::{Actor, Ctx};
use crate::billing::Cents;
use crate::billing::budget::{self, parse_thresholds, thresholds_text};
use crate::billing::month::Month;
use crate::domain::{Action, AuditAction};
use crate::store::budgets::{self as store, Budget, NewBudget};
use crate::store::{StoreError, customers, users};
use crate::webhooks::{self, Event};

/// What a partner asks for: the customer's organization id (empty: the whole partner), the
/// monthly amount in dollars, the thresholds ("50,80,100"; empty: the defaults) and whether
/// they are judged on the forecast.
#[derive(Debug, Clone, Default)]
pub struct BudgetRequest {
    pub customer_org_id: String,
    pub amount: String,
    pub thresholds: String,
    pub on_forecast: bool,
}

/// A budget as its page shows it: this month's amount owed, the figure judged (the owed amount
/// or its forecast), its share of the budget, and the thresholds that fired this month.
#[derive(Debug, Clone)]
pub struct BudgetStatus {
    pub budget: Budget,
    pub thresholds: Vec<u32>,
    pub owed: i64,
    pub figure: i64,
    pub percent: i64,
    pub fired: Vec<u32>,
}

/// The most budgets one partner sets: its own and its customers' (the list is one page).
pub const MAX_BUDGETS: usize = 500;

fn partner_of(actor: &Actor) -> Result<i64> {
    actor.partner_id.ok_or(Error::NotFound(Thing::Budget))
}

pub async fn create(ctx: Ctx<'_>, actor: &Actor, r: &BudgetRequest) -> Result<Budget> {
    actor.require(Action::ManageBudgets)?;
    let partner_id = partner_of(actor)?;
    let mut bad = Vec::new();
    let amount = match Cents::parse(&r.amount) {
        Ok(c) if c.value() > 0 => c.value(),
        _ => {
            bad.push(FieldError::new("amount", "error-budget-amount"));
            0
        }
    };
    let thresholds = parse_thresholds(&r.thresholds).unwrap_or_else(|e| {
        bad.push(FieldError {
            field: "thresholds",
            message: Message::new("error-budget-thresholds").text("reason", e),
        });
        Vec::new()
    });
    let mut tx = ctx.db.begin().await?;
    let org_id = r.customer_org_id.trim();
    let customer = if org_id.is_empty() {
        None
    } else {
        let found = customers::find_by_org_id(&mut tx, partner_id, org_id).await?;
        if found.is_none() {
            bad.push(FieldError::new("customerOrgId", "error-budget-customer"));
        }
        found
    };
    if !bad.is_empty() {
        return Err(Error::Invalid(bad));
    }
    if store::of_partner(&mut tx, partner_id).await?.len() >= MAX_BUDGETS {
        return Err(Error::Conflict(
            Message::new("error-budget-too-many").text("max", MAX_BUDGETS),
        ));
    }
    let new = NewBudget {
        partner_id,
        customer_id: customer.as_ref().map(|c| c.customer_id),
        amount,
        thresholds: &thresholds_text(&thresholds),
        on_forecast: r.on_forecast,
    };
    let id = match store::insert(&mut tx, &new, ctx.now).await {
        Err(StoreError::Conflict(_)) => {
            return Err(Error::Conflict(Message::new(if customer.is_some() {
                "error-budget-customer-taken"
            } else {
                "error-budget-partner-taken"
            })));
        }
        other => other?,
    };
    let target = customer.map_or_else(|| "partner".to_string(), |c| c.org_id);
    actor
        .audit(&mut tx, AuditAction::BudgetCreated, &target, ctx.now)
        .await?;
    let b = store::find(&mut tx, partner_id, id)
        .await?
        .ok_or(Error::NotFound(Thing::Budget))?;
    tx.commit().await?;
    // A budget set when the month is already past a threshold alerts now, not at the next load.
    check_partner(ctx, partner_id).await?;
    Ok(b)
}

pub async fn get(ctx: Ctx<'_>, actor: &Actor, budget_id: i64) -> Result<Budget> {
    let partner_id = partner_of(actor)?;
    let mut c = ctx.db.acquire().await?;
    store::find(&mut c, partner_id, budget_id)
        .await?
        .ok_or(Error::NotFound(Thing::Budget))
}

pub async fn delete(ctx: Ctx<'_>, actor: &Actor, budget_id: i64) -> Result<()> {
    actor.require(Action::ManageBudgets)?;
    let b = get(ctx, actor, budget_id).await?;
    let mut tx = ctx.db.begin().await?;
    store::delete(&mut tx, b.budget_id).await?;
    let target = b.org_id.unwrap_or_else(|| "partner".to_string());
    actor
        .audit(&mut tx, AuditAction::BudgetDeleted, &target, ctx.now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The partner's budgets with the running month's figures; every member reads them.
pub async fn list(ctx: Ctx<'_>, actor: &Actor) -> Result<Vec<BudgetStatus>> {
    let partner_id = partner_of(actor)?;
    statuses(ctx, partner_id).await
}

async fn statuses(ctx: Ctx<'_>, partner_id: i64) -> Result<Vec<BudgetStatus>> {
    let month = Month::of(ctx.now.date_naive());
    let (budgets, fired) = {
        let mut c = ctx.db.acquire().await?;
        let b = store::of_partner(&mut c, partner_id).await?;
        let f = store::alerts_of_month(&mut c, partner_id, &month.to_string()).await?;
        (b, f)
    };
    if budgets.is_empty() {
        return Ok(Vec::new());
    }
    let bill = super::bills::partner_bill(ctx, partner_id, month).await?;
    let total = bill.overview().owed;
    let by_customer: HashMap<i64, i64> = bill
        .by_customer()
        .into_iter()
        .map(|(id, t)| (id, t.owed))
        .collect();
    let today = ctx.now.date_naive();
    Ok(budgets
        .into_iter()
        .map(|b| {
            let owed = b
                .customer_id
                .map_or(total, |id| by_customer.get(&id).copied().unwrap_or(0));
            let figure = if b.on_forecast {
                budget::forecast(owed, today)
            } else {
                owed
            };
            BudgetStatus {
                thresholds: parse_thresholds(&b.thresholds).unwrap_or_default(),
                owed,
                figure,
                percent: budget::percent_of(b.amount, figure),
                fired: fired
                    .iter()
                    .filter(|(id, _)| *id == b.budget_id)
                    .map(|(_, t)| *t as u32)
                    .collect(),
                budget: b,
            }
        })
        .collect())
}

/// Whether the signed-in member receives budget alerts by e-mail.
pub async fn receives_alerts(ctx: Ctx<'_>, user_id: i64) -> Result<bool> {
    let mut c = ctx.db.acquire().await?;
    Ok(store::is_recipient(&mut c, user_id).await?)
}

pub async fn set_receives_alerts(ctx: Ctx<'_>, user_id: i64, receives: bool) -> Result<()> {
    let mut c = ctx.db.acquire().await?;
    Ok(store::set_recipient(&mut c, user_id, receives).await?)
}

/// Fires every threshold newly reached in the running month by the budgets of `partners` (a
/// load's, by id); returns how many fired. Run after each usage load (the usage is what moves
/// the figures): a partner the load did not reach is not billed again.
pub async fn check(ctx: Ctx<'_>, partners: &[i64]) -> Result<usize> {
    let with_budgets = {
        let mut c = ctx.db.acquire().await?;
        store::partners_with_budgets(&mut c).await?
    };
    let mut fired = 0;
    for partner_id in with_budgets
        .into_iter()
        .filter(|p| partners.binary_search(p).is_ok())
    {
        fired += check_partner(ctx, partner_id).await?;
    }
    Ok(fired)
}

/// [`check`] for one partner's budgets.
async fn check_partner(ctx: Ctx<'_>, partner_id: i64) -> Result<usize> {
    let month = Month::of(ctx.now.date_naive()).to_string();
    let mut fired = 0;
    for s in statuses(ctx, partner_id).await? {
        for threshold in budget::reached(s.budget.amount, s.figure, &s.thresholds) {
            if s.fired.contains(&threshold) {
                continue;
            }
            let mut tx = ctx.db.begin().await?;
            let key = (s.budget.budget_id, month.as_str(), threshold);
            if !store::record_alert(&mut tx, key, s.figure, ctx.now).await? {
                continue;
            }
            let data = ctx
                .shapes
                .budget_reached(&s.budget, &month, threshold, s.owed, s.figure);
            webhooks::emit(
                &mut tx,
                partner_id,
                Event::BudgetThresholdReached,
                &data,
                ctx.now,
            )
            .await?;
            mail_recipients(ctx, &mut tx, &s, &month, threshold).await?;
            ctx.commit_and_send(tx).await?;
            fired += 1;
        }
    }
    Ok(fired)
}

/// The alert's e-mail to each member of the partner who chose to receive them.
async fn mail_recipients(
    ctx: Ctx<'_>,
    tx: &mut crate::store::Tx,
    s: &BudgetStatus,
    month: &str,
    threshold: u32,
) -> Result<()> {
    let ids = store::recipients(tx, s.budget.partner_id).await?;
    if ids.is_empty() {
        return Ok(());
    }
    let members = users::list_by_partner(tx, s.budget.partner_id).await?;
    let link = format!("{}{}", ctx.public_url, crate::paths::CONSOLE_BUDGETS);
    for m in members.iter().filter(|m| ids.contains(&m.user_id)) {
        let i18n = m
            .language
            .as_deref()
            .and_then(crate::i18n::I18n::for_tag)
            .unwrap_or_default();
        let alert = crate::mail::BudgetAlert {
            scope: s.budget.customer_name.as_deref(),
            month,
            threshold,
            amount: &Cents(s.budget.amount).to_string(),
            figure: &Cents(s.figure).to_string(),
            forecast: s.budget.on_forecast,
            link: &link,
        };
        match crate::mail::budget_alert(&i18n, &m.email, &alert) {
            Ok(mail) => {
                crate::mail::enqueue(tx, &mail, ctx.now).await?;
            }
            Err(e) => tracing::error!(error = %e, "the budget alert mail could not be written"),
        }
    }
    Ok(())
}
