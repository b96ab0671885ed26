//! Reading the audit log (issue 15; SPEC 7): operators read every partner's events, a partner's
//! owners and admins their own partner's, with the same filters and keyset paging.

use super::error::Result;
use super::{Actor, Ctx};
use crate::domain::Action;
use crate::store::audit::{self, AuditFilter, AuditRow};

/// One page of the events the actor may read, newest first, after `before`.
pub async fn page(
    ctx: Ctx<'_>,
    actor: &Actor,
    filter: AuditFilter<'_>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>> {
    let filter = match actor.partner_id {
        // A partner's member reads its own partner's events only.
        Some(partner_id) => {
            actor.require(Action::ReadAudit)?;
            AuditFilter {
                partner_id: Some(partner_id),
                ..filter
            }
        }
        None => filter,
    };
    let mut c = ctx.db.acquire().await?;
    Ok(audit::page(&mut c, &filter, before, limit).await?)
}
