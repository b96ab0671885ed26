//! Resellers' private offers and the authorizations they are made from (issue 14). Owners and
//! admins make, edit, release, accept, cancel and replace offers; billing and viewer members
//! read. An MSP's console has none of these pages (404), as a reseller's has no signup links.

use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::Actor;
use crate::app::authorizations;
use crate::app::offers::{self, OfferError, OfferRequest, OfferView, Refusal};
use crate::billing::grants::percent;
use crate::domain::{OfferState, PartnerKind};
use crate::state::AppState;
use crate::store::authorizations::Authorization;
use crate::store::offers::Offer;
use crate::web::error::AppError;
use crate::web::guard::partner_kind;
use crate::web::guard::{Manager, Member};
use crate::web::page::{PageCtx, redirect, redirect_with, render, render_status};
use crate::web::routes;
use crate::web::session::{self, FlashLevel};

const PAGE_SIZE: i64 = 25;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let at = |p| routes::within(routes::CONSOLE, p);
    let reseller = || partner_kind(PartnerKind::Reseller);
    cfg.route(
        at(routes::CONSOLE_AUTHORIZATIONS),
        web::get().guard(reseller()).to(held),
    )
    .route(
        at(routes::CONSOLE_OFFERS),
        web::get().guard(reseller()).to(list),
    )
    .route(
        at(routes::CONSOLE_OFFERS),
        web::post().guard(reseller()).to(create),
    )
    .route(
        at(routes::CONSOLE_OFFER_NEW),
        web::get().guard(reseller()).to(new_form),
    )
    .route(
        at(routes::CONSOLE_OFFER),
        web::get().guard(reseller()).to(detail),
    )
    .route(
        at(routes::CONSOLE_OFFER_EDIT),
        web::get().guard(reseller()).to(edit_form),
    )
    .route(
        at(routes::CONSOLE_OFFER_EDIT),
        web::post().guard(reseller()).to(edit),
    )
    .route(
        at(routes::CONSOLE_OFFER_RELEASE),
        web::post().guard(reseller()).to(release),
    )
    .route(
        at(routes::CONSOLE_OFFER_ACCEPT),
        web::post().guard(reseller()).to(accept),
    )
    .route(
        at(routes::CONSOLE_OFFER_CANCEL),
        web::post().guard(reseller()).to(cancel),
    );
}

/// Messages at their fields, in the page's language.
fn field_errors(ctx: &PageCtx, bad: &[Refusal]) -> BTreeMap<&'static str, String> {
    let mut out: BTreeMap<&'static str, String> = BTreeMap::new();
    for (field, key) in bad {
        out.entry(field.name()).or_insert_with(|| ctx.t(key));
    }
    out
}

/// What the pages listing offers and authorizations write of them; the admin pages share it.
pub trait Figures {
    fn page(&self) -> &PageCtx;

    /// Where an offer's id links to.
    fn offer_href(&self, id: &i64) -> String {
        routes::console_offer(id)
    }

    fn pct(&self, bps: &i64) -> String {
        percent(*bps)
    }

    fn months(&self, n: &i64) -> String {
        self.page()
            .t_args("offer-months", &[("n", n.to_string().as_str())])
    }
}

/// What the pages say of an offer.
pub struct Shown<'a>(pub &'a Offer);

impl Shown<'_> {
    pub fn markup(&self) -> String {
        percent(self.0.markup_bps)
    }

    pub fn wholesale(&self) -> String {
        percent(self.0.wholesale_bps)
    }
}

#[derive(Template)]
#[template(path = "console/authorizations.html")]
struct HeldPage {
    ctx: PageCtx,
    items: Vec<Authorization>,
    can_edit: bool,
}

impl Figures for HeldPage {
    fn page(&self) -> &PageCtx {
        &self.ctx
    }
}

async fn held(
    m: Member,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let actor = m.actor.clone();
    let items = authorizations::held(&state.db, &actor).await?;
    render(&HeldPage {
        ctx,
        items,
        can_edit: m.user.is_manager(),
    })
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct Filters {
    pub q: String,
    pub state: String,
    pub before: Option<i64>,
}

impl Filters {
    pub fn state(&self) -> Option<OfferState> {
        OfferState::parse(&self.state)
    }

    /// The query string of these filters (without paging), for links.
    pub fn query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("q", &self.q)
            .append_pair("state", &self.state);
        s.finish()
    }
}

