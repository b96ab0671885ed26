//! The bills' answers written as the client reads them, byte for byte the JSON of
//! [`super::msp_bill`] and [`super::partner_bill`]: a bill of 100 000 customers is never held
//! as text.

use std::sync::Arc;

use futures_util::{Stream, StreamExt};

use super::{
    MspBill, OrgIdOutOfRange, Overview, PartnerBillJson, by_service, customer_entry,
    customer_totals, overview, service_costs,
};
use crate::api::error::ApiError;
use crate::app::bills::{ClosedParts, PartnerBill, shares};
use crate::http::{Chunk, json_with_array, json_with_parts};
use crate::store::Db;

/// [`msp_bill`] written as the client reads it, byte for byte the same JSON: each customer's
/// bill is made when its turn comes, so a bill of 100 000 customers is never held as text.
pub fn msp_bill_stream(bill: PartnerBill) -> Result<impl Stream<Item = Chunk>, ApiError> {
    // Every organization id is checked before the first byte: a stream cannot take back its
    // status.
    for (id, _) in bill.by_customer() {
        let org_id = bill
            .customers
            .get(&id)
            .map(|i| i.org_id.as_str())
            .unwrap_or("");
        org_id
            .parse::<i64>()
            .map_err(|_| ApiError::internal(OrgIdOutOfRange(org_id.to_string())))?;
    }
    let shape = MspBill {
        overview: overview(&bill),
        summary_by_customer: Vec::new(),
        summary_by_service: by_service(&bill),
    };
    let customers = Arc::clone(&bill.customers);
    let entries =
        shares(bill).filter_map(move |(id, share)| customer_entry(&customers, id, &share).ok());
    json_with_array(&shape, "summaryByCustomer", entries).map_err(ApiError::internal)
}

/// [`msp_bill`] of a closed month with stored sums, the same JSON as [`msp_bill_stream`] of
/// its whole bill: the customers' bills are read from the database a part at a time as the
/// client takes them, so what is held does not grow with the partner's customers.
pub fn msp_closed_stream(
    parts: ClosedParts,
    db: Db,
) -> Result<impl Stream<Item = Chunk>, ApiError> {
    if let Some(org_id) = &parts.refused_org_id {
        return Err(ApiError::internal(OrgIdOutOfRange(org_id.clone())));
    }
    let (overview, summary_by_service) = closed_head(&parts);
    let shape = MspBill {
        overview,
        summary_by_customer: Vec::new(),
        summary_by_service,
    };
    let entries = in_parts(parts, db, |id, share| {
        customer_entry(&share.customers, id, share).ok()
    });
    json_with_parts(&shape, "summaryByCustomer", entries).map_err(ApiError::internal)
}

/// [`partner_bill`] of a closed month with stored sums, the same JSON as
/// [`partner_bill_stream`] of its whole bill, read a part at a time as [`msp_closed_stream`].
pub fn partner_closed_stream(
    parts: ClosedParts,
    db: Db,
) -> Result<impl Stream<Item = Chunk>, ApiError> {
    let (overview, summary_by_service) = closed_head(&parts);
    let shape = PartnerBillJson {
        overview,
        summary_by_customer: Vec::new(),
        summary_by_service,
    };
    // A share holds one customer's lines: its one total.
    let totals = in_parts(parts, db, |_, share| customer_totals(share).next());
    json_with_parts(&shape, "summaryByCustomer", totals).map_err(ApiError::internal)
}

/// A closed month's overview and services, from its stored sums.
fn closed_head(parts: &ClosedParts) -> (Overview, Vec<super::ServiceCosts>) {
    let overview = Overview {
        billed_month: parts.month.to_string(),
        amounts: parts.overview.into(),
    };
    let services = service_costs(
        parts
            .lines_by_service
            .iter()
            .map(|(s, p, c, t)| (s.as_str(), p.as_str(), c.as_str(), *t)),
    );
    (overview, services)
}

/// Each part's customers made into answer elements by `entry` (given the customer's id and its
/// share of the bill), a part read when the client has taken the one before.
fn in_parts<T>(
    parts: ClosedParts,
    db: Db,
    entry: impl Fn(i64, &PartnerBill) -> Option<T> + Clone + 'static,
) -> impl Stream<Item = Result<Vec<T>, crate::app::Error>> + 'static {
    let parts = Arc::new(parts);
    let starts = parts.starts();
    futures_util::stream::iter(starts).then(move |from| {
        let (parts, db, entry) = (Arc::clone(&parts), db.clone(), entry.clone());
        async move {
            let bills = parts.part(&db, from).await?;
            Ok(bills
                .iter()
                .filter_map(|(id, share)| entry(*id, share))
                .collect())
        }
    })
}

/// [`partner_bill`] written as the client reads it, byte for byte the same JSON.
pub fn partner_bill_stream(
    bill: &PartnerBill,
) -> Result<impl Stream<Item = Chunk> + use<>, ApiError> {
    let shape = PartnerBillJson {
        overview: overview(bill),
        summary_by_customer: Vec::new(),
        summary_by_service: by_service(bill),
    };
    json_with_array(&shape, "summaryByCustomer", customer_totals(bill)).map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use futures_util::Stream;

    use super::super::tests::bill;
    use super::super::{msp_bill, partner_bill};
    use super::*;

    async fn streamed(body: impl Stream<Item = Chunk>) -> Vec<u8> {
        use futures_util::StreamExt;
        let parts: Vec<Chunk> = body.collect().await;
        parts
            .into_iter()
            .flat_map(|p| p.unwrap().to_vec())
            .collect()
    }

    #[tokio::test]
    async fn the_streamed_bills_are_byte_for_byte_the_whole_answers() {
        let b = bill();
        let whole = serde_json::to_vec(&msp_bill(&b).unwrap()).unwrap();
        assert_eq!(streamed(msp_bill_stream(bill()).unwrap()).await, whole);
        let whole = serde_json::to_vec(&partner_bill(&b)).unwrap();
        assert_eq!(streamed(partner_bill_stream(&b).unwrap()).await, whole);

        let mut b = bill();
        let mut infos = (*b.customers).clone();
        infos.get_mut(&1).unwrap().org_id = "9300000000000000000".into();
        b.customers = Arc::new(infos);
        assert!(msp_bill_stream(b).is_err(), "refused before the first byte");
    }
}
