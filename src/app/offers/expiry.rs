//! What runs out by itself: offers past their expiry, customers whose agreement ended.

use crate::app::{Actor, Ctx};
use crate::billing::month::Month;
use crate::domain::AuditAction;
use crate::domain::{CustomerState, OfferState};
use crate::store::StoreError;
use crate::store::agreements::{self};
use crate::store::customers::{self};
use crate::store::offers::{self};

use super::accept::month_start;
use super::*;

/// Expires what has run out by `ctx.now`, as the actor `system`: offers past their expiry, and
/// customers whose last agreement has ended. Of one partner (at a read of its offers) or all
/// (the periodic sweep). Returns how many things changed.
pub async fn sweep(ctx: Ctx<'_>, partner_id: Option<i64>) -> Result<usize, StoreError> {
    let today = ctx.now.date_naive();
    let current = Month::of(today);
    let (lapsed, ended) = {
        let mut c = ctx.db.acquire().await?;
        (
            offers::lapsed(&mut c, partner_id, today).await?,
            agreements::ended(&mut c, partner_id, current).await?,
        )
    };
    if lapsed.is_empty() && ended.is_empty() {
        return Ok(0);
    }
    let mut tx = ctx.db.begin().await?;
    let mut changed = 0;
    for (id, pid, from) in lapsed {
        if offers::change_state(&mut tx, id, from, OfferState::Expired, today, ctx.now).await? {
            let system = Actor::system(pid);
            record(
                &mut tx,
                &system,
                id,
                Some(from),
                OfferState::Expired,
                ctx.now,
            )
            .await?;
            system
                .audit(
                    &mut tx,
                    AuditAction::OfferExpired,
                    &format!("offer {id} {from} → expired"),
                    ctx.now,
                )
                .await?;
            crate::app::events::offer(ctx, &mut tx, pid, id).await?;
            changed += 1;
        }
    }
    for (cid, pid, last) in ended {
        let Some(last) = Month::parse(&last) else {
            continue;
        };
        let at = month_start(last.next());
        if customers::set_state(&mut tx, pid, cid, CustomerState::Expired, Some(at)).await? {
            let org = customers::find_by_id(&mut tx, cid).await?.map(|c| c.org_id);
            Actor::system(pid)
                .audit(
                    &mut tx,
                    AuditAction::CustomerExpired,
                    &format!(
                        "customer {} active → expired: its agreement ended with {last}",
                        org.unwrap_or_default()
                    ),
                    ctx.now,
                )
                .await?;
            crate::app::events::customer(
                ctx,
                &mut tx,
                crate::webhooks::Event::CustomerStateChanged,
                cid,
            )
            .await?;
            changed += 1;
        }
    }
    tx.commit().await?;
    Ok(changed)
}
