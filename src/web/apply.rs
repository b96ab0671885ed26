//! The public "Become a partner" form (SPEC 2.1).

use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::multipart::FormParts;
use super::page::{FormErrors, PageCtx, redirect, render, render_status};
use super::{client_addr, routes};
use crate::app::applications::{self, Submission, Submitted};
use crate::app::logos::LogoField;
use crate::domain::{Email, MAX_LOGO_BYTES, PartnerKind};
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::session::{self, FlashLevel};

/// The honeypot: hidden from people by CSS, filled in by form-filling bots.
const HONEYPOT: &str = "fax_number";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(routes::APPLY, web::get().to(form))
        .route(routes::APPLY, web::post().to(submit))
        .route(routes::APPLY_RECEIVED, web::get().to(received));
}

#[derive(Debug, Default, Clone)]
pub struct ApplyValues {
    pub kind: String,
    pub company_name: String,
    pub contact_email: String,
    pub website_url: String,
    pub message: String,
    pub logo_light_key: String,
    pub logo_dark_key: String,
}

#[derive(Template)]
#[template(path = "apply/form.html")]
struct ApplyPage {
    ctx: PageCtx,
    v: ApplyValues,
    errors: FormErrors,
    /// Why nothing was looked at (too many applications from one address).
    refusal: Option<String>,
    honeypot: &'static str,
}

/// The form's fields in their order, for the summary of its errors.
const FIELDS: &[&str] = &[
    "kind",
    "company_name",
    "contact_email",
    "website_url",
    "logo_light",
    "logo_dark",
    "message",
];

impl ApplyPage {
    fn logo_preview(&self, key: &str) -> String {
        routes::uploaded_logo(key)
    }
}

async fn form(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    let v = ApplyValues {
        kind: PartnerKind::Msp.as_str().into(),
        ..Default::default()
    };
    render(&ApplyPage {
        ctx,
        v,
        errors: FormErrors::new(),
        refusal: None,
        honeypot: HONEYPOT,
    })
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    sess: Session,
    ctx: PageCtx,
    mp: Multipart,
) -> Result<HttpResponse, AppError> {
    let parts = FormParts::read(mp, MAX_LOGO_BYTES).await?;
    let addr = client_addr(&req, &state.settings);
    let mut v = ApplyValues {
        kind: parts.text("kind"),
        company_name: parts.text("company_name").trim().to_string(),
        contact_email: parts.text("contact_email").trim().to_string(),
        website_url: parts.text("website_url").trim().to_string(),
        message: parts.text("message").trim().to_string(),
        logo_light_key: parts.text("logo_light_key"),
        logo_dark_key: parts.text("logo_dark_key"),
    };
    // A bot filled the hidden field: answer as if all went well, keep nothing.
    if !parts.text(HONEYPOT).is_empty() {
        return Ok(redirect(routes::APPLY_RECEIVED));
    }
    let mut errors = FormErrors::new();
    let kind = PartnerKind::parse(&v.kind)
        .map_err(|e| errors.insert("kind", ctx.t(e.key)))
        .ok();
    let n = v.company_name.chars().count();
    if !(2..=100).contains(&n) {
        errors.insert("company_name", ctx.t("error-company-name"));
    }
    let email = Email::parse(&v.contact_email)
        .map_err(|e| errors.insert("contact_email", ctx.t(e.key)))
        .ok();
    if let Err(key) = check_website(&v.website_url) {
        errors.insert("website_url", ctx.t(key));
    }
    if v.message.chars().count() > 2000 {
        errors.insert("message", ctx.t("error-message-long"));
    }
    let (light, dark) = (parts.file("logo_light"), parts.file("logo_dark"));
    let submission = Submission {
        kind,
        email: email.as_ref(),
        company_name: &v.company_name,
        website_url: &v.website_url,
        message: &v.message,
        fields_ok: errors.is_empty(),
        logos: [(&light, &v.logo_light_key), (&dark, &v.logo_dark_key)],
        address: &addr,
    };
    let (logos, received) = match applications::submit(state.app(), submission, &ctx.i18n).await? {
        Submitted::Throttled => {
            let refusal = Some(ctx.t("error-apply-throttled"));
            return Ok(render_status(
                StatusCode::TOO_MANY_REQUESTS,
                &ApplyPage {
                    ctx,
                    v,
                    errors: FormErrors::new(),
                    refusal,
                    honeypot: HONEYPOT,
                },
            ));
        }
        Submitted::Refused { logos } => (logos, false),
        Submitted::Received { logos } => (logos, true),
    };
    let mut warnings = Vec::new();
    let fields = [
        ("logo_light", "field-logo-light"),
        ("logo_dark", "field-logo-dark"),
    ];
    for (i, (logo, (field, label))) in logos.into_iter().zip(fields).enumerate() {
        let key = if i == 0 {
            &mut v.logo_light_key
        } else {
            &mut v.logo_dark_key
        };
        match logo {
            LogoField::Stored {
                upload_key,
                warning,
                ..
            } => {
                *key = upload_key;
                if let Some(w) = warning {
                    warnings.push(format!("{} {}", ctx.t(label), ctx.t(w)));
                }
            }
            LogoField::Refused(why) => {
                key.clear();
                errors.insert(field, ctx.t(why));
            }
        }
    }
    if !received {
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ApplyPage {
                ctx,
                v,
                errors: errors.in_order(FIELDS),
                refusal: None,
                honeypot: HONEYPOT,
            },
        ));
    }
    for w in warnings {
        session::flash(&sess, FlashLevel::Info, w);
    }
    Ok(redirect(routes::APPLY_RECEIVED))
}

fn check_website(raw: &str) -> Result<(), &'static str> {
    crate::domain::check_website(raw).map_err(|e| e.key)
}

#[derive(Template)]
#[template(path = "apply/received.html")]
struct Received {
    ctx: PageCtx,
}

async fn received(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    render(&Received { ctx })
}

#[cfg(test)]
mod tests {
    use super::check_website;

    #[test]
    fn websites_must_be_http_or_https_with_a_host() {
        assert!(check_website("https://acme.example").is_ok());
        assert!(check_website("http://acme.example/partners").is_ok());
        for bad in [
            "",
            "acme.example",
            "javascript:alert(1)",
            "ftp://acme.example",
            "https://localhost",
            "data:text/html,x",
        ] {
            assert!(check_website(bad).is_err(), "{bad}");
        }
    }
}
