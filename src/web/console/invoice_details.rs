//! An MSP's invoice details (issue 24): the form owners and admins fill in once (legal name,
//! address, registration number, tax, terms, number prefix, footer, language), read by every
//! member; and a customer's own invoice language from its page.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::invoices::settings::{self, DetailsRequest};
use crate::domain::{Action, PartnerKind};
use crate::i18n::LANGUAGES;
use crate::store::invoice_settings::InvoiceSettings;
use crate::web::error::AppError;
use crate::web::guard::{Manager, Member, partner_kind};
use crate::web::page::{FormErrors, Page, PageCtx, redirect_with, render_status};
use crate::web::routes;
use crate::web::session::FlashLevel;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let msp = || partner_kind(PartnerKind::Msp);
    let at = |path| routes::within(routes::CONSOLE, path);
    cfg.route(
        at(routes::CONSOLE_INVOICE_DETAILS),
        web::get().guard(msp()).to(page),
    )
    .route(
        at(routes::CONSOLE_INVOICE_DETAILS),
        web::post().guard(msp()).to(save),
    )
    .route(
        at(routes::CONSOLE_CUSTOMER_INVOICE_LANGUAGE),
        web::post().guard(msp()).to(customer_language),
    );
}

/// The form's values as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct DetailsForm {
    legal_name: String,
    address: String,
    tax_registration: String,
    tax_rate: String,
    payment_terms_days: String,
    number_prefix: String,
    footer: String,
    language: String,
}

impl DetailsForm {
    fn of(s: &InvoiceSettings) -> DetailsForm {
        DetailsForm {
            legal_name: s.legal_name.clone(),
            address: s.address.clone(),
            tax_registration: s.tax_registration.clone(),
            tax_rate: crate::billing::grants::percent_number(s.tax_rate_bps),
            payment_terms_days: s.payment_terms_days.to_string(),
            number_prefix: s.number_prefix.clone(),
            footer: s.footer.clone(),
            language: s.language.clone(),
        }
    }

    fn request(&self) -> DetailsRequest {
        DetailsRequest {
            legal_name: self.legal_name.clone(),
            address: self.address.clone(),
            tax_registration: self.tax_registration.clone(),
            tax_rate: self.tax_rate.clone(),
            payment_terms_days: self.payment_terms_days.clone(),
            number_prefix: self.number_prefix.clone(),
            footer: self.footer.clone(),
            language: self.language.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "console/invoice_details.html")]
struct DetailsPage {
    ctx: PageCtx,
    form: DetailsForm,
    can_edit: bool,
    languages: &'static [(&'static str, &'static str)],
    errors: FormErrors,
}

async fn page(m: Member, Page { ctx, state, .. }: Page) -> Result<HttpResponse, AppError> {
    let s = settings::details(state.app(), &m.actor).await?;
    let page = DetailsPage {
        ctx,
        form: DetailsForm::of(&s),
        can_edit: m.user.can(Action::ManageInvoices),
        languages: LANGUAGES,
        errors: FormErrors::new(),
    };
    Ok(render_status(page.errors.status(), &page))
}

async fn save(
    m: Manager,
    Page { ctx, sess, state }: Page,
    form: web::Form<DetailsForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    match settings::update(state.app(), &m.actor, &form.request()).await {
        Ok(_) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t("flash-invoice-details"),
            routes::CONSOLE_INVOICE_DETAILS,
        )),
        Err(crate::app::Error::Invalid(bad)) => {
            let errors = ctx.field_errors(&bad);
            let page = DetailsPage {
                ctx,
                form,
                can_edit: true,
                languages: LANGUAGES,
                errors,
            };
            Ok(render_status(page.errors.status(), &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LanguageForm {
    invoice_language: String,
}

async fn customer_language(
    m: Manager,
    Page { ctx, sess, state }: Page,
    org_id: web::Path<String>,
    form: web::Form<LanguageForm>,
) -> Result<HttpResponse, AppError> {
    let back = routes::console_customer(org_id.as_str());
    let r = settings::set_customer_language(state.app(), &m.actor, &org_id, &form.invoice_language)
        .await;
    let (level, text) = match r {
        Ok(()) => (FlashLevel::Success, ctx.t("flash-invoice-language")),
        Err(e @ crate::app::Error::Invalid(_)) => {
            (FlashLevel::Error, ctx.refusal(&e).unwrap_or_default())
        }
        Err(e) => return Err(e.into()),
    };
    Ok(redirect_with(&sess, level, text, &back))
}
