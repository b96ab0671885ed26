//! The reseller's resale authorizations, from which it makes offers.

use super::figures::*;
use crate::app::authorizations;
use crate::domain::AuthorizationState;
use crate::store::authorizations::Authorization;
use crate::web::error::AppError;
use crate::web::filters;
use crate::web::guard::Member;
use crate::web::page::{Page, PageCtx, render};
use actix_web::HttpResponse;
use askama::Template;

#[derive(Template)]
#[template(path = "console/offers/held.html")]
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

pub(super) async fn held(
    m: Member,
    Page { ctx, state, .. }: Page,
) -> Result<HttpResponse, AppError> {
    let items = authorizations::held(state.app(), &m.actor).await?;
    render(&HeldPage {
        ctx,
        items,
        can_edit: m.user.is_manager(),
    })
}
