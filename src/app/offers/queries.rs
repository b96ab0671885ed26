//! Reading offers: a reseller's own, page by page, and any offer for operators.

use crate::app::actor::SYSTEM;
use crate::app::{Actor, Ctx};
use crate::domain::OfferState;
use crate::store::Conn;
use crate::store::agreements::{self, AgreementRow};
use crate::store::offers::{self, Filter, Offer, OfferEvent};

use super::*;

/// One page of the actor's offers, newest first, after `before`; `limit` rows.
pub async fn page(
    ctx: Ctx<'_>,
    actor: &Actor,
    state: Option<OfferState>,
    query: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Offer>> {
    let mut c = ctx.db.acquire().await?;
    let p = own(&mut c, actor).await?;
    let f = Filter {
        partner_id: Some(p.partner_id),
        state,
        query,
        ..Default::default()
    };
    Ok(offers::page(&mut c, &f, before, limit, ctx.now.date_naive()).await?)
}

/// Every reseller's offers for operators, as filtered.
pub async fn page_all(
    ctx: Ctx<'_>,
    f: &Filter<'_>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Offer>> {
    let mut c = ctx.db.acquire().await?;
    Ok(offers::page(&mut c, f, before, limit, ctx.now.date_naive()).await?)
}

/// An offer with what its page shows.
#[derive(Debug, Clone)]
pub struct OfferView {
    pub offer: Offer,
    pub history: Vec<OfferEvent>,
    pub agreement: Option<AgreementRow>,
    /// The open or accepted offer that replaces this one.
    pub replaced_by: Option<i64>,
}

/// One of the actor's offers with its history.
pub async fn view(ctx: Ctx<'_>, actor: &Actor, id: i64) -> Result<OfferView> {
    let mut c = ctx.db.acquire().await?;
    let p = own(&mut c, actor).await?;
    let offer = find_own(&mut c, &p, id, ctx.now).await?;
    view_of(&mut c, offer).await
}

/// Any offer with its history, for operators.
pub async fn view_any(ctx: Ctx<'_>, id: i64) -> Result<OfferView> {
    let mut c = ctx.db.acquire().await?;
    let offer = offers::find(&mut c, None, id)
        .await?
        .ok_or(Error::NotFound(Thing::Offer))?
        .settled(ctx.now.date_naive());
    view_of(&mut c, offer).await
}

/// The offer (settled) with its history; an expiry the sweep has not written yet shows as the
/// system's, at the end of the offer's last day, as the sweep will record it.
pub(super) async fn view_of(c: &mut impl Conn, offer: Offer) -> Result<OfferView> {
    let mut history = offers::events(c, offer.offer_id).await?;
    if offer.state == OfferState::Expired
        && history
            .last()
            .is_none_or(|e| e.to_state != OfferState::Expired)
    {
        history.push(OfferEvent {
            from_state: history.last().map(|e| e.to_state),
            to_state: OfferState::Expired,
            actor: SYSTEM.into(),
            address: String::new(),
            at: offer
                .expires_on
                .succ_opt()
                .unwrap_or(offer.expires_on)
                .and_time(chrono::NaiveTime::MIN)
                .and_utc(),
        });
    }
    Ok(OfferView {
        history,
        agreement: agreements::of_offer(c, offer.offer_id).await?,
        replaced_by: offers::live_replacement(c, offer.offer_id).await?,
        offer,
    })
}
