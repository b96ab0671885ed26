//! API keys with a scope and an expiry, rotation with a grace period, and the owners' warning
//! a week before a key stops (issue 26, point 5).

use chrono::Duration;
use partner_console::domain::{KeyScope, PartnerKind};
use partner_console::store::api_keys;
use partner_console::web::routes;
use reqwest::StatusCode;

use crate::api_calls::api_key_scoped;
use crate::helpers::{TestApp, TestUser, spawn_app, text_of};

/// Creates a key through the console's form; returns "PUBLIC:PRIVATE" from the page that shows
/// it once.
async fn create_in_console(owner: &TestUser, fields: &[(&str, &str)]) -> String {
    let r = owner
        .post_form(routes::CONSOLE_API_KEYS, routes::CONSOLE_API_KEYS, fields)
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{fields:?}");
    shown_key(&r.text().await.unwrap())
}

fn shown_key(page: &str) -> String {
    let public = text_of(page, "#public-key").expect("the public key is shown");
    let private = text_of(page, "#private-key").expect("the private key is shown once");
    format!("{public}:{private}")
}

async fn status(app: &TestApp, key: &str, path: &str) -> u16 {
    app.api(key).get(path).await.0
}

#[tokio::test]
async fn each_scope_reads_everywhere_and_changes_only_what_it_names() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let (_, read) = api_key_scoped(&app, acme, KeyScope::Read).await;
    let (_, billing) = api_key_scoped(&app, acme, KeyScope::Billing).await;
    let (_, full) = api_key_scoped(&app, acme, KeyScope::Full).await;
    for key in [&read, &billing, &full] {
        assert_eq!(status(&app, key, "/api/v1/me").await, 200);
        assert_eq!(status(&app, key, "/v1beta1/msp/mspCustomers").await, 200);
    }
    // A write of each API: only a full key makes a signup link.
    for (key, want) in [(&read, 403), (&billing, 403), (&full, 201)] {
        let (s, body) = app
            .api(key)
            .send("POST", "/api/v1/signupLinks", r#"{"label":"script"}"#)
            .await;
        assert_eq!(s, want, "{body}");
        if s == 403 {
            let why = body["error"].as_str().unwrap();
            assert!(why.contains("scope") && why.contains("`full`"), "{why}");
            assert_eq!(body["code"], "PermissionDenied");
        }
    }
    for (key, want) in [(&read, 403), (&billing, 403), (&full, 200)] {
        let (s, body) = app
            .api(key)
            .send("POST", "/v1beta1/msp/customerSignupUrl", "")
            .await;
        assert_eq!(s, want, "{body}");
    }
    // What is done to invoices: a billing key gets past its scope (to the invoice's 404), a
    // read key does not.
    let void = "/api/v1/invoices/ACME-2026-99999/void";
    let reason = r#"{"reason":"a test"}"#;
    let (s, body) = app.api(&read).send("POST", void, reason).await;
    assert_eq!(s, 403, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("`billing` or `full`")
    );
    for key in [&billing, &full] {
        let (s, body) = app.api(key).send("POST", void, reason).await;
        assert_eq!(s, 404, "{body}");
    }
}

