//! Discounts and credits that operators grant a partner or one of its customers (SPEC 4, 5).
//! The bill maths that applies them is `billing::bill`; this records them, audited.

use crate::domain::AuditAction;
use chrono::NaiveDate;

use super::error::{Error, Message, Result, Thing};
use super::{Actor, Ctx};
use crate::billing::money::Cents;
use crate::billing::month::Month;
use crate::store::grants::{self, CreditRow, DiscountRow, NewCredit, NewDiscount};
use crate::store::{StoreError, partners};

/// What a discount takes off: a rate in basis points, or a fixed amount in cents a month.
#[derive(Debug, Clone, Copy)]
pub enum Off {
    Rate(i64),
    Fixed(i64),
}

/// A parsed discount for `partner_id` (or one of its customers), `start` through `end`.
pub struct DiscountGrant<'a> {
    pub partner_id: i64,
    pub customer_id: Option<i64>,
    /// Only this service, or every one.
    pub service: Option<&'a str>,
    pub off: Off,
    pub start: Month,
    pub end: Option<Month>,
    pub note: &'a str,
}

pub async fn grant_discount(ctx: Ctx<'_>, actor: &Actor, d: DiscountGrant<'_>) -> Result<i64> {
    let mut tx = ctx.db.begin().await?;
    partners::find_by_id(&mut tx, d.partner_id)
        .await?
        .ok_or(Error::NotFound(Thing::Partner))?;
    let (start, end) = (d.start.to_string(), d.end.map(|e| e.to_string()));
    let (rate_bps, amount) = match d.off {
        Off::Rate(bps) => (Some(bps), None),
        Off::Fixed(cents) => (None, Some(cents)),
    };
    let new = NewDiscount {
        partner_id: d.partner_id,
        customer_id: d.customer_id,
        service: d.service,
        rate_bps,
        amount,
        start_month: &start,
        end_month: end.as_deref(),
        note: d.note,
        created_by: actor.user_id(),
    };
    let id = grants::insert_discount(&mut tx, new, ctx.now).await?;
    let off = match d.off {
        Off::Rate(bps) => crate::billing::grants::percent(bps),
        Off::Fixed(cents) => format!("${} a month", Cents(cents).grouped()),
    };
    let detail = format!("discount {id}: {off} from {start}");
    actor
        .audit_on(
            &mut tx,
            Some(d.partner_id),
            AuditAction::DiscountGranted,
            &detail,
            ctx.now,
        )
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// A parsed credit of `amount` cents for `partner_id` (or one of its customers), usable
/// `effective_on` through `expires_on`.
pub struct CreditGrant<'a> {
    pub partner_id: i64,
    pub customer_id: Option<i64>,
    pub amount: i64,
    pub effective_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub note: &'a str,
}

