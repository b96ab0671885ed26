//! The MSP API v1beta1 through the real curl binary with HTTP Digest (curl answers the first,
//! SHA-256, challenge).

use chrono::Utc;
use partner_console::billing::month::Month;
use partner_console::domain::PartnerKind;
use partner_console::store::api_keys::{self, NewApiKey};
use partner_console::store::customers::{self, NewCustomer};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};

/// A fresh API key of `partner_id`, as "PUBLIC:PRIVATE".
pub async fn api_key(app: &TestApp, partner_id: i64) -> (i64, String) {
    let key = app.state.vault.issue().unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    let new = NewApiKey {
        partner_id,
        name: "test",
        public_key: &key.public_key,
        ha1_sha256: &key.ha1_sha256_enc,
        ha1_md5: &key.ha1_md5_enc,
        created_by: None,
    };
    let id = api_keys::insert(&mut tx, new, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    (id, format!("{}:{}", key.public_key, key.private_key))
}

/// Calls the API with curl --digest; returns status and JSON body. curl runs on the blocking
/// pool: blocking the test's own runtime would stall the pool's connections.
pub async fn curl(app: &TestApp, user: &str, method: &str, path: &str) -> (u16, Value) {
    let (user, method, url) = (user.to_string(), method.to_string(), app.url(path));
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("curl")
            .args([
                "-s",
                "--digest",
                "--user",
                &user,
                "-X",
                &method,
                "-w",
                "\n%{http_code}",
            ])
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
        serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_string())),
    )
}

#[tokio::test]
async fn every_msp_operation_answers_in_the_public_shape() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let other = app
        .create_partner("Other MSP", PartnerKind::Msp, "owner@other.example")
        .await;
    app.add_customer(acme, "5000000000000000001", "Harbor Logistics")
        .await;
    app.add_customer(other, "5000000000000000009", "Not Yours")
        .await;
    let month = Month::of(Utc::now().date_naive()).plus(-1);
    let rows = vec![partner_console::billing::usage_file::UsageRow {
        line: 1,
        org_id: "5000000000000000001".into(),
        day: month.first_day(),
        service: "TiDB Dedicated".into(),
        project: "web".into(),
        cluster: "prod".into(),
        cost: 123_450,
        record_key: "u1".into(),
    }];
    partner_console::usage::load(&app.state.db, &rows, vec![], Utc::now(), |_| {})
        .await
        .unwrap();
    let (_, key) = api_key(&app, acme).await;

    let (s, list) = curl(&app, &key, "GET", "/v1beta1/msp/mspCustomers").await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["nextPageToken"], "");
    let c = &list["mspCustomers"][0];
    assert_eq!(
        (c["id"].as_str(), c["orgId"].as_str(), c["orgName"].as_str()),
        (
            Some("5000000000000000001"),
            Some("5000000000000000001"),
            Some("Harbor Logistics")
        )
    );
    assert_eq!(c["state"], "active");
    assert_eq!(c["expiredTime"], "");
    assert!(
        c["effectedTime"].as_str().unwrap().len() == 19,
        "YYYY-MM-DD hh:mm:ss"
    );
    assert_eq!(
        list["mspCustomers"].as_array().unwrap().len(),
        1,
        "only this partner's customers"
    );

    let (s, one) = curl(
        &app,
        &key,
        "GET",
        "/v1beta1/msp/mspCustomers/5000000000000000001",
    )
    .await;
    assert_eq!(
        (s, one["orgName"].as_str()),
        (200, Some("Harbor Logistics"))
    );
    let (s, err) = curl(
        &app,
        &key,
        "GET",
        "/v1beta1/msp/mspCustomers/5000000000000000009",
    )
    .await;
    assert_eq!(s, 404, "a foreign customerOrgId");
    assert_eq!(err["status"], 404);
    assert!(err["code"].is_string() && err["msgPrefix"].is_string());

    let (s, bill) = curl(&app, &key, "GET", &format!("/v1beta1/msp/bills/{month}")).await;
    assert_eq!(s, 200, "{bill}");
    assert_eq!(bill["overview"]["billedMonth"], month.to_string());
    assert_eq!(bill["overview"]["totalCost"], "1234.50");
    assert_eq!(bill["overview"]["runningTotal"], "1234.50");
    assert_eq!(
        bill["summaryByCustomer"][0]["customerOrgId"],
        "5000000000000000001"
    );
    assert_eq!(bill["summaryByService"][0]["serviceName"], "TiDB Dedicated");
    assert_eq!(
        bill["summaryByService"][0]["serviceCosts"][0]["clusterName"],
        "prod"
    );

    let (s, cb) = curl(
        &app,
        &key,
        "GET",
        &format!("/v1beta1/msp/mspCustomers/5000000000000000001/bills/{month}"),
    )
    .await;
    assert_eq!(s, 200, "{cb}");
    assert_eq!(cb["summaryByProject"]["projects"][0]["projectName"], "web");
    assert_eq!(
        cb["summaryByProject"]["projects"][0]["totalCost"],
        "1234.50"
    );
    let (s, _) = curl(
        &app,
        &key,
        "GET",
        &format!("/v1beta1/msp/mspCustomers/5000000000000000009/bills/{month}"),
    )
    .await;
    assert_eq!(s, 404);

    let old = Month::of(Utc::now().date_naive()).plus(-7);
    let (s, err) = curl(&app, &key, "GET", &format!("/v1beta1/msp/bills/{old}")).await;
    assert_eq!(s, 400);
    assert!(
        err["error"].as_str().unwrap().contains("six months"),
        "{err}"
    );
    assert_eq!(
        curl(&app, &key, "GET", "/v1beta1/msp/bills/2026-13")
            .await
            .0,
        400
    );

    let (s, url) = curl(&app, &key, "POST", "/v1beta1/msp/customerSignupUrl").await;
    assert_eq!(s, 200, "{url}");
    let link = url["customerSignupUrl"].as_str().unwrap();
    assert!(link.starts_with(&app.url("/signup/acme-cloud/")));
    assert_eq!(url["expiredAt"].as_str().unwrap().len(), 19);
    assert_eq!(
        app.get(link.trim_start_matches(&app.address))
            .await
            .status(),
        200,
        "the URL opens the signup page"
    );

    let (s, credits) = curl(&app, &key, "GET", "/v1beta1/msp/credits").await;
    assert_eq!(
        (s, credits["credits"].as_array().map(|a| a.len())),
        (200, Some(0))
    );
    let (s, discounts) = curl(&app, &key, "GET", "/v1beta1/msp/discounts").await;
    assert_eq!(
        (s, discounts["discounts"].as_array().map(|a| a.len())),
        (200, Some(0))
    );

    for bad in ["1001", "-1", "abc"] {
        let (s, _) = curl(
            &app,
            &key,
            "GET",
            &format!("/v1beta1/msp/mspCustomers?pageSize={bad}"),
        )
        .await;
        assert_eq!(s, 400, "pageSize={bad}");
    }
}

