//! An MSP's price plans (issue 24): list, create, change, make default, delete, and a
//! customer's own plan; once for the console and the API. Members read; owners and admins
//! change. A reseller's customers are priced by their offers, so resellers have no plans.

use std::collections::BTreeMap;

use super::error::{Error, FieldError, Message, Result, Thing};
use super::{Actor, Ctx};
use crate::billing::money::Cents;
use crate::billing::plans::{MAX_MARKUP_BPS, MIN_MARKUP_BPS};
use crate::domain::{Action, AuditAction};
use crate::store::price_plans::{self, PlanFields, PricePlan};
use crate::store::{Conn, StoreError, customers, partners};

pub const MAX_NAME_CHARS: usize = 80;
pub const MAX_FEE_LABEL_CHARS: usize = 80;
/// A fee of at most a million dollars a month.
pub const MAX_FEE: i64 = 100_000_000;

/// A plan as a surface read it: a value it could not read is `None`, and told at its field.
#[derive(Debug, Clone, Default)]
pub struct PlanRequest {
    pub name: String,
    pub markup_bps: Option<i64>,
    /// Each service with its markup; `None` where the markup could not be read.
    pub service_markups: Vec<(String, Option<i64>)>,
    pub fee: Option<i64>,
    pub fee_label: String,
}

/// A plan's fields once checked.
struct Checked {
    name: String,
    services: BTreeMap<String, i64>,
    markup_bps: i64,
    fee: i64,
    fee_label: String,
}

impl Checked {
    fn fields(&self) -> PlanFields<'_> {
        PlanFields {
            name: &self.name,
            markup_bps: self.markup_bps,
            service_markups: &self.services,
            fee: self.fee,
            fee_label: &self.fee_label,
        }
    }

    /// What the audit log says of the plan.
    fn detail(&self) -> String {
        format!(
            "{}: markup {}, fee ${}",
            self.name,
            crate::billing::grants::percent(self.markup_bps),
            Cents(self.fee).grouped()
        )
    }
}

impl PlanRequest {
    /// The plan's fields, or every field at fault by the names the API gives them; `taken`
    /// lists the names of the partner's other plans.
    fn checked(&self, taken: &[String]) -> Result<Checked> {
        let mut bad = Vec::new();
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            bad.push(FieldError::new("name", "error-plan-name"));
        } else if taken.contains(&name) {
            bad.push(FieldError::new("name", "error-plan-name-taken"));
        }
        let in_bounds =
            |m: &Option<i64>| m.is_some_and(|m| (MIN_MARKUP_BPS..=MAX_MARKUP_BPS).contains(&m));
        if !in_bounds(&self.markup_bps) {
            bad.push(FieldError::new("markup", "error-plan-markup"));
        }
        let mut services = BTreeMap::new();
        for (service, markup) in &self.service_markups {
            let service = service.trim();
            if service.is_empty() || !in_bounds(markup) || services.contains_key(service) {
                bad.push(FieldError::new(
                    "serviceMarkups",
                    "error-plan-service-markups",
                ));
                break;
            }
            services.insert(service.to_string(), markup.unwrap_or_default());
        }
        if !self.fee.is_some_and(|f| (0..=MAX_FEE).contains(&f)) {
            bad.push(FieldError::new("monthlyFee", "error-plan-fee"));
        }
        if self.fee_label.trim().chars().count() > MAX_FEE_LABEL_CHARS {
            bad.push(FieldError::new("feeLabel", "error-plan-fee-label"));
        }
        if !bad.is_empty() {
            return Err(Error::Invalid(bad));
        }
        Ok(Checked {
            name,
            services,
            markup_bps: self.markup_bps.unwrap_or_default(),
            fee: self.fee.unwrap_or_default(),
            fee_label: self.fee_label.trim().to_string(),
        })
    }
}

/// The actor's partner id, which must be an MSP's.
async fn msp(c: &mut impl Conn, actor: &Actor) -> Result<i64> {
    let id = actor.partner_id.ok_or(Error::WrongKind(Thing::PricePlan))?;
    let p = partners::find_by_id(c, id)
        .await?
        .ok_or(Error::NotFound(Thing::PricePlan))?;
    if p.is_msp() {
        Ok(id)
    } else {
        Err(Error::WrongKind(Thing::PricePlan))
    }
}

