//! The API's shapes of the objects webhooks tell of ([`crate::webhooks::Shapes`]): a webhook's
//! `data` is what the API answers for the same thing, written by the same types.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::billing::bill::Totals;
use crate::store::customers::Customer;
use crate::store::signup_links::SignupLink;

pub struct ApiShapes;

/// The one instance every context is given.
pub static API: ApiShapes = ApiShapes;

impl crate::webhooks::Shapes for ApiShapes {
    fn customer(&self, c: &Customer) -> Value {
        serde_json::to_value(super::customers::MspCustomer::from(c.clone())).unwrap_or_default()
    }

    fn signup_link(&self, l: &SignupLink, now: DateTime<Utc>) -> Value {
        serde_json::to_value(super::v1::link_json(l, now, None)).unwrap_or_default()
    }

    fn offer(&self, o: &crate::store::offers::Offer) -> Value {
        serde_json::to_value(super::offers::offer_json(o, None)).unwrap_or_default()
    }

    fn invoice(&self, i: &crate::store::invoices::Invoice) -> Value {
        serde_json::to_value(super::invoices::invoice_json(i)).unwrap_or_default()
    }

    fn month_closed(&self, month: &str, totals: Totals) -> Value {
        serde_json::to_value(super::bills::overview_of(month, totals)).unwrap_or_default()
    }

    fn budget_reached(
        &self,
        b: &crate::store::budgets::Budget,
        month: &str,
        threshold: u32,
        owed: i64,
        figure: i64,
    ) -> Value {
        serde_json::to_value(super::budgets::reached_json(
            b, month, threshold, owed, figure,
        ))
        .unwrap_or_default()
    }
}
