//! Actions that cannot be undone ask first, without JavaScript (issue 23): a post without
//! `confirmed=yes` answers a page with the question, and changes nothing; the page's own form
//! posts again confirmed.

use partner_console::app::operators;
use partner_console::domain::{CustomerState, PartnerKind, PartnerState, Role};
use partner_console::paths as routes;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestUser, signed_in_client, spawn_app, text_of};

/// Posts `action` from `page` unconfirmed: the question, with the form that confirms it.
async fn asked(user: &TestUser, page: &str, action: &str, title: &str) {
    let r = user.post_form(page, action, &[]).await;
    assert_eq!(r.status(), StatusCode::OK, "{action}");
    let html = r.text().await.unwrap();
    let heading = text_of(&html, "#confirm-title").unwrap_or_default();
    assert!(heading.contains(title), "{action}: {heading:?}");
    let doc = scraper::Html::parse_document(&html);
    let form = scraper::Selector::parse("form.actions").unwrap();
    let form = doc.select(&form).next().expect("the confirming form");
    assert_eq!(form.value().attr("action"), Some(action));
    assert!(html.contains(r#"name="confirmed" value="yes""#));
    assert!(text_of(&html, "#confirm-cancel").is_some(), "a way back");
}

#[tokio::test]
async fn irreversible_actions_ask_first_and_change_nothing_until_confirmed() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.add_customer(acme, "8000000000000000001", "Maple Foods")
        .await;
    app.add_customer(acme, "8000000000000000002", "Cedar Labs")
        .await;
    operators::create_user(
        &app.state.db,
        "ana@acme.example",
        PASSWORD,
        operators::member(acme, Role::Viewer),
    )
    .await
    .unwrap();
    app.create_operator("ops@vendor.example").await;
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let ops = signed_in_client(&app, "ops@vendor.example").await;
    let state_of = |org: &'static str| {
        let db = app.state.db.clone();
        async move {
            let mut c = db.acquire().await.unwrap();
            partner_console::store::customers::find_by_org_id(&mut c, acme, org)
                .await
                .unwrap()
                .unwrap()
                .state
        }
    };

    // A partner's owner ends a contract.
    let page = routes::console_customer("8000000000000000001");
    let expire = routes::console_customer_expire("8000000000000000001");
    asked(&owner, &page, &expire, "Maple Foods").await;
    assert_eq!(state_of("8000000000000000001").await, CustomerState::Active);
    let r = owner
        .post_form(&page, &expire, &[("confirmed", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        state_of("8000000000000000001").await,
        CustomerState::Expired
    );

    // ... removes a member.
    let ana = {
        let mut c = app.state.db.acquire().await.unwrap();
        let email = partner_console::domain::Email::parse("ana@acme.example").unwrap();
        partner_console::store::users::find_by_email(&mut c, &email)
            .await
            .unwrap()
            .unwrap()
            .user_id
    };
    let remove = routes::console_team_remove(ana);
    asked(&owner, routes::CONSOLE_TEAM, &remove, "ana@acme.example").await;
    let (_, team) = owner.get_html(routes::CONSOLE_TEAM).await;
    assert!(team.contains("ana@acme.example"), "still a member");

    // An operator suspends a customer, and the partner.
    let partner_page = routes::admin_partner(acme);
    let suspend = routes::admin_customer_suspend(acme, "8000000000000000002");
    asked(&ops, &partner_page, &suspend, "8000000000000000002").await;
    assert_eq!(state_of("8000000000000000002").await, CustomerState::Active);
    let suspend = routes::admin_partner_suspend(acme);
    asked(&ops, &partner_page, &suspend, "Acme Cloud").await;
    let partner = {
        let mut c = app.state.db.acquire().await.unwrap();
        partner_console::store::partners::find_by_id(&mut c, acme)
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(partner.state, PartnerState::Active);
    assert_eq!(
        owner.open(routes::CONSOLE).await.status(),
        StatusCode::OK,
        "the partner's people are still signed in"
    );

    // ... and closes last month, after which its bills never change.
    let last = partner_console::billing::month::Month::of(app.state.now().date_naive()).plus(-1);
    let close = routes::admin_billing_close(last);
    asked(&ops, routes::ADMIN_BILLING, &close, &last.to_string()).await;
    let (_, billing) = ops.get_html(routes::ADMIN_BILLING).await;
    assert!(
        billing.contains(&close),
        "the month can still be closed: nothing was closed"
    );
    let r = ops
        .post_form(routes::ADMIN_BILLING, &close, &[("confirmed", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, billing) = ops.get_html(routes::ADMIN_BILLING).await;
    assert!(!billing.contains(&close), "closed");
}
