//! `usage.loaded` (issue 27): each partner whose customers a load gave records is told so, in
//! the load's transaction, month by month. A load spans every partner: each is told only of
//! its own customers, and by counts (the bill says what they cost at the partner's terms).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{FastMap, RollupKey, Sum};
use crate::billing::month::Month;
use crate::store::{StoreResult, Tx};
use crate::webhooks::{self, Event};

/// One month of a load, for one partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadedMonth {
    /// `YYYY-MM`.
    pub billed_month: String,
    /// The partner's customers this load gave records in the month.
    pub customer_count: u64,
    pub record_count: u64,
    /// Of those, records of a month already closed: they go on the customer's next invoice,
    /// not on the closed bill.
    pub late_record_count: u64,
}

/// A `usage.loaded` message's `data`: the months the load added to, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageLoaded {
    pub months: Vec<LoadedMonth>,
}

/// What each partner is told of a load, from its roll-ups: as many entries as partners and
/// months, whatever the file's size.
pub(super) fn by_partner(
    rollups: &FastMap<RollupKey, Sum>,
    partner_of: &FastMap<i64, i64>,
) -> BTreeMap<i64, UsageLoaded> {
    let mut customers: FastMap<(i64, Month), (u64, u64)> = FastMap::default();
    for ((customer, month, ..), sum) in rollups {
        let c = customers.entry((*customer, *month)).or_default();
        c.0 += u64::from(sum.records);
        c.1 += u64::from(sum.late);
    }
    let mut months: BTreeMap<(i64, Month), LoadedMonth> = BTreeMap::new();
    for ((customer, month), (records, late)) in customers {
        let Some(partner) = partner_of.get(&customer) else {
            continue;
        };
        let m = months
            .entry((*partner, month))
            .or_insert_with(|| LoadedMonth {
                billed_month: month.to_string(),
                customer_count: 0,
                record_count: 0,
                late_record_count: 0,
            });
        m.customer_count += 1;
        m.record_count += records;
        m.late_record_count += late;
    }
    let mut told: BTreeMap<i64, UsageLoaded> = BTreeMap::new();
    for ((partner, _), m) in months {
        told.entry(partner)
            .or_insert_with(|| UsageLoaded { months: Vec::new() })
            .months
            .push(m);
    }
    told
}

/// Queues `usage.loaded` for the partners' endpoints that chose it.
pub(super) async fn tell(
    tx: &mut Tx,
    told: BTreeMap<i64, UsageLoaded>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for (partner_id, data) in told {
        webhooks::emit(tx, partner_id, Event::UsageLoaded, &data, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_partner_is_told_its_own_customers_month_by_month() {
        let (dec, jan) = (
            Month::parse("2026-12").unwrap(),
            Month::parse("2027-01").unwrap(),
        );
        let sum = |records, late| Sum {
            cost: 1,
            records,
            late,
        };
        let mut rollups: FastMap<RollupKey, Sum> = FastMap::default();
        // Customer 10 of partner 1: two lines in December (one service on two clusters), one
        // in January; customer 11 of partner 1 and 20 of partner 2 in December.
        rollups.insert((10, dec, 0, 0, 0), sum(3, 3));
        rollups.insert((10, dec, 0, 0, 1), sum(2, 0));
        rollups.insert((10, jan, 0, 0, 0), sum(4, 0));
        rollups.insert((11, dec, 1, 0, 0), sum(1, 0));
        rollups.insert((20, dec, 0, 0, 0), sum(7, 0));
        let partner_of: FastMap<i64, i64> = [(10, 1), (11, 1), (20, 2)].into_iter().collect();
        let told = by_partner(&rollups, &partner_of);
        let month = |m: Month, customers, records, late| LoadedMonth {
            billed_month: m.to_string(),
            customer_count: customers,
            record_count: records,
            late_record_count: late,
        };
        assert_eq!(told[&1].months, [month(dec, 2, 6, 3), month(jan, 1, 4, 0)]);
        assert_eq!(told[&2].months, [month(dec, 1, 7, 0)]);
        assert_eq!(told.len(), 2);
    }
}
