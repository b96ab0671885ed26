//! The partners' console. Every route here sits behind `require_member` and is scoped by the
//! member's partner.

mod api_keys;
mod bill_view;
mod billing;
mod branding;
pub(crate) mod customers;
pub(crate) mod offers;
mod settings;
mod signup_links;
mod support;
mod team;

use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::page::{Page, PageCtx, render};
use super::routes;
use crate::store::partners::Partner;
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::Member;
use crate::web::guard::require_member;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(routes::CONSOLE)
            .wrap(from_fn(require_member))
            .route(
                routes::within(routes::CONSOLE, routes::CONSOLE),
                web::get().to(dashboard),
            )
            .configure(branding::configure)
            .configure(api_keys::configure)
            .configure(billing::configure)
            .configure(customers::configure)
            .configure(offers::configure)
            .configure(signup_links::configure)
            .configure(support::configure)
            .configure(team::configure)
            .configure(settings::configure)
            .route(
                routes::within(routes::CONSOLE, routes::CONSOLE_AUDIT),
                web::get().to(crate::web::audit_log::console_page),
            )
            .route(
                routes::within(routes::CONSOLE, routes::CONSOLE_AUDIT_CSV),
                web::get().to(crate::web::audit_log::console_csv),
            ),
    );
}

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
}

impl Dashboard {
    fn states(&self) -> &'static [crate::domain::CustomerState] {
        crate::domain::CustomerState::ALL
    }

    fn count(&self, state: &str) -> i64 {
        self.by_state
            .iter()
            .find(|(s, _)| s.as_str() == state)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }
}

async fn dashboard(
    member: Member,
    Page { ctx, state, .. }: Page,
) -> Result<HttpResponse, AppError> {
    let partner = crate::app::partners::own(state.app(), &member.actor).await?;
    let role = member.user.role.map_or(String::new(), |r| r.to_string());
    let (by_state, recent) =
        crate::app::customer_reads::overview(state.app(), &member.actor, 5).await?;
    let today = state.now().date_naive();
    let current = crate::billing::month::Month::of(today);
    // One replay of the credits for the whole chart, not one per month.
    let points: Vec<(String, i64, bool)> =
        crate::app::bills::window_totals(&state.db, member.partner_id, today)
            .await?
            .into_iter()
            .map(|(m, t)| (m.to_string(), t.owed, m == current))
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
    })
}
