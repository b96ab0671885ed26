//! The public, partner-branded customer signup pages (SPEC 2.5).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::logos::{Brand, brand};
use super::page::{FormErrors, Page, PageCtx, render_status};
use super::{client_addr, routes};
use crate::app::Error;
use crate::app::customers::{self as signups, Signup};
use crate::domain::{Email, NewPassword};
use crate::i18n::Message;
use crate::state::AppState;
use crate::store::signup_links::{LinkState, SignupLink};
use crate::web::error::AppError;

const HONEYPOT: &str = "fax_number";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(routes::SIGNUP, web::get().to(form))
        .route(routes::SIGNUP, web::post().to(submit))
        .route(routes::CONFIRM_ORGANIZATION, web::get().to(confirm));
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct SignupForm {
    org_name: String,
    email: String,
    password: String,
    terms: String,
    fax_number: String,
}

#[derive(Template)]
#[template(path = "signup/form.html")]
struct FormPage {
    ctx: PageCtx,
    brand: Brand,
    v: SignupForm,
    errors: FormErrors,
    /// Why nothing was looked at (too many signups from one address).
    refusal: Option<String>,
    honeypot: &'static str,
}

#[derive(Template)]
#[template(path = "signup/message.html")]
struct MessagePage {
    ctx: PageCtx,
    brand: Brand,
    title: String,
    text: String,
    good: bool,
    /// After confirming: where to sign in, and whom to ask.
    next: Option<NextStep>,
}

/// A confirmed customer's next step: sign in to the product with the address it confirmed,
/// and reach its partner for anything about plans and bills.
struct NextStep {
    console_url: String,
    email: String,
}

/// The partner (active) and the link behind a URL; the pages for everything else.
async fn resolve(
    state: &AppState,
    ctx: &PageCtx,
    slug: &str,
    token: &str,
) -> Result<Result<(Brand, SignupLink), HttpResponse>, AppError> {
    let Some((partner, link)) = signups::signup_link(state.app(), slug, token).await? else {
        return Err(AppError::NotFound);
    };
    let brand = brand(state, partner.partner_id).await?;
    let Some(link) = link else {
        return Ok(Err(gone(ctx.clone(), brand, None)));
    };
    match link.state(state.now()) {
        LinkState::Active => Ok(Ok((brand, link))),
        other => {
            let why = Message::new(other.gone_key());
            Ok(Err(gone(ctx.clone(), brand, Some(&why))))
        }
    }
}

/// The branded page for a link that cannot be used: 410 for one that existed, 404 otherwise.
/// The partner's page for a link that cannot be used: `why` says how it ended, `None` for one
/// that never was.
fn gone(ctx: PageCtx, brand: Brand, why: Option<&Message>) -> HttpResponse {
    let (status, title) = match why {
        Some(m) => (StatusCode::GONE, ctx.say(m)),
        None => (StatusCode::NOT_FOUND, ctx.t("signup-link-unknown")),
    };
    let partner = brand.partner.name.clone();
    let text = ctx.t_args("signup-ask-partner", &[("partner", &partner)]);
    message(status, ctx, brand, title, text)
}

/// The partner's page saying `title` and `text`: good news, or (any status but success) why
/// not.
fn message(
    status: StatusCode,
    ctx: PageCtx,
    brand: Brand,
    title: String,
    text: String,
) -> HttpResponse {
    let good = status.is_success();
    render_status(
        status,
        &MessagePage {
            ctx,
            brand,
            title,
            text,
            good,
            next: None,
        },
    )
}

/// The form again with what was written (the password left out) and what is wrong.
fn form_again(
    status: StatusCode,
    ctx: PageCtx,
    brand: Brand,
    mut v: SignupForm,
    errors: FormErrors,
    refusal: Option<String>,
) -> HttpResponse {
    v.password.clear();
    render_status(
        status,
        &FormPage {
            ctx,
            brand,
            v,
            errors: errors.in_order(&["org_name", "email", "password", "terms"]),
            refusal,
            honeypot: HONEYPOT,
        },
    )
}

