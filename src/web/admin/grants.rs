//! Operators grant discounts and credits to a partner or to one of its customers.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::grant_forms::{CreditForm, DiscountForm, GrantForms};
use super::partners::detail_page;
use crate::app::grants::{self as app_grants, CreditGrant, DiscountGrant, Off};
use crate::billing::money::Cents;
use crate::billing::month::Month;
use crate::state::AppState;
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
    );
}

/// The customer an `org_id` names, if it belongs to `partner_id`; `Err` with the message key.
async fn customer_of(
    state: &AppState,
    partner_id: i64,
    org_id: &str,
) -> Result<Result<Option<i64>, &'static str>, AppError> {
    let org_id = org_id.trim();
    if org_id.is_empty() {
        return Ok(Ok(None));
    }
    Ok(
        match app_grants::customer_of(state.app(), partner_id, org_id).await? {
            Some(id) => Ok(Some(id)),
            None => Err("error-grant-customer"),
        },
    )
}

async fn refuse(
    ctx: PageCtx,
    state: &AppState,
    partner_id: i64,
    forms: GrantForms,
) -> Result<HttpResponse, AppError> {
    let page = detail_page(ctx, state, partner_id, forms).await?;
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

async fn grant_discount(
    op: Operator,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    form: web::Form<DiscountForm>,
) -> Result<HttpResponse, AppError> {
    let partner_id = id.into_inner();
    let f = form.into_inner();
    let fail = |key: &'static str| GrantForms {
        discount: f.clone(),
        discount_error: Some(key),
        ..Default::default()
    };
    let customer_id = match customer_of(&state, partner_id, &f.org_id).await? {
        Ok(c) => c,
        Err(key) => return refuse(ctx, &state, partner_id, fail(key)).await,
    };
    let value = match Cents::parse(&f.value) {
        Ok(v) if v.value() > 0 => v.value(),
        _ => return refuse(ctx, &state, partner_id, fail("error-grant-value")).await,
    };
    let off = match f.kind.as_str() {
        // "12.5" percent is 1 250 basis points: the same two decimals as money.
        "rate" if value <= 10_000 => Off::Rate(value),
        "fixed" => Off::Fixed(value),
        _ => return refuse(ctx, &state, partner_id, fail("error-grant-value")).await,
    };
    let Some(start) = Month::parse(&f.start_month) else {
        return refuse(ctx, &state, partner_id, fail("error-month-format")).await;
    };
    let end = match f.end_month.trim() {
        "" => None,
        s => match Month::parse(s) {
            Some(e) if e >= start => Some(e),
            _ => return refuse(ctx, &state, partner_id, fail("error-grant-end")).await,
        },
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
    let fail = |key: &'static str| GrantForms {
        credit: f.clone(),
        credit_error: Some(key),
        ..Default::default()
    };
    let customer_id = match customer_of(&state, partner_id, &f.org_id).await? {
        Ok(c) => c,
        Err(key) => return refuse(ctx, &state, partner_id, fail(key)).await,
    };
    let amount = match Cents::parse(&f.amount) {
        Ok(v) if v.value() > 0 => v.value(),
        _ => return refuse(ctx, &state, partner_id, fail("error-grant-value")).await,
    };
    let date = crate::billing::month::parse_day;
    let (Some(effective_on), Some(expires_on)) = (date(&f.effective_on), date(&f.expires_on))
    else {
        return refuse(ctx, &state, partner_id, fail("error-grant-dates")).await;
    };
    if expires_on < effective_on {
        return refuse(ctx, &state, partner_id, fail("error-grant-dates")).await;
    }
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
