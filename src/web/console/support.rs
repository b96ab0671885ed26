//! Support: how to call the APIs. Keys, Digest authentication, rate limits and errors, then every
//! operation of the APIs this partner may use, read from the same OpenAPI documents the APIs
//! serve, with `curl --digest` lines filled in with this console's host, the partner's newest
//! key and one of its customers.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::api::ratelimit::RATE_HEADERS;
use crate::api::reference::{self, ApiDoc, Examples, Operation};
use crate::api::{msp, v1};
use crate::app::customer_reads::{Filter, From};
use crate::billing::month::Month;
use crate::domain::Action;
use crate::web::error::AppError;
use crate::web::guard::Member;
use crate::web::page::{Page, PageCtx, render};
use crate::web::routes;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        routes::within(routes::CONSOLE, routes::CONSOLE_SUPPORT),
        web::get().to(support),
    );
}

pub struct Surface {
    pub doc: ApiDoc,
    pub download: &'static str,
    pub deprecated: bool,
    /// The tags of the operations for the other kind of partner (its key gets 403 there).
    pub foreign_tags: &'static [&'static str],
}

/// The operations of one tag, in the order the page shows them.
pub struct Group<'a> {
    pub tag: &'a str,
    /// For the other kind of partner: listed last, and said so.
    pub foreign: bool,
    pub operations: Vec<&'a Operation>,
}

impl Surface {
    /// The operations by tag: the partner's own first (in the document's order of tags),
    /// those of the other kind of partner last.
    pub fn groups(&self) -> Vec<Group<'_>> {
        let mut groups: Vec<Group<'_>> = Vec::new();
        for op in &self.doc.operations {
            match groups.iter_mut().find(|g| g.tag == op.tag) {
                Some(g) => g.operations.push(op),
                None => groups.push(Group {
                    tag: &op.tag,
                    foreign: self.foreign_tags.contains(&op.tag.as_str()),
                    operations: vec![op],
                }),
            }
        }
        groups.sort_by_key(|g| g.foreign);
        groups
    }
}

#[derive(Template)]
#[template(path = "console/support.html")]
struct SupportPage {
    ctx: PageCtx,
    can_manage_keys: bool,
    has_key: bool,
    first_call: String,
    limit: String,
    failures: String,
    rate_headers: Vec<(&'static str, &'static str)>,
    surfaces: Vec<Surface>,
}

async fn support(
    req: HttpRequest,
    member: Member,
    Page { ctx, state, .. }: Page,
) -> Result<HttpResponse, AppError> {
    let partner = crate::app::partners::own(state.app(), &member.actor).await?;
    // Members who may not see the key list (billing, viewer) see no key of it here either.
    let can_manage_keys = member.user.can(Action::ManageApiKeys);
    let newest_key = if can_manage_keys {
        crate::app::api_keys::list(state.app(), &member.actor)
            .await?
            .into_iter()
            .find(|k| k.revoked_at.is_none())
    } else {
        None
    };
    let user = match &newest_key {
        Some(k) => format!("{}:PRIVATE_KEY", k.public_key),
        None => "PUBLIC_KEY:PRIVATE_KEY".into(),
    };
    let oldest = crate::app::customer_reads::page(
        state.app(),
        &member.actor,
        Filter::default(),
        From::Oldest,
        1,
    )
    .await?;
    let org_id = oldest
        .rows
        .into_iter()
        .next()
        .map(|c| c.org_id)
        .unwrap_or_else(|| "CUSTOMER_ORG_ID".into());
    // The host this partner reached the console at: what their scripts will call.
    let info = req.connection_info();
    let base_url = format!("{}://{}", info.scheme(), info.host());
    let path_values = [
        (
            "billedMonth",
            Month::of(state.now().date_naive()).to_string(),
        ),
        ("customerOrgId", org_id.clone()),
        ("mspCustomerId", org_id),
        ("id", "LINK_ID".to_string()),
        ("authorizationId", "AUTHORIZATION_ID".to_string()),
        ("offerId", "OFFER_ID".to_string()),
        ("planId", "PLAN_ID".to_string()),
        ("invoiceNumber", "INVOICE_NUMBER".to_string()),
        ("webhookId", "WEBHOOK_ID".to_string()),
        ("deliveryId", "DELIVERY_ID".to_string()),
    ];
    let ex = Examples {
        base_url: &base_url,
        user: &user,
        path_values: &path_values,
    };
    let mut surfaces = vec![Surface {
        doc: reference::read(v1::document(), &ex),
        download: "/api/v1/openapi.json",
        deprecated: false,
        foreign_tags: if partner.is_msp() {
            &["Private offers"]
        } else {
            &["Signup links", "Price plans", "Invoices"]
        },
    }];
    // The MSP API serves MSPs only; a reseller would only meet its 403.
    if partner.is_msp() {
        surfaces.push(Surface {
            doc: reference::read(msp::document(), &ex),
            download: "/v1beta1/msp/openapi.json",
            deprecated: true,
            foreign_tags: &[],
        });
    }
    render(&SupportPage {
        ctx,
        can_manage_keys,
        has_key: newest_key.is_some(),
        first_call: crate::paths::first_api_call(&base_url, &user, partner.is_msp()),
        limit: state.settings.api_rate_limit_per_minute.to_string(),
        failures: state.settings.api_auth_failures_per_minute.to_string(),
        rate_headers: RATE_HEADERS.to_vec(),
        surfaces,
    })
}
