//! The four amounts of every bill level under the public API's names.

use serde::Serialize;
use utoipa::ToSchema;

use crate::api::formats::{Amount, amount};
use crate::billing::bill::Totals;

/// The four amounts every level of a bill carries, USD strings with two decimals.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Amounts {
    /// The sum of the services consumed in the month, before discounts and credits are taken
    /// off.
    #[schema(value_type = Amount)]
    pub running_total: String,
    /// The discounts taken off: the customer's and the partner's, for this month and service.
    #[schema(value_type = Amount)]
    pub discounts: String,
    /// The credits used, oldest expiry first; never more than is left after discounts.
    #[schema(value_type = Amount)]
    pub credits: String,
    /// The amount owed: `runningTotal - discounts - credits`.
    #[schema(value_type = Amount)]
    pub total_cost: String,
}

impl From<Totals> for Amounts {
    fn from(t: Totals) -> Self {
        Amounts {
            running_total: amount(t.usage),
            discounts: amount(t.discounts),
            credits: amount(t.credits),
            total_cost: amount(t.owed),
        }
    }
}
