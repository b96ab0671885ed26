//! The audit log's pages (issue 15): operators' `/admin/audit` over every partner, and a
//! partner's `/console/audit` for its owners and admins, with the same filters (partner for
//! operators, actor, action, days), keyset paging newest first and a formula-safe CSV.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde::Deserialize;

use crate::app::Actor;
use crate::app::audit;
use crate::state::AppState;
use crate::store::audit::{AuditFilter, AuditRow};
use crate::store::partners::Partner;
use crate::web::error::AppError;
use crate::web::guard::{Member, Operator};
use crate::web::page::{Page, PageCtx, render};
use crate::web::routes;

const PAGE_SIZE: i64 = 100;
/// The most rows one CSV holds; narrow the filters for more.
const MAX_CSV_ROWS: usize = 100_000;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    partner: String,
    actor: String,
    action: String,
    from: String,
    to: String,
    before: Option<i64>,
}

fn day_start(s: &str) -> Option<DateTime<Utc>> {
    crate::billing::month::parse_day(s).map(|d| d.and_time(NaiveTime::MIN).and_utc())
}

impl AuditQuery {
    fn filter(&self) -> AuditFilter<'_> {
        AuditFilter {
            partner_id: self.partner.trim().parse().ok(),
            actor: &self.actor,
            action: &self.action,
            from: day_start(&self.from),
            // The "to" day is included.
            until: day_start(&self.to).map(|d| d + Duration::days(1)),
        }
    }

    /// The query string of these filters (without paging), for links.
    pub fn query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("partner", &self.partner)
            .append_pair("actor", &self.actor)
            .append_pair("action", &self.action)
            .append_pair("from", &self.from)
            .append_pair("to", &self.to);
        s.finish()
    }
}

#[derive(Template)]
#[template(path = "audit_log.html")]
struct AuditLogPage {
    ctx: PageCtx,
    f: AuditQuery,
    recent: Vec<AuditRow>,
    next: Option<i64>,
    /// Operators filter by partner too.
    partners: Option<Vec<Partner>>,
    here: &'static str,
    csv: &'static str,
}

async fn show(
    state: &AppState,
    actor: &Actor,
    ctx: PageCtx,
    f: AuditQuery,
    operator: bool,
) -> Result<HttpResponse, AppError> {
    let mut recent = audit::page(state.app(), actor, f.filter(), f.before, PAGE_SIZE + 1).await?;
    let next = (recent.len() as i64 > PAGE_SIZE).then(|| {
        recent.truncate(PAGE_SIZE as usize);
        recent.last().map(|r| r.event_id).unwrap_or_default()
    });
    let partners = if operator {
        Some(crate::app::operator_reads::partners(state.app(), "", None, None, 1_000).await?)
    } else {
        None
    };
    let (here, csv) = if operator {
        (routes::ADMIN_AUDIT, routes::ADMIN_AUDIT_CSV)
    } else {
        (routes::CONSOLE_AUDIT, routes::CONSOLE_AUDIT_CSV)
    };
    render(&AuditLogPage {
        ctx,
        f,
        recent,
        next,
        partners,
        here,
        csv,
    })
}

/// The log as CSV, newest first, a page of the store at a time as the client reads it (up to
/// [`MAX_CSV_ROWS`]). The first page is read before answering, so that a refusal is still an
/// error page.
async fn csv(
    state: web::Data<AppState>,
    actor: Actor,
    f: AuditQuery,
) -> Result<HttpResponse, AppError> {
    const PAGE: i64 = 1_000;
    let first = audit::page(state.app(), &actor, f.filter(), f.before, PAGE).await?;
    let mut read = 0;
    let next = move |page: &[AuditRow]| {
        read += page.len();
        let last = page.last().map(|r| r.event_id)?;
        if page.len() as i64 != PAGE || read >= MAX_CSV_ROWS {
            return None;
        }
        let (state, actor, f) = (state.clone(), actor.clone(), f.clone());
        Some(async move {
            Ok::<_, AppError>(audit::page(state.app(), &actor, f.filter(), Some(last), PAGE).await?)
        })
    };
    let pages = crate::web::csv::paged(first, next, audit_row);
    Ok(crate::web::csv::streamed(
        "audit-log.csv",
        &["time", "actor", "partner", "action", "detail", "address"],
        pages,
    ))
}

fn audit_row(r: &AuditRow) -> Vec<String> {
    vec![
        r.at.format("%Y-%m-%d %H:%M:%S").to_string(),
        r.actor_email.clone().unwrap_or_default(),
        r.partner_name.clone().unwrap_or_default(),
        r.action.clone(),
        r.detail.clone(),
        r.address.clone(),
    ]
}

pub async fn admin_page(
    op: Operator,
    Page { ctx, state, .. }: Page,
    f: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    show(&state, &op.actor, ctx, f.into_inner(), true).await
}

pub async fn admin_csv(
    op: Operator,
    state: web::Data<AppState>,
    f: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    csv(state, op.actor, f.into_inner()).await
}

pub async fn console_page(
    m: Member,
    Page { ctx, state, .. }: Page,
    f: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    show(&state, &m.actor, ctx, f.into_inner(), false).await
}

pub async fn console_csv(
    m: Member,
    state: web::Data<AppState>,
    f: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    csv(state, m.actor, f.into_inner()).await
}
