//! An MSP's invoices to its customers (issue 24): a month's list with its register CSV, an
//! invoice's page (the document in its own language, print-friendly), voiding with a reason
//! and issuing the corrected invoice.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::invoices::{self, MonthInvoices, send};
use crate::billing::money::Cents;
use crate::billing::month::Month;
use crate::documents::Document;
use crate::domain::{Action, PartnerKind};
use crate::store::invoices::Invoice;
use crate::web::confirm::{Confirmation, Question, ask};
use crate::web::csv;
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::{Manager, Member, partner_kind};
use crate::web::page::{FormErrors, Page, PageCtx, redirect_with, render, render_status};
use crate::web::routes;
use crate::web::session::FlashLevel;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let msp = || partner_kind(PartnerKind::Msp);
    let at = |path| routes::within(routes::CONSOLE, path);
    cfg.route(
        at(routes::CONSOLE_INVOICES),
        web::get().guard(msp()).to(list),
    )
    .route(
        at(routes::CONSOLE_INVOICES_CSV),
        web::get().guard(msp()).to(register),
    )
    .route(
        at(routes::CONSOLE_INVOICES_SEND),
        web::post().guard(msp()).to(send_all),
    )
    .configure(super::invoice_details::configure)
    .route(
        at(routes::CONSOLE_INVOICE),
        web::get().guard(msp()).to(detail),
    )
    .route(
        at(routes::CONSOLE_INVOICE_PDF),
        web::get().guard(msp()).to(pdf),
    )
    .route(
        at(routes::CONSOLE_INVOICE_VOID),
        web::get().guard(msp()).to(void_page),
    )
    .route(
        at(routes::CONSOLE_INVOICE_VOID),
        web::post().guard(msp()).to(void),
    )
    .route(
        at(routes::CONSOLE_INVOICE_CORRECT),
        web::post().guard(msp()).to(correct),
    )
    .route(
        at(routes::CONSOLE_INVOICE_SEND),
        web::post().guard(msp()).to(send),
    );
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MonthQuery {
    month: String,
}

impl MonthQuery {
    /// The month asked for; `None` for none, a month that cannot be read is a 400.
    fn month(&self) -> Result<Option<Month>, AppError> {
        match self.month.trim() {
            "" => Ok(None),
            m => Month::parse(m).map(Some).ok_or(AppError::BadRequest),
        }
    }
}

#[derive(Template)]
#[template(path = "console/invoices/list.html")]
struct ListPage {
    ctx: PageCtx,
    list: MonthInvoices,
    totals: (i64, i64, i64),
    can_manage: bool,
}

impl ListPage {
    /// The month's invoices in force not sent yet.
    fn unsent(&self) -> usize {
        let unsent = |i: &&Invoice| !i.is_void() && i.sent_at.is_none();
        self.list.invoices.iter().filter(unsent).count()
    }
}

async fn list(
    m: Member,
    Page { ctx, state, .. }: Page,
    q: web::Query<MonthQuery>,
) -> Result<HttpResponse, AppError> {
    let list = invoices::of_month(state.app(), &m.actor, q.month()?).await?;
    let totals = list.totals();
    let can_manage = m.user.can(Action::ManageInvoices);
    render(&ListPage {
        ctx,
        list,
        totals,
        can_manage,
    })
}

/// The month's invoices for the partner's accounting: one row each, void ones included and
/// marked, amounts in US dollars.
async fn register(
    m: Member,
    Page { state, .. }: Page,
    q: web::Query<MonthQuery>,
) -> Result<HttpResponse, AppError> {
    if !m.user.can(Action::ExportBills) {
        return Err(AppError::Forbidden);
    }
    let list = invoices::of_month(state.app(), &m.actor, q.month()?).await?;
    let header = [
        "invoice_number",
        "state",
        "billed_month",
        "issued_on",
        "due_on",
        "org_id",
        "org_name",
        "currency",
        "subtotal",
        "tax_rate_percent",
        "tax",
        "total",
        "void_reason",
    ];
    let month = list.month.unwrap_or_default();
    let rows = list.invoices.into_iter().map(|i| {
        vec![
            i.number,
            i.state,
            i.month,
            i.issued_at.date_naive().to_string(),
            i.due_date.to_string(),
            i.customer_org_id,
            i.customer_name,
            i.currency,
            Cents(i.subtotal).to_string(),
            crate::billing::grants::percent_number(i.tax_rate_bps),
            Cents(i.tax).to_string(),
            Cents(i.total).to_string(),
            i.void_reason.unwrap_or_default(),
        ]
    });
    Ok(csv::streamed_rows(
        &format!("invoices-{month}.csv"),
        &header,
        rows,
    ))
}

#[derive(Template)]
#[template(path = "console/invoices/detail.html")]
struct DetailPage {
    ctx: PageCtx,
    invoice: Invoice,
    doc: Document,
    replaced_by: Option<String>,
    can_manage: bool,
}

impl DetailPage {
    /// The logo the invoice was issued with, as an image the page shows without running it.
    fn logo_src(&self) -> Option<String> {
        use base64::Engine;
        let svg = self.doc.logo_svg.as_ref()?;
        let data = base64::engine::general_purpose::STANDARD.encode(svg);
        Some(format!("data:image/svg+xml;base64,{data}"))
    }
}

async fn detail(
    m: Member,
    Page { ctx, state, .. }: Page,
    number: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let v = invoices::find(state.app(), &m.actor, &number).await?;
    render(&DetailPage {
        doc: v.document(),
        replaced_by: v.replaced_by,
        invoice: v.invoice,
        can_manage: m.user.can(Action::ManageInvoices),
        ctx,
    })
}

