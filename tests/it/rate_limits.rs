//! API rate limits: 100 requests a minute per key by default, GCRA (no clock-minute resets),
//! `X-Ratelimit-*` on every authenticated answer, 429 with JSON past the limit, shared by
//! instances on one database, and failed authentication limited per client address.

use chrono::Duration;
use partner_console::credentials::api_keys::Algorithm;
use partner_console::domain::PartnerKind;
use serde_json::Value;

use crate::api_calls::api_key;
use crate::digest_client::DigestClient;
use crate::helpers::{Options, spawn_app, spawn_app_with};

const CUSTOMERS: &str = "/v1beta1/msp/mspCustomers?pageSize=1";

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .unwrap_or_else(|| panic!("{name} missing on a {} answer", r.status()))
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_101st_request_in_a_minute_gets_429_and_a_second_later_one_more_passes() {
    let app = spawn_app().await;
    app.state.clock.freeze();
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let (_, key) = api_key(&app, acme).await;
    let mut client = DigestClient::new(&key, Algorithm::Sha256);
    for i in 0..100 {
        // Headers are on every authenticated answer, errors included.
        let uri = if i == 50 {
            "/v1beta1/msp/mspCustomers/12345"
        } else {
            CUSTOMERS
        };
        let r = client.get(&app.address, uri).await;
        assert_eq!(
            r.status(),
            if i == 50 { 404 } else { 200 },
            "request {}",
            i + 1
        );
        assert_eq!(header(&r, "x-ratelimit-limit-minute"), "100");
        assert_eq!(
            header(&r, "x-ratelimit-remaining-minute"),
            (99 - i).to_string()
        );
    }
    let r = client.get(&app.address, CUSTOMERS).await;
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "x-ratelimit-remaining-minute"), "0");
    assert_eq!(header(&r, "x-ratelimit-reset"), "1");
    assert_eq!(header(&r, "retry-after"), "1");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], 429);
    assert_eq!(body["code"], "ResourceExhausted");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("100 requests per minute")
    );
    // The other API surface shares the key's quota.
    assert_eq!(client.get(&app.address, "/api/v1/me").await.status(), 429);

    // A sliding limit: one second later one request (one every 0.6 s) passes, not a whole minute.
    app.state.clock.advance(Duration::seconds(1));
    assert_eq!(client.get(&app.address, CUSTOMERS).await.status(), 200);
    assert_eq!(client.get(&app.address, CUSTOMERS).await.status(), 429);
    app.state.clock.advance(Duration::seconds(60));
    let r = client.get(&app.address, CUSTOMERS).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-ratelimit-remaining-minute"), "99");

    // Another key of the same partner has a quota of its own.
    let (_, other) = api_key(&app, acme).await;
    let mut client = DigestClient::new(&other, Algorithm::Md5);
    let r = client.get(&app.address, CUSTOMERS).await;
    assert_eq!(header(&r, "x-ratelimit-remaining-minute"), "99");
}

#[tokio::test]
async fn two_instances_on_one_database_share_the_limit() {
    let app = spawn_app_with(Options {
        rate_limits_in_database: true,
        api_rate_limit_per_minute: 10,
        ..Options::default()
    })
    .await;
    let second = app.second_instance().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let (_, key) = api_key(&app, acme).await;
    // Nonces are MACed with the shared session key: one client may talk to both instances.
    let mut client = DigestClient::new(&key, Algorithm::Sha256);
    for i in 0..10 {
        let base = if i % 2 == 0 { &app.address } else { &second };
        let r = client.get(base, CUSTOMERS).await;
        assert_eq!(r.status(), 200, "request {}", i + 1);
        assert_eq!(
            header(&r, "x-ratelimit-remaining-minute"),
            (9 - i).to_string()
        );
    }
    // At 10 a minute a slot frees every 6 s: the quota is spent on both instances.
    for base in [&app.address, &second] {
        let r = client.get(base, CUSTOMERS).await;
        assert_eq!(r.status(), 429, "{base}");
    }
}

#[tokio::test]
async fn failed_authentication_is_limited_per_client_address() {
    let app = spawn_app().await;
    app.state.clock.freeze();
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let (_, key) = api_key(&app, acme).await;
    let public = key.split_once(':').unwrap().0;
    let mut guesser = DigestClient::new(&format!("{public}:not-the-key"), Algorithm::Sha256);
    // The first call takes the challenge (not a failure), then guesses once.
    assert_eq!(guesser.send(&app.address, "/api/v1/me").await.status(), 401);
    let http = reqwest::Client::new();
    let mut guess = async || {
        let h = guesser.header("GET", "/api/v1/me").unwrap();
        let r = http.get(app.url("/api/v1/me")).header("authorization", h);
        r.send().await.unwrap()
    };
    for i in 1..30 {
        let r = guess().await;
        assert_eq!(r.status(), 401, "guess {}", i + 1);
        assert!(r.headers().get("x-ratelimit-limit-minute").is_none());
    }
    assert_eq!(guess().await.status(), 429, "the 31st guess in a minute");
    // From this address even the right key waits: the limit is on the address, not the key.
    let mut owner = DigestClient::new(&key, Algorithm::Sha256);
    let r = owner.send(&app.address, "/api/v1/me").await;
    assert_eq!(r.status(), 429);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("failed authentications")
    );
    // 30 a minute: one more attempt every 2 s.
    app.state.clock.advance(Duration::seconds(2));
    assert_eq!(owner.get(&app.address, "/api/v1/me").await.status(), 200);
}