/// The names of the partner's plans other than `except`, so a taken name is told with the
/// form's other faults (the unique index still guards two creations at once).
async fn other_names(
    c: &mut impl Conn,
    partner_id: i64,
    except: Option<i64>,
) -> Result<Vec<String>> {
    Ok(price_plans::list(c, partner_id)
        .await?
        .into_iter()
        .filter(|p| Some(p.plan_id) != except)
        .map(|p| p.name)
        .collect())
}

fn name_taken(e: StoreError) -> Error {
    match e {
        StoreError::Conflict(_) => {
            Error::Invalid(vec![FieldError::new("name", "error-plan-name-taken")])
        }
        other => other.into(),
    }
}

/// Audits a change of the plan `plan_id`, commits, and returns the plan as it now is.
async fn audited(
    mut tx: crate::store::Tx,
    actor: &Actor,
    (partner_id, plan_id): (i64, i64),
    (action, detail): (AuditAction, &str),
    now: chrono::DateTime<chrono::Utc>,
) -> Result<PricePlan> {
    actor.audit(&mut tx, action, detail, now).await?;
    let plan = price_plans::find(&mut tx, partner_id, plan_id)
        .await?
        .ok_or(Error::NotFound(Thing::PricePlan))?;
    tx.commit().await?;
    Ok(plan)
}

pub async fn list(ctx: Ctx<'_>, actor: &Actor) -> Result<Vec<PricePlan>> {
    let mut c = ctx.db.acquire().await?;
    let partner_id = msp(&mut c, actor).await?;
    Ok(price_plans::list(&mut c, partner_id).await?)
}

pub async fn find(ctx: Ctx<'_>, actor: &Actor, plan_id: i64) -> Result<PricePlan> {
    let mut c = ctx.db.acquire().await?;
    let partner_id = msp(&mut c, actor).await?;
    price_plans::find(&mut c, partner_id, plan_id)
        .await?
        .ok_or(Error::NotFound(Thing::PricePlan))
}

/// Adds a plan, audited; the partner's first plan is its default.
pub async fn create(ctx: Ctx<'_>, actor: &Actor, req: &PlanRequest) -> Result<PricePlan> {
    actor.require(Action::ManagePlans)?;
    let mut tx = ctx.db.begin().await?;
    let partner_id = msp(&mut tx, actor).await?;
    let taken = other_names(&mut tx, partner_id, None).await?;
    let plan = req.checked(&taken)?;
    let id = price_plans::insert(&mut tx, partner_id, &plan.fields(), ctx.now)
        .await
        .map_err(name_taken)?;
    let detail = plan.detail();
    audited(
        tx,
        actor,
        (partner_id, id),
        (AuditAction::PricePlanCreated, &detail),
        ctx.now,
    )
    .await
}

/// Changes a plan, audited. It prices the months that are not closed yet; closed months keep
/// what they were billed.
pub async fn update(
    ctx: Ctx<'_>,
    actor: &Actor,
    plan_id: i64,
    req: &PlanRequest,
) -> Result<PricePlan> {
    actor.require(Action::ManagePlans)?;
    let mut tx = ctx.db.begin().await?;
    let partner_id = msp(&mut tx, actor).await?;
    let taken = other_names(&mut tx, partner_id, Some(plan_id)).await?;
    let plan = req.checked(&taken)?;
    if !price_plans::update(&mut tx, partner_id, plan_id, &plan.fields(), ctx.now)
        .await
        .map_err(name_taken)?
    {
        return Err(Error::NotFound(Thing::PricePlan));
    }
    let detail = plan.detail();
    audited(
        tx,
        actor,
        (partner_id, plan_id),
        (AuditAction::PricePlanChanged, &detail),
        ctx.now,
    )
    .await
}

