//! A partner's statements (issue 24), resellers and MSPs alike: the closed months with what
//! each came to, a statement's page (the document, print-friendly), its PDF and its CSV.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::app::statements::{self, Statement};
use crate::billing::bill::Totals;
use crate::billing::money::Cents;
use crate::billing::month::Month;
use crate::documents::Document;
use crate::store::statements::StatementRow;
use crate::web::csv;
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::Member;
use crate::web::page::{Page, PageCtx, render};
use crate::web::routes;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let at = |path| routes::within(routes::CONSOLE, path);
    cfg.route(at(routes::CONSOLE_STATEMENTS), web::get().to(list))
        .route(at(routes::CONSOLE_STATEMENT), web::get().to(detail))
        .route(at(routes::CONSOLE_STATEMENT_PDF), web::get().to(pdf))
        .route(at(routes::CONSOLE_STATEMENT_CSV), web::get().to(csv));
}

#[derive(Template)]
#[template(path = "console/statements/list.html")]
struct ListPage {
    ctx: PageCtx,
    statements: Vec<(StatementRow, Totals)>,
}

async fn list(m: Member, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let statements = statements::list(state.app(), &m.actor).await?;
    render(&ListPage { ctx, statements })
}

fn month_of(raw: &str) -> Result<Month, AppError> {
    Month::parse(raw).ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "console/statements/detail.html")]
struct DetailPage {
    ctx: PageCtx,
    month: String,
    doc: Document,
}

impl DetailPage {
    /// Statements carry no logo (the shared document partial asks).
    fn logo_src(&self) -> Option<String> {
        None
    }
}

async fn detail(
    m: Member,
    Page { ctx, state, .. }: Page,
    month: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let s = statements::find(state.app(), &m.actor, month_of(&month)?).await?;
    let doc = s.document(&ctx.i18n, &state.settings.vendor_name);
    render(&DetailPage {
        ctx,
        month: month.into_inner(),
        doc,
    })
}

async fn pdf(
    m: Member,
    Page { ctx, state, .. }: Page,
    month: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let t = ctx.i18n.clone();
    let vendor = &state.settings.vendor_name;
    let bytes = statements::pdf(state.app(), &m.actor, month_of(&month)?, t, vendor).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("inline; filename=\"statement-{}.pdf\"", month.as_str()),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}

/// The statement for the partner's accounting: one row a customer, then the total.
async fn csv(
    m: Member,
    Page { state, .. }: Page,
    month: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let s: Statement = statements::find(state.app(), &m.actor, month_of(&month)?).await?;
    let header = [
        "statement_number",
        "billed_month",
        "org_id",
        "org_name",
        "usage_usd",
        "discounts_usd_subtracted",
        "credits_usd_subtracted",
        "total_due_usd",
    ];
    let (number, month) = (s.row.number.clone(), s.row.month.clone());
    let name = format!("statement-{month}.csv");
    let row = move |org: String, name: String, t: Totals| {
        vec![
            number.clone(),
            month.clone(),
            org,
            name,
            Cents(t.usage).to_string(),
            Cents(t.discounts).to_string(),
            Cents(t.credits).to_string(),
            Cents(t.owed).to_string(),
        ]
    };
    let total = s.overview;
    let rows = s
        .customers
        .into_iter()
        .map(|(name, org_id, t)| (org_id, name, t))
        .chain(std::iter::once((String::new(), "total".to_string(), total)))
        .map(move |(org, name, t)| row(org, name, t));
    Ok(csv::streamed_rows(&name, &header, rows))
}
