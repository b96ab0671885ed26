//! Webhooks (issue 27): what partners' own systems are told, signed as the Standard Webhooks
//! specification says, and where they may be told it. Delivery is `webhooks::delivery`.

pub mod address;
pub mod delivery;
pub mod signature;

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::store::webhooks::{self as store, NewDelivery};
use crate::store::{Conn, StoreError, StoreResult};

/// How the objects a webhook tells of are written: as the API writes the same objects. The API
/// layer provides it (`api::shapes`), so the application's use cases, which queue the
/// messages, need not know the API's types.
pub trait Shapes: Sync {
    fn customer(&self, c: &crate::store::customers::Customer) -> serde_json::Value;
    /// A signup link as the API lists it: without its URL, which is shown once, at creation.
    fn signup_link(
        &self,
        l: &crate::store::signup_links::SignupLink,
        now: DateTime<Utc>,
    ) -> serde_json::Value;
    /// A reseller's private offer as the API reads one (without its history).
    fn offer(&self, o: &crate::store::offers::Offer) -> serde_json::Value;
    /// An MSP's invoice to its customer, as the invoice list writes it.
    fn invoice(&self, i: &crate::store::invoices::Invoice) -> serde_json::Value;
    /// A closed month's bill overview, as the bills' `overview`.
    fn month_closed(&self, month: &str, totals: crate::billing::bill::Totals) -> serde_json::Value;
    /// A budget that reached `threshold` % in `month`, the budget as the API lists it beside
    /// the amount owed and the figure judged (the forecast, for a budget on the forecast).
    fn budget_reached(
        &self,
        b: &crate::store::budgets::Budget,
        month: &str,
        threshold: u32,
        owed: i64,
        figure: i64,
    ) -> serde_json::Value;
}

/// What a partner can be told of; an endpoint chooses among these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    CustomerCreated,
    CustomerStateChanged,
    SignupLinkCreated,
    SignupLinkRevoked,
    OfferStateChanged,
    MonthClosed,
    InvoiceIssued,
    UsageLoaded,
    BudgetThresholdReached,
    /// Sent by `POST /webhooks/{id}/test` only, whatever the endpoint chose.
    Ping,
}

impl Event {
    /// Every event an endpoint can choose.
    pub const CHOOSABLE: [Event; 9] = [
        Event::CustomerCreated,
        Event::CustomerStateChanged,
        Event::SignupLinkCreated,
        Event::SignupLinkRevoked,
        Event::OfferStateChanged,
        Event::MonthClosed,
        Event::InvoiceIssued,
        Event::UsageLoaded,
        Event::BudgetThresholdReached,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::CustomerCreated => "customer.created",
            Event::CustomerStateChanged => "customer.state_changed",
            Event::SignupLinkCreated => "signup_link.created",
            Event::SignupLinkRevoked => "signup_link.revoked",
            Event::OfferStateChanged => "offer.state_changed",
            Event::MonthClosed => "month.closed",
            Event::InvoiceIssued => "invoice.issued",
            Event::UsageLoaded => "usage.loaded",
            Event::BudgetThresholdReached => "budget.threshold_reached",
            Event::Ping => "ping",
        }
    }

    /// A choosable event by its name.
    pub fn parse(name: &str) -> Option<Event> {
        Event::CHOOSABLE.into_iter().find(|e| e.as_str() == name)
    }
}

/// A message's body: `{"type", "timestamp", "data"}`, `data` shaped as the API shapes the
/// same object.
pub fn payload(
    event: Event,
    at: DateTime<Utc>,
    data: &impl Serialize,
) -> serde_json::Result<String> {
    #[derive(Serialize)]
    struct Body<'a, D> {
        r#type: &'a str,
        timestamp: String,
        data: &'a D,
    }
    serde_json::to_string(&Body {
        r#type: event.as_str(),
        timestamp: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        data,
    })
}

/// A new message's `webhook-id`: the same on every attempt and to every endpoint, so a
/// receiver can tell a retry from a new event.
fn message_id() -> String {
    let raw: [u8; 18] = rand::random();
    format!(
        "msg_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    )
}

fn body_of(event: Event, now: DateTime<Utc>, data: &impl Serialize) -> StoreResult<String> {
    payload(event, now, data).map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))
}

/// Queues `event` for each of the partner's enabled endpoints that chose it, in the caller's
/// transaction: the deliveries exist if and only if the change does. Returns how many.
pub async fn emit(
    c: &mut impl Conn,
    partner_id: i64,
    event: Event,
    data: &impl Serialize,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let endpoints = store::subscribed(c, partner_id, event.as_str()).await?;
    queue(c, &endpoints, event, data, now).await?;
    Ok(endpoints.len())
}

/// The partner's enabled endpoints that chose `event`: read once where many messages of one
/// kind are queued together ([`queue`]).
pub async fn subscribed(c: &mut impl Conn, partner_id: i64, event: Event) -> StoreResult<Vec<i64>> {
    store::subscribed(c, partner_id, event.as_str()).await
}

/// Queues one message of `event` for each of `endpoints` ([`subscribed`]).
pub async fn queue(
    c: &mut impl Conn,
    endpoints: &[i64],
    event: Event,
    data: &impl Serialize,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    if endpoints.is_empty() {
        return Ok(());
    }
    let body = body_of(event, now, data)?;
    let id = message_id();
    for endpoint_id in endpoints {
        let d = NewDelivery {
            endpoint_id: *endpoint_id,
            message_id: &id,
            event: event.as_str(),
            payload: &body,
        };
        store::enqueue(c, &d, now).await?;
    }
    Ok(())
}

/// Queues `event` for one endpoint whatever it chose (a test ping); the delivery's id.
pub async fn emit_to(
    c: &mut impl Conn,
    endpoint_id: i64,
    event: Event,
    data: &impl Serialize,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let body = body_of(event, now, data)?;
    let id = message_id();
    let d = NewDelivery {
        endpoint_id,
        message_id: &id,
        event: event.as_str(),
        payload: &body,
    };
    store::enqueue(c, &d, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_ping_is_not_choosable() {
        for e in Event::CHOOSABLE {
            assert_eq!(Event::parse(e.as_str()), Some(e));
        }
        assert_eq!(Event::parse("ping"), None);
        assert_eq!(Event::parse("customer.deleted"), None);
    }

    #[test]
    fn the_payload_has_type_timestamp_and_data() {
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let body = payload(
            Event::MonthClosed,
            at,
            &serde_json::json!({"billedMonth": "2027-01"}),
        );
        assert_eq!(
            body.unwrap(),
            r#"{"type":"month.closed","timestamp":"2027-01-15T08:00:00Z","data":{"billedMonth":"2027-01"}}"#
        );
    }
}
