//! Resellers' private offers and the authorizations they are made from (issue 14). Owners and
//! admins make, edit, release, accept, cancel and replace offers; billing and viewer members
//! read. An MSP's console has none of these pages (404), as a reseller's has no signup links.

use actix_web::web;

use crate::domain::PartnerKind;
use crate::web::guard::partner_kind;
use crate::web::routes;

mod detail;
pub mod figures;
mod form;
mod held;
mod list;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let at = |p| routes::within(routes::CONSOLE, p);
    let reseller = || partner_kind(PartnerKind::Reseller);
    cfg.route(
        at(routes::CONSOLE_AUTHORIZATIONS),
        web::get().guard(reseller()).to(held::held),
    )
    .route(
        at(routes::CONSOLE_OFFERS),
        web::get().guard(reseller()).to(list::list),
    )
    .route(
        at(routes::CONSOLE_OFFERS),
        web::post().guard(reseller()).to(form::create),
    )
    .route(
        at(routes::CONSOLE_OFFER_NEW),
        web::get().guard(reseller()).to(form::new_form),
    )
    .route(
        at(routes::CONSOLE_OFFER),
        web::get().guard(reseller()).to(detail::detail),
    )
    .route(
        at(routes::CONSOLE_OFFER_EDIT),
        web::get().guard(reseller()).to(form::edit_form),
    )
    .route(
        at(routes::CONSOLE_OFFER_EDIT),
        web::post().guard(reseller()).to(form::edit),
    )
    .route(
        at(routes::CONSOLE_OFFER_RELEASE),
        web::post().guard(reseller()).to(detail::release),
    )
    .route(
        at(routes::CONSOLE_OFFER_ACCEPT),
        web::post().guard(reseller()).to(detail::accept),
    )
    .route(
        at(routes::CONSOLE_OFFER_CANCEL),
        web::post().guard(reseller()).to(detail::cancel),
    );
}