#[derive(Template)]
#[template(path = "console/offers.html")]
struct ListPage {
    ctx: PageCtx,
    f: Filters,
    offers: Vec<Offer>,
    next: Option<i64>,
    can_edit: bool,
    states: &'static [OfferState],
}

impl Figures for ListPage {
    fn page(&self) -> &PageCtx {
        &self.ctx
    }
}

async fn list(
    m: Member,
    ctx: PageCtx,
    state: web::Data<AppState>,
    f: web::Query<Filters>,
) -> Result<HttpResponse, AppError> {
    let f = f.into_inner();
    let actor = m.actor.clone();
    let mut rows = offers::page(
        state.app(),
        &actor,
        f.state(),
        &f.q,
        f.before,
        PAGE_SIZE + 1,
    )
    .await?;
    let next = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| r.offer_id).unwrap_or_default()
    });
    render(&ListPage {
        ctx,
        f,
        offers: rows,
        next,
        can_edit: m.user.is_manager(),
        states: OfferState::ALL,
    })
}

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
        }
    }
}

#[derive(Template)]
#[template(path = "console/offer_form.html")]
struct FormPage {
    ctx: PageCtx,
    /// The authorization the offer is made from; `None` to choose one first.
    auth: Option<Authorization>,
    /// Authorizations to choose from.
    choices: Vec<Authorization>,
    /// The offer being edited.
    editing: Option<i64>,
    v: OfferForm,
    errors: BTreeMap<&'static str, String>,
}

impl Figures for FormPage {
    fn page(&self) -> &PageCtx {
        &self.ctx
    }
}

impl FormPage {
    fn error(&self, f: &str) -> Option<&String> {
        self.errors.get(f)
    }

    fn action(&self) -> String {
        match self.editing {
            Some(id) => routes::console_offer_edit(id),
            None => routes::CONSOLE_OFFERS.to_string(),
        }
    }

    fn buyer_fixed(&self) -> bool {
        !self.v.replaces.is_empty()
    }
}

async fn form_page(
    state: &AppState,
    actor: &Actor,
    ctx: PageCtx,
    editing: Option<i64>,
    v: OfferForm,
    errors: BTreeMap<&'static str, String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let auth = match v.authorization.trim().parse::<i64>() {
        // One of the actor's, not a draft; any other id asks which one first.
        Ok(id) => match authorizations::held_one(&state.db, actor, id).await {
            Err(crate::app::authorizations::AuthorizationError::NotFound) => None,
            other => Some(other?),
        },
        Err(_) => None,
    };
    let choices = if auth.is_none() {
        authorizations::held(&state.db, actor)
            .await?
            .into_iter()
            .filter(|a| a.state == crate::domain::AuthorizationState::Active)
            .collect()
    } else {
        Vec::new()
    };
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
async fn new_form(
    m: Manager,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<OfferForm>,
) -> Result<HttpResponse, AppError> {
    let actor = m.actor.clone();
    let mut v = q.into_inner();
    if let Some(old) = v.replaces() {
        let o = offers::view(state.app(), &actor, old).await?.offer;
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
        &actor,
        ctx,
        None,
        v,
        BTreeMap::new(),
        StatusCode::OK,
    )
    .await
}

