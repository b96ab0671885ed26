//! The Partner Management API v1, Python requests' digest client, a client forced to MD5, and a
//! client that reuses its nonce.

use chrono::Utc;
use partner_console::credentials::api_keys::Algorithm;
use partner_console::domain::PartnerKind;

use crate::api_calls::{api_key, python};
use crate::digest_client::DigestClient;
use crate::helpers::spawn_app;

#[tokio::test]
async fn both_partner_kinds_use_v1_and_only_msps_have_signup_links() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let borealis = app
        .create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    let (_, msp) = api_key(&app, acme).await;
    let (_, reseller) = api_key(&app, borealis).await;

    let (s, me) = app.api(&reseller).get("/api/v1/me").await;
    assert_eq!(
        (s, me["partnerKind"].as_str(), me["partnerName"].as_str()),
        (200, Some("reseller"), Some("Borealis"))
    );
    let (s, _) = app.api(&reseller).get("/api/v1/customers").await;
    assert_eq!(s, 200);
    let month = partner_console::billing::month::Month::of(Utc::now().date_naive());
    assert_eq!(
        app.api(&reseller)
            .get(&format!("/api/v1/bills/{month}"))
            .await
            .0,
        200
    );
    let (s, err) = app
        .api(&reseller)
        .send("POST", "/api/v1/signupLinks", "{}")
        .await;
    assert_eq!(s, 403);
    assert!(err["error"].as_str().unwrap().contains("private offers"));

    let (s, link) = app
        .api(&msp)
        .send(
            "POST",
            "/api/v1/signupLinks",
            r#"{"label":"From script","expiresInDays":3,"maxUses":2}"#,
        )
        .await;
    assert_eq!(s, 201, "{link}");
    assert_eq!(
        (link["state"].as_str(), link["maxUses"].as_i64()),
        (Some("active"), Some(2))
    );
    let url = link["customerSignupUrl"].as_str().unwrap();
    assert_eq!(
        app.get(url.trim_start_matches(&app.address)).await.status(),
        200
    );
    let (s, list) = app.api(&msp).get("/api/v1/signupLinks").await;
    assert_eq!(s, 200);
    assert!(
        list["signupLinks"][0].get("customerSignupUrl").is_none(),
        "the URL is shown once"
    );
    let id = link["id"].as_str().unwrap();
    let (s, revoked) = app
        .api(&msp)
        .send("DELETE", &format!("/api/v1/signupLinks/{id}"), "")
        .await;
    assert_eq!((s, revoked["state"].as_str()), (200, Some("revoked")));
    assert_eq!(
        app.get(url.trim_start_matches(&app.address)).await.status(),
        410
    );

    for (body, why) in [
        (r#"{"expiresInDays":91}"#, "expiresInDays"),
        (r#"{"maxUses":0}"#, "maxUses"),
        (r#"{"nope":1}"#, "unknown field"),
        (r#"{"expiresInDays":2.5}"#, "not a whole number"),
        (r#"{"maxUses":10000000000}"#, "too many uses"),
        ("[1]", "not an object"),
        ("[]", "an empty array is not an object either"),
    ] {
        let (s, _) = app
            .api(&msp)
            .send("POST", "/api/v1/signupLinks", body)
            .await;
        assert_eq!(s, 400, "{why}");
    }
    // JSON Schema's integers include 30.0, and `null` is an empty body.
    let (s, link) = app
        .api(&msp)
        .send("POST", "/api/v1/signupLinks", r#"{"expiresInDays":30.0}"#)
        .await;
    assert_eq!(s, 201, "{link}");
    assert_eq!(
        app.api(&msp)
            .send("POST", "/api/v1/signupLinks", "null")
            .await
            .0,
        201
    );
    // Another partner's link id is a 404.
    let (s, _) = app
        .api(&msp)
        .send("DELETE", "/api/v1/signupLinks/999999", "")
        .await;
    assert_eq!(s, 404);
    assert_eq!(app.api(&msp).get("/api/v1/nothing-here").await.0, 404);
}

#[tokio::test]
async fn a_client_reusing_its_nonce_pays_one_401_and_md5_works() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let (_, key) = api_key(&app, acme).await;
    let mut sha = DigestClient::new(&key, Algorithm::Sha256);
    for _ in 0..50 {
        assert_eq!(
            sha.get(&app.address, "/v1beta1/msp/mspCustomers?pageSize=10")
                .await
                .status(),
            200
        );
    }
    assert_eq!(sha.unauthorized, 1, "one challenge for 50 requests");
    let mut md5 = DigestClient::new(&key, Algorithm::Md5);
    assert_eq!(md5.get(&app.address, "/api/v1/me").await.status(), 200);
    // An answer computed for another target is refused.
    let mut other = DigestClient::new(&key, Algorithm::Sha256);
    other.get(&app.address, "/api/v1/me").await;
    let h = other.header("GET", "/api/v1/customers").unwrap();
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .header("authorization", h)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "the uri must be the request's own");

    // A captured answer replayed (same nonce and nc) is refused; the client is told to renew.
    let h = other.header("GET", "/api/v1/me").unwrap();
    let send = || {
        reqwest::Client::new()
            .get(app.url("/api/v1/me"))
            .header("authorization", h.clone())
            .send()
    };
    assert_eq!(send().await.unwrap().status(), 200);
    let replayed = send().await.unwrap();
    assert_eq!(replayed.status(), 401);
    let challenges: Vec<_> = replayed
        .headers()
        .get_all("www-authenticate")
        .iter()
        .collect();
    assert!(
        challenges
            .iter()
            .all(|c| c.to_str().unwrap().contains("stale=true"))
    );
}

#[tokio::test]
async fn python_requests_digest_auth_works_unchanged() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let (_, key) = api_key(&app, acme).await;
    let (user, password) = key.split_once(':').unwrap();
    let script = format!(
        "import requests\nfrom requests.auth import HTTPDigestAuth\nr = requests.get('{}', auth=HTTPDigestAuth('{user}', '{password}'))\nprint(r.status_code)\nprint(r.json()['mspCustomers'])\n",
        app.url("/v1beta1/msp/mspCustomers")
    );
    let text = String::from_utf8_lossy(&python(script).await).to_string();
    assert!(text.starts_with("200\n[]"), "{text}");
}
