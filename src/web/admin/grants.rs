//! Operators grant discounts and credits to a partner or to one of its customers.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::grant_forms::{CreditForm, DiscountForm, Errors, GrantForms};
use super::partners::detail_page;
use crate::app::grants::{self as app_grants, CreditGrant, DiscountGrant, Off};
use crate::billing::money::Cents;
use crate::billing::month::Month;
use crate::state::AppState;
use crate::web::confirm::{Confirmation, Question, ask};
use crate::web::error::AppError;
use crate::web::guard::Operator;
use crate::web::page::{Page, PageCtx, redirect_with, render_status};
use crate::web::routes;
use crate::web::session::FlashLevel;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        routes::within(routes::ADMIN, routes::ADMIN_PARTNER_DISCOUNTS),
        web::post().to(grant_discount),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_PARTNER_CREDITS),
        web::post().to(grant_credit),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_DISCOUNT_END),
        web::post().to(|op, page, path, confirmation| {
            end_grant(op, page, Ending::of(path, true), confirmation)
        }),
    )
    .route(
        routes::within(routes::ADMIN, routes::ADMIN_CREDIT_END),
        web::post().to(|op, page, path, confirmation| {
            end_grant(op, page, Ending::of(path, false), confirmation)
        }),
    );
}

/// Which grant to end, and whether the operator confirmed it.
struct Ending {
    partner_id: i64,
    grant: i64,
    discount: bool,
}

impl Ending {
    fn of(path: web::Path<(i64, i64)>, discount: bool) -> Ending {
        let (partner_id, grant) = path.into_inner();
        Ending {
            partner_id,
            grant,
            discount,
        }
    }

    fn question(&self, ctx: &PageCtx, month: Month) -> Question {
        let (title, action) = if self.discount {
            (
                "confirm-end-discount-title",
                routes::admin_discount_end(self.partner_id, self.grant),
            )
        } else {
            (
                "confirm-end-credit-title",
                routes::admin_credit_end(self.partner_id, self.grant),
            )
        };
        let id = self.grant.to_string();
        let label = ctx.month(month);
        Question {
            title: ctx.t_args(title, &[("id", &id)]),
            text: ctx.t_args("confirm-end-grant-text", &[("month", &label)]),
            button: ctx.t("grant-end-button"),
            action,
            back: format!("{}#grants", routes::admin_partner(self.partner_id)),
        }
    }
}

/// Ends a grant after the running month, once the operator confirms; the partner's page says
/// until when it applies, or why it was left as it was.
async fn end_grant(
    op: Operator,
    Page { ctx, sess, state }: Page,
    e: Ending,
    confirmation: Confirmation,
) -> Result<HttpResponse, AppError> {
    let current = Month::of(state.now().date_naive());
    if !confirmation.given() {
        let q = e.question(&ctx, current);
        return ask(ctx, q);
    }
    let id = e.grant.to_string();
    let ended = if e.discount {
        app_grants::end_discount(state.app(), &op.actor, e.partner_id, e.grant)
            .await
            .map(|last| {
                ctx.t_args(
                    "flash-discount-ended",
                    &[("id", &id), ("month", &ctx.month(last))],
                )
            })
    } else {
        app_grants::end_credit(state.app(), &op.actor, e.partner_id, e.grant)
            .await
            .map(|last| {
                ctx.t_args(
                    "flash-credit-ended",
                    &[("id", &id), ("day", &last.to_string())],
                )
            })
    };
    let back = format!("{}#grants", routes::admin_partner(e.partner_id));
    match ended {
        Ok(text) => Ok(redirect_with(&sess, FlashLevel::Success, text, &back)),
        Err(err @ crate::app::Error::Conflict(_)) => {
            let text = ctx.refusal(&err).unwrap_or_default();
            Ok(redirect_with(&sess, FlashLevel::Error, text, &back))
        }
        Err(err) => Err(err.into()),
    }
}

/// The customer an `org_id` names, if it belongs to `partner_id`; `Err` when it does not.
async fn customer_of(
    state: &AppState,
    partner_id: i64,
    org_id: &str,
) -> Result<Result<Option<i64>, ()>, AppError> {
    let org_id = org_id.trim();
    if org_id.is_empty() {
        return Ok(Ok(None));
    }
    Ok(app_grants::customer_of(state.app(), partner_id, org_id)
        .await?
        .map(Some)
        .ok_or(()))
}

