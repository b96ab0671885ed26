//! The webhook messages the use cases queue (issue 27), in their own transactions, with the
//! objects written as the API writes them ([`crate::webhooks::Shapes`]).

use super::Ctx;
use crate::store::{StoreResult, Tx, customers};
use crate::webhooks::{self, Event};

/// `event` about customer `customer_id`, as it now is in `tx`.
pub(crate) async fn customer(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    event: Event,
    customer_id: i64,
) -> StoreResult<()> {
    if let Some(c) = customers::find_by_id(tx, customer_id).await? {
        let data = ctx.shapes.customer(&c);
        webhooks::emit(tx, c.partner_id, event, &data, ctx.now).await?;
    }
    Ok(())
}

/// `event` about a signup link as it now is.
pub(crate) async fn signup_link(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    event: Event,
    link: &crate::store::signup_links::SignupLink,
) -> StoreResult<()> {
    let data = ctx.shapes.signup_link(link, ctx.now);
    webhooks::emit(tx, link.partner_id, event, &data, ctx.now).await?;
    Ok(())
}

/// `offer.state_changed` about one of the partner's offers, as it now stands.
pub(crate) async fn offer(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    partner_id: i64,
    offer_id: i64,
) -> StoreResult<()> {
    if let Some(o) = crate::store::offers::find(tx, Some(partner_id), offer_id).await? {
        let data = ctx.shapes.offer(&o.settled(ctx.now.date_naive()));
        webhooks::emit(tx, partner_id, Event::OfferStateChanged, &data, ctx.now).await?;
    }
    Ok(())
}

/// `month.closed` for a partner: its bill's overview of the month as closed.
pub(crate) async fn month_closed(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    partner_id: i64,
    month: &str,
    totals: crate::billing::bill::Totals,
) -> StoreResult<()> {
    let data = ctx.shapes.month_closed(month, totals);
    webhooks::emit(tx, partner_id, Event::MonthClosed, &data, ctx.now).await?;
    Ok(())
}

/// `invoice.issued` for each of the partner's invoices `numbers`. A close issues one per
/// customer: each is read back only when an endpoint will be told of it.
pub(crate) async fn invoices_issued(
    ctx: Ctx<'_>,
    tx: &mut Tx,
    partner_id: i64,
    numbers: &[String],
) -> StoreResult<()> {
    let endpoints = webhooks::subscribed(tx, partner_id, Event::InvoiceIssued).await?;
    if endpoints.is_empty() {
        return Ok(());
    }
    for n in numbers {
        if let Some(i) = crate::store::invoices::find_by_number(tx, partner_id, n).await? {
            let data = ctx.shapes.invoice(&i);
            webhooks::queue(tx, &endpoints, Event::InvoiceIssued, &data, ctx.now).await?;
        }
    }
    Ok(())
}
