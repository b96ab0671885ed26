//! The demo MSP's price plans (issue 24): the default +15 %, and "Enterprise" at −5 % with a
//! $500 managed service fee for its newest customer, so Billing shows customer prices and
//! margins at once. Made once; a second run finds them.

use chrono::Utc;

use crate::store::customers::{self, Matching};
use crate::store::partners::Partner;
use crate::store::price_plans::{self, PlanFields};
use crate::store::{Db, StoreError};

pub(super) async fn ensure_plans(db: &Db, partner: &Partner) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    if !price_plans::list(&mut tx, partner.partner_id)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let none = Default::default();
    let standard = PlanFields {
        name: "Standard",
        markup_bps: 1_500,
        service_markups: &none,
        fee: 0,
        fee_label: "",
    };
    price_plans::insert(&mut tx, partner.partner_id, &standard, Utc::now()).await?;
    let mut backups = std::collections::BTreeMap::new();
    backups.insert("Backup Storage".to_string(), 0);
    let enterprise = PlanFields {
        name: "Enterprise",
        markup_bps: -500,
        service_markups: &backups,
        fee: 50_000,
        fee_label: "Managed service fee",
    };
    let id = price_plans::insert(&mut tx, partner.partner_id, &enterprise, Utc::now()).await?;
    if let Some(first) = customers::page(&mut tx, &Matching::all(partner.partner_id), None, 1)
        .await?
        .into_iter()
        .next()
    {
        price_plans::set_customer_plan(&mut tx, partner.partner_id, first.customer_id, Some(id))
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
