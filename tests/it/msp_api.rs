//! The MSP API v1beta1 through the real curl binary with HTTP Digest (curl answers the first,
//! SHA-256, challenge).

use chrono::Utc;
use partner_console::billing::month::Month;
use partner_console::domain::PartnerKind;
use partner_console::store::api_keys;
use partner_console::store::customers::{self, NewCustomer};

use crate::api_calls::{api_key, curl_sample, python, violations};
use crate::helpers::{spawn_app, usage_row};

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
    let rows = [partner_console::billing::usage_file::UsageRow {
        project: "web".into(),
        cluster: "prod".into(),
        ..usage_row(
            "5000000000000000001",
            month.first_day(),
            "TiDB Dedicated",
            123_450,
            "u1",
        )
    }];
    app.load_usage(&rows).await;
    let (_, key) = api_key(&app, acme).await;

    let (s, list) = app.api(&key).get("/v1beta1/msp/mspCustomers").await;
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

    let (s, one) = app
        .api(&key)
        .get("/v1beta1/msp/mspCustomers/5000000000000000001")
        .await;
    assert_eq!(
        (s, one["orgName"].as_str()),
        (200, Some("Harbor Logistics"))
    );
    let (s, err) = app
        .api(&key)
        .get("/v1beta1/msp/mspCustomers/5000000000000000009")
        .await;
    assert_eq!(s, 404, "a foreign customerOrgId");
    assert_eq!(err["status"], 404);
    assert!(err["code"].is_string() && err["msgPrefix"].is_string());

    let (s, bill) = app
        .api(&key)
        .get(&format!("/v1beta1/msp/bills/{month}"))
        .await;
    assert_eq!(s, 200, "{bill}");
    assert_eq!(bill["overview"]["billedMonth"], month.to_string());
    assert_eq!(bill["overview"]["totalCost"], "1234.50");
    assert_eq!(bill["overview"]["runningTotal"], "1234.50");
    assert_eq!(
        bill["summaryByCustomer"][0]["customerOrgId"],
        "5000000000000000001"
    );
    assert_eq!(
        bill["summaryByCustomer"][0]["customerID"],
        serde_json::json!(5_000_000_000_000_000_001i64),
        "the orgId as a JSON integer"
    );
    assert_eq!(bill["summaryByService"][0]["serviceName"], "TiDB Dedicated");
    assert_eq!(
        bill["summaryByService"][0]["serviceCosts"][0]["clusterName"],
        "prod"
    );
    assert_eq!(
        bill["summaryByService"][0]["serviceCosts"][0]["serviceName"],
        "web / prod"
    );

    let (s, cb) = app
        .api(&key)
        .get(&format!(
            "/v1beta1/msp/mspCustomerBills/{month}/mspCustomers/5000000000000000001"
        ))
        .await;
    assert_eq!(s, 200, "{cb}");
    assert_eq!(cb["summaryByProject"]["projects"][0]["projectName"], "web");
    assert_eq!(
        cb["summaryByProject"]["projects"][0]["totalCost"],
        "1234.50"
    );
    assert_eq!(
        bill["summaryByCustomer"][0]["mspCustomerBills"], cb,
        "the MSP bill holds the customer's bill as the customer-bill operation answers it"
    );
    let (s, _) = app
        .api(&key)
        .get(&format!(
            "/v1beta1/msp/mspCustomerBills/{month}/mspCustomers/5000000000000000009"
        ))
        .await;
    assert_eq!(s, 404);
    // The path the console once invented is not the vendor's: gone.
    let (s, _) = app
        .api(&key)
        .get(&format!(
            "/v1beta1/msp/mspCustomers/5000000000000000001/bills/{month}"
        ))
        .await;
    assert_eq!(s, 404);

    let old = Month::of(Utc::now().date_naive()).plus(-7);
    let (s, err) = app
        .api(&key)
        .get(&format!("/v1beta1/msp/bills/{old}"))
        .await;
    assert_eq!(s, 400);
    assert!(
        err["error"].as_str().unwrap().contains("six months"),
        "{err}"
    );
    assert_eq!(app.api(&key).get("/v1beta1/msp/bills/2026-13").await.0, 400);

    let (s, url) = app
        .api(&key)
        .call("POST", "/v1beta1/msp/customerSignupUrl")
        .await;
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

    // The document's body `{"orgId": ...}`, an empty one, or none: the same request.
    for body in ["", "{}", "null", r#"{"orgId": "123456"}"#] {
        let (s, url) = app
            .api(&key)
            .send("POST", "/v1beta1/msp/customerSignupUrl", body)
            .await;
        assert_eq!(s, 200, "body {body:?}: {url}");
    }
    for body in ["[]", "[1]", r#"{"orgId": 5}"#, r#"{"nope": 1}"#, "not json"] {
        let (s, err) = app
            .api(&key)
            .send("POST", "/v1beta1/msp/customerSignupUrl", body)
            .await;
        assert_eq!(s, 400, "body {body:?}: {err}");
        assert!(err["error"].as_str().unwrap().contains("orgId"), "{err}");
    }

    let (s, credits) = app.api(&key).get("/v1beta1/msp/credits").await;
    assert_eq!((s, credits.as_array().map(|a| a.len())), (200, Some(0)));
    for path in ["/v1beta1/msp/discounts/", "/v1beta1/msp/discounts"] {
        let (s, discounts) = app.api(&key).get(path).await;
        assert_eq!(
            (s, discounts.as_array().map(|a| a.len())),
            (200, Some(0)),
            "{path}"
        );
    }

    // An empty or repeated pageSize is refused too, in the JSON error shape.
    for bad in ["1001", "-1", "abc", "", "1&pageSize=2"] {
        let (s, _) = app
            .api(&key)
            .get(&format!("/v1beta1/msp/mspCustomers?pageSize={bad}"))
            .await;
        assert_eq!(s, 400, "pageSize={bad}");
    }
    // A documented path asked with another method: 405 naming the methods it takes.
    let r = reqwest::Client::new()
        .put(app.url("/v1beta1/msp/mspCustomers"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "GET");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "MethodNotAllowed");
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
    let (s, err) = app.api(&reseller).get("/v1beta1/msp/mspCustomers").await;
    assert_eq!(s, 403);
    assert!(err["error"].as_str().unwrap().contains("/api/v1"), "{err}");

    let (key_id, key) = api_key(&app, acme).await;
    assert_eq!(app.api(&key).get("/v1beta1/msp/mspCustomers").await.0, 200);
    let wrong = format!("{}:not-the-key", key.split(':').next().unwrap());
    let (s, err) = app.api(&wrong).get("/v1beta1/msp/mspCustomers").await;
    assert_eq!((s, err["status"].clone()), (401, 401.into()));

    let mut c = app.state.db.acquire().await.unwrap();
    partner_console::store::partners::set_state(
        &mut c,
        acme,
        partner_console::domain::PartnerState::Suspended,
    )
    .await
    .unwrap();
    assert_eq!(
        app.api(&key).get("/v1beta1/msp/mspCustomers").await.0,
        401,
        "suspended at once"
    );
    partner_console::store::partners::set_state(
        &mut c,
        acme,
        partner_console::domain::PartnerState::Active,
    )
    .await
    .unwrap();
    assert_eq!(app.api(&key).get("/v1beta1/msp/mspCustomers").await.0, 200);
    api_keys::revoke(&mut c, acme, key_id, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        app.api(&key).get("/v1beta1/msp/mspCustomers").await.0,
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
            state: partner_console::domain::CustomerState::Active,
            signup_link_id: None,
            effected_at: None,
            aws_account: None,
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
        let (s, page) = app.api(&key).get(&path).await;
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
    let (_, all) = app
        .api(&key)
        .get("/v1beta1/msp/mspCustomers?pageSize=0")
        .await;
    assert_eq!(all["mspCustomers"].as_array().unwrap().len(), 1004);
    assert_eq!(all["nextPageToken"], "");
}

