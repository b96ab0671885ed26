//! Making, editing, releasing and cancelling an offer: each one write-first claim with its
//! history and audit rows.

use crate::app::{Actor, Ctx};
use crate::domain::AuditAction;
use crate::domain::offers::{AwsAccount, OfferRefusal};
use crate::domain::{Action, AuthorizationState, OfferState};
use crate::store::Tx;
use crate::store::authorizations;
use crate::store::offers::{self, Offer};
use chrono::{DateTime, NaiveDate, Utc};

use super::checks::{refusal, refusals};
use super::*;

/// The buyer's account as the offer keeps it: 12 digits when it reads as an account, else as
/// written (and refused by the checks).
fn buyer_of(req: &OfferRequest) -> String {
    let raw = req.buyer_account.trim();
    AwsAccount::parse(raw).map_or_else(|_| raw.to_string(), |a| a.as_str().to_string())
}

/// Makes a draft offer from one of the actor's authorizations; with `replaces`, a replacement of
/// that accepted offer for the same buyer.
pub async fn create(
    ctx: Ctx<'_>,
    actor: &Actor,
    req: &OfferRequest,
    replaces: Option<i64>,
) -> Result<Offer> {
    actor.require(Action::ManageCustomers)?;
    let today = ctx.now.date_naive();
    let mut tx = ctx.db.begin().await?;
    let p = own(&mut tx, actor).await?;
    let old = match replaces {
        None => None,
        Some(id) => {
            let o = find_own(&mut tx, &p, id, ctx.now).await?;
            if o.state != OfferState::Accepted {
                return Err(refused(o.state, Step::Replace));
            }
            if let Some(r) = offers::live_replacement(&mut tx, id).await? {
                return Err(Error::Conflict(
                    Message::new("flash-offer-replaced-already").text("id", r),
                ));
            }
            Some(o)
        }
    };
    let buyer = match &old {
        Some(o) => o.buyer_account.clone(),
        None => buyer_of(req),
    };
    let auth = authorizations::find(&mut tx, Some(p.partner_id), req.authorization_id)
        .await?
        .filter(|a| a.state != AuthorizationState::Draft);
    let bad = refusals(req, &buyer, auth.as_ref(), today, false);
    let Some(auth) = auth.filter(|_| bad.is_empty()) else {
        return Err(invalid(bad));
    };
    // Two requests at once see the same count; only one claims the last offer.
    if !authorizations::claim_offer(&mut tx, auth.authorization_id, ctx.now).await? {
        return Err(invalid(vec![refusal(OfferRefusal::UsedUp)]));
    }
    let id = offers::insert(
        &mut tx,
        p.partner_id,
        auth.authorization_id,
        &terms(req, &buyer),
        replaces,
        actor.user_id(),
        ctx.now,
    )
    .await?;
    record(&mut tx, actor, id, None, OfferState::Draft, ctx.now).await?;
    let replacing = replaces.map_or(String::new(), |r| format!(", replacing offer {r}"));
    actor
        .audit(
            &mut tx,
            AuditAction::OfferCreated,
            &format!(
                "offer {id} for {buyer} {} from authorization {}{replacing}",
                req.buyer_company.trim(),
                auth.authorization_id
            ),
            ctx.now,
        )
        .await?;
    committed(tx, &p, id, ctx.now).await
}

/// Rewrites a draft's terms (its authorization stays; a replacement's buyer too).
pub async fn update(ctx: Ctx<'_>, actor: &Actor, id: i64, req: &OfferRequest) -> Result<Offer> {
    actor.require(Action::ManageCustomers)?;
    let today = ctx.now.date_naive();
    let mut tx = ctx.db.begin().await?;
    let p = own(&mut tx, actor).await?;
    let o = find_own(&mut tx, &p, id, ctx.now).await?;
    if o.state != OfferState::Draft {
        return Err(refused(o.state, Step::Edit));
    }
    let buyer = if o.replaces_offer_id.is_some() {
        o.buyer_account.clone()
    } else {
        buyer_of(req)
    };
    let auth = authorizations::find(&mut tx, Some(p.partner_id), o.authorization_id).await?;
    let bad = refusals(req, &buyer, auth.as_ref(), today, true);
    if !bad.is_empty() {
        return Err(invalid(bad));
    }
    if !offers::update_draft(&mut tx, id, &terms(req, &buyer), ctx.now).await? {
        return Err(refused(o.state, Step::Edit));
    }
    actor
        .audit(
            &mut tx,
            AuditAction::OfferEdited,
            &format!("offer {id}"),
            ctx.now,
        )
        .await?;
    committed(tx, &p, id, ctx.now).await
}

