//! Making and editing an offer: the form, with every refusal at its field.

use super::figures::*;
use crate::app::Actor;
use crate::app::Error;
use crate::app::authorizations;
use crate::app::offers::{self, OfferRequest};
use crate::domain::OfferState;
use crate::state::AppState;
use crate::store::authorizations::Authorization;
use crate::store::offers::Offer;
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::Manager;
use crate::web::page::{FormErrors, Page, PageCtx, redirect, redirect_with, render_status};
use crate::web::routes;
use crate::web::session::FlashLevel;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

/// The offer form's values as written.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct OfferForm {
    pub authorization: String,
    pub replaces: String,
    pub buyer_account: String,
    pub buyer_company: String,
    pub buyer_email: String,
    pub markup: String,
    pub duration: String,
    pub expires_on: String,
    /// Set by the form's "Preview price" button: show the price, make nothing.
    pub preview: String,
}

impl OfferForm {
    fn request(&self) -> OfferRequest {
        OfferRequest {
            authorization_id: self.authorization.trim().parse().unwrap_or(0),
            buyer_account: self.buyer_account.clone(),
            buyer_company: self.buyer_company.clone(),
            buyer_email: self.buyer_email.clone(),
            markup_bps: crate::billing::grants::parse_percent(&self.markup).unwrap_or(-1),
            duration_months: self.duration.trim().parse().unwrap_or(0),
            expires_on: crate::billing::month::parse_day(&self.expires_on),
        }
    }

    fn replaces(&self) -> Option<i64> {
        self.replaces.trim().parse().ok()
    }

    fn of(o: &Offer) -> OfferForm {
        OfferForm {
            authorization: o.authorization_id.to_string(),
            replaces: o
                .replaces_offer_id
                .map(|r| r.to_string())
                .unwrap_or_default(),
            buyer_account: o.buyer_account.clone(),
            buyer_company: o.buyer_company.clone(),
            buyer_email: o.buyer_email.clone(),
            markup: crate::billing::grants::percent_number(o.markup_bps),
            duration: o.duration_months.to_string(),
            expires_on: o.expires_on.to_string(),
            preview: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "console/offers/form.html")]
struct FormPage {
    ctx: PageCtx,
    /// The authorization the offer is made from; `None` to choose one first.
    auth: Option<Authorization>,
    /// Authorizations to choose from.
    choices: Vec<Authorization>,
    /// The offer being edited.
    editing: Option<i64>,
    v: OfferForm,
    errors: FormErrors,
}

impl Figures for FormPage {
    fn page(&self) -> &PageCtx {
        &self.ctx
    }
}

impl FormPage {
    /// Where the form posts, anchored to it: after a mistake the page comes back there.
    fn action(&self) -> String {
        let path = match self.editing {
            Some(id) => routes::console_offer_edit(id),
            None => routes::CONSOLE_OFFERS.to_string(),
        };
        format!("{path}#offer-form")
    }

    /// How $100 of list-price usage becomes the customer's price with the markup written in
    /// the form (none yet counts as 0 %); `None` while the markup does not read as one.
    fn price_steps(&self, a: &Authorization) -> Option<crate::billing::resale::PriceSteps> {
        let markup = match self.v.markup.trim() {
            "" => Some(0),
            m => crate::billing::grants::parse_percent(m),
        }?;
        let terms = crate::billing::resale::Terms {
            wholesale_bps: a.wholesale_bps,
            markup_bps: markup,
        };
        Some(crate::billing::resale::PriceSteps::of(10_000, terms))
    }

