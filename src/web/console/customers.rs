//! Customers: a searchable, filterable list with keyset paging (fast at 100 000 customers), a
//! customer's page, marking a customer expired, and a CSV export of the list as filtered.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::bill_view::{MonthQuery, Row, chosen_month};
use crate::app::customer_reads::{self as reads, Filter, From};
use crate::billing::bill::Totals;
use crate::billing::month::Month;
use crate::domain::{Action, CustomerState};
use crate::state::AppState;
use crate::store::customers::Customer;
use crate::web::confirm::{Confirmation, Question, ask};
use crate::web::csv;
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::{Manager, Member};
use crate::web::page::{Page, PageCtx, redirect_with, render};
use crate::web::routes;
use crate::web::session::FlashLevel;

const PAGE_SIZE: i64 = 50;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        routes::within(routes::CONSOLE, routes::CONSOLE_CUSTOMERS),
        web::get().to(list),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_CUSTOMERS_CSV),
        web::get().to(export),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_CUSTOMER),
        web::get().to(detail),
    )
    .route(
        routes::within(routes::CONSOLE, routes::CONSOLE_CUSTOMER_EXPIRE),
        web::post().to(expire),
    );
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct Filters {
    q: String,
    state: String,
    /// Older than this customer (the "Next page").
    before: Option<i64>,
    /// Newer than this customer (the "Previous page").
    after: Option<i64>,
    /// The oldest customers (the "Last page").
    last: Option<String>,
    /// Those who came through this signup link (its id).
    link: String,
    /// `usage`: by the running month's usage, highest first; otherwise newest first.
    sort: String,
    /// The page, from 1, in the usage order.
    page: String,
}

impl Filters {
    fn filter(&self) -> Filter<'_> {
        Filter {
            query: &self.q,
            state: CustomerState::parse(&self.state),
            link: self.link(),
        }
    }

    fn link(&self) -> Option<i64> {
        self.link.trim().parse().ok()
    }

    fn by_usage(&self) -> bool {
        self.sort == "usage"
    }

    /// The query string of these filters (without paging), for links.
    fn query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("q", &self.q)
            .append_pair("state", &self.state);
        if let Some(link) = self.link() {
            s.append_pair("link", &link.to_string());
        }
        if self.by_usage() {
            s.append_pair("sort", "usage");
        }
        s.finish()
    }

    /// The same filters without the signup link.
    fn query_all_links(&self) -> String {
        let f = Filters {
            link: String::new(),
            ..self.clone()
        };
        f.query()
    }

    /// The same filters in the other order, from its first page.
    fn query_sorted(&self, by_usage: bool) -> String {
        let f = Filters {
            sort: if by_usage {
                "usage".into()
            } else {
                String::new()
            },
            ..self.clone()
        };
        f.query()
    }
}

impl ListPage {
    fn pages(&self) -> i64 {
        (self.total + PAGE_SIZE - 1) / PAGE_SIZE
    }

    /// The page shown, from 1.
    fn page_no(&self) -> i64 {
        (self.first - 1).max(0) / PAGE_SIZE + 1
    }

    /// The running month's usage of a customer shown.
    fn usage_of(&self, c: &Customer) -> i64 {
        self.usage.get(&c.customer_id).copied().unwrap_or(0)
    }

    /// "51–55 of 55, page 2 of 2", in the page's language.
    fn range(&self) -> String {
        let last = self.first + self.customers.len() as i64 - 1;
        let (pages, page) = (self.pages(), self.page_no());
        self.ctx.t_args(
            "customers-range",
            &[
                ("first", &self.first.to_string()),
                ("last", &last.to_string()),
                ("total", &self.total.to_string()),
                ("page", &page.to_string()),
                ("pages", &pages.to_string()),
            ],
        )
    }
}