/// Moves an offer `from` → `to` as one write-first claim, with its history and audit rows.
pub(super) async fn step(
    tx: &mut Tx,
    actor: &Actor,
    o: &Offer,
    to: OfferState,
    day: NaiveDate,
    s: Step,
    now: DateTime<Utc>,
) -> Result<()> {
    if o.state.after(change_of(s)) != Some(to)
        || !offers::change_state(tx, o.offer_id, o.state, to, day, now).await?
    {
        let state = offers::find(tx, Some(o.partner_id), o.offer_id)
            .await?
            .map_or(o.state, |x| x.state);
        return Err(refused(state, s));
    }
    record(tx, actor, o.offer_id, Some(o.state), to, now).await?;
    Ok(())
}

pub(super) fn change_of(s: Step) -> crate::domain::offers::Change {
    use crate::domain::offers::Change;
    match s {
        Step::Release => Change::Release,
        Step::Accept => Change::Accept,
        // Editing and replacing change no state; cancelling is the only other move.
        Step::Cancel | Step::Edit | Step::Replace => Change::Cancel,
    }
}

/// Moves one of the actor's offers to `to` today, in a transaction left open for the rest of
/// the command; returns it with the reseller and the offer as it was before.
async fn begin_step(
    ctx: Ctx<'_>,
    actor: &Actor,
    id: i64,
    to: OfferState,
    s: Step,
) -> Result<(Tx, Partner, Offer)> {
    actor.require(Action::ManageCustomers)?;
    let mut tx = ctx.db.begin().await?;
    let p = own(&mut tx, actor).await?;
    let o = find_own(&mut tx, &p, id, ctx.now).await?;
    step(&mut tx, actor, &o, to, ctx.now.date_naive(), s, ctx.now).await?;
    Ok((tx, p, o))
}

/// Commits the command's transaction and returns the offer as it left it.
async fn committed(mut tx: Tx, p: &Partner, id: i64, now: DateTime<Utc>) -> Result<Offer> {
    let offer = find_own(&mut tx, p, id, now).await?;
    tx.commit().await?;
    Ok(offer)
}

/// Releases a draft to its buyer, today.
pub async fn release(ctx: Ctx<'_>, actor: &Actor, id: i64) -> Result<Offer> {
    let (mut tx, p, _) = begin_step(ctx, actor, id, OfferState::Released, Step::Release).await?;
    actor
        .audit(
            &mut tx,
            AuditAction::OfferReleased,
            &format!("offer {id} draft → released"),
            ctx.now,
        )
        .await?;
    crate::app::events::offer(ctx, &mut tx, p.partner_id, id).await?;
    committed(tx, &p, id, ctx.now).await
}

/// Cancels a draft or a released offer. A draft cancelled gives its authorization's offer back.
pub async fn cancel(ctx: Ctx<'_>, actor: &Actor, id: i64) -> Result<Offer> {
    let (mut tx, p, o) = begin_step(ctx, actor, id, OfferState::Cancelled, Step::Cancel).await?;
    if !crate::domain::offers::counts_against(OfferState::Cancelled, o.released_on.is_some()) {
        authorizations::give_back_offer(&mut tx, o.authorization_id, ctx.now).await?;
    }
    actor
        .audit(
            &mut tx,
            AuditAction::OfferCancelled,
            &format!("offer {id} {} → cancelled", o.state),
            ctx.now,
        )
        .await?;
    crate::app::events::offer(ctx, &mut tx, p.partner_id, id).await?;
    committed(tx, &p, id, ctx.now).await
}
