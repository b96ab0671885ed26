//! What a reseller's systems are told of its private offers and of the metering pipeline's
//! loads (issue 27): `offer.state_changed` at each of an offer's moves, the accepted buyer's
//! `customer.created`, and `usage.loaded` for each partner whose customers a load reached.

use chrono::Duration;
use partner_console::billing::month::Month;
use serde_json::{Value, json};

use crate::api_calls::api_key;
use crate::helpers::TestApp;
use crate::resale::{accept, grant, offer_body, release, set_up, today};
use crate::webhooks::{Receiver, verifies, verifies_as_if_now};

/// Registers an endpoint of the key's partner for `events`; its secret.
async fn hook(app: &TestApp, key: &str, receiver: &Receiver, events: &[&str]) -> String {
    let body = json!({"url": receiver.url, "events": events});
    let (s, hook) = app
        .api(key)
        .send("POST", "/api/v1/webhooks", &body.to_string())
        .await;
    assert_eq!(s, 201, "{hook}");
    hook["secret"].as_str().unwrap().to_string()
}

/// The receiver's messages, each verified by the reference library, as (type, data); those
/// from the `fresh` first are checked at their own time, later ones (sent after the test moved
/// the app's clock on) as if they had arrived now.
async fn told(secret: &str, receiver: &Receiver, fresh: usize) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (n, r) in receiver.got().into_iter().enumerate() {
        let ok = if n < fresh {
            verifies(secret, &r).await
        } else {
            verifies_as_if_now(secret, &r).await
        };
        assert!(ok, "signed: {}", r.body);
        let body = r.json();
        out.push((body["type"].as_str().unwrap().into(), body["data"].clone()));
    }
    out
}

async fn new_offer(app: &TestApp, key: &str, auth: i64, account: &str) -> String {
    let expires = (today(app) + Duration::days(20)).to_string();
    let (s, o) = app
        .api(key)
        .send(
            "POST",
            "/api/v1/offers",
            &offer_body(auth, account, &expires, 12),
        )
        .await;
    assert_eq!(s, 201, "{o}");
    o["id"].as_str().unwrap().to_string()
}

