//! One offer with its history, and the state changes made from its page.

use super::figures::*;
use crate::app::Actor;
use crate::app::Error;
use crate::app::offers::{self, OfferView};
use crate::domain::OfferState;
use crate::state::AppState;
use crate::web::confirm::{Confirmation, Question, ask};
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::{Manager, Member};
use crate::web::page::{Page, PageCtx, redirect, redirect_with, render_status};
use crate::web::routes;
use crate::web::session::{self, FlashLevel};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "console/offers/detail.html")]
struct DetailPage {
    ctx: PageCtx,
    v: OfferView,
    can_edit: bool,
    /// The acceptance date as written, and what is wrong with it.
    accepted_on: String,
    accept_error: Option<String>,
    today: NaiveDate,
}

impl Figures for DetailPage {
    fn page(&self) -> &PageCtx {
        &self.ctx
    }
}

impl DetailPage {
    fn shown(&self) -> Shown<'_> {
        Shown(&self.v.offer)
    }

    /// How $100 of list-price usage becomes the customer's price under this offer.
    fn price_steps(&self) -> crate::billing::resale::PriceSteps {
        let o = &self.v.offer;
        let terms = crate::billing::resale::Terms {
            wholesale_bps: o.wholesale_bps,
            markup_bps: o.markup_bps,
        };
        crate::billing::resale::PriceSteps::of(10_000, terms)
    }

    fn is(&self, s: OfferState) -> bool {
        self.v.offer.state == s
    }

    fn state_label(&self, s: &OfferState) -> String {
        self.ctx.t(&format!("offer-state-{s}"))
    }
}

pub(super) async fn detail_page(
    state: &AppState,
    actor: &Actor,
    m: &Member,
    ctx: PageCtx,
    id: i64,
    accepted_on: Option<String>,
    accept_error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let v = offers::view(state.app(), actor, id).await?;
    let today = state.now().date_naive();
    let status = if accept_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let accepted_on = accepted_on.unwrap_or_else(|| today.min(v.offer.expires_on).to_string());
    Ok(render_status(
        status,
        &DetailPage {
            ctx,
            v,
            can_edit: m.user.is_manager(),
            accepted_on,
            accept_error,
            today,
        },
    ))
}

pub(super) async fn detail(
    m: Member,
    Page { ctx, state, .. }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    detail_page(&state, &m.actor, &m, ctx, *id, None, None).await
}

/// Releases or cancels an offer, and goes back to its page with what happened.
pub(super) async fn change(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: i64,
    step: offers::Step,
) -> Result<HttpResponse, AppError> {
    let (done, flash) = match step {
        offers::Step::Release => (
            offers::release(state.app(), &m.actor, id).await,
            "flash-offer-released",
        ),
        _ => (
            offers::cancel(state.app(), &m.actor, id).await,
            "flash-offer-cancelled",
        ),
    };
    match done {
        Ok(_) => session::flash(&sess, FlashLevel::Success, ctx.t(flash)),
        Err(e @ Error::Conflict(_)) => flash_refusal(&ctx, &sess, &e),
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&routes::console_offer(id)))
}

pub(super) async fn release(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    change(m, Page { ctx, sess, state }, *id, offers::Step::Release).await
}

pub(super) async fn cancel(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    confirmation: Confirmation,
) -> Result<HttpResponse, AppError> {
    if !confirmation.given() {
        let n = id.to_string();
        let q = Question {
            title: ctx.t_args("confirm-cancel-offer-title", &[("id", &n)]),
            text: ctx.t("confirm-cancel-offer-text"),
            button: ctx.t("offer-cancel"),
            action: routes::console_offer_cancel(*id),
            back: routes::console_offer(*id),
        };
        return ask(ctx, q);
    }
    change(m, Page { ctx, sess, state }, *id, offers::Step::Cancel).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct AcceptForm {
    accepted_on: String,
}

pub(super) async fn accept(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    form: web::Form<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    match offers::accept(
        state.app(),
        &m.actor,
        *id,
        crate::billing::month::parse_day(&form.accepted_on),
    )
    .await
    {
        Ok(a) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t_args(
                "flash-offer-accepted",
                &[
                    ("org", &a.org_id),
                    ("first", &a.agreement.first.to_string()),
                    ("last", &a.agreement.last.to_string()),
                ],
            ),
            &routes::console_offer(*id),
        )),
        Err(Error::Invalid(bad)) => {
            let message = bad.first().map(|f| ctx.say(&f.message));
            let member = m.member();
            let written = form.into_inner().accepted_on;
            detail_page(&state, &m.actor, &member, ctx, *id, Some(written), message).await
        }
        Err(e @ Error::Conflict(_)) => {
            flash_refusal(&ctx, &sess, &e);
            Ok(redirect(&routes::console_offer(*id)))
        }
        Err(e) => Err(e.into()),
    }
}
