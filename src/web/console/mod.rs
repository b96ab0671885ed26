//! The partners' console. Every route here sits behind `require_member` and is scoped by the
//! member's partner.

mod api_keys;
mod bill_csv;
mod bill_view;
mod billing;
mod branding;
mod budgets;
pub(crate) mod customers;
mod dashboard;
mod invoice_details;
mod invoices;
pub(crate) mod offers;
mod price_plans;
mod settings;
mod signup_links;
mod statements;
mod support;
mod team;
mod webhooks;

use actix_web::middleware::from_fn;
use actix_web::web;

use super::routes;
use crate::web::guard::require_member;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(routes::CONSOLE)
            .wrap(from_fn(require_member))
            .route(
                routes::within(routes::CONSOLE, routes::CONSOLE),
                web::get().to(dashboard::dashboard),
            )
            .configure(branding::configure)
            .configure(api_keys::configure)
            .configure(billing::configure)
            .configure(customers::configure)
            .configure(invoices::configure)
            .configure(offers::configure)
            .configure(price_plans::configure)
            .configure(budgets::configure)
            .configure(webhooks::configure)
            .configure(signup_links::configure)
            .configure(statements::configure)
            .configure(support::configure)
            .configure(team::configure)
            .configure(settings::configure)
            .route(
                routes::within(routes::CONSOLE, routes::CONSOLE_AUDIT),
                web::get().to(crate::web::audit_log::console_page),
            )
            .route(
                routes::within(routes::CONSOLE, routes::CONSOLE_AUDIT_CSV),
                web::get().to(crate::web::audit_log::console_csv),
            ),
    );
}