#[derive(Template)]
#[template(path = "console/customers/list.html")]
struct ListPage {
    ctx: PageCtx,
    f: Filters,
    customers: Vec<Customer>,
    /// How many customers the filters match, and the place of the first one shown.
    total: i64,
    first: i64,
    /// The newest customer shown, when newer ones exist.
    newer: Option<i64>,
    /// The oldest customer shown, when older ones exist.
    next: Option<i64>,
    can_export: bool,
    states: &'static [CustomerState],
    /// The running month's usage of the customers shown, by customer id.
    usage: std::collections::HashMap<i64, i64>,
    month: Month,
    /// The signup link the list is narrowed to, by its label.
    link_label: Option<String>,
    /// An MSP's customers' plans and what they pay this month so far, by customer id.
    prices: Option<std::collections::HashMap<i64, (String, i64)>>,
}

async fn list(
    m: Member,
    Page { ctx, state, .. }: Page,
    f: web::Query<Filters>,
) -> Result<HttpResponse, AppError> {
    let f = f.into_inner();
    let from = match (f.by_usage(), f.last.is_some(), f.after, f.before) {
        (true, ..) => From::ByUsage(f.page.trim().parse().unwrap_or(1)),
        (false, true, _, _) => From::Oldest,
        (false, false, Some(after), _) => From::After(after),
        (false, false, None, Some(before)) => From::Before(before),
        (false, false, None, None) => From::Newest,
    };
    let pager = reads::page(state.app(), &m.actor, f.filter(), from, PAGE_SIZE).await?;
    let (customers, newer, next) = (pager.rows, pager.newer, pager.older);
    let ids: Vec<i64> = customers.iter().map(|c| c.customer_id).collect();
    let prices = crate::app::price_plans::month_prices(state.app(), &m.actor, &ids).await?;
    let (total, first) = (pager.total, pager.first);
    let can_export = m.user.can(Action::ExportCustomers);
    let link_label = match f.link() {
        Some(id) => Some(
            crate::app::signup_links::find(state.app(), &m.actor, id)
                .await?
                .label,
        ),
        None => None,
    };
    render(&ListPage {
        ctx,
        f,
        customers,
        total,
        first,
        newer,
        next,
        can_export,
        states: CustomerState::ALL,
        usage: pager.usage,
        month: Month::of(state.now().date_naive()),
        link_label,
        prices,
    })
}

/// The list as filtered, every page, as CSV. Viewers may not export personal data.
async fn export(
    m: Member,
    state: web::Data<AppState>,
    f: web::Query<Filters>,
) -> Result<HttpResponse, AppError> {
    let f = f.into_inner();
    let first = reads::export_page(state.app(), &m.actor, f.filter(), None).await?;
    let actor = m.actor;
    let next = move |page: &[Customer]| {
        let last = page.last().map(|c| c.customer_id)?;
        if page.len() as i64 != reads::EXPORT_PAGE {
            return None;
        }
        let (state, actor, f) = (state.clone(), actor.clone(), f.clone());
        Some(async move {
            Ok::<_, AppError>(
                reads::export_page(state.app(), &actor, f.filter(), Some(last)).await?,
            )
        })
    };
    Ok(csv::streamed(
        "customers.csv",
        &[
            "org_id",
            "org_name",
            "email",
            "state",
            "created_at",
            "effected_time",
            "expired_time",
        ],
        csv::paged(first, next, export_row),
    ))
}

fn export_row(r: &Customer) -> Vec<String> {
    let fmt = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default()
    };
    vec![
        r.org_id.clone(),
        r.org_name.clone(),
        r.email.clone(),
        r.state.to_string(),
        fmt(Some(r.created_at)),
        fmt(r.effected_at),
        fmt(r.expired_at),
    ]
}

#[derive(Template)]
#[template(path = "console/customers/detail.html")]
struct DetailPage {
    ctx: PageCtx,
    cust: Customer,
    can_expire: bool,
    months: Vec<Month>,
    month: Month,
    overview: Totals,
    services: Vec<Row>,
    projects: Vec<Row>,
    clusters: Vec<Row>,
    estimate: bool,
    can_export: bool,
    /// What the customer pays for the month and the margin on it: a reseller's customer, or an
    /// MSP's priced by a plan.
    resale: Option<crate::billing::resale::Resale>,
    agreements: Vec<crate::store::agreements::AgreementRow>,
    /// An MSP's plans, and the customer's own (`None`: the default); no plans for a reseller.
    plans: Vec<crate::store::price_plans::PricePlan>,
    can_set_plan: bool,
    can_set_invoice_language: bool,
    languages: &'static [(&'static str, &'static str)],
}