async fn form(
    Page { ctx, state, .. }: Page,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, token) = path.into_inner();
    match resolve(&state, &ctx, &slug, &token).await? {
        Ok((brand, _)) => Ok(render_status(
            StatusCode::OK,
            &FormPage {
                ctx,
                brand,
                v: SignupForm::default(),
                errors: FormErrors::new(),
                refusal: None,
                honeypot: HONEYPOT,
            },
        )),
        Err(page) => Ok(page),
    }
}

async fn submit(
    req: HttpRequest,
    Page { ctx, state, .. }: Page,
    path: web::Path<(String, String)>,
    form: web::Form<SignupForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, token) = path.into_inner();
    let (brand, link) = match resolve(&state, &ctx, &slug, &token).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let mut v = form.into_inner();
    v.org_name = v.org_name.trim().to_string();
    // A bot filled the hidden field: it sees what a person would, and nothing is kept.
    if !v.fax_number.is_empty() {
        let title = ctx.t("signup-sent-title");
        let text = ctx.t("signup-sent-generic");
        return Ok(message(StatusCode::OK, ctx, brand, title, text));
    }
    let addr = client_addr(&req, &state.settings);
    if !signups::admit_signup(state.app(), &addr).await? {
        let refusal = Some(ctx.t("error-signup-throttled"));
        return Ok(form_again(
            StatusCode::TOO_MANY_REQUESTS,
            ctx,
            brand,
            v,
            FormErrors::new(),
            refusal,
        ));
    }
    let mut errors = FormErrors::new();
    if !(2..=100).contains(&v.org_name.chars().count()) {
        errors.insert("org_name", ctx.t("error-org-name"));
    }
    let email = Email::parse(&v.email)
        .map_err(|e| errors.insert("email", ctx.t(e.key)))
        .ok();
    if let Err(e) = NewPassword::parse(&v.password, email.as_ref()) {
        errors.insert("password", ctx.t(e.key));
    }
    if v.terms != "yes" {
        errors.insert("terms", ctx.t("error-terms"));
    }
    let (Some(email), true) = (email, errors.is_empty()) else {
        return Ok(form_again(
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx,
            brand,
            v,
            errors,
            None,
        ));
    };
    let hash = state.passwords.hash(&v.password).await?;
    let signup = Signup {
        org_name: &v.org_name,
        email: &email,
        password_hash: &hash,
    };
    match signups::sign_up(state.app(), &brand.partner, &link, signup, &ctx.i18n).await {
        Ok(_) => {
            let title = ctx.t("signup-sent-title");
            let text = ctx.t_args("signup-sent-text", &[("email", email.as_str())]);
            Ok(message(StatusCode::OK, ctx, brand, title, text))
        }
        Err(Error::Gone(why)) => Ok(gone(ctx, brand, Some(&why))),
        Err(Error::Invalid(bad)) => {
            for (field, text) in ctx.field_errors(&bad).iter() {
                errors.insert(field, text.clone());
            }
            Ok(form_again(
                StatusCode::UNPROCESSABLE_ENTITY,
                ctx,
                brand,
                v,
                errors,
                None,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn confirm(
    Page { ctx, state, .. }: Page,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let customer_id = signups::confirm(state.app(), &token).await?;
    let customer = signups::find(state.app(), customer_id).await?;
    let brand = brand(&state, customer.partner_id).await?;
    let title = ctx.t("signup-ready-title");
    let text = ctx.t_args(
        "signup-ready-text",
        &[
            ("org", &customer.org_name),
            ("org_id", &customer.org_id),
            ("partner", &brand.partner.name),
        ],
    );
    let next = Some(NextStep {
        console_url: state.settings.vendor_console_url.clone(),
        email: customer.email.clone(),
    });
    Ok(render_status(
        StatusCode::OK,
        &MessagePage {
            ctx,
            brand,
            title,
            text,
            good: true,
            next,
        },
    ))
}
