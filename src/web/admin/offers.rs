//! Every reseller's private offers for operators, filtered, and one offer with its history.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::app::offers::{self, OfferView};
use crate::domain::OfferState;
use crate::store::offers::{Filter, Offer};
use crate::store::partners::Partner;
use crate::web::console::offers::figures::Figures;
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::Operator;
use crate::web::page::{Page, PageCtx, render};
use crate::web::routes;

use crate::app::partners as app_partners;

const PAGE_SIZE: i64 = 50;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let at = |p| routes::within(routes::ADMIN, p);
    cfg.route(at(routes::ADMIN_OFFERS), web::get().to(offer_list))
        .route(at(routes::ADMIN_OFFER), web::get().to(offer_detail));
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct OfferFilters {
    partner: String,
    state: String,
    q: String,
    before: Option<i64>,
}

impl OfferFilters {
    fn query(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("partner", &self.partner)
            .append_pair("state", &self.state)
            .append_pair("q", &self.q);
        s.finish()
    }
}

#[derive(Template)]
#[template(path = "admin/offers/list.html")]
struct OffersPage {
    ctx: PageCtx,
    f: OfferFilters,
    offers: Vec<Offer>,
    next: Option<i64>,
    resellers: Vec<Partner>,
    states: &'static [OfferState],
}

impl Figures for OffersPage {
    fn page(&self) -> &PageCtx {
        &self.ctx
    }

    fn offer_href(&self, id: &i64) -> String {
        routes::admin_offer(id)
    }
}

async fn offer_list(
    _op: Operator,
    Page { ctx, state, .. }: Page,
    f: web::Query<OfferFilters>,
) -> Result<HttpResponse, AppError> {
    let f = f.into_inner();
    let filter = Filter {
        partner_id: f.partner.trim().parse().ok(),
        authorization_id: None,
        state: OfferState::parse(&f.state),
        query: &f.q,
    };
    let mut rows = offers::page_all(state.app(), &filter, f.before, PAGE_SIZE + 1).await?;
    let next = (rows.len() as i64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| r.offer_id).unwrap_or_default()
    });
    render(&OffersPage {
        ctx,
        resellers: app_partners::resellers(state.app()).await?,
        f,
        offers: rows,
        next,
        states: OfferState::ALL,
    })
}

#[derive(Template)]
#[template(path = "admin/offers/detail.html")]
struct OfferPage {
    ctx: PageCtx,
    v: OfferView,
}

impl Figures for OfferPage {
    fn page(&self) -> &PageCtx {
        &self.ctx
    }

    fn offer_href(&self, id: &i64) -> String {
        routes::admin_offer(id)
    }
}

impl OfferPage {
    fn state_label(&self, s: &OfferState) -> String {
        self.ctx.t(&format!("offer-state-{s}"))
    }
}

async fn offer_detail(
    _op: Operator,
    Page { ctx, state, .. }: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let v = offers::view_any(state.app(), *id).await?;
    render(&OfferPage { ctx, v })
}