#[tokio::test]
async fn keys_made_in_the_console_expire_rotate_and_say_so() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let owner = app.user("owner@acme.example").await;
    let today = app.state.now().date_naive();

    // Every mistake at once, the values kept, nothing made.
    let r = owner
        .post_form(
            routes::CONSOLE_API_KEYS,
            routes::CONSOLE_API_KEYS,
            &[
                ("name", "nightly export"),
                ("scope", "admin"),
                ("expires_on", "2020-01-31"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    let summary = text_of(&page, "#key-errors").unwrap();
    assert!(
        summary.contains("Choose a scope") && summary.contains("cannot be in the past"),
        "{summary}"
    );
    assert!(page.contains(r#"value="nightly export""#) && page.contains("2020-01-31"));
    let mut c = app.state.db.acquire().await.unwrap();
    assert!(api_keys::list(&mut c, acme).await.unwrap().is_empty());

    // A read key that works through today.
    let last_day = today.to_string();
    let reader = create_in_console(
        &owner,
        &[
            ("name", "report"),
            ("scope", "read"),
            ("expires_on", &last_day),
        ],
    )
    .await;
    assert_eq!(status(&app, &reader, "/api/v1/me").await, 200);
    let (_, list) = owner.get_html(routes::CONSOLE_API_KEYS).await;
    let row = text_of(&list, "#keys tbody tr").unwrap();
    assert!(
        row.contains("Read") && row.contains(&format!("works through {last_day} (UTC)")),
        "{row}"
    );
    assert!(
        row.contains("127.0.0.1"),
        "last used, with its address: {row}"
    );
    assert!(
        text_of(&list, "#keys-expiring")
            .unwrap()
            .contains("One key stops within 14 days"),
        "the list warns of a key that stops soon"
    );

    // A full key, replaced by a successor; the old one keeps working for a day.
    let old = create_in_console(&owner, &[("name", "billing sync"), ("scope", "full")]).await;
    let old_id = api_keys::list(&mut c, acme).await.unwrap()[0].key_id;
    let rotate = routes::console_api_key_rotate(old_id);
    let r = owner
        .post_form(
            &rotate,
            &rotate,
            &[
                ("name", "billing sync"),
                ("scope", "full"),
                ("grace", "999"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a grace past 30 days"
    );
    assert!(r.text().await.unwrap().contains("at most 30 days"));
    let r = owner
        .post_form(
            &rotate,
            &rotate,
            &[
                ("name", "billing sync 2"),
                ("scope", "full"),
                ("grace", "24"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let new = shown_key(&r.text().await.unwrap());
    assert_eq!(status(&app, &old, "/api/v1/me").await, 200, "in its grace");
    assert_eq!(status(&app, &new, "/api/v1/me").await, 200);
    let (_, list) = owner.get_html(routes::CONSOLE_API_KEYS).await;
    assert!(list.contains("replaced by billing sync 2"), "{list}");

    // A day and an hour later: the read key's last day and the old key's grace are over.
    app.state.clock.advance(Duration::hours(25));
    for gone in [&reader, &old] {
        let (s, body) = app.api(gone).get("/api/v1/me").await;
        assert_eq!(s, 401, "{body}");
        assert!(
            body["error"].as_str().unwrap().contains("expired"),
            "{body}"
        );
    }
    assert_eq!(status(&app, &new, "/api/v1/me").await, 200);
    // The owner's session is a day old too: signed in anew.
    let owner = app.user("owner@acme.example").await;
    let (_, list) = owner.get_html(routes::CONSOLE_API_KEYS).await;
    let rows: Vec<String> = scraper::Html::parse_document(&list)
        .select(&scraper::Selector::parse("#keys tbody tr").unwrap())
        .map(|r| r.text().collect())
        .collect();
    assert_eq!(rows.len(), 3);
    assert!(
        rows[1].contains("expired") && rows[2].contains("expired"),
        "{rows:?}"
    );
    // A key that stopped cannot be replaced.
    let r = owner
        .post_form(
            &routes::console_api_key_rotate(old_id),
            &rotate,
            &[("name", "x"), ("scope", "full"), ("grace", "0")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // The audit log has each change, by the owner, with the address.
    let (_, log) = owner.get_html(routes::CONSOLE_AUDIT).await;
    assert!(log.contains("API key rotated"), "{log}");
    let doc = scraper::Html::parse_document(&log);
    let rotated: String = doc
        .select(&scraper::Selector::parse("tbody tr").unwrap())
        .map(|r| r.text().collect::<String>())
        .find(|t| t.contains("API key rotated"))
        .unwrap();
    assert!(
        rotated.contains("owner@acme.example") && rotated.contains("127.0.0.1"),
        "{rotated}"
    );
    assert!(
        log.contains("scope read"),
        "creation records the scope: {log}"
    );
}

#[tokio::test]
async fn owners_hear_once_a_week_before_a_key_stops() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let owner = app.user("owner@acme.example").await;
    let last_day = (app.state.now() + Duration::days(9))
        .date_naive()
        .to_string();
    create_in_console(
        &owner,
        &[
            ("name", "nightly export"),
            ("scope", "billing"),
            ("expires_on", &last_day),
        ],
    )
    .await;
    let warn = || partner_console::app::api_keys::warn_expiring(app.state.app());
    assert_eq!(warn().await.unwrap(), 0, "ten days ahead: not yet");
    app.state.clock.advance(Duration::days(4));
    assert_eq!(warn().await.unwrap(), 1);
    assert_eq!(warn().await.unwrap(), 0, "told once");
    let mail = app
        .mail_with_subject("owner@acme.example", "Your API key")
        .await;
    assert!(
        mail.subject.contains("nightly export") && mail.text.contains("/console/api-keys"),
        "{}\n{}",
        mail.subject,
        mail.text
    );
    let warned = app
        .smtp
        .all()
        .iter()
        .filter(|m| m.subject.starts_with("Your API key"))
        .count();
    assert_eq!(warned, 1);
}