pub async fn grant_credit(ctx: Ctx<'_>, actor: &Actor, c: CreditGrant<'_>) -> Result<i64> {
    let mut tx = ctx.db.begin().await?;
    partners::find_by_id(&mut tx, c.partner_id)
        .await?
        .ok_or(Error::NotFound(Thing::Partner))?;
    let new = NewCredit {
        partner_id: c.partner_id,
        customer_id: c.customer_id,
        amount: c.amount,
        effective_on: c.effective_on,
        expires_on: c.expires_on,
        note: c.note,
        created_by: actor.user_id(),
    };
    let id = grants::insert_credit(&mut tx, new, ctx.now).await?;
    let detail = format!(
        "credit {id}: ${} from {} to {}",
        Cents(c.amount).grouped(),
        c.effective_on,
        c.expires_on
    );
    actor
        .audit_on(
            &mut tx,
            Some(c.partner_id),
            AuditAction::CreditGranted,
            &detail,
            ctx.now,
        )
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Ends a discount of `partner_id` after the running month (`billing::grants::discount_ended`),
/// audited; a discount that ends by then already is refused.
pub async fn end_discount(
    ctx: Ctx<'_>,
    actor: &Actor,
    partner_id: i64,
    discount_id: i64,
) -> Result<Month> {
    let current = Month::of(ctx.now.date_naive());
    let mut tx = ctx.db.begin().await?;
    let d = grants::find_discount(&mut tx, partner_id, discount_id)
        .await?
        .ok_or(Error::NotFound(Thing::Grant))?;
    let start = Month::parse(&d.start_month).ok_or_else(|| {
        Error::Internal(anyhow::anyhow!("discount {discount_id}: bad start month"))
    })?;
    let end = d.end_month.as_deref().and_then(Month::parse);
    let Some(last) = crate::billing::grants::discount_ended(start, end, current) else {
        return Err(Error::Conflict(Message::new("error-grant-ended")));
    };
    grants::set_discount_end(&mut tx, discount_id, &last.to_string()).await?;
    let detail = format!("discount {discount_id}: last month {last}");
    actor
        .audit_on(
            &mut tx,
            Some(partner_id),
            AuditAction::DiscountEnded,
            &detail,
            ctx.now,
        )
        .await?;
    tx.commit().await?;
    Ok(last)
}

/// Ends a credit of `partner_id` after the running month (`billing::grants::credit_ended`),
/// audited; a credit that expires by then already is refused.
pub async fn end_credit(
    ctx: Ctx<'_>,
    actor: &Actor,
    partner_id: i64,
    credit_id: i64,
) -> Result<NaiveDate> {
    let current = Month::of(ctx.now.date_naive());
    let mut tx = ctx.db.begin().await?;
    let k = grants::find_credit(&mut tx, partner_id, credit_id)
        .await?
        .ok_or(Error::NotFound(Thing::Grant))?;
    let Some(last) = crate::billing::grants::credit_ended(k.effective_on, k.expires_on, current)
    else {
        return Err(Error::Conflict(Message::new("error-grant-ended")));
    };
    grants::set_credit_expiry(&mut tx, credit_id, last).await?;
    let detail = format!("credit {credit_id}: last day {last}");
    actor
        .audit_on(
            &mut tx,
            Some(partner_id),
            AuditAction::CreditEnded,
            &detail,
            ctx.now,
        )
        .await?;
    tx.commit().await?;
    Ok(last)
}

/// A credit with what is left of it: after the months that are over, and after the running
/// month's estimate too.
#[derive(Debug, Clone)]
pub struct CreditLeft {
    pub credit: CreditRow,
    /// Left once the months before the running one have taken their part: what the credit's
    /// state follows, so an estimate never uses a credit up.
    pub left: i64,
    /// Left once the running month's estimate has taken its part as well.
    pub left_after_estimate: i64,
}

impl CreditLeft {
    /// What the running month's estimate takes of it so far.
    pub fn estimated(&self) -> i64 {
        self.left - self.left_after_estimate
    }
}

/// The credits granted to the actor's partner or its customers, each with what is left of it:
/// what the Credits page and both APIs list.
pub async fn credits_left(ctx: Ctx<'_>, actor: &Actor) -> Result<Vec<CreditLeft>> {
    let partner_id = actor.partner_id.ok_or(StoreError::NotFound)?;
    let (last, running) = super::bills::last_and_running(ctx, partner_id).await?;
    let mut c = ctx.db.acquire().await?;
    Ok(grants::credits(&mut c, partner_id)
        .await?
        .into_iter()
        .map(|r| CreditLeft {
            left: last.credit_left(r.credit_id, r.amount),
            left_after_estimate: running.credit_left(r.credit_id, r.amount),
            credit: r,
        })
        .collect())
}

/// The discounts granted to the actor's partner or its customers.
pub async fn discounts(ctx: Ctx<'_>, actor: &Actor) -> Result<Vec<DiscountRow>, StoreError> {
    let partner_id = actor.partner_id.ok_or(StoreError::NotFound)?;
    let mut c = ctx.db.acquire().await?;
    grants::discounts(&mut c, partner_id).await
}

/// The id of `partner_id`'s customer `org_id`, for a grant made to one customer.
pub async fn customer_of(
    ctx: Ctx<'_>,
    partner_id: i64,
    org_id: &str,
) -> Result<Option<i64>, StoreError> {
    let mut c = ctx.db.acquire().await?;
    Ok(
        crate::store::customers::find_by_org_id(&mut c, partner_id, org_id)
            .await?
            .map(|cu| cu.customer_id),
    )
}