/// The invoice as a PDF, shown in the browser and saved under its number.
async fn pdf(
    m: Member,
    Page { state, .. }: Page,
    number: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let bytes = invoices::pdf(state.app(), &m.actor, &number).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{}.pdf\"", number.as_str()),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
struct VoidForm {
    reason: String,
    /// "yes" to issue the corrected invoice in the same step.
    correct: String,
}

impl Default for VoidForm {
    fn default() -> Self {
        VoidForm {
            reason: String::new(),
            correct: "yes".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "console/invoices/void.html")]
struct VoidPage {
    ctx: PageCtx,
    invoice: Invoice,
    form: VoidForm,
    errors: FormErrors,
}

impl VoidPage {
    fn total(&self) -> String {
        format!("${}", Cents(self.invoice.total).grouped())
    }
}

async fn void_page(
    m: Manager,
    Page { ctx, state, .. }: Page,
    number: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let v = invoices::find(state.app(), &m.actor, &number).await?;
    render(&VoidPage {
        ctx,
        invoice: v.invoice,
        form: VoidForm::default(),
        errors: FormErrors::new(),
    })
}

async fn void(
    m: Manager,
    Page { ctx, sess, state }: Page,
    number: web::Path<String>,
    form: web::Form<VoidForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let correct = form.correct == "yes";
    match invoices::void(state.app(), &m.actor, &number, &form.reason, correct).await {
        Ok(corrected) => {
            let (text, to) = match corrected {
                Some(n) => (
                    ctx.t_args(
                        "flash-invoice-corrected",
                        &[("old", number.as_str()), ("new", n.as_str())],
                    ),
                    routes::console_invoice(&n),
                ),
                None => (
                    ctx.t_args("flash-invoice-voided", &[("number", number.as_str())]),
                    routes::console_invoice(number.as_str()),
                ),
            };
            Ok(redirect_with(&sess, FlashLevel::Success, text, &to))
        }
        Err(crate::app::Error::Invalid(bad)) => {
            let errors = ctx.field_errors(&bad);
            let v = invoices::find(state.app(), &m.actor, &number).await?;
            let status = errors.status();
            let page = VoidPage {
                ctx,
                invoice: v.invoice,
                form,
                errors,
            };
            Ok(render_status(status, &page))
        }
        Err(e) => refused(&ctx, &sess, e, number.as_str()),
    }
}

async fn correct(
    m: Manager,
    Page { ctx, sess, state }: Page,
    number: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    match invoices::correct(state.app(), &m.actor, &number).await {
        Ok(n) => {
            let text = ctx.t_args(
                "flash-invoice-corrected",
                &[("old", number.as_str()), ("new", n.as_str())],
            );
            Ok(redirect_with(
                &sess,
                FlashLevel::Success,
                text,
                &routes::console_invoice(&n),
            ))
        }
        Err(e) => refused(&ctx, &sess, e, number.as_str()),
    }
}

/// Sends the invoice to its customer, after asking (a mail cannot be called back).
async fn send(
    m: Manager,
    Page { ctx, sess, state }: Page,
    number: web::Path<String>,
    confirmation: Confirmation,
) -> Result<HttpResponse, AppError> {
    if !confirmation.given() {
        let v = invoices::find(state.app(), &m.actor, &number).await?;
        let args = [
            ("number", number.as_str()),
            ("email", v.invoice.customer_email.as_str()),
        ];
        let q = Question {
            title: ctx.t_args("confirm-send-title", &args),
            text: ctx.t_args("confirm-send-text", &args),
            button: ctx.t("invoices-send"),
            action: routes::console_invoice_send(number.as_str()),
            back: routes::console_invoice(number.as_str()),
        };
        return ask(ctx, q);
    }
    match send::one(state.app(), &m.actor, &number).await {
        Ok(i) => {
            let args = [
                ("number", i.number.as_str()),
                ("email", i.customer_email.as_str()),
            ];
            let text = ctx.t_args("flash-invoice-sent", &args);
            let to = routes::console_invoice(&i.number);
            Ok(redirect_with(&sess, FlashLevel::Success, text, &to))
        }
        Err(e) => refused(&ctx, &sess, e, number.as_str()),
    }
}

/// Sends every invoice of the month (`?month=`) not sent yet, after asking.
async fn send_all(
    m: Manager,
    Page { ctx, sess, state }: Page,
    q: web::Query<MonthQuery>,
    confirmation: Confirmation,
) -> Result<HttpResponse, AppError> {
    let month = q.month()?.ok_or(AppError::BadRequest)?;
    let back = routes::console_invoices_of(month);
    if !confirmation.given() {
        let label = ctx.month(month);
        let args = [("month", label.as_str())];
        let q = Question {
            title: ctx.t_args("confirm-send-all-title", &args),
            text: ctx.t_args("confirm-send-all-text", &args),
            button: ctx.t("invoices-send-all"),
            action: format!("{}?month={month}", routes::CONSOLE_INVOICES_SEND),
            back,
        };
        return ask(ctx, q);
    }
    let n = send::all_unsent(state.app(), &m.actor, month).await?;
    let text = ctx.t_args("flash-invoices-sent", &[("n", &n.to_string())]);
    Ok(redirect_with(&sess, FlashLevel::Success, text, &back))
}

/// A refusal (already void, nothing due) said on the invoice's page; anything else is an error.
fn refused(
    ctx: &PageCtx,
    sess: &actix_session::Session,
    e: crate::app::Error,
    number: &str,
) -> Result<HttpResponse, AppError> {
    match (&e, ctx.refusal(&e)) {
        (crate::app::Error::Conflict(_), Some(text)) => Ok(redirect_with(
            sess,
            FlashLevel::Error,
            text,
            &routes::console_invoice(number),
        )),
        _ => Err(e.into()),
    }
}
