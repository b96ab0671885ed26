//! The public "Become a partner" form (SPEC 2.1): limited per client address, its two logos
//! stored even when another field is wrong (so the corrected form need not ask for them again),
//! and, when everything is right, the application and its acknowledgement mail in one
//! transaction.

use chrono::Duration;

use super::Ctx;
use super::logos::{self, LogoField, Upload};
use crate::domain::{Email, PartnerKind};
use crate::i18n::I18n;
use crate::mail;
use crate::store::applications::{self, NewApplication};
use crate::store::throttle;

/// Applications accepted from one address per hour.
pub const MAX_PER_ADDRESS_PER_HOUR: i64 = 10;
const THROTTLE_SCOPE: &str = "apply";

/// An application as the form sent it. The caller parsed the text fields: `kind` and `email`
/// are `None`, or `fields_ok` false, when one of them is wrong.
pub struct Submission<'a> {
    pub kind: Option<PartnerKind>,
    pub email: Option<&'a Email>,
    pub company_name: &'a str,
    pub website_url: &'a str,
    pub message: &'a str,
    pub fields_ok: bool,
    /// The light and the dark logo: the file sent, and the upload key of one kept from an
    /// earlier submission.
    pub logos: [(&'a Upload, &'a str); 2],
    pub address: &'a str,
}

pub enum Submitted {
    /// Too many applications from this address in the last hour; nothing was kept.
    Throttled,
    /// Not recorded (a field or a logo is wrong); the logos that were taken are kept.
    Refused { logos: [LogoField; 2] },
    /// Recorded, and the acknowledgement is on its way.
    Received { logos: [LogoField; 2] },
}

pub async fn submit(ctx: Ctx<'_>, s: Submission<'_>, i18n: &I18n) -> anyhow::Result<Submitted> {
    let mut tx = ctx.db.begin().await?;
    let hour_ago = ctx.now - Duration::hours(1);
    if throttle::count_since(&mut tx, THROTTLE_SCOPE, s.address, hour_ago).await?
        >= MAX_PER_ADDRESS_PER_HOUR
    {
        return Ok(Submitted::Throttled);
    }
    throttle::record(&mut tx, THROTTLE_SCOPE, s.address, ctx.now).await?;
    let [light, dark] = s.logos;
    let logos = [
        logos::take(&mut tx, light.0, light.1, ctx.now).await?,
        logos::take(&mut tx, dark.0, dark.1, ctx.now).await?,
    ];
    let ids = match &logos {
        [
            LogoField::Stored { logo_id: l, .. },
            LogoField::Stored { logo_id: d, .. },
        ] => Some((*l, *d)),
        _ => None,
    };
    let (Some(kind), Some(email), Some((light_id, dark_id)), true) =
        (s.kind, s.email, ids, s.fields_ok)
    else {
        tx.commit().await?;
        return Ok(Submitted::Refused { logos });
    };
    let new = NewApplication {
        kind,
        company_name: s.company_name,
        contact_email: email.as_str(),
        website_url: s.website_url,
        message: s.message,
        logo_light_id: light_id,
        logo_dark_id: dark_id,
        address: s.address,
    };
    applications::insert(&mut tx, new, ctx.now).await?;
    let ack = mail::application_received(i18n, email.as_str(), s.company_name)?;
    mail::enqueue(&mut tx, &ack, ctx.now).await?;
    ctx.commit_and_send(tx).await?;
    Ok(Submitted::Received { logos })
}