impl DetailPage {
    /// The bill's breakdowns by service and by project, titled.
    fn tables(&self) -> [(String, &Vec<Row>); 2] {
        [
            (self.ctx.t("bill-by-service"), &self.services),
            (self.ctx.t("bill-by-project"), &self.projects),
        ]
    }

    /// Where the month's bill of this customer downloads as CSV.
    fn csv_href(&self) -> String {
        format!(
            "{}?month={}&org_id={}",
            routes::CONSOLE_BILLING_CSV,
            self.month,
            self.cust.org_id
        )
    }

    /// Whether the customer is priced with `p` (its own plan, or the default).
    fn is_on(&self, p: &crate::store::price_plans::PricePlan) -> bool {
        match self.cust.price_plan_id {
            Some(id) => id == p.plan_id,
            None => p.is_default,
        }
    }

    fn state_label(&self) -> String {
        self.ctx.t(&format!("customer-state-{}", self.cust.state))
    }
}

async fn detail(
    m: Member,
    Page { ctx, state, .. }: Page,
    org_id: web::Path<String>,
    q: web::Query<MonthQuery>,
) -> Result<HttpResponse, AppError> {
    let (c, agreements) = reads::one(state.app(), &m.actor, &org_id).await?;
    let plans = if m.user.is_reseller() {
        Vec::new()
    } else {
        crate::app::price_plans::list(state.app(), &m.actor).await?
    };
    let can_expire = m.user.is_manager() && c.state == CustomerState::Active;
    let today = state.now().date_naive();
    let month = chosen_month(&q, today).unwrap_or(Month::of(today));
    let bill = crate::app::bills::partner_bill(state.app(), m.partner_id, month)
        .await?
        .for_customer(c.customer_id);
    let named = |label: String| {
        if label.is_empty() {
            "—".into()
        } else {
            label
        }
    };
    let rows = |map: std::collections::BTreeMap<String, Totals>| {
        map.into_iter()
            .map(|(label, t)| Row {
                label: named(label),
                href: None,
                t,
                resale: None,
            })
            .collect()
    };
    let clusters = bill
        .by_cluster()
        .into_iter()
        .map(|((project, cluster), t)| Row {
            label: format!("{} · {}", named(cluster), named(project)),
            href: None,
            t,
            resale: None,
        })
        .collect();
    render(&DetailPage {
        ctx,
        can_expire,
        months: Month::window(Month::of(today)),
        month,
        overview: bill.overview(),
        services: rows(bill.by_service()),
        projects: rows(bill.by_project()),
        clusters,
        estimate: bill.estimate,
        can_export: m.user.can(Action::ExportBills),
        resale: (m.user.is_reseller() || bill.plans.is_some()).then(|| bill.resale()),
        agreements,
        plans,
        can_set_plan: m.user.can(Action::ManagePlans),
        can_set_invoice_language: m.user.can(Action::ManageInvoices),
        languages: crate::i18n::LANGUAGES,
        cust: c,
    })
}

/// Marks an active customer expired at the end of its contract.
async fn expire(
    m: Manager,
    Page { ctx, sess, state }: Page,
    org_id: web::Path<String>,
    confirmation: Confirmation,
) -> Result<HttpResponse, AppError> {
    if !confirmation.given() {
        let (c, _) = reads::one(state.app(), &m.actor, &org_id).await?;
        let org = [("org", c.org_name.as_str())];
        let q = Question {
            title: ctx.t_args("confirm-expire-title", &org),
            text: ctx.t_args("confirm-expire-text", &org),
            button: ctx.t("customers-expire"),
            action: routes::console_customer_expire(&c.org_id),
            back: routes::console_customer(&c.org_id),
        };
        return ask(ctx, q);
    }
    let states = (CustomerState::Active, CustomerState::Expired);
    let c =
        crate::app::customers::change_state(state.app(), &m.actor, m.partner_id, &org_id, states)
            .await?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t_args("flash-customer-expired", &[("org", &c.org_name)]),
        &routes::console_customer(&c.org_id),
    ))
}
