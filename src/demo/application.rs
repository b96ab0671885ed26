//! One application waiting in the operators' review queue.

use crate::domain::{ApplicationState, PartnerKind};
use crate::store::Db;
use crate::store::applications::{self, NewApplication};
use chrono::Utc;

use super::brands::{logo_svg, store_logo};

/// One application waiting for review, so an operator has something to look at.
pub(super) async fn ensure_pending_application(db: &Db) -> Result<(), crate::app::Error> {
    const COMPANY: &str = "Nimbus Data Services";
    let mut c = db.acquire().await?;
    let waiting = applications::list(&mut c, ApplicationState::Pending, 500).await?;
    drop(c);
    if waiting.iter().any(|a| a.company_name == COMPANY) {
        return Ok(());
    }
    let light = store_logo(db, &logo_svg("Nimbus", "#0ca678", "#1d2433")).await?;
    let dark = store_logo(db, &logo_svg("Nimbus", "#38d9a9", "#e4e8f1")).await?;
    let mut tx = db.begin().await?;
    let new = NewApplication {
        kind: PartnerKind::Msp,
        company_name: COMPANY,
        contact_email: "hello@nimbus.example",
        website_url: "https://nimbus.example",
        message: "We run managed databases for 40 mid-size retailers in Japan and would like to offer your cloud database to them.",
        logo_light_id: light,
        logo_dark_id: dark,
        address: "127.0.0.1",
    };
    applications::insert(&mut tx, new, Utc::now()).await?;
    tx.commit().await?;
    Ok(())
}
