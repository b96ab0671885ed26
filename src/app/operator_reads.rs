//! What operators read: the overview's figures, the mail outbox, partners (searched, and one
//! with everything its page shows), the applications' queue, and the months of the billing page.
//! Only operators' pages call these; their guard admits operators alone.

use super::Ctx;
use crate::billing::bill::Totals;
use crate::billing::month::Month;
use crate::domain::{ApplicationState, PartnerKind, PartnerState};
use crate::store::api_keys::{self, ApiKeyRow};
use crate::store::applications::{self, Application};
use crate::store::audit::{self, AuditRow};
use crate::store::customers::{self, Customer};
use crate::store::grants::{self, CreditRow, DiscountRow};
use crate::store::logos::{self, LogoRow};
use crate::store::outbox::{self, OutboxRow};
use crate::store::partners::{self, Partner};
use crate::store::users::{self, User};
use crate::store::{Conn, StoreError, StoreResult, closed, usage};

/// The overview's figures.
pub struct Overview {
    pub partners: i64,
    pub pending_applications: i64,
    pub outbox_waiting: i64,
    pub outbox_failed: i64,
    pub recent: Vec<AuditRow>,
}

pub async fn overview(ctx: Ctx<'_>) -> StoreResult<Overview> {
    let mut c = ctx.db.acquire().await?;
    Ok(Overview {
        partners: partners::count(&mut c).await?,
        pending_applications: applications::count_pending(&mut c).await?,
        outbox_waiting: outbox::depth(&mut c).await?,
        outbox_failed: outbox::failed_count(&mut c).await?,
        recent: audit::recent(&mut c, 10).await?,
    })
}

/// The newest `limit` mails of the outbox.
pub async fn outbox(ctx: Ctx<'_>, limit: i64) -> StoreResult<Vec<OutboxRow>> {
    let mut c = ctx.db.acquire().await?;
    outbox::recent(&mut c, limit).await
}

/// Partners matching `query` (name or slug), of `kind` and in `state` when given.
pub async fn partners(
    ctx: Ctx<'_>,
    query: &str,
    kind: Option<PartnerKind>,
    state: Option<PartnerState>,
    limit: i64,
) -> StoreResult<Vec<Partner>> {
    let mut c = ctx.db.acquire().await?;
    partners::search(&mut c, query, kind, state, limit).await
}

/// A partner with what its page shows.
pub struct PartnerFile {
    pub partner: Partner,
    pub members: Vec<User>,
    pub keys: Vec<ApiKeyRow>,
    /// The newest 50 customers.
    pub customers: Vec<Customer>,
    pub discounts: Vec<DiscountRow>,
    pub credits: Vec<CreditRow>,
}

pub async fn partner(ctx: Ctx<'_>, partner_id: i64) -> StoreResult<PartnerFile> {
    let mut c = ctx.db.acquire().await?;
    let partner = partners::find_by_id(&mut c, partner_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(PartnerFile {
        members: users::list_by_partner(&mut c, partner_id).await?,
        keys: api_keys::list(&mut c, partner_id).await?,
        customers: customers::page(&mut c, &customers::Matching::all(partner_id), None, 50).await?,
        discounts: grants::discounts(&mut c, partner_id).await?,
        credits: grants::credits(&mut c, partner_id).await?,
        partner,
    })
}

/// The review queue: every pending application, and the 20 newest approved and rejected ones,
/// newest decision first.
pub async fn applications(ctx: Ctx<'_>) -> StoreResult<(Vec<Application>, Vec<Application>)> {
    let mut c = ctx.db.acquire().await?;
    let pending = applications::list(&mut c, ApplicationState::Pending, 200).await?;
    let mut decided = applications::list(&mut c, ApplicationState::Approved, 20).await?;
    decided.extend(applications::list(&mut c, ApplicationState::Rejected, 20).await?);
    decided.sort_by_key(|a| std::cmp::Reverse(a.reviewed_at));
    Ok((pending, decided))
}

pub async fn application(ctx: Ctx<'_>, id: i64) -> StoreResult<Application> {
    let mut c = ctx.db.acquire().await?;
    find_application(&mut c, id).await
}

async fn find_application(c: &mut impl Conn, id: i64) -> StoreResult<Application> {
    applications::find(c, id).await?.ok_or(StoreError::NotFound)
}

/// A logo of application `id`, `light` or `dark`, read on one connection.
pub async fn application_logo(ctx: Ctx<'_>, id: i64, mode: &str) -> StoreResult<LogoRow> {
    let mut c = ctx.db.acquire().await?;
    let app = find_application(&mut c, id).await?;
    let logo_id = match mode {
        "light" => app.logo_light_id,
        "dark" => app.logo_dark_id,
        _ => return Err(StoreError::NotFound),
    };
    logos::find(&mut c, logo_id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A month of the billing page.
pub struct MonthStatus {
    pub month: Month,
    pub closed: bool,
    /// Over, not closed yet.
    pub closable: bool,
    /// Usage rows that arrived after the month closed.
    pub late: i64,
    /// What was used, by how many partners' customers.
    pub usage: usage::MonthUsage,
    /// What the closed bills came to; `None` until the month is closed, since discounts and
    /// credits are worked out for every partner when it closes.
    pub billed: Option<Totals>,
}

/// The window's months, oldest first, with whether each is closed and its late usage.
pub async fn months(ctx: Ctx<'_>) -> StoreResult<Vec<MonthStatus>> {
    let current = Month::of(ctx.now.date_naive());
    let mut c = ctx.db.acquire().await?;
    let closed_months = closed::closed_months(&mut c).await?;
    let window = Month::window(current);
    let oldest = window.iter().min().copied().unwrap_or(current);
    let (first, last) = (oldest.to_string(), current.to_string());
    let used = usage::month_totals(&mut c, &first, &last).await?;
    let billed = closed::month_totals(&mut c).await?;
    let mut months = Vec::new();
    for m in window {
        let key = m.to_string();
        let is_closed = closed_months.contains(&key);
        let late = if is_closed {
            usage::late_count(&mut c, m.first_day(), m.last_day()).await?
        } else {
            0
        };
        months.push(MonthStatus {
            month: m,
            closed: is_closed,
            closable: !is_closed && m < current,
            late,
            usage: used
                .iter()
                .find(|u| u.month == key)
                .cloned()
                .unwrap_or_default(),
            billed: billed
                .iter()
                .find(|b| b.0 == key)
                .map(|&(_, usage, discounts, credits)| Totals {
                    usage,
                    discounts,
                    credits,
                    owed: usage - discounts - credits,
                }),
        });
    }
    Ok(months)
}