/// Loads `csv` (data lines, without the header) through the operators' ingest endpoint.
async fn ingest(app: &TestApp, operator: &str, csv: &str) {
    let file = app.data_dir.path().join("usage.csv");
    let header = partner_console::billing::usage_file::CSV_HEADER;
    std::fs::write(&file, format!("{header}\n{csv}")).unwrap();
    let (status, _, body) = crate::ingest::curl(app, operator, &file).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn offers_moves_their_buyers_and_usage_loads_are_told_as_the_api_writes_them() {
    let (app, reseller, msp) = set_up().await;
    app.state.clock.freeze();
    let auth = grant(&app, reseller, "", "5").await;
    let (_, key) = api_key(&app, reseller).await;
    let (_, msp_key) = api_key(&app, msp).await;
    let receiver = Receiver::start(&[200]).await;
    let secret = hook(
        &app,
        &key,
        &receiver,
        &[
            "offer.state_changed",
            "customer.created",
            "customer.state_changed",
            "usage.loaded",
        ],
    )
    .await;
    let msp_receiver = Receiver::start(&[200]).await;
    let msp_secret = hook(&app, &msp_key, &msp_receiver, &["usage.loaded"]).await;

    // A is released and accepted, B released and cancelled, C released and left to lapse.
    let a = new_offer(&app, &key, auth, "123456789012").await;
    assert_eq!(release(&app, &key, &a).await.0, 200);
    let (s, accepted) = accept(&app, &key, &a, &today(&app).to_string()).await;
    assert_eq!(s, 200, "{accepted}");
    let org = accepted["customerOrgId"].as_str().unwrap().to_string();
    let b = new_offer(&app, &key, auth, "210987654321").await;
    release(&app, &key, &b).await;
    let (s, _) = app
        .api(&key)
        .send("POST", &format!("/api/v1/offers/{b}/cancel"), "")
        .await;
    assert_eq!(s, 200);
    let c = new_offer(&app, &key, auth, "111122223333").await;
    release(&app, &key, &c).await;

    // One file for both partners: two records of the buyer this month and one of last month,
    // closed before the load, so late; one of the MSP's customer.
    let this = Month::of(today(&app));
    let last = this.plus(-1);
    partner_console::app::bills::close_month(app.state.app(), last)
        .await
        .unwrap();
    app.add_customer(msp, "4000000000000000077", "Pioneer Media")
        .await;
    let operator = partner_console::app::operators::issue_operator_key(
        &app.state.db,
        &app.state.vault,
        "ops@vendor.example",
    )
    .await
    .unwrap();
    let operator = format!("{}:{}", operator.public_key, operator.private_key);
    let (d1, d0) = (this.first_day(), last.first_day());
    ingest(
        &app,
        &operator,
        &format!(
            "{org},{d1},TiDB Dedicated,web,c1,10.50,r1\n\
             {org},{d1},TiDB Dedicated,web,c2,1.25,r2\n\
             {org},{d0},TiDB Dedicated,web,c1,3.00,r3\n\
             4000000000000000077,{d1},TiDB Dedicated,web,c1,2.00,r4\n"
        ),
    )
    .await;
    // Loaded again, the same file adds nothing and tells nothing.
    ingest(
        &app,
        &operator,
        &format!("{org},{d1},TiDB Dedicated,web,c1,10.50,r1\n"),
    )
    .await;

    app.drain_webhooks().await;
    let fresh = receiver.got().len();
    let msp_told = told(&msp_secret, &msp_receiver, 1).await;
    app.state.clock.advance(Duration::days(21));
    assert!(app.run_sweep().await >= 1, "C lapses");
    app.drain_webhooks().await;
    let told = told(&secret, &receiver, fresh).await;
    let moves: Vec<(&str, &str)> = told
        .iter()
        .map(|(t, d)| {
            let what = match t.as_str() {
                "offer.state_changed" => d["state"].as_str().unwrap(),
                "customer.created" => d["orgName"].as_str().unwrap(),
                _ => "",
            };
            (t.as_str(), what)
        })
        .collect();
    assert_eq!(
        moves,
        [
            ("offer.state_changed", "released"),
            ("customer.created", "Northwind Traders"),
            ("offer.state_changed", "accepted"),
            ("offer.state_changed", "released"),
            ("offer.state_changed", "cancelled"),
            ("offer.state_changed", "released"),
            ("usage.loaded", ""),
            ("offer.state_changed", "expired"),
        ],
        "{told:?}"
    );
    // Each offer as the API lists it now; the accepted one with its customer and agreement.
    let (_, list) = app.api(&key).get("/api/v1/offers").await;
    let listed = |id: &str| {
        list["offers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(told[2].1, listed(&a));
    assert_eq!(told[2].1["customerOrgId"], org.as_str());
    assert_eq!(told[0].1["customerOrgId"], "", "before acceptance");
    assert_eq!(told[4].1, listed(&b));
    assert_eq!(told[7].1, listed(&c));
    let (_, customer) = app.api(&key).get(&format!("/api/v1/customers/{org}")).await;
    assert_eq!(told[1].1["orgId"], customer["orgId"]);

    let expected = json!({"months": [
        {"billedMonth": last.to_string(), "customerCount": 1, "recordCount": 1, "lateRecordCount": 1},
        {"billedMonth": this.to_string(), "customerCount": 1, "recordCount": 2, "lateRecordCount": 0},
    ]});
    assert_eq!(told[6].1, expected);
    assert_eq!(
        msp_told,
        [(
            "usage.loaded".to_string(),
            json!({"months": [{"billedMonth": this.to_string(), "customerCount": 1,
                               "recordCount": 1, "lateRecordCount": 0}]})
        )],
        "the MSP is told of its own customer only"
    );
}