/// Makes a plan the partner's default, audited.
pub async fn make_default(ctx: Ctx<'_>, actor: &Actor, plan_id: i64) -> Result<PricePlan> {
    actor.require(Action::ManagePlans)?;
    let mut tx = ctx.db.begin().await?;
    let partner_id = msp(&mut tx, actor).await?;
    let plan = price_plans::find(&mut tx, partner_id, plan_id)
        .await?
        .ok_or(Error::NotFound(Thing::PricePlan))?;
    price_plans::make_default(&mut tx, partner_id, plan_id).await?;
    let detail = format!("{}: now the default", plan.name);
    actor
        .audit(&mut tx, AuditAction::PricePlanChanged, &detail, ctx.now)
        .await?;
    tx.commit().await?;
    Ok(plan)
}

/// Deletes a plan that is not the default, audited; its customers go back to the default.
pub async fn delete(ctx: Ctx<'_>, actor: &Actor, plan_id: i64) -> Result<PricePlan> {
    actor.require(Action::ManagePlans)?;
    let mut tx = ctx.db.begin().await?;
    let partner_id = msp(&mut tx, actor).await?;
    let plan = price_plans::find(&mut tx, partner_id, plan_id)
        .await?
        .ok_or(Error::NotFound(Thing::PricePlan))?;
    if plan.is_default {
        return Err(Error::Conflict(Message::new("error-plan-default")));
    }
    price_plans::delete(&mut tx, partner_id, plan_id).await?;
    actor
        .audit(&mut tx, AuditAction::PricePlanDeleted, &plan.name, ctx.now)
        .await?;
    tx.commit().await?;
    Ok(plan)
}

/// Gives the customer `org_id` the plan `plan_id`, or the partner's default again (`None`),
/// audited.
pub async fn set_customer_plan(
    ctx: Ctx<'_>,
    actor: &Actor,
    org_id: &str,
    plan_id: Option<i64>,
) -> Result<()> {
    actor.require(Action::ManagePlans)?;
    let mut tx = ctx.db.begin().await?;
    let partner_id = msp(&mut tx, actor).await?;
    let customer = customers::find_by_org_id(&mut tx, partner_id, org_id)
        .await?
        .ok_or(Error::NotFound(Thing::Customer))?;
    let name = match plan_id {
        Some(id) => {
            price_plans::find(&mut tx, partner_id, id)
                .await?
                .ok_or_else(|| {
                    Error::Invalid(vec![FieldError::new("planId", "error-no-price-plan")])
                })?
                .name
        }
        None => "the default".to_string(),
    };
    price_plans::set_customer_plan(&mut tx, partner_id, customer.customer_id, plan_id).await?;
    let detail = format!("{} ({}): {name}", customer.org_name, customer.org_id);
    actor
        .audit(&mut tx, AuditAction::CustomerPlanChanged, &detail, ctx.now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// What each of `customer_ids` pays this month so far by its plan (its fee included once it has
/// usage), with the plan's name; `None` for a partner without plans (a reseller, or an MSP
/// that prices nothing). For the customer list: its page's customers only, each priced from
/// its own roll-up lines, so the figure is the one its invoice will show for those lines.
pub async fn month_prices(
    ctx: Ctx<'_>,
    actor: &Actor,
    customer_ids: &[i64],
) -> Result<Option<std::collections::HashMap<i64, (String, i64)>>> {
    let Some(partner_id) = actor.partner_id else {
        return Ok(None);
    };
    let mut c = ctx.db.acquire().await?;
    let plans = super::invoices::issue::PartnerPlans::load(&mut c, partner_id).await?;
    if plans.is_empty() {
        return Ok(None);
    }
    let month = crate::billing::month::Month::of(ctx.now.date_naive()).to_string();
    let mut out = std::collections::HashMap::new();
    for &id in customer_ids {
        let lines = crate::store::usage::month_lines(&mut c, partner_id, Some(id), &month).await?;
        let plan = plans.of(id);
        let terms = plan.map(|p| p.terms()).unwrap_or_default();
        let price = terms.month_price(
            lines.iter().map(|l| (&*l.service, l.usage)),
            !lines.is_empty(),
        );
        let name = plan.map(|p| p.name.clone()).unwrap_or_default();
        out.insert(id, (name, price.total));
    }
    Ok(Some(out))
}
