//! Budget alerts (issue 27): set in the console and the API, checked after each usage load
//! through the operators' ingest endpoint; each (budget, month, threshold) fires once, by
//! e-mail to the members who chose alerts and as a signed `budget.threshold_reached` webhook.

use partner_console::billing::budget;
use partner_console::domain::PartnerKind;
use serde_json::Value;

use crate::api_calls::api_key;
use crate::helpers::*;
use crate::ingest::{curl, operator_key};
use crate::webhooks::{Receiver, verifies};

const MAPLE: &str = "2000000000000000001";
const CEDAR: &str = "2000000000000000002";

/// Loads one usage line per (org id, cents, record key) for today through the ingest
/// endpoint, as the metering pipeline does; returns how many rows were inserted.
async fn ingest(app: &TestApp, user: &str, rows: &[(&str, i64, &str)]) -> i64 {
    let day = app.state.now().date_naive();
    let mut text = format!("{}\n", partner_console::billing::usage_file::CSV_HEADER);
    for (org, cents, key) in rows {
        let amount = partner_console::billing::Cents(*cents);
        text.push_str(&format!(
            "{org},{day},TiDB Dedicated,web,c1,{amount},{key}\n"
        ));
    }
    let file = app.data_dir.path().join("usage.csv");
    std::fs::write(&file, text).unwrap();
    let (status, json, body) = curl(app, user, &file).await;
    assert_eq!(status, 200, "{body}");
    json["inserted"].as_i64().unwrap()
}

/// The `budget.threshold_reached` deliveries the receiver got, verified, as their `data`.
async fn alerts(app: &TestApp, receiver: &Receiver, secret: &str) -> Vec<Value> {
    app.drain_webhooks().await;
    let mut out = Vec::new();
    for r in receiver.got() {
        assert!(verifies(secret, &r).await, "signed: {}", r.body);
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["type"], "budget.threshold_reached");
        out.push(v["data"].clone());
    }
    out
}

fn budget_mails(app: &TestApp, to: &str) -> Vec<String> {
    app.smtp
        .all()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t == to) && m.subject.contains("budget"))
        .map(|m| m.subject)
        .collect()
}

