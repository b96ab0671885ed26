//! The buyer's acceptance: the customer, made or linked, and its agreement.

use crate::app::customers::new_org_id;
use crate::app::{Actor, Ctx};
use crate::billing::month::Month;
use crate::domain::AuditAction;
use crate::domain::offers::Agreement;
use crate::domain::{Action, CustomerState, OfferState};
use crate::store::StoreError;
use crate::store::agreements::{self, NewAgreement};
use crate::store::customers::{self, NewCustomer};
use crate::store::offers::{self, Offer};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::commands::step;
use super::*;

/// What an acceptance made.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub offer: Offer,
    pub org_id: String,
    pub agreement: Agreement,
}

pub(super) fn month_start(m: Month) -> DateTime<Utc> {
    m.first_day().and_time(NaiveTime::MIN).and_utc()
}

/// Records the buyer's acceptance on `on`: the customer (made, or the reseller's one with the
/// same AWS account, active again) and its agreement from the month after. Accepting twice, or
/// from two requests at once, makes one customer: the acceptance is claimed write-first.
pub async fn accept(
    ctx: Ctx<'_>,
    actor: &Actor,
    id: i64,
    on: Option<NaiveDate>,
) -> Result<Accepted> {
    actor.require(Action::ManageCustomers)?;
    let today = ctx.now.date_naive();
    let mut tx = ctx.db.begin().await?;
    let p = own(&mut tx, actor).await?;
    let o = find_own(&mut tx, &p, id, ctx.now).await?;
    if o.state != OfferState::Released {
        return Err(refused(o.state, Step::Accept));
    }
    let on = on
        .filter(|d| {
            o.released_on.is_some_and(|r| {
                crate::domain::offers::acceptance_date_ok(*d, r, o.expires_on, today)
            })
        })
        .ok_or(invalid(vec![(
            OfferField::AcceptedOn,
            "error-offer-accepted-on",
        )]))?;
    step(
        &mut tx,
        actor,
        &o,
        OfferState::Accepted,
        on,
        Step::Accept,
        ctx.now,
    )
    .await?;
    let months = Agreement::accepted(on, o.duration_months);
    let effective = month_start(months.first);
    let customer =
        match customers::find_by_aws_account(&mut tx, p.partner_id, &o.buyer_account).await? {
            Some(c) => {
                customers::reactivate(&mut tx, c.customer_id, effective).await?;
                if c.state != CustomerState::Active {
                    crate::app::events::customer(
                        ctx,
                        &mut tx,
                        crate::webhooks::Event::CustomerStateChanged,
                        c.customer_id,
                    )
                    .await?;
                }
                c
            }
            None => {
                let org_id = new_org_id();
                let new = NewCustomer {
                    partner_id: p.partner_id,
                    org_id: &org_id,
                    org_name: &o.buyer_company,
                    email: &o.buyer_email,
                    // The buyer signs in to the vendor's cloud through AWS, never here.
                    password_hash: "",
                    state: CustomerState::Active,
                    signup_link_id: None,
                    effected_at: Some(effective),
                    aws_account: Some(&o.buyer_account),
                };
                let cid = match customers::insert(&mut tx, new, ctx.now).await {
                    Err(StoreError::Conflict("e-mail address")) => {
                        return Err(invalid(vec![(
                            OfferField::BuyerEmail,
                            "error-offer-email-taken",
                        )]));
                    }
                    other => other?,
                };
                crate::app::events::customer(
                    ctx,
                    &mut tx,
                    crate::webhooks::Event::CustomerCreated,
                    cid,
                )
                .await?;
                customers::find_by_id(&mut tx, cid)
                    .await?
                    .ok_or(StoreError::NotFound)?
            }
        };
    for a in agreements::of_customer(&mut tx, customer.customer_id).await? {
        if let Some(m) = a.months() {
            let ended = m.ended_before(months.first);
            if ended != m {
                agreements::set_last_month(&mut tx, a.agreement_id, ended.last).await?;
            }
        }
    }
    agreements::insert(
        &mut tx,
        &NewAgreement {
            partner_id: p.partner_id,
            customer_id: customer.customer_id,
            offer_id: id,
            months,
            wholesale_bps: o.wholesale_bps,
            markup_bps: o.markup_bps,
        },
        ctx.now,
    )
    .await?;
    offers::set_customer(&mut tx, id, customer.customer_id).await?;
    actor
        .audit(
            &mut tx,
            AuditAction::OfferAccepted,
            &format!(
                "offer {id} released → accepted on {on}: customer {}, agreement {} to {}",
                customer.org_id, months.first, months.last
            ),
            ctx.now,
        )
        .await?;
    crate::app::events::offer(ctx, &mut tx, p.partner_id, id).await?;
    let offer = find_own(&mut tx, &p, id, ctx.now).await?;
    tx.commit().await?;
    Ok(Accepted {
        offer,
        org_id: customer.org_id,
        agreement: months,
    })
}
