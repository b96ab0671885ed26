//! The operator ingest endpoint, called with the real curl binary and HTTP Digest.

use chrono::Utc;
use partner_console::domain::PartnerKind;
use partner_console::store::customers::{self, NewCustomer};

use partner_console::credentials::api_keys::Algorithm;

use crate::digest_client::DigestClient;
use crate::helpers::{TestApp, spawn_app};

pub async fn curl(
    app: &TestApp,
    user: &str,
    file: &std::path::Path,
) -> (u16, serde_json::Value, String) {
    let (user, file, url) = (
        user.to_string(),
        file.to_path_buf(),
        app.url("/internal/v1/usage"),
    );
    // On the blocking pool: the test's runtime must stay free for the database pool.
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("curl")
            .args([
                "-s",
                "--digest",
                "--user",
                &user,
                "-H",
                "Content-Type: text/csv",
                "--data-binary",
            ])
            .arg(format!("@{}", file.display()))
            .args(["-w", "\n%{http_code}"])
            .arg(url)
            .output()
            .expect("curl is installed")
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, code) = text.rsplit_once('\n').unwrap();
    (
        code.parse().unwrap(),
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
        body.to_string(),
    )
}

/// An operator and a fresh key of theirs, as `partner-console operator key` issues it.
pub async fn operator_key(app: &TestApp) -> partner_console::credentials::api_keys::IssuedKey {
    app.create_operator("ops@vendor.example").await;
    partner_console::app::operators::issue_operator_key(
        &app.state.db,
        &app.state.vault,
        "ops@vendor.example",
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn the_metering_pipeline_loads_usage_with_an_operator_key() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let mut tx = app.state.db.begin().await.unwrap();
    let new = NewCustomer {
        partner_id: acme,
        org_id: "4000000000000000001",
        org_name: "Pioneer Media",
        email: "it@pioneer.example",
        password_hash: "x",
        state: partner_console::domain::CustomerState::Active,
        signup_link_id: None,
        effected_at: Some(Utc::now()),
        aws_account: None,
    };
    customers::insert(&mut tx, new, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    let key = operator_key(&app).await;
    let user = format!("{}:{}", key.public_key, key.private_key);

    let good = app.data_dir.path().join("good.csv");
    let day = Utc::now().date_naive();
    std::fs::write(
        &good,
        format!(
            "{}\n4000000000000000001,{day},TiDB Dedicated,web,c1,10.50,m1\n",
            partner_console::billing::usage_file::CSV_HEADER
        ),
    )
    .unwrap();
    let (status, json, body) = curl(&app, &user, &good).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(json["inserted"], 1);
    let (status, json, _) = curl(&app, &user, &good).await;
    assert_eq!(
        (status, json["inserted"].clone(), json["skipped"].clone()),
        (200, 0.into(), 1.into()),
        "idempotent"
    );

    let bad = app.data_dir.path().join("bad.csv");
    std::fs::write(&bad, format!("{}\n4000000000000000001,{day},TiDB Dedicated,web,c1,1.00,m2\n4000000000000000001,{day},TiDB Dedicated,web,c1,-1.00,m3\n", partner_console::billing::usage_file::CSV_HEADER)).unwrap();
    let (status, json, body) = curl(&app, &user, &bad).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(json["status"], 422);
    assert_eq!(json["error"]["rejected"][0]["line"], 3);
    assert_eq!(json["error"]["rejectedCount"], 1);
    assert!(
        json["error"]["rejected"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("negative")
    );
    let mut c = app.state.db.acquire().await.unwrap();
    assert!(
        partner_console::store::usage::find(&mut c, "m2")
            .await
            .unwrap()
            .is_none(),
        "nothing of the bad file loaded"
    );

    // A wrong private key, or a partner-less stranger, gets 401 with the JSON error.
    let (status, json, _) = curl(&app, &format!("{}:wrong", key.public_key), &good).await;
    assert_eq!((status, json["status"].clone()), (401, 401.into()));
    let r = reqwest::Client::new()
        .post(app.url("/internal/v1/usage"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let challenges: Vec<_> = r
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        challenges[0].contains("algorithm=SHA-256") && challenges[1].contains("algorithm=MD5"),
        "{challenges:?}"
    );
}

/// POSTs `body` to the ingest endpoint with `authorization` (if any).
async fn post(app: &TestApp, authorization: Option<&str>, body: &str) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(app.url(INGEST))
        .header("content-type", "text/csv")
        .body(body.to_string());
    if let Some(h) = authorization {
        req = req.header("authorization", h);
    }
    req.send().await.unwrap()
}

const INGEST: &str = "/internal/v1/usage";

#[tokio::test]
async fn ingest_has_the_replay_guard_the_failure_limit_and_no_401_for_a_store_outage() {
    let app = spawn_app().await;
    let key = operator_key(&app).await;
    let empty = partner_console::billing::usage_file::CSV_HEADER.to_string() + "\n";
    let challenge = post(&app, None, &empty).await;
    assert_eq!(challenge.status(), 401);

    // The same (nonce, nc) twice: the second is a replay.
    let mut ops = DigestClient::new(
        &format!("{}:{}", key.public_key, key.private_key),
        Algorithm::Sha256,
    );
    ops.take_challenge(&challenge);
    let once = ops.header("POST", INGEST).unwrap();
    assert_eq!(post(&app, Some(&once), &empty).await.status(), 200);
    let replay = post(&app, Some(&once), &empty).await;
    assert_eq!(replay.status(), 401, "a replayed nonce count");
    let stale = replay
        .headers()
        .get_all("www-authenticate")
        .iter()
        .all(|v| v.to_str().unwrap().contains("stale=true"));
    assert!(stale, "the replay is told to take a new nonce");
    let next = ops.header("POST", INGEST).unwrap();
    assert_eq!(post(&app, Some(&next), &empty).await.status(), 200);

    // Guessing an operator's key is limited per address, as on the partner APIs: 30 a minute.
    let mut guesser = DigestClient::new(&format!("{}:guess", key.public_key), Algorithm::Sha256);
    guesser.take_challenge(&challenge);
    for i in 1..=30 {
        let h = guesser.header("POST", INGEST).unwrap();
        assert_eq!(
            post(&app, Some(&h), &empty).await.status(),
            401,
            "guess {i}"
        );
    }
    let h = guesser.header("POST", INGEST).unwrap();
    let r = post(&app, Some(&h), &empty).await;
    assert_eq!(r.status(), 429, "the 31st failed attempt within a minute");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (body["code"].as_str(), body["status"].as_i64()),
        (Some("ResourceExhausted"), Some(429))
    );

    // A store that cannot be reached is the server's trouble, not a wrong key: 503, not 401.
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let (_, partner) = crate::api_calls::api_key(&app, acme).await;
    let mut msp = DigestClient::new(&partner, Algorithm::Sha256);
    msp.take_challenge(&challenge);
    let mut ops = DigestClient::new(
        &format!("{}:{}", key.public_key, key.private_key),
        Algorithm::Sha256,
    );
    ops.take_challenge(&challenge);
    app.state.db.close().await;
    let h = ops.header("POST", INGEST).unwrap();
    let r = post(&app, Some(&h), &empty).await;
    assert_eq!(r.status(), 503);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (body["code"].as_str(), body["status"].as_i64()),
        (Some("Unavailable"), Some(503))
    );
    let h = msp.header("GET", "/api/v1/me").unwrap();
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .header("authorization", h)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503, "the partner APIs too");
}