#[tokio::test]
async fn each_threshold_alerts_once_by_mail_and_webhook_across_repeated_loads() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.add_customer(acme, MAPLE, "Maple Foods").await;
    app.add_customer(acme, CEDAR, "Cedar Labs").await;
    let (_, key) = api_key(&app, acme).await;
    // A billing member who did not choose alerts.
    let _clerk = crate::security::member(
        &app,
        acme,
        "clerk@acme.example",
        partner_console::domain::Role::Billing,
    )
    .await;
    let ops = operator_key(&app).await;
    let ops = format!("{}:{}", ops.public_key, ops.private_key);

    // The owner chooses alerts and sets the partner's budget in the console.
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let r = owner
        .post_form(
            "/console/budgets",
            "/console/budgets/alerts",
            &[("receive", "on")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = owner
        .post_form(
            "/console/budgets",
            "/console/budgets",
            &[
                ("customer_org_id", ""),
                ("amount", "100"),
                ("thresholds", "50, 80, 100"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    // Cedar's budget, on the forecast, through the API.
    let body = serde_json::json!({"customerOrgId": CEDAR, "amount": "10.00", "thresholds": [100], "onForecast": true});
    let (s, cedar) = app
        .api(&key)
        .send("POST", "/api/v1/budgets", &body.to_string())
        .await;
    assert_eq!(s, 201, "{cedar}");
    assert_eq!(cedar["customerOrgId"], CEDAR);
    assert_eq!(cedar["thresholds"], serde_json::json!([100]));

    let receiver = Receiver::start(&[200]).await;
    let hook = serde_json::json!({"url": receiver.url, "events": ["budget.threshold_reached"]});
    let (s, hook) = app
        .api(&key)
        .send("POST", "/api/v1/webhooks", &hook.to_string())
        .await;
    assert_eq!(s, 201, "{hook}");
    let secret = hook["secret"].as_str().unwrap().to_string();

    // $55 of $100: 50 % is reached, and only it.
    assert_eq!(ingest(&app, &ops, &[(MAPLE, 5_500, "m1")]).await, 1);
    let got = alerts(&app, &receiver, &secret).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["threshold"], 50);
    assert_eq!(got[0]["totalCost"], "55.00");
    assert_eq!(got[0]["budget"]["customerOrgId"], Value::Null);
    assert_eq!(got[0]["budget"]["amount"], "100.00");
    app.drain_outbox().await;
    let mails = budget_mails(&app, "owner@acme.example");
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].contains("50 %"), "{mails:?}");
    let mail = app.mail_with_subject("owner@acme.example", &mails[0]).await;
    assert!(
        mail.text.contains("$55.00") && mail.text.contains("$100.00"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("/console/budgets"), "{}", mail.text);

    // The same file again changes nothing and alerts nothing.
    assert_eq!(ingest(&app, &ops, &[(MAPLE, 5_500, "m1")]).await, 0);
    // $30 more: 85 %, so 80 % alerts; 50 % never again.
    assert_eq!(ingest(&app, &ops, &[(MAPLE, 3_000, "m2")]).await, 1);
    let got = alerts(&app, &receiver, &secret).await;
    let thresholds: Vec<i64> = got
        .iter()
        .map(|d| d["threshold"].as_i64().unwrap())
        .collect();
    assert_eq!(thresholds, [50, 80], "{got:?}");
    app.drain_outbox().await;
    assert_eq!(budget_mails(&app, "owner@acme.example").len(), 2);

    // Cedar: $2 so far, judged on the forecast to the month's end.
    assert_eq!(ingest(&app, &ops, &[(CEDAR, 200, "c1")]).await, 1);
    let today = app.state.now().date_naive();
    let forecast = budget::forecast(200, today);
    let expected = budget::reached(1_000, forecast, &[100]);
    let got = alerts(&app, &receiver, &secret).await;
    let cedar_alerts: Vec<&Value> = got
        .iter()
        .filter(|d| d["budget"]["customerOrgId"] == CEDAR)
        .collect();
    assert_eq!(cedar_alerts.len(), expected.len(), "{got:?}");
    if let Some(a) = cedar_alerts.first() {
        assert_eq!(a["totalCost"], "2.00");
        assert_eq!(
            a["judgedAmount"],
            partner_console::billing::Cents(forecast).to_string()
        );
    }

    // The API lists both with this month's figures and what has alerted.
    let (s, list) = app.api(&key).get("/api/v1/budgets").await;
    assert_eq!(s, 200, "{list}");
    let partner = &list["budgets"][0];
    assert_eq!(partner["customerOrgId"], Value::Null);
    // Cedar's $2 is part of the whole bill.
    assert_eq!(partner["totalCost"], "87.00");
    assert_eq!(partner["percentUsed"], 87);
    assert_eq!(partner["reachedThresholds"], serde_json::json!([50, 80]));
    assert_eq!(
        list["budgets"][1]["judgedAmount"],
        partner_console::billing::Cents(forecast).to_string()
    );

    assert!(budget_mails(&app, "clerk@acme.example").is_empty());

    // A budget set when the month is already past its thresholds alerts at once.
    let body = serde_json::json!({"customerOrgId": MAPLE, "amount": "50.00"});
    let (s, _) = app
        .api(&key)
        .send("POST", "/api/v1/budgets", &body.to_string())
        .await;
    assert_eq!(s, 201);
    let got = alerts(&app, &receiver, &secret).await;
    let maple: Vec<i64> = got
        .iter()
        .filter(|d| d["budget"]["customerOrgId"] == MAPLE)
        .map(|d| d["threshold"].as_i64().unwrap())
        .collect();
    assert_eq!(maple, [50, 80, 100], "{got:?}");
    // The page shows them.
    let (_, page) = owner.get_html("/console/budgets").await;
    assert!(
        page.contains("Your whole bill") && page.contains("Cedar Labs"),
        "{page}"
    );
    assert!(page.contains("87 %"), "{page}");

    // Removed in the console after a question naming it; its alerts go with it.
    let cedar = list["budgets"][1]["budgetId"].as_str().unwrap().to_string();
    let remove = format!("/console/budgets/{cedar}/delete");
    let r = owner.post_form("/console/budgets", &remove, &[]).await;
    assert_eq!(r.status(), 200);
    let question = r.text().await.unwrap();
    assert!(question.contains("Cedar Labs"), "{question}");
    let (_, still) = app.api(&key).get("/api/v1/budgets").await;
    assert_eq!(
        still["budgets"].as_array().unwrap().len(),
        3,
        "asked, not done"
    );
    let r = owner
        .post_form("/console/budgets", &remove, &[("confirmed", "yes")])
        .await;
    assert_eq!(r.status(), 303);
    let (_, after) = app.api(&key).get("/api/v1/budgets").await;
    let orgs: Vec<&Value> = after["budgets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| &b["customerOrgId"])
        .collect();
    assert_eq!(orgs, [&Value::Null, &Value::from(MAPLE)], "{after}");
    let (_, page) = owner.get_html("/console/budgets").await;
    assert!(!page.contains("Cedar Labs<br>"), "{page}");
}

#[tokio::test]
async fn bad_budgets_are_refused_with_their_fields_named_and_nothing_is_set() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Reseller, "owner@acme.example")
        .await;
    app.add_customer(acme, MAPLE, "Maple Foods").await;
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let r = owner
        .post_form(
            "/console/budgets",
            "/console/budgets",
            &[
                ("customer_org_id", "999"),
                ("amount", "-5"),
                ("thresholds", "50, lots"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("No customer of yours has this organization id"),
        "{html}"
    );
    assert!(html.contains("more than zero"), "{html}");
    assert!(html.contains("Give whole percentages"), "{html}");
    assert!(
        html.contains(r#"value="50, lots""#),
        "the values are kept: {html}"
    );

    let (_, key) = api_key(&app, acme).await;
    let (s, list) = app.api(&key).get("/api/v1/budgets").await;
    assert_eq!((s, list["budgets"].as_array().unwrap().len()), (200, 0));
    for bad in [
        serde_json::json!({"amount": "0"}),
        serde_json::json!({"amount": "10", "thresholds": [0]}),
        serde_json::json!({"amount": "10", "thresholds": []}),
        serde_json::json!({"amount": "10", "customerOrgId": "nope"}),
        serde_json::json!({"amount": "ten"}),
        serde_json::json!({"amount": "10", "extra": 1}),
    ] {
        let (s, body) = app
            .api(&key)
            .send("POST", "/api/v1/budgets", &bad.to_string())
            .await;
        assert_eq!(s, 400, "{bad}: {body}");
    }
    let ok = serde_json::json!({"amount": "10"});
    let (s, made) = app
        .api(&key)
        .send("POST", "/api/v1/budgets", &ok.to_string())
        .await;
    assert_eq!(s, 201, "{made}");
    assert_eq!(
        made["thresholds"],
        serde_json::json!([50, 80, 100]),
        "the defaults"
    );
    let (s, body) = app
        .api(&key)
        .send("POST", "/api/v1/budgets", &ok.to_string())
        .await;
    assert_eq!(s, 409, "one budget for the whole bill: {body}");

    let id = made["budgetId"].as_str().unwrap();
    let (s, _) = app
        .api(&key)
        .call("DELETE", &format!("/api/v1/budgets/{id}"))
        .await;
    assert_eq!(s, 204);
    let (s, _) = app
        .api(&key)
        .call("DELETE", &format!("/api/v1/budgets/{id}"))
        .await;
    assert_eq!(s, 404);
}