/// The customer list's pages are written by the database (one statement per store); they must
/// read as the answer serde writes from the same customers, field by field, for every kind of
/// value: quotes, backslashes, control characters and other scripts in names, customers with
/// and without times, and times a hair before a whole second.
#[tokio::test]
async fn the_databases_customer_pages_are_what_serde_would_write() {
    use chrono::TimeZone;
    use partner_console::api::customers::MspCustomer;
    use partner_console::domain::CustomerState;

    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let names = [
        "Plain Co",
        "Quote \" and back\\slash",
        "Tab\tnew\nline\u{1}bell",
        "株式会社テスト 🚀",
        "</script><b>&amp;</b>",
    ];
    let almost = Utc.with_ymd_and_hms(2026, 10, 31, 23, 59, 59).unwrap()
        + chrono::Duration::microseconds(999_999);
    let mut tx = app.state.db.begin().await.unwrap();
    for (i, name) in names.iter().enumerate() {
        let org = format!("{}", 5_000_000_000_000_000_000u64 + i as u64);
        let pending = i == 1;
        let new = NewCustomer {
            partner_id: acme,
            org_id: &org,
            org_name: name,
            email: &format!("c{i}@x.example"),
            password_hash: "x",
            state: if pending {
                CustomerState::Pending
            } else {
                CustomerState::Active
            },
            signup_link_id: None,
            effected_at: (!pending).then_some(almost),
            aws_account: None,
        };
        let id = customers::insert(&mut tx, new, Utc::now()).await.unwrap();
        if i == 3 {
            customers::set_state(&mut tx, acme, id, CustomerState::Expired, Some(almost))
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
    let mut c = app.state.db.acquire().await.unwrap();
    let expected: Vec<serde_json::Value> = customers::page_asc(&mut c, acme, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|cu| serde_json::to_value(MspCustomer::from(cu)).unwrap())
        .collect();
    drop(c);
    assert_eq!(expected[0]["effectedTime"], "2026-10-31 23:59:59");
    assert_eq!(expected[1]["effectedTime"], "");
    assert_eq!(expected[3]["expiredTime"], "2026-10-31 23:59:59");
    let (_, key) = api_key(&app, acme).await;

    let (s, all) = app
        .api(&key)
        .get("/v1beta1/msp/mspCustomers?pageSize=0")
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        all["mspCustomers"],
        serde_json::Value::Array(expected.clone())
    );
    assert_eq!(all["nextPageToken"], "");
    // Two at a time: the same customers, in order, and the last page has no token.
    let mut token = String::new();
    let mut paged = Vec::new();
    for round in 0..3 {
        let (s, page) = app
            .api(&key)
            .get(&format!(
                "/v1beta1/msp/mspCustomers?pageSize=2&pageToken={token}"
            ))
            .await;
        assert_eq!(s, 200);
        paged.extend(page["mspCustomers"].as_array().unwrap().iter().cloned());
        token = page["nextPageToken"].as_str().unwrap().to_string();
        assert_eq!(token.is_empty(), round == 2, "round {round}: {page}");
    }
    assert_eq!(paged, expected);
    // The Partner Management API lists the same page.
    let (s, v1) = app.api(&key).get("/api/v1/customers?pageSize=0").await;
    assert_eq!(s, 200);
    assert_eq!(v1["mspCustomers"], serde_json::Value::Array(expected));
    // The stored representation follows every change of the row: a pending customer who
    // confirms is active with a time.
    let pending_id = {
        let mut c = app.state.db.acquire().await.unwrap();
        let all = customers::page_asc(&mut c, acme, None, 100).await.unwrap();
        all[1].customer_id
    };
    let mut tx = app.state.db.begin().await.unwrap();
    customers::activate(&mut tx, pending_id, almost)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (_, after) = app
        .api(&key)
        .get("/v1beta1/msp/mspCustomers?pageSize=2")
        .await;
    assert_eq!(after["mspCustomers"][1]["state"], "active");
    assert_eq!(
        after["mspCustomers"][1]["effectedTime"],
        "2026-10-31 23:59:59"
    );

    // A partner without customers gets an empty list.
    let other = app
        .create_partner("Empty Cloud", PartnerKind::Msp, "owner@empty.example")
        .await;
    let (_, other_key) = api_key(&app, other).await;
    let (s, none) = app.api(&other_key).get("/v1beta1/msp/mspCustomers").await;
    assert_eq!(s, 200);
    assert_eq!(
        none,
        serde_json::json!({"mspCustomers": [], "nextPageToken": ""})
    );
}

#[tokio::test]
async fn the_document_check_catches_answers_that_drift() {
    let app = spawn_app().await;
    let headers = serde_json::json!({
        "x-ratelimit-limit-minute": ["100"],
        "x-ratelimit-remaining-minute": ["99"],
        "x-ratelimit-reset": ["0"],
    });
    let path = "/v1beta1/msp/mspCustomers/1";
    let good = serde_json::json!({
        "id": "1", "orgId": "1", "orgName": "A", "email": "a@b.example", "state": "active",
        "effectedTime": "2026-01-02 03:04:05", "expiredTime": "",
    });
    assert_eq!(
        violations(&app, "GET", path, 200, &headers, &good).await,
        Vec::<String>::new()
    );
    let mut no_email = good.clone();
    no_email.as_object_mut().unwrap().remove("email");
    assert!(
        !violations(&app, "GET", path, 200, &headers, &no_email)
            .await
            .is_empty()
    );
    let mut bad_time = good.clone();
    bad_time["effectedTime"] = "2026-01-02T03:04:05Z".into();
    assert!(
        !violations(&app, "GET", path, 200, &headers, &bad_time)
            .await
            .is_empty()
    );
    assert!(
        !violations(&app, "GET", path, 200, &serde_json::json!({}), &good)
            .await
            .is_empty()
    );
    assert!(
        !violations(&app, "GET", path, 418, &headers, &good)
            .await
            .is_empty()
    );
    let bill = "/v1beta1/msp/bills/2026-01";
    let amounts = serde_json::json!({"billedMonth": "2026-01", "credits": "1.5", "discounts": "0.00", "runningTotal": "0.00", "totalCost": "0.00"});
    let body =
        serde_json::json!({"overview": amounts, "summaryByCustomer": [], "summaryByService": []});
    let wrong = violations(&app, "GET", bill, 200, &headers, &body).await;
    assert!(
        wrong.iter().any(|w| w.contains("credits")),
        "one decimal is not money: {wrong:?}"
    );
}

/// An amount of an answer in cents ("1234.50" → 123450).
fn cents(v: &serde_json::Value) -> i64 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("an amount string, got {v}"));
    partner_console::billing::Cents::parse(s)
        .unwrap_or_else(|e| panic!("{s}: {e:?}"))
        .value()
}

