//! The reseller's offers, filtered, page by page.

use super::figures::*;
use crate::app::offers::{self};
use crate::domain::OfferState;
use crate::store::offers::Offer;
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::Member;
use crate::web::page::{Page, PageCtx, render};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
const PAGE_SIZE: i64 = 25;

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
#[template(path = "console/offers/list.html")]
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

pub(super) async fn list(
    m: Member,
    Page { ctx, state, .. }: Page,
    f: web::Query<Filters>,
) -> Result<HttpResponse, AppError> {
    let f = f.into_inner();
    let mut rows = offers::page(
        state.app(),
        &m.actor,
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