#[tokio::test]
async fn resellers_revoked_keys_and_suspended_partners_are_refused() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let borealis = app
        .create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    let (_, reseller) = api_key(&app, borealis).await;
    let (s, err) = curl(&app, &reseller, "GET", "/v1beta1/msp/mspCustomers").await;
    assert_eq!(s, 403);
    assert!(err["error"].as_str().unwrap().contains("/api/v1"), "{err}");

    let (key_id, key) = api_key(&app, acme).await;
    assert_eq!(
        curl(&app, &key, "GET", "/v1beta1/msp/mspCustomers").await.0,
        200
    );
    let wrong = format!("{}:not-the-key", key.split(':').next().unwrap());
    let (s, err) = curl(&app, &wrong, "GET", "/v1beta1/msp/mspCustomers").await;
    assert_eq!((s, err["status"].clone()), (401, 401.into()));

    let mut c = app.state.db.acquire().await.unwrap();
    partner_console::store::partners::set_state(&mut c, acme, "suspended")
        .await
        .unwrap();
    assert_eq!(
        curl(&app, &key, "GET", "/v1beta1/msp/mspCustomers").await.0,
        401,
        "suspended at once"
    );
    partner_console::store::partners::set_state(&mut c, acme, "active")
        .await
        .unwrap();
    assert_eq!(
        curl(&app, &key, "GET", "/v1beta1/msp/mspCustomers").await.0,
        200
    );
    api_keys::revoke(&mut c, acme, key_id, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        curl(&app, &key, "GET", "/v1beta1/msp/mspCustomers").await.0,
        401,
        "revoked at once"
    );
    // Last used is recorded.
    let keys = api_keys::list(&mut c, acme).await.unwrap();
    assert!(keys[0].last_used_at.is_some());
}

#[tokio::test]
async fn paging_returns_each_customer_once_while_customers_are_added() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let mut tx = app.state.db.begin().await.unwrap();
    for i in 0..1001 {
        let org = format!("{}", 6_000_000_000_000_000_000u64 + i);
        let new = NewCustomer {
            partner_id: acme,
            org_id: &org,
            org_name: &org,
            email: &format!("c{i}@x.example"),
            password_hash: "x",
            state: "active",
            signup_link_id: None,
            effected_at: None,
        };
        customers::insert(&mut tx, new, Utc::now()).await.unwrap();
    }
    tx.commit().await.unwrap();
    let (_, key) = api_key(&app, acme).await;
    let mut seen = std::collections::HashSet::new();
    let mut token = String::new();
    let mut added = 0;
    loop {
        let path = if token.is_empty() {
            "/v1beta1/msp/mspCustomers?pageSize=100".to_string()
        } else {
            format!("/v1beta1/msp/mspCustomers?pageSize=100&pageToken={token}")
        };
        let (s, page) = curl(&app, &key, "GET", &path).await;
        assert_eq!(s, 200);
        for c in page["mspCustomers"].as_array().unwrap() {
            assert!(
                seen.insert(c["orgId"].as_str().unwrap().to_string()),
                "returned twice: {}",
                c["orgId"]
            );
        }
        // Someone signs up while the script pages.
        if added < 3 {
            let org = format!("{}", 7_000_000_000_000_000_000u64 + added);
            app.add_customer(acme, &org, "Newcomer").await;
            added += 1;
        }
        token = page["nextPageToken"].as_str().unwrap().to_string();
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(
        seen.len(),
        1001 + 3,
        "every customer exactly once, the new ones at the end"
    );
    let (_, all) = curl(&app, &key, "GET", "/v1beta1/msp/mspCustomers?pageSize=0").await;
    assert_eq!(all["mspCustomers"].as_array().unwrap().len(), 1004);
    assert_eq!(all["nextPageToken"], "");
}
