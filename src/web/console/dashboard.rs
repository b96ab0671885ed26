//! A partner's start page: its customers by state, the newest, and what each month of the window
//! owes.

use actix_web::HttpResponse;
use askama::Template;

use crate::store::partners::Partner;
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::Member;
use crate::web::page::{Page, PageCtx, render};

#[derive(Template)]
#[template(path = "console/dashboard.html")]
struct Dashboard {
    ctx: PageCtx,
    partner: Partner,
    role: String,
    by_state: Vec<(crate::domain::CustomerState, i64)>,
    recent: Vec<crate::store::customers::Customer>,
    month_to_date: i64,
    chart: crate::web::chart::Chart,
    steps: crate::app::partners::FirstSteps,
    can_manage_keys: bool,
}

impl Dashboard {
    /// Every state with its number of customers, in the states' order.
    fn counts(&self) -> Vec<(crate::domain::CustomerState, i64)> {
        crate::domain::CustomerState::ALL
            .iter()
            .map(|s| (*s, self.count(*s)))
            .collect()
    }

    fn count(&self, state: crate::domain::CustomerState) -> i64 {
        self.by_state
            .iter()
            .find(|(s, _)| *s == state)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }

    fn active(&self) -> i64 {
        self.count(crate::domain::CustomerState::Active)
    }
}

pub(super) async fn dashboard(
    member: Member,
    Page { ctx, state, .. }: Page,
) -> Result<HttpResponse, AppError> {
    let partner = crate::app::partners::own(state.app(), &member.actor).await?;
    let steps = crate::app::partners::first_steps(state.app(), &partner).await?;
    let role = member.user.role.map_or(String::new(), |r| r.to_string());
    let (by_state, recent) =
        crate::app::customer_reads::overview(state.app(), &member.actor, 5).await?;
    let today = state.now().date_naive();
    let current = crate::billing::month::Month::of(today);
    // One replay of the credits for the whole chart, not one per month.
    let points: Vec<(String, i64, bool)> =
        crate::app::bills::window_totals(state.app(), member.partner_id)
            .await?
            .into_iter()
            .map(|(m, t)| (ctx.month(m), t.owed, m == current))
            .collect();
    let month_to_date = points.last().map(|p| p.1).unwrap_or(0);
    let chart = crate::web::chart::bars(&points);
    render(&Dashboard {
        ctx,
        partner,
        role,
        by_state,
        recent,
        month_to_date,
        chart,
        steps,
        can_manage_keys: member.user.can(crate::domain::Action::ManageApiKeys),
    })
}
