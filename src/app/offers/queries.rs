//! Reading offers: a reseller's own, page by page, and any offer for operators.

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
) -> Result<Vec<Offer>, OfferError> {
    sweep(ctx, actor.partner_id).await?;
    let mut c = ctx.db.acquire().await?;
    let p = own(&mut c, actor).await?;
    let f = Filter {
        partner_id: Some(p.partner_id),
        state,
        query,
        ..Default::default()
    };
    Ok(offers::page(&mut c, &f, before, limit).await?)
}

/// Every reseller's offers for operators, as filtered.
pub async fn page_all(
    ctx: Ctx<'_>,
    f: &Filter<'_>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Offer>, OfferError> {
    sweep(ctx, f.partner_id).await?;
    let mut c = ctx.db.acquire().await?;
    Ok(offers::page(&mut c, f, before, limit).await?)
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
pub async fn view(ctx: Ctx<'_>, actor: &Actor, id: i64) -> Result<OfferView, OfferError> {
    sweep(ctx, actor.partner_id).await?;
    let mut c = ctx.db.acquire().await?;
    let p = own(&mut c, actor).await?;
    let offer = find_own(&mut c, &p, id).await?;
    view_of(&mut c, offer).await
}

/// Any offer with its history, for operators.
pub async fn view_any(ctx: Ctx<'_>, id: i64) -> Result<OfferView, OfferError> {
    sweep(ctx, None).await?;
    let mut c = ctx.db.acquire().await?;
    let offer = offers::find(&mut c, None, id)
        .await?
        .ok_or(OfferError::NotFound)?;
    view_of(&mut c, offer).await
}

pub(super) async fn view_of(c: &mut impl Conn, offer: Offer) -> Result<OfferView, OfferError> {
    Ok(OfferView {
        history: offers::events(c, offer.offer_id).await?,
        agreement: agreements::of_offer(c, offer.offer_id).await?,
        replaced_by: offers::live_replacement(c, offer.offer_id).await?,
        offer,
    })
}
