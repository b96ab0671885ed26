//! Closed months are read as stored at closing (issue 25, point 4): a closed month's Billing
//! page reads the sums kept per customer and per service, and says what its lines say.

use chrono::Utc;
use partner_console::app::bills::{self, BillSummary};
use partner_console::billing::month::Month;
use partner_console::domain::PartnerKind;
use partner_console::paths as routes;
use partner_console::store::grants::{self, NewCredit, NewDiscount};
use reqwest::StatusCode;

use crate::helpers::{TestApp, signed_in_client, spawn_app, text_of, usage_row};

const CUSTOMERS: [(&str, &str); 3] = [
    ("4000000000000000001", "Sakura Retail"),
    ("4000000000000000002", "Maple Foods"),
    ("4000000000000000003", "Cedar Labs"),
];

/// Runs one statement on the test database (the store has no call to forget stored sums).
async fn sql(app: &TestApp, statement: &str) -> u64 {
    let mut c = app.state.db.acquire().await.unwrap();
    partner_console::on_conn!(&mut c, c => {
        sqlx::query(sqlx::AssertSqlSafe(statement.to_string()))
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })
    .unwrap()
}

async fn count(app: &TestApp, statement: &str) -> i64 {
    let mut c = app.state.db.acquire().await.unwrap();
    partner_console::on_conn!(&mut c, c => {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(statement.to_string()))
            .fetch_one(c)
            .await
    })
    .unwrap()
}

fn customer_rows(s: &BillSummary) -> Vec<(i64, i64, i64, i64, i64)> {
    s.customers
        .iter()
        .map(|c| {
            (
                c.customer_id,
                c.totals.usage,
                c.totals.owed,
                c.resale.price,
                c.resale.margin,
            )
        })
        .collect()
}

