//! The demo partners' logos, light and dark.

use crate::domain::SvgLogo;
use crate::store::logos;
use crate::store::{Db, partners};
use crate::tokens::random_token;
use chrono::Utc;

/// A wordmark logo: a rounded mark and the name, in the given colours.
pub(super) fn logo_svg(name: &str, mark: &str, text: &str) -> String {
    let initial = name.chars().next().unwrap_or('P');
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48" viewBox="0 0 256 48"><rect x="2" y="4" width="40" height="40" rx="10" fill="{mark}"/><text x="22" y="32" font-family="DejaVu Sans, sans-serif" font-size="22" font-weight="bold" fill="#ffffff" text-anchor="middle">{initial}</text><text x="52" y="32" font-family="DejaVu Sans, sans-serif" font-size="21" font-weight="bold" fill="{text}">{name}</text></svg>"##
    )
}

pub(super) async fn store_logo(db: &Db, svg: &str) -> Result<i64, crate::app::Error> {
    let (logo, _) =
        SvgLogo::parse(svg.as_bytes()).map_err(|e| crate::app::Error::invalid("logo", e.key))?;
    let mut tx = db.begin().await?;
    let id = logos::insert(&mut tx, &random_token(), &logo, Utc::now()).await?;
    tx.commit().await?;
    Ok(id)
}

pub(super) async fn ensure_logos(
    db: &Db,
    partner_id: i64,
    name: &str,
) -> Result<(), crate::app::Error> {
    let mut c = db.acquire().await?;
    let partner = partners::find_by_id(&mut c, partner_id).await?;
    drop(c);
    if partner.is_some_and(|p| p.logo_light_id.is_some()) {
        return Ok(());
    }
    let light = store_logo(db, &logo_svg(name, "#3b5bdb", "#1d2433")).await?;
    let dark = store_logo(db, &logo_svg(name, "#7b96ff", "#e4e8f1")).await?;
    let mut tx = db.begin().await?;
    partners::set_logo(&mut tx, partner_id, false, light).await?;
    partners::set_logo(&mut tx, partner_id, true, dark).await?;
    tx.commit().await?;
    Ok(())
}