/// Renders the form again with the refusals at their fields, or, for a refused state change,
/// goes back to the offer with the reason.
async fn refused(
    state: &AppState,
    actor: &Actor,
    ctx: PageCtx,
    sess: &Session,
    editing: Option<i64>,
    v: OfferForm,
    e: OfferError,
) -> Result<HttpResponse, AppError> {
    match e {
        OfferError::Invalid(bad) => {
            let errors = field_errors(&ctx, &bad);
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
        OfferError::State(..) | OfferError::Replaced(_) => {
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

fn flash_refusal(ctx: &PageCtx, sess: &Session, e: &OfferError) {
    let text = match e {
        OfferError::State(state, step) => ctx.t_args(
            "flash-offer-refused",
            &[
                ("state", &ctx.t(&format!("offer-state-word-{state}"))),
                ("change", &ctx.t(&format!("offer-step-{}", step.verb()))),
            ],
        ),
        OfferError::Replaced(id) => {
            ctx.t_args("flash-offer-replaced-already", &[("id", &id.to_string())])
        }
        _ => ctx.t("error-400-text"),
    };
    session::flash(sess, FlashLevel::Error, text);
}

async fn create(
    m: Manager,
    ctx: PageCtx,
    sess: Session,
    state: web::Data<AppState>,
    form: web::Form<OfferForm>,
) -> Result<HttpResponse, AppError> {
    let actor = m.actor.clone();
    let v = form.into_inner();
    match offers::create(state.app(), &actor, &v.request(), v.replaces()).await {
        Ok(o) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t_args("flash-offer-created", &[("id", &o.offer_id.to_string())]),
            &routes::console_offer(o.offer_id),
        )),
        Err(e) => refused(&state, &actor, ctx, &sess, None, v, e).await,
    }
}

async fn edit_form(
    m: Manager,
    ctx: PageCtx,
    sess: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let actor = m.actor.clone();
    let o = offers::view(state.app(), &actor, *id).await?.offer;
    if o.state != OfferState::Draft {
        flash_refusal(&ctx, &sess, &OfferError::State(o.state, offers::Step::Edit));
        return Ok(redirect(&routes::console_offer(o.offer_id)));
    }
    let v = OfferForm::of(&o);
    form_page(
        &state,
        &actor,
        ctx,
        Some(o.offer_id),
        v,
        BTreeMap::new(),
        StatusCode::OK,
    )
    .await
}

async fn edit(
    m: Manager,
    ctx: PageCtx,
    sess: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<OfferForm>,
) -> Result<HttpResponse, AppError> {
    let actor = m.actor.clone();
    let v = form.into_inner();
    match offers::update(state.app(), &actor, *id, &v.request()).await {
        Ok(o) => Ok(redirect_with(
            &sess,
            FlashLevel::Success,
            ctx.t("flash-offer-saved"),
            &routes::console_offer(o.offer_id),
        )),
        Err(e) => {
            // The form keeps what the offer is made from, whatever was posted.
            let current = offers::view(state.app(), &actor, *id).await?.offer;
            let v = OfferForm {
                authorization: current.authorization_id.to_string(),
                replaces: current
                    .replaces_offer_id
                    .map(|r| r.to_string())
                    .unwrap_or_default(),
                ..v
            };
            refused(&state, &actor, ctx, &sess, Some(*id), v, e).await
        }
    }
}

#[derive(Template)]
#[template(path = "console/offer.html")]
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

    fn is(&self, s: &str) -> bool {
        self.v.offer.state.as_str() == s
    }

    fn state_label(&self, s: &OfferState) -> String {
        self.ctx.t(&format!("offer-state-{s}"))
    }
}

async fn detail_page(
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

async fn detail(
    m: Member,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let actor = m.actor.clone();
    detail_page(&state, &actor, &m, ctx, *id, None, None).await
}

/// Releases or cancels an offer, and goes back to its page with what happened.
async fn change(
    m: Manager,
    ctx: PageCtx,
    sess: Session,
    state: web::Data<AppState>,
    id: i64,
    step: offers::Step,
) -> Result<HttpResponse, AppError> {
    let actor = m.actor.clone();
    let (done, flash) = match step {
        offers::Step::Release => (
            offers::release(state.app(), &actor, id).await,
            "flash-offer-released",
        ),
        _ => (
            offers::cancel(state.app(), &actor, id).await,
            "flash-offer-cancelled",
        ),
    };
    match done {
        Ok(_) => session::flash(&sess, FlashLevel::Success, ctx.t(flash)),
        Err(e @ OfferError::State(..)) => flash_refusal(&ctx, &sess, &e),
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&routes::console_offer(id)))
}

async fn release(
    m: Manager,
    ctx: PageCtx,
    sess: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    change(m, ctx, sess, state, *id, offers::Step::Release).await
}

async fn cancel(
    m: Manager,
    ctx: PageCtx,
    sess: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    change(m, ctx, sess, state, *id, offers::Step::Cancel).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AcceptForm {
    accepted_on: String,
}

async fn accept(
    m: Manager,
    ctx: PageCtx,
    sess: Session,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let actor = m.actor.clone();
    match offers::accept(
        state.app(),
        &actor,
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
        Err(OfferError::Invalid(bad)) => {
            let message = bad.first().map(|(_, key)| ctx.t(key));
            let member = m.member();
            let written = form.into_inner().accepted_on;
            detail_page(&state, &actor, &member, ctx, *id, Some(written), message).await
        }
        Err(e @ OfferError::State(..)) => {
            flash_refusal(&ctx, &sess, &e);
            Ok(redirect(&routes::console_offer(*id)))
        }
        Err(e) => Err(e.into()),
    }
}