/// `[runningTotal, discounts, credits, totalCost]` of one bill level.
fn four(v: &serde_json::Value) -> [i64; 4] {
    ["runningTotal", "discounts", "credits", "totalCost"].map(|k| cents(&v[k]))
}

fn sum<'a>(levels: impl IntoIterator<Item = &'a serde_json::Value>) -> [i64; 4] {
    levels.into_iter().map(four).fold([0; 4], |a, b| {
        [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
    })
}

fn items(v: &serde_json::Value) -> &Vec<serde_json::Value> {
    v.as_array().unwrap_or_else(|| panic!("an array, got {v}"))
}

/// Every level that carries amounts obeys `totalCost = runningTotal - discounts - credits`,
/// with no amount below zero.
fn owed_is_usage_less_discounts_and_credits(v: &serde_json::Value, at: &str) {
    if v.get("runningTotal").is_some() {
        let [usage, discounts, credits, owed] = four(v);
        assert_eq!(owed, usage - discounts - credits, "{at}: {v}");
        assert!(
            usage >= 0 && discounts >= 0 && credits >= 0 && owed >= 0,
            "{at}: {v}"
        );
    }
    match v {
        serde_json::Value::Object(o) => o
            .iter()
            .for_each(|(k, x)| owed_is_usage_less_discounts_and_credits(x, &format!("{at}.{k}"))),
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| owed_is_usage_less_discounts_and_credits(x, &format!("{at}[{i}]"))),
        _ => {}
    }
}