    fn buyer_fixed(&self) -> bool {
        !self.v.replaces.is_empty()
    }
}

/// What is wrong, by the id of the input at fault (the application names fields as the API
/// does), in the order of the form; the authorization is the form's own, so its error points
/// at the whole form.
fn input_errors(ctx: &PageCtx, bad: &[crate::app::FieldError]) -> FormErrors {
    const INPUTS: &[(&str, &str)] = &[
        ("authorizationId", "offer-form"),
        ("buyerAwsAccountId", "buyer_account"),
        ("buyerCompanyName", "buyer_company"),
        ("buyerEmail", "buyer_email"),
        ("markupBasisPoints", "markup"),
        ("durationMonths", "duration"),
        ("expiresOn", "expires_on"),
    ];
    let ids: Vec<&str> = INPUTS.iter().map(|(_, id)| *id).collect();
    ctx.field_errors(bad)
        .renamed(|f| {
            INPUTS
                .iter()
                .find(|(n, _)| *n == f)
                .map_or(f, |(_, id)| *id)
        })
        .in_order(&ids)
}

pub(super) async fn form_page(
    state: &AppState,
    actor: &Actor,
    ctx: PageCtx,
    editing: Option<i64>,
    mut v: OfferForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let mut auth = match v.authorization.trim().parse::<i64>() {
        // One of the actor's, not a draft; any other id asks which one first.
        Ok(id) => match authorizations::held_one(state.app(), actor, id).await {
            Err(Error::NotFound(_)) => None,
            other => Some(other?),
        },
        Err(_) => None,
    };
    let mut choices: Vec<_> = if auth.is_none() {
        authorizations::held(state.app(), actor)
            .await?
            .into_iter()
            .filter(|a| a.state == crate::domain::AuthorizationState::Active)
            .collect()
    } else {
        Vec::new()
    };
    // With one authorization to offer from there is nothing to choose: the form is its own.
    if choices.len() == 1 {
        let only = choices.remove(0);
        v.authorization = only.authorization_id.to_string();
        auth = Some(only);
    }
    Ok(render_status(
        status,
        &FormPage {
            ctx,
            auth,
            choices,
            editing,
            v,
            errors,
        },
    ))
}

/// `?authorization=ID` (and `?replaces=ID` for a replacement); without an authorization, the
/// page asks which one first.
pub(super) async fn new_form(
    m: Manager,
    Page { ctx, state, .. }: Page,
    q: web::Query<OfferForm>,
) -> Result<HttpResponse, AppError> {
    let mut v = q.into_inner();
    if let Some(old) = v.replaces() {
        let o = offers::view(state.app(), &m.actor, old).await?.offer;
        if v.authorization.is_empty() {
            v.authorization = o.authorization_id.to_string();
        }
        v.buyer_account = o.buyer_account;
        v.buyer_company = o.buyer_company;
        v.buyer_email = o.buyer_email;
        v.duration = o.duration_months.to_string();
        v.markup = crate::billing::grants::percent_number(o.markup_bps);
    }
    form_page(
        &state,
        &m.actor,
        ctx,
        None,
        v,
        FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Renders the form again with the refusals at their fields, or, for a refused state change,
/// goes back to the offer with the reason.
pub(super) async fn refused(
    state: &AppState,
    actor: &Actor,
    ctx: PageCtx,
    sess: &Session,
    editing: Option<i64>,
    v: OfferForm,
    e: Error,
) -> Result<HttpResponse, AppError> {
    match e {
        Error::Invalid(bad) => {
            let errors = input_errors(&ctx, &bad);
            form_page(
                state,
                actor,
                ctx,
                editing,
                v,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Error::Conflict(_) => {
            let back = editing.or(v.replaces());
            flash_refusal(&ctx, sess, &e);
            Ok(redirect(&back.map_or(
                routes::CONSOLE_OFFERS.to_string(),
                routes::console_offer,
            )))
        }
        other => Err(other.into()),
    }
}

pub(super) async fn create(
    m: Manager,
    Page { ctx, sess, state }: Page,
    form: web::Form<OfferForm>,
) -> Result<HttpResponse, AppError> {
    let v = form.into_inner();
    if !v.preview.is_empty() {
        let ok = StatusCode::OK;
        return form_page(&state, &m.actor, ctx, None, v, FormErrors::new(), ok).await;
    }
    match offers::create(state.app(), &m.actor, &v.request(), v.replaces()).await {
        Ok(o) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t_args("flash-offer-created", &[("id", &o.offer_id.to_string())]),
            &routes::console_offer(o.offer_id),
        )),
        Err(e) => refused(&state, &m.actor, ctx, &sess, None, v, e).await,
    }
}

pub(super) async fn edit_form(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let o = offers::view(state.app(), &m.actor, *id).await?.offer;
    if o.state != OfferState::Draft {
        flash_refusal(&ctx, &sess, &offers::refused(o.state, offers::Step::Edit));
        return Ok(redirect(&routes::console_offer(o.offer_id)));
    }
    let v = OfferForm::of(&o);
    form_page(
        &state,
        &m.actor,
        ctx,
        Some(o.offer_id),
        v,
        FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub(super) async fn edit(
    m: Manager,
    Page { ctx, sess, state }: Page,
    id: web::Path<i64>,
    form: web::Form<OfferForm>,
) -> Result<HttpResponse, AppError> {
    let v = form.into_inner();
    if !v.preview.is_empty() {
        let ok = StatusCode::OK;
        return form_page(&state, &m.actor, ctx, Some(*id), v, FormErrors::new(), ok).await;
    }
    match offers::update(state.app(), &m.actor, *id, &v.request()).await {
        Ok(o) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t("flash-offer-saved"),
            &routes::console_offer(o.offer_id),
        )),
        Err(e) => {
            // The form keeps what the offer is made from, whatever was posted.
            let current = offers::view(state.app(), &m.actor, *id).await?.offer;
            let v = OfferForm {
                authorization: current.authorization_id.to_string(),
                replaces: current
                    .replaces_offer_id
                    .map(|r| r.to_string())
                    .unwrap_or_default(),
                ..v
            };
            refused(&state, &m.actor, ctx, &sess, Some(*id), v, e).await
        }
    }
}