/// A body past `PC_USAGE_MAX_BYTES` is answered 413 with the JSON error and loads nothing; one
/// within it loads (the body is spooled to a file, so the limit, not memory, bounds it).
#[tokio::test]
async fn a_usage_file_past_the_size_limit_is_refused_with_413() {
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        usage_max_bytes: 4096,
        ..Default::default()
    })
    .await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.add_customer(acme, "4000000000000000001", "Pioneer Media")
        .await;
    let key = operator_key(&app).await;
    let user = format!("{}:{}", key.public_key, key.private_key);
    let day = Utc::now().date_naive();
    let file = |rows: usize| {
        let mut text = partner_console::billing::usage_file::CSV_HEADER.to_string() + "\n";
        for i in 0..rows {
            text += &format!("4000000000000000001,{day},TiDB Dedicated,web,c1,1.00,s{i}\n");
        }
        text
    };
    let small = app.data_dir.path().join("small.csv");
    std::fs::write(&small, file(40)).unwrap();
    assert!(std::fs::metadata(&small).unwrap().len() <= 4096);
    let (status, json, body) = curl(&app, &user, &small).await;
    assert_eq!(
        (status, json["inserted"].clone()),
        (200, 40.into()),
        "{body}"
    );

    let big = app.data_dir.path().join("big.csv");
    std::fs::write(&big, file(200)).unwrap();
    let (status, json, body) = curl(&app, &user, &big).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(json["status"], 413);
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("larger than 4096 bytes"),
        "{body}"
    );
    let mut c = app.state.db.acquire().await.unwrap();
    assert!(
        partner_console::store::usage::find(&mut c, "s100")
            .await
            .unwrap()
            .is_none(),
        "nothing of the refused file loaded"
    );
}
