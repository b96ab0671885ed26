//! Billing pages: the partner's monthly bill (overview, by service, by customer, CSV), credits,
//! discounts, and the month-to-date chart data for the dashboard.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::bill_view::{MonthQuery, Row, chosen_month};
use crate::app::grants::{self as app_grants, CreditLeft};
use crate::billing::bill::Totals;
use crate::billing::grants::CreditStatus;
use crate::billing::month::Month;
use crate::billing::resale::Resale;
use crate::domain::Action;
use crate::store::grants::DiscountRow;
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::Member;
use crate::web::page::{Page, PageCtx, render, render_status};
use crate::web::routes;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        routes::within(routes::CONSOLE, routes::CONSOLE_BILLING),
        web::get().to(page),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_BILLING_CSV),
        web::get().to(super::bill_csv::csv),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_BILLING_FOCUS),
        web::get().to(super::bill_csv::focus),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_CREDITS),
        web::get().to(credits),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_DISCOUNTS),
        web::get().to(discounts),
    );
}

#[derive(Template)]
#[template(path = "console/billing/bill.html")]
struct BillingPage {
    ctx: PageCtx,
    months: Vec<Month>,
    month: Month,
    estimate: bool,
    overview: Totals,
    services: Vec<Row>,
    customers: Vec<Row>,
    error: Option<String>,
    can_export: bool,
    /// The whole bill's customer price and margin: a reseller's, or an MSP's with price plans
    /// (a month that is not closed); `None` otherwise.
    resale: Option<Resale>,
}

async fn page(
    m: Member,
    Page { ctx, state, .. }: Page,
    q: web::Query<MonthQuery>,
) -> Result<HttpResponse, AppError> {
    let today = state.now().date_naive();
    let (month, error, status) = match chosen_month(&q, today) {
        Ok(month) => (month, None, StatusCode::OK),
        Err(key) => (Month::of(today), Some(ctx.t(key)), StatusCode::BAD_REQUEST),
    };
    let bill = crate::app::bills::summary(state.app(), m.partner_id, month).await?;
    let priced = m.user.is_reseller() || bill.plans;
    let services = bill
        .services
        .into_iter()
        .map(|(s, t)| Row {
            label: s,
            href: None,
            t,
            resale: None,
        })
        .collect();
    let customers = bill
        .customers
        .into_iter()
        .map(|c| Row {
            label: c
                .info
                .as_ref()
                .map(|i| i.name.clone())
                .unwrap_or_else(|| c.customer_id.to_string()),
            href: c
                .info
                .map(|i| format!("{}?month={month}", routes::console_customer(&i.org_id))),
            t: c.totals,
            resale: priced.then_some(c.resale),
        })
        .collect();
    let page = BillingPage {
        months: Month::window(Month::of(today)),
        month,
        estimate: bill.estimate,
        overview: bill.overview,
        services,
        customers,
        error,
        can_export: m.user.can(Action::ExportBills),
        resale: priced.then_some(bill.resale),
        ctx,
    };
    Ok(render_status(status, &page))
}

#[derive(Template)]
#[template(path = "console/billing/credits.html")]
struct CreditsPage {
    ctx: PageCtx,
    credits: Vec<CreditLeft>,
    today: chrono::NaiveDate,
}

impl CreditsPage {
    /// The credit's status today, by what the months that are over left of it (the running
    /// month is an estimate): its badge class and its label.
    fn status(&self, c: &CreditLeft) -> (&'static str, String) {
        let k = &c.credit;
        let s = CreditStatus::of(k.effective_on, k.expires_on, c.left, self.today).as_str();
        (s, self.ctx.t(&format!("credit-status-{s}")))
    }
}

async fn credits(m: Member, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let today = state.now().date_naive();
    let credits = app_grants::credits_left(state.app(), &m.actor).await?;
    render(&CreditsPage {
        ctx,
        credits,
        today,
    })
}

#[derive(Template)]
#[template(path = "console/billing/discounts.html")]
struct DiscountsPage {
    ctx: PageCtx,
    discounts: Vec<DiscountRow>,
    current: String,
}

impl DiscountsPage {
    /// Whether the discount applies to the running month.
    fn applies(&self, d: &DiscountRow) -> bool {
        d.start_month.as_str() <= self.current.as_str()
            && d.end_month
                .as_deref()
                .is_none_or(|e| e >= self.current.as_str())
    }
}

async fn discounts(m: Member, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let discounts = app_grants::discounts(state.app(), &m.actor).await?;
    let current = Month::of(state.now().date_naive()).to_string();
    render(&DiscountsPage {
        ctx,
        discounts,
        current,
    })
}
