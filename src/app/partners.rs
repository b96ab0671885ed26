//! Operators' decisions on a partner as a whole: suspending it (its people cannot sign in, its
//! keys are refused at once) and reactivating it.

use super::error::{Error, Result, Thing};
use super::{Actor, Ctx};
use crate::domain::AuditAction;
use crate::domain::PartnerKind;
use crate::domain::PartnerState;
use crate::store::StoreError;
use crate::store::partners::{self, Partner};

/// Puts the partner in `state`, audited as `partner_{state}`.
pub async fn set_state(
    ctx: Ctx<'_>,
    actor: &Actor,
    partner_id: i64,
    state: PartnerState,
) -> Result<Partner> {
    let mut tx = ctx.db.begin().await?;
    let partner = partners::find_by_id(&mut tx, partner_id)
        .await?
        .ok_or(Error::NotFound(Thing::Partner))?;
    partners::set_state(&mut tx, partner_id, state).await?;
    if state == PartnerState::Suspended {
        // Its people are signed out now, and sign in again only once it is reactivated.
        super::sessions::end_all_of_partner(&mut tx, partner_id).await?;
    }
    actor
        .audit_on(
            &mut tx,
            Some(partner_id),
            AuditAction::partner(state),
            &partner.name,
            ctx.now,
        )
        .await?;
    tx.commit().await?;
    Ok(partner)
}

/// One partner, for operators.
pub async fn find(ctx: Ctx<'_>, partner_id: i64) -> Result<Partner> {
    let mut c = ctx.db.acquire().await?;
    partners::find_by_id(&mut c, partner_id)
        .await?
        .ok_or(Error::NotFound(Thing::Partner))
}

/// Every reseller, for the operators' filters and forms.
pub async fn resellers(ctx: Ctx<'_>) -> Result<Vec<Partner>, StoreError> {
    let mut c = ctx.db.acquire().await?;
    partners::search(&mut c, "", Some(PartnerKind::Reseller), None, 1_000).await
}

/// The actor's own partner.
pub async fn own(ctx: Ctx<'_>, actor: &Actor) -> Result<Partner, StoreError> {
    let id = actor.partner_id.ok_or(StoreError::NotFound)?;
    let mut c = ctx.db.acquire().await?;
    partners::find_by_id(&mut c, id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// How far a partner has come with the first steps its dashboard lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct FirstSteps {
    pub logo: bool,
    pub api_key: bool,
    pub customer: bool,
}

/// The first steps `partner` (the actor's own, already read) has taken: a logo, a working API
/// key, a customer.
pub async fn first_steps(ctx: Ctx<'_>, partner: &Partner) -> Result<FirstSteps> {
    let mut c = ctx.db.acquire().await?;
    let keys = crate::store::api_keys::list(&mut c, partner.partner_id).await?;
    let customers = crate::store::customers::count(&mut c, partner.partner_id).await?;
    Ok(FirstSteps {
        logo: partner.logo_light_id.is_some(),
        api_key: keys.iter().any(|k| k.revoked_at.is_none()),
        customer: customers > 0,
    })
}