#[tokio::test]
async fn a_closed_months_billing_page_reads_its_stored_sums_and_says_what_its_lines_say() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    for (org, name) in CUSTOMERS {
        app.add_customer(acme, org, name).await;
    }
    let owner = signed_in_client(&app, "owner@acme.example").await;
    // A default plan of +15 %: every line is priced and rounded half-even on its own.
    let plans = routes::CONSOLE_PLANS;
    let fields = [
        ("name", "Standard"),
        ("markup", "15"),
        ("fee", "25"),
        ("fee_label", "Managed service fee"),
    ];
    let r = owner.post_form(plans, plans, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Its flash is shown here, not on the pages compared below.
    owner.open(plans).await;

    let last = Month::of(Utc::now().date_naive()).plus(-1);
    let day = last.first_day();
    app.load_usage(&[
        usage_row(CUSTOMERS[0].0, day, "TiDB Dedicated", 12_345, "s1"),
        usage_row(CUSTOMERS[0].0, day, "Backup Storage", 677, "s2"),
        usage_row(CUSTOMERS[1].0, day, "TiDB Dedicated", 1_001, "m1"),
        usage_row(CUSTOMERS[2].0, day, "Data Transfer", 333, "c1"),
    ])
    .await;
    let mut tx = app.state.db.begin().await.unwrap();
    let start = last.to_string();
    grants::insert_discount(
        &mut tx,
        NewDiscount {
            partner_id: acme,
            customer_id: None,
            service: None,
            rate_bps: Some(1_250),
            amount: None,
            start_month: &start,
            end_month: None,
            note: "",
            created_by: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    grants::insert_credit(
        &mut tx,
        NewCredit {
            partner_id: acme,
            customer_id: None,
            amount: 1_000,
            effective_on: last.first_day(),
            expires_on: last.plus(12).last_day(),
            note: "",
            created_by: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let computed = BillSummary::of(
        &bills::partner_bill(app.state.app(), acme, last)
            .await
            .unwrap(),
    );

    bills::close_month(app.state.app(), last).await.unwrap();
    let kept = format!(
        "SELECT COUNT(*) FROM closed_customer_totals WHERE month = '{last}' AND partner_id = {acme}"
    );
    assert_eq!(count(&app, &kept).await, 3, "a row per customer is kept");
    let stored = bills::summary(app.state.app(), acme, last).await.unwrap();
    assert_eq!(
        (customer_rows(&stored), stored.overview, stored.resale),
        (customer_rows(&computed), computed.overview, computed.resale),
        "the stored sums are what the month's bill came to"
    );
    assert_eq!(stored.services, computed.services);
    assert!(stored.plans && !stored.estimate);
    assert!(computed.overview.discounts > 0 && computed.overview.credits > 0);

    // Usage that arrives late changes nothing of the closed month.
    app.load_usage(&[usage_row(
        CUSTOMERS[2].0,
        day,
        "Data Transfer",
        9_900,
        "late",
    )])
    .await;
    let path = format!("{}?month={last}", routes::CONSOLE_BILLING);
    let (status, page) = owner.get_html(&path).await;
    assert_eq!(status, StatusCode::OK);
    let from_sums = text_of(&page, "main").unwrap();
    assert!(from_sums.contains("Sakura Retail") && from_sums.contains("Cedar Labs"));
    assert_eq!(
        text_of(&page, "#usage").unwrap(),
        format!("${}", partner_console::billing::money::Cents(14_356))
    );
    assert!(text_of(&page, "#customer-price").is_some());

    // The MSP API's monthly bill of the closed month, read a part at a time (two customers a
    // part here), is byte for byte the bill computed whole from its lines.
    let whole = partner_console::api::bills::msp_bill(
        &bills::partner_bill(app.state.app(), acme, last)
            .await
            .unwrap(),
    )
    .unwrap();
    let whole = serde_json::to_vec(&whole).unwrap();
    let writable = |org_id: &str| org_id.parse::<i64>().is_ok();
    let mut parts = bills::closed_parts(
        app.state.app(),
        acme,
        last,
        bills::Order::BiggestFirst,
        writable,
    )
    .await
    .unwrap()
    .expect("a closed month with stored sums is read in parts");
    assert_eq!(parts.refused_org_id, None);
    // An organization id the answer cannot write refuses it before its first byte.
    let refused = bills::closed_parts(
        app.state.app(),
        acme,
        last,
        bills::Order::BiggestFirst,
        |_| false,
    )
    .await
    .unwrap()
    .unwrap();
    assert!(refused.refused_org_id.is_some());
    assert!(partner_console::api::bills::msp_closed_stream(refused, app.state.db.clone()).is_err());
    parts.per_part = 2;
    let body = partner_console::api::bills::msp_closed_stream(parts, app.state.db.clone()).unwrap();
    assert_eq!(
        streamed(body).await,
        String::from_utf8(whole.clone()).unwrap()
    );
    let (key_id, key) = crate::api_calls::api_key(&app, acme).await;
    assert!(key_id > 0);
    let (status, answer) = app
        .api(&key)
        .get(&format!("/v1beta1/msp/bills/{last}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        answer,
        serde_json::from_slice::<serde_json::Value>(&whole).unwrap()
    );
    assert_eq!(answer["summaryByCustomer"].as_array().unwrap().len(), 3);

    // The Partner Management API's bill of the closed month, in parts of two customers and
    // over HTTP: the bill computed whole.
    let whole = partner_console::api::bills::partner_bill(
        &bills::partner_bill(app.state.app(), acme, last)
            .await
            .unwrap(),
    );
    let whole = serde_json::to_vec(&whole).unwrap();
    let mut parts = bills::closed_parts(
        app.state.app(),
        acme,
        last,
        bills::Order::BiggestFirst,
        |_| true,
    )
    .await
    .unwrap()
    .unwrap();
    parts.per_part = 2;
    let body =
        partner_console::api::bills::partner_closed_stream(parts, app.state.db.clone()).unwrap();
    assert_eq!(
        streamed(body).await,
        String::from_utf8(whole.clone()).unwrap()
    );
    let (status, answer) = app.api(&key).get(&format!("/api/v1/bills/{last}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        answer,
        serde_json::from_slice::<serde_json::Value>(&whole).unwrap()
    );

    // The month's CSV files, the partner's and one customer's, read in parts (one part here: the
    // parts' bounds are the MSP answer's, checked above with two customers a part): the same
    // bytes as the files of the bill computed whole, compared once the sums are gone below.
    let csv_paths = [
        format!("/console/billing.csv?month={last}"),
        format!(
            "/console/billing.csv?month={last}&org_id={}",
            CUSTOMERS[1].0
        ),
    ];
    let mut csv_in_parts = Vec::new();
    for p in &csv_paths {
        let (status, text) = owner.get_html(p).await;
        assert_eq!(status, StatusCode::OK);
        csv_in_parts.push(text);
    }
    assert!(
        csv_in_parts[0].contains("monthly fee"),
        "{}",
        csv_in_parts[0]
    );
    assert_eq!(csv_in_parts[0].matches("monthly fee").count(), 3);
    assert_eq!(csv_in_parts[1].lines().count(), 3, "{}", csv_in_parts[1]);

    // A month closed before sums were kept reads its lines: the page says the same.
    let gone = sql(
        &app,
        &format!("DELETE FROM closed_customer_totals WHERE month = '{last}'"),
    )
    .await;
    sql(
        &app,
        &format!("DELETE FROM closed_service_totals WHERE month = '{last}'"),
    )
    .await;
    assert_eq!(gone, 3);
    let (_, page) = owner.get_html(&path).await;
    assert_eq!(text_of(&page, "main").unwrap(), from_sums);
    for (p, in_parts) in csv_paths.iter().zip(&csv_in_parts) {
        let (_, whole) = owner.get_html(p).await;
        assert_eq!(&whole, in_parts, "{p}");
    }
}

/// A streamed answer's whole text.
async fn streamed(body: impl futures_util::Stream<Item = partner_console::http::Chunk>) -> String {
    let chunks: Vec<_> = futures_util::StreamExt::collect(body).await;
    let bytes: Vec<u8> = chunks
        .into_iter()
        .flat_map(|c| c.unwrap().to_vec())
        .collect();
    String::from_utf8(bytes).unwrap()
}
