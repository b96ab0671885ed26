//! What both benchmarks seed: one MSP with `n` active customers, in the open transaction.

use chrono::Utc;
use partner_console::domain::PartnerKind;
use partner_console::store::Tx;
use partner_console::store::customers::{self, NewCustomer};
use partner_console::store::partners::{self, NewPartner};

/// The organization id of the `i`-th seeded customer (19 digits).
pub fn org_id(i: usize) -> String {
    format!("{}", 1_000_000_000_000_000_000u64 + i as u64)
}

/// Creates "Bench MSP" and its customers `org_id(0..n)`; returns the partner id.
pub async fn msp_with_customers(tx: &mut Tx, n: usize) -> i64 {
    let now = Utc::now();
    let new = NewPartner {
        name: "Bench MSP",
        kind: PartnerKind::Msp,
        website_url: "https://bench.example",
        logo_light_id: None,
        logo_dark_id: None,
    };
    let (partner_id, _) = partners::insert(tx, new, now).await.unwrap();
    for i in 0..n {
        let org = org_id(i);
        let c = NewCustomer {
            partner_id,
            org_id: &org,
            org_name: &format!("Customer {i}"),
            email: &format!("c{i}@bench.example"),
            password_hash: "x",
            state: partner_console::domain::CustomerState::Active,
            signup_link_id: None,
            effected_at: Some(now),
            aws_account: None,
        };
        customers::insert(tx, c, now).await.unwrap();
    }
    partner_id
}
