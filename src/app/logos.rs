//! Partners' logos (SPEC 2.1, 7): an uploaded SVG is parsed and rewritten (`domain::SvgLogo`)
//! and stored; the application form keeps one across a re-rendered form by its upload key, and
//! the Branding page replaces one, audited.

use super::error::Result;
use super::{Actor, Ctx};
use crate::domain::AuditAction;
use crate::domain::{DomainError, SvgLogo};
use crate::store::{Conn, StoreResult, logos, partners};
use crate::tokens::random_token;

/// An uploaded file: its bytes up to the limit, and whether there was more.
#[derive(Debug, Default, Clone)]
pub struct Upload {
    pub bytes: Vec<u8>,
    pub too_large: bool,
}

impl Upload {
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty() && !self.too_large
    }
}

/// The result of a logo field: a stored logo (new or kept from an earlier submission), or the
/// message to show beside the field.
pub enum LogoField {
    Stored {
        logo_id: i64,
        upload_key: String,
        warning: Option<&'static str>,
    },
    Refused(&'static str),
}

/// Stores `upload` if one was sent; otherwise takes the logo kept under `kept_key`.
pub async fn take(
    c: &mut impl Conn,
    upload: &Upload,
    kept_key: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> StoreResult<LogoField> {
    if upload.is_empty() {
        if !kept_key.is_empty()
            && let Some(row) = logos::find_by_upload_key(c, kept_key).await?
        {
            return Ok(LogoField::Stored {
                logo_id: row.logo_id,
                upload_key: row.upload_key,
                warning: None,
            });
        }
        return Ok(LogoField::Refused("error-logo-required"));
    }
    if upload.too_large {
        return Ok(LogoField::Refused("error-logo-too-large"));
    }
    match SvgLogo::parse(&upload.bytes) {
        Ok((logo, warning)) => {
            let upload_key = random_token();
            let logo_id = logos::insert(c, &upload_key, &logo, now).await?;
            Ok(LogoField::Stored {
                logo_id,
                upload_key,
                warning,
            })
        }
        Err(DomainError { key }) => Ok(LogoField::Refused(key)),
    }
}

/// Replaces the actor's partner's light or dark logo with `upload`, audited; a refused upload
/// changes nothing.
pub async fn replace(
    ctx: Ctx<'_>,
    actor: &Actor,
    dark: bool,
    upload: &Upload,
) -> Result<LogoField> {
    actor.require(crate::domain::Action::ManageLinks)?;
    let Some(partner_id) = actor.partner_id else {
        return Ok(LogoField::Refused("error-logo-required"));
    };
    let mut tx = ctx.db.begin().await?;
    let field = take(&mut tx, upload, "", ctx.now).await?;
    if let LogoField::Stored { logo_id, .. } = &field {
        partners::set_logo(&mut tx, partner_id, dark, *logo_id).await?;
        let mode = if dark { "dark" } else { "light" };
        actor
            .audit(&mut tx, AuditAction::LogoReplaced, mode, ctx.now)
            .await?;
        tx.commit().await?;
    }
    Ok(field)
}

/// The logo partner `slug` shows in `mode` (`light`, or `dark`, which falls back to the light
/// one).
pub async fn of_partner(
    ctx: Ctx<'_>,
    slug: &str,
    mode: &str,
) -> Result<logos::LogoRow, crate::store::StoreError> {
    use crate::store::StoreError;
    let mut c = ctx.db.acquire().await?;
    let partner = partners::find_by_slug(&mut c, slug)
        .await?
        .ok_or(StoreError::NotFound)?;
    let logo_id = match mode {
        "light" => partner.logo_light_id,
        "dark" => partner.logo_dark_id.or(partner.logo_light_id),
        _ => None,
    }
    .ok_or(StoreError::NotFound)?;
    logos::find(&mut c, logo_id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A logo just uploaded in a form, by the random key only its uploader has.
pub async fn uploaded(ctx: Ctx<'_>, key: &str) -> Result<logos::LogoRow, crate::store::StoreError> {
    let mut c = ctx.db.acquire().await?;
    logos::find_by_upload_key(&mut c, key)
        .await?
        .ok_or(crate::store::StoreError::NotFound)
}

/// A partner and the content hashes of its light and dark logos, for their cacheable URLs.
pub async fn brand(
    ctx: Ctx<'_>,
    partner_id: i64,
) -> Result<(partners::Partner, [Option<String>; 2]), crate::store::StoreError> {
    let mut c = ctx.db.acquire().await?;
    let partner = partners::find_by_id(&mut c, partner_id)
        .await?
        .ok_or(crate::store::StoreError::NotFound)?;
    let mut hashes = [None, None];
    for (slot, id) in hashes
        .iter_mut()
        .zip([partner.logo_light_id, partner.logo_dark_id])
    {
        if let Some(id) = id {
            *slot = logos::find(&mut c, id).await?.map(|l| l.sha256);
        }
    }
    Ok((partner, hashes))
}
