//! The operators' area. Every route here sits behind `require_operator`.

mod applications;
mod authorizations;
mod billing;
mod grant_forms;
mod grants;
mod offers;
mod outbox;
mod overview;
mod partners;

use actix_web::middleware::from_fn;
use actix_web::web;

use super::routes;
use crate::web::guard::require_operator;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(routes::ADMIN)
            .wrap(from_fn(require_operator))
            .route(
                routes::within(routes::ADMIN, routes::ADMIN),
                web::get().to(overview::overview),
            )
            .route(
                routes::within(routes::ADMIN, routes::ADMIN_OUTBOX),
                web::get().to(outbox::outbox_page),
            )
            .route(
                routes::within(routes::ADMIN, routes::ADMIN_AUDIT),
                web::get().to(crate::web::audit_log::admin_page),
            )
            .route(
                routes::within(routes::ADMIN, routes::ADMIN_AUDIT_CSV),
                web::get().to(crate::web::audit_log::admin_csv),
            )
            .configure(applications::configure)
            .configure(partners::configure)
            .configure(grants::configure)
            .configure(authorizations::configure)
            .configure(offers::configure)
            .configure(billing::configure),
    );
}