/// The partner's page again with the form's values and every error, scrolled to the form.
async fn refuse(
    ctx: PageCtx,
    state: &AppState,
    partner_id: i64,
    forms: GrantForms,
) -> Result<HttpResponse, AppError> {
    let page = detail_page(ctx, state, partner_id, forms).await?;
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// A positive amount of dollars (or a percentage, with the same two decimals) in cents.
fn positive(text: &str) -> Option<i64> {
    Cents::parse(text)
        .ok()
        .map(|v| v.value())
        .filter(|v| *v > 0)
}

async fn grant_discount(
    op: Operator,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    form: web::Form<DiscountForm>,
) -> Result<HttpResponse, AppError> {
    let partner_id = id.into_inner();
    let f = form.into_inner();
    let mut errors = Errors::new();
    let customer_id = customer_of(&state, partner_id, &f.org_id)
        .await?
        .unwrap_or_else(|()| {
            errors.insert("d-org", ctx.t("error-grant-customer"));
            None
        });
    let off = match (f.kind.as_str(), positive(&f.value)) {
        // "12.5" percent is 1 250 basis points: the same two decimals as money.
        ("rate", Some(v)) if v <= 10_000 => Some(Off::Rate(v)),
        ("fixed", Some(v)) => Some(Off::Fixed(v)),
        ("fixed", None) => {
            errors.insert("d-value", ctx.t("error-grant-fixed"));
            None
        }
        _ => {
            errors.insert("d-value", ctx.t("error-grant-rate"));
            None
        }
    };
    let start = Month::parse(f.start_month.trim());
    if start.is_none() {
        errors.insert("d-start", ctx.t("error-month-format"));
    }
    let end = match f.end_month.trim() {
        "" => None,
        s => match Month::parse(s) {
            Some(e) if start.is_none_or(|s| e >= s) => Some(e),
            Some(_) => {
                errors.insert("d-end", ctx.t("error-grant-end-before"));
                None
            }
            None => {
                errors.insert("d-end", ctx.t("error-month-format"));
                None
            }
        },
    };
    let (Some(off), Some(start), true) = (off, start, errors.is_empty()) else {
        let forms = GrantForms {
            discount: f,
            discount_errors: errors,
            ..Default::default()
        };
        return refuse(ctx, &state, partner_id, forms).await;
    };
    let service = f.service.trim();
    let grant = DiscountGrant {
        partner_id,
        customer_id,
        service: (!service.is_empty()).then_some(service),
        off,
        start,
        end,
        note: f.note.trim(),
    };
    app_grants::grant_discount(state.app(), &op.actor, grant).await?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t("flash-discount-granted"),
        &routes::admin_partner(partner_id),
    ))
}

async fn grant_credit(
    op: Operator,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    form: web::Form<CreditForm>,
) -> Result<HttpResponse, AppError> {
    let partner_id = id.into_inner();
    let f = form.into_inner();
    let mut errors = Errors::new();
    let customer_id = customer_of(&state, partner_id, &f.org_id)
        .await?
        .unwrap_or_else(|()| {
            errors.insert("k-org", ctx.t("error-grant-customer"));
            None
        });
    let amount = positive(&f.amount);
    if amount.is_none() {
        errors.insert("k-amount", ctx.t("error-grant-amount"));
    }
    let date = crate::billing::month::parse_day;
    let effective_on = date(f.effective_on.trim());
    if effective_on.is_none() {
        errors.insert("k-from", ctx.t("error-date-format"));
    }
    let expires_on = match date(f.expires_on.trim()) {
        Some(e) if effective_on.is_none_or(|from| e >= from) => Some(e),
        Some(_) => {
            errors.insert("k-to", ctx.t("error-grant-expiry-before"));
            None
        }
        None => {
            errors.insert("k-to", ctx.t("error-date-format"));
            None
        }
    };
    let (Some(amount), Some(effective_on), Some(expires_on), true) =
        (amount, effective_on, expires_on, errors.is_empty())
    else {
        let forms = GrantForms {
            credit: f,
            credit_errors: errors,
            ..Default::default()
        };
        return refuse(ctx, &state, partner_id, forms).await;
    };
    let grant = CreditGrant {
        partner_id,
        customer_id,
        amount,
        effective_on,
        expires_on,
        note: f.note.trim(),
    };
    app_grants::grant_credit(state.app(), &op.actor, grant).await?;
    Ok(redirect_with(
        &sess,
        FlashLevel::Success,
        ctx.t("flash-credit-granted"),
        &routes::admin_partner(partner_id),
    ))
}