/// A customer's bill adds up: by service (and each service by its lines) and by project.
fn customer_bill_adds_up(b: &serde_json::Value, at: &str) {
    let total = four(&b["overview"]);
    assert_eq!(
        sum(items(&b["summaryByService"])),
        total,
        "{at}: by service"
    );
    for s in items(&b["summaryByService"]) {
        assert_eq!(
            sum(items(&s["serviceCosts"])),
            four(s),
            "{at}: {}",
            s["serviceName"]
        );
    }
    let p = &b["summaryByProject"];
    let by_project = sum(items(&p["projects"])
        .iter()
        .chain(items(&p["otherCharges"])));
    assert_eq!(by_project, total, "{at}: by project and other charges");
}

#[tokio::test]
async fn the_demo_bills_mean_what_the_vendor_says_and_add_up() {
    let app = crate::helpers::spawn_app_with(crate::helpers::Options {
        api_rate_limit_per_minute: 100_000,
        ..Default::default()
    })
    .await;
    let demo = partner_console::demo::seed(&app.state.db, &app.state.vault, &app.address)
        .await
        .unwrap();
    let key = demo.curls[0]
        .split('\'')
        .nth(1)
        .expect("the demo's MSP curl line carries its key")
        .to_string();
    let current = Month::of(Utc::now().date_naive());
    let mut with_credit = None;
    for m in Month::window(current) {
        let (s, bill) = app.api(&key).get(&format!("/v1beta1/msp/bills/{m}")).await;
        assert_eq!(s, 200, "{bill}");
        owed_is_usage_less_discounts_and_credits(&bill, &format!("bills/{m}"));
        let total = four(&bill["overview"]);
        assert_eq!(
            sum(items(&bill["summaryByService"])),
            total,
            "{m}: by service"
        );
        for s in items(&bill["summaryByService"]) {
            assert_eq!(
                sum(items(&s["serviceCosts"])),
                four(s),
                "{m}: {}",
                s["serviceName"]
            );
        }
        let customers = items(&bill["summaryByCustomer"]);
        assert!(!customers.is_empty(), "{m}: the demo customers have usage");
        let bills: Vec<&serde_json::Value> =
            customers.iter().map(|c| &c["mspCustomerBills"]).collect();
        assert_eq!(
            sum(bills.iter().map(|b| &b["overview"])),
            total,
            "{m}: the customers' bills add up to the MSP's"
        );
        for (c, b) in customers.iter().zip(&bills) {
            customer_bill_adds_up(b, &format!("{m} {}", c["customerOrgId"]));
            assert_eq!(
                c["customerID"].as_i64().map(|i| i.to_string()),
                c["customerOrgId"].as_str().map(String::from),
                "customerID is the orgId as an integer"
            );
        }
        if total[2] > 0 && with_credit.is_none() {
            with_credit = Some((m, bill));
        }
    }

    // The month the launch credit was used: a discount and a credit both taken off.
    let (m, bill) = with_credit.expect("the demo's credit is used in one month of the window");
    let [usage, discounts, credits, owed] = four(&bill["overview"]);
    assert!(discounts > 0 && credits > 0, "{}", bill["overview"]);
    assert!(owed < usage, "totalCost is what is owed, not the gross");
    assert_eq!(
        credits, 500_000,
        "the whole $5,000 launch credit in its first month"
    );
    // Every customer's bill is the customer-bill operation's answer.
    for c in items(&bill["summaryByCustomer"]) {
        let org = c["customerOrgId"].as_str().unwrap();
        let (s, alone) = app
            .api(&key)
            .get(&format!(
                "/v1beta1/msp/mspCustomerBills/{m}/mspCustomers/{org}"
            ))
            .await;
        assert_eq!(s, 200);
        assert_eq!(alone, c["mspCustomerBills"], "{org} in {m}");
    }

    let (_, credits) = app.api(&key).get("/v1beta1/msp/credits").await;
    let credit = &items(&credits)[0];
    assert_eq!(credit["credit"], serde_json::json!(5000));
    assert_eq!(credit["remainingCredit"], serde_json::json!(0));
    assert_eq!(credit["status"], "used");
    assert_eq!(credit["services"], "General Product");
    assert_eq!(
        credit["startDate"].as_str().unwrap(),
        format!("{}T00:00:00Z", m.first_day())
    );
    let (_, discounts) = app.api(&key).get("/v1beta1/msp/discounts/").await;
    let discount = &items(&discounts)[0];
    assert_eq!(
        (
            discount["percentageDiscount"].as_str(),
            discount["services"].as_str(),
            discount["status"].as_str(),
            discount["expiryDate"].as_str(),
        ),
        (Some("10%"), Some("TiDB Dedicated"), Some("valid"), Some(""))
    );

    // The Partner Management API reads the same money: its bill's customers carry the totals of
    // the MSP bill's customer bills, and credits, discounts and customer bills are the same.
    let (_, flat) = app.api(&key).get(&format!("/api/v1/bills/{m}")).await;
    assert_eq!(flat["overview"], bill["overview"]);
    assert_eq!(flat["summaryByService"], bill["summaryByService"]);
    let whole = items(&bill["summaryByCustomer"]);
    assert_eq!(items(&flat["summaryByCustomer"]).len(), whole.len());
    for (f, w) in items(&flat["summaryByCustomer"]).iter().zip(whole) {
        assert_eq!(f["customerOrgId"], w["customerOrgId"]);
        assert_eq!(four(f), four(&w["mspCustomerBills"]["overview"]));
    }
    let org = whole[0]["customerOrgId"].as_str().unwrap();
    for (v1, v1beta1) in [
        (
            "/api/v1/credits".to_string(),
            "/v1beta1/msp/credits".to_string(),
        ),
        ("/api/v1/discounts".into(), "/v1beta1/msp/discounts".into()),
        (
            format!("/api/v1/customers/{org}/bills/{m}"),
            format!("/v1beta1/msp/mspCustomerBills/{m}/mspCustomers/{org}"),
        ),
    ] {
        let (a, b) = (
            app.api(&key).get(&v1).await,
            app.api(&key).get(&v1beta1).await,
        );
        assert_eq!(a, b, "{v1} and {v1beta1}");
    }

    // Python requests' HTTPDigestAuth reads the same answers as curl in the document's form.
    let (user, password) = key.split_once(':').unwrap();
    let some_org = items(&bill["summaryByCustomer"])[0]["customerOrgId"]
        .as_str()
        .unwrap()
        .to_string();
    let paths = [
        format!("/v1beta1/msp/bills/{m}"),
        "/v1beta1/msp/credits".into(),
        "/v1beta1/msp/discounts/".into(),
        format!("/v1beta1/msp/mspCustomerBills/{m}/mspCustomers/{some_org}"),
        "/v1beta1/msp/mspCustomers?pageSize=0".into(),
        format!("/v1beta1/msp/mspCustomers/{some_org}"),
    ];
    let urls: Vec<String> = paths.iter().map(|p| app.url(p)).collect();
    let script = format!(
        "import json, sys, requests\nfrom requests.auth import HTTPDigestAuth\n\
         auth = HTTPDigestAuth({user:?}, {password:?})\nout = []\n\
         for u in {urls:?}:\n    r = requests.get(u, auth=auth)\n    out.append([r.status_code, r.json()])\n\
         r = requests.post({post:?}, auth=auth)\nout.append([r.status_code, sorted(r.json())])\n\
         json.dump(out, sys.stdout)\n",
        post = app.url("/v1beta1/msp/customerSignupUrl"),
    );
    let python: Vec<(u16, serde_json::Value)> =
        serde_json::from_slice(&python(script).await).expect("the script prints JSON");
    for (path, (status, body)) in paths.iter().zip(&python) {
        let by_curl = curl_sample(&app, &key, "GET", path).await;
        assert_eq!((*status, body), (200, &by_curl), "{path}");
    }
    let (status, fields) = &python[paths.len()];
    assert_eq!(
        (*status, fields),
        (200, &serde_json::json!(["customerSignupUrl", "expiredAt"]))
    );
}
