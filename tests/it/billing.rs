//! Bills through the store and the console: credits over months, the window, scoping, CSV.

use chrono::Utc;
use partner_console::app::bills;
use partner_console::billing::month::Month;
use partner_console::billing::usage_file::UsageRow;
use partner_console::domain::PartnerKind;
use partner_console::paths as routes;
use partner_console::store::grants::{self, NewCredit, NewDiscount};
use reqwest::StatusCode;

use crate::helpers::{signed_in_client, spawn_app, text_of, usage_row};

/// One usage line of `cents` on the first day of the month `ago` months back.
fn row(org_id: &str, ago: i32, service: &str, cents: i64, key: &str) -> UsageRow {
    let m = Month::of(Utc::now().date_naive()).plus(-ago);
    usage_row(org_id, m.first_day(), service, cents, key)
}

#[tokio::test]
async fn a_credit_runs_out_over_months_and_another_expires_mid_window() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.add_customer(acme, "1000000000000000001", "Sakura Retail")
        .await;
    let mut rows = Vec::new();
    for ago in 0..=4 {
        rows.push(row(
            "1000000000000000001",
            ago,
            "TiDB Dedicated",
            800,
            &format!("k{ago}"),
        ));
    }
    app.load_usage(&rows).await;
    let today = Utc::now().date_naive();
    let current = Month::of(today);
    let mut tx = app.state.db.begin().await.unwrap();
    // $10.00 from three months ago: $8 then $2 are used, then nothing is left.
    grants::insert_credit(
        &mut tx,
        NewCredit {
            partner_id: acme,
            customer_id: None,
            amount: 1000,
            effective_on: current.plus(-3).first_day(),
            expires_on: current.plus(12).last_day(),
            note: "",
            created_by: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    // $100 that expired at the end of four months ago: it covers that month only.
    grants::insert_credit(
        &mut tx,
        NewCredit {
            partner_id: acme,
            customer_id: None,
            amount: 10_000,
            effective_on: current.plus(-6).first_day(),
            expires_on: current.plus(-4).last_day(),
            note: "",
            created_by: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let state = &app.state;
    let credits_of = |ago: i32| async move {
        bills::partner_bill(state.app(), acme, current.plus(-ago))
            .await
            .unwrap()
            .overview()
    };
    let m4 = credits_of(4).await;
    assert_eq!(
        (m4.credits, m4.owed),
        (800, 0),
        "the short credit covers its month"
    );
    let m3 = credits_of(3).await;
    assert_eq!(
        (m3.credits, m3.owed),
        (800, 0),
        "the expired credit is gone; the new one pays"
    );
    let m2 = credits_of(2).await;
    assert_eq!(
        (m2.credits, m2.owed),
        (200, 600),
        "the credit runs out: $2 left of $10"
    );
    let m1 = credits_of(1).await;
    assert_eq!((m1.credits, m1.owed), (0, 800));

    // The month outside the window is refused, on the page and in the store.
    assert!(
        bills::partner_bill(app.state.app(), acme, current.plus(-7))
            .await
            .is_err()
    );
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let old = current.plus(-7);
    let r = owner.open(&format!("/console/billing?month={old}")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("the running month and the six before it")
    );
    let r = owner.open("/console/billing?month=2026-13").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        owner
            .open(&format!("/console/billing.csv?month={old}"))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );

    // The credits page says what is left.
    let credits = owner
        .open(routes::CONSOLE_CREDITS)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        credits.contains("$10.00") && credits.contains("$100.00"),
        "{credits}"
    );
}

#[tokio::test]
async fn the_billing_page_csv_and_customer_bill_add_up_and_stay_in_their_partner() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let other = app
        .create_partner("Other MSP", PartnerKind::Msp, "owner@other.example")
        .await;
    app.add_customer(acme, "2000000000000000001", "Maple Foods")
        .await;
    app.add_customer(acme, "2000000000000000002", "Cedar Labs")
        .await;
    app.add_customer(other, "2000000000000000003", "Secret Customer")
        .await;
    app.load_usage(&[
        row("2000000000000000001", 1, "TiDB Dedicated", 33_333, "a1"),
        row("2000000000000000001", 1, "Backup Storage", 1_001, "a2"),
        row("2000000000000000002", 1, "TiDB Dedicated", 66_667, "a3"),
        row("2000000000000000003", 1, "TiDB Dedicated", 99_999, "b1"),
    ])
    .await;
    let month = Month::of(Utc::now().date_naive()).plus(-1);
    let mut tx = app.state.db.begin().await.unwrap();
    let start = month.to_string();
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
    grants::insert_discount(
        &mut tx,
        NewDiscount {
            partner_id: acme,
            customer_id: None,
            service: None,
            rate_bps: None,
            amount: Some(1_000),
            start_month: &start,
            end_month: Some(&start),
            note: "",
            created_by: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let owner = signed_in_client(&app, "owner@acme.example").await;
    let page = owner
        .open(&format!("/console/billing?month={month}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Maple Foods") && page.contains("Cedar Labs"));
    assert!(
        !page.contains("Secret Customer"),
        "another partner's customer never shows"
    );
    // 12.5 % per line, rounded half-even per line, then $10 spread: 1 010.01 - 126.25 - 10.00.
    let total = 33_333 + 1_001 + 66_667;
    let rate = [33_333i64, 1_001, 66_667]
        .iter()
        .map(|c| partner_console::billing::bill::rate_of(*c, 1_250))
        .sum::<i64>();
    let expected = partner_console::billing::Cents(total - rate - 1_000).to_string();
    assert_eq!(
        text_of(&page, "#total-due").unwrap(),
        format!("${expected}")
    );

    let csv = owner
        .open(&format!("/console/billing.csv?month={month}"))
        .await
        .text()
        .await
        .unwrap();
    let sum: i64 = csv
        .lines()
        .skip(1)
        .map(|l| {
            partner_console::billing::Cents::parse(l.rsplit(',').next().unwrap())
                .unwrap()
                .value()
        })
        .sum();
    assert_eq!(
        partner_console::billing::Cents(sum).to_string(),
        expected,
        "the CSV lines add up to the overview"
    );
    assert!(!csv.contains("Secret Customer"));
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",usage_usd,discounts_usd_subtracted,credits_usd_subtracted,total_due_usd"),
        "the header says each amount's currency and what it does to the total"
    );

    // A customer's bill is its share of the partner's.
    let detail = owner
        .open(&format!(
            "/console/customers/2000000000000000001?month={month}"
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(detail.contains("Backup Storage"));
    let maple = text_of(&detail, "#customer-total-due").unwrap();
    let cedar_page = owner
        .open(&format!(
            "/console/customers/2000000000000000002?month={month}"
        ))
        .await
        .text()
        .await
        .unwrap();
    let cedar = text_of(&cedar_page, "#customer-total-due").unwrap();
    let parse = |s: String| {
        partner_console::billing::Cents::parse(s.trim_start_matches('$'))
            .unwrap()
            .value()
    };
    assert_eq!(parse(maple) + parse(cedar), total - rate - 1_000);

    // The other partner sees only its own customer.
    let them = signed_in_client(&app, "owner@other.example").await;
    let page = them
        .open(&format!("/console/billing?month={month}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Secret Customer") && !page.contains("Maple Foods"));
    assert_eq!(
        them.open(&format!(
            "/console/customers/2000000000000000001?month={month}"
        ))
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    let dashboard = owner.open(routes::CONSOLE).await.text().await.unwrap();
    assert!(
        dashboard.contains(r#"<svg class="chart""#),
        "the dashboard has its chart"
    );
}

#[tokio::test]
async fn operators_grant_discounts_and_credits_with_clear_errors() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.create_operator("ops@vendor.example").await;
    let ops = signed_in_client(&app, "ops@vendor.example").await;
    let page = format!("/admin/partners/{acme}");
    let r = ops
        .post_form(
            &page,
            &format!("{page}/discounts"),
            &[
                ("kind", "rate"),
                ("value", "150"),
                ("start_month", "Dec 2026"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("up to 100") && html.contains(r#"value="150""#),
        "values kept with the message"
    );
    // Every error at once: in a summary at the form's top that links to each field, and at
    // the field; the page comes back scrolled to the form.
    let summary = crate::forms::error_summary;
    let listed = summary(&html, "discount-errors");
    assert_eq!(
        listed.iter().map(|(h, _)| h.as_str()).collect::<Vec<_>>(),
        ["#d-value", "#d-start"],
        "{listed:?}"
    );
    assert!(listed[1].1.contains("YYYY-MM"), "{listed:?}");
    assert!(text_of(&html, "#d-value-error").is_some());
    assert!(text_of(&html, "#d-start-error").is_some());
    assert!(html.contains(&format!(r#"action="{page}/discounts#discount-form""#)));
    let r = ops
        .post_form(
            &page,
            &format!("{page}/discounts"),
            &[
                ("kind", "rate"),
                ("value", "12.5"),
                ("start_month", "2026-11"),
                ("org_id", "123"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a customer of no partner"
    );
    let r = ops
        .post_form(
            &page,
            &format!("{page}/discounts"),
            &[
                ("kind", "rate"),
                ("value", "12.5"),
                ("start_month", "2026-11"),
                ("service", "TiDB Dedicated"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = ops
        .post_form(
            &page,
            &format!("{page}/credits"),
            &[
                ("amount", "a lot"),
                ("effective_on", "2026-11-01"),
                ("expires_on", "2026-10-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let listed = summary(&html, "credit-errors");
    assert_eq!(
        listed.iter().map(|(h, _)| h.as_str()).collect::<Vec<_>>(),
        ["#k-amount", "#k-to"],
        "{listed:?}"
    );
    assert!(
        listed[0].1.contains("dollars") && !listed[0].1.contains("percentage"),
        "a credit is an amount: {listed:?}"
    );
    assert!(listed[1].1.contains("on or after the effective date"));
    let r = ops
        .post_form(
            &page,
            &format!("{page}/credits"),
            &[
                ("amount", "250.00"),
                ("effective_on", "2026-11-01"),
                ("expires_on", "2027-10-31"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut c = app.state.db.acquire().await.unwrap();
    let d = grants::discounts(&mut c, acme).await.unwrap();
    assert_eq!(
        (d.len(), d[0].rate_bps, d[0].service.as_deref()),
        (1, Some(1250), Some("TiDB Dedicated"))
    );
    let k = grants::credits(&mut c, acme).await.unwrap();
    assert_eq!((k.len(), k[0].amount), (1, 25_000));
    let audit = ops.open(routes::ADMIN_AUDIT).await.text().await.unwrap();
    assert!(audit.contains("discount_granted") && audit.contains("credit_granted"));
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let discounts = owner
        .open(routes::CONSOLE_DISCOUNTS)
        .await
        .text()
        .await
        .unwrap();
    assert!(discounts.contains("12.5%") && discounts.contains("TiDB Dedicated"));
}

#[tokio::test]
async fn a_closed_month_does_not_change_after_late_usage() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.add_customer(acme, "3000000000000000001", "Willow Games")
        .await;
    app.load_usage(&[row("3000000000000000001", 1, "TiDB Starter", 800, "w1")])
        .await;
    let today = Utc::now().date_naive();
    let last = Month::of(today).plus(-1);
    app.create_operator("ops@vendor.example").await;
    let ops = signed_in_client(&app, "ops@vendor.example").await;
    // Before closing, the month to close shows what was used and by whom.
    let page = ops.open(routes::ADMIN_BILLING).await.text().await.unwrap();
    let open_row = text_of(&page, &format!("#month-{last}")).unwrap();
    assert!(open_row.contains("8.00"), "{open_row}");
    assert!(
        text_of(&page, "#at-close")
            .unwrap()
            .contains("when the month closes")
    );
    let r = ops
        .post_form(
            routes::ADMIN_BILLING,
            &format!("/admin/billing/close/{last}"),
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let before = bills::partner_bill(app.state.app(), acme, last)
        .await
        .unwrap()
        .overview();
    assert_eq!(before.usage, 800);

    let late = vec![row("3000000000000000001", 1, "TiDB Starter", 500, "w2")];
    let report = app.load_usage(&late).await;
    assert_eq!(
        (report.inserted, report.late),
        (1, 1),
        "late usage is stored and reported"
    );
    let after = bills::partner_bill(app.state.app(), acme, last)
        .await
        .unwrap()
        .overview();
    assert_eq!(after, before, "the closed bill never changes");
    // The dashboard's chart reads the totals stored at closing: the same, late usage aside.
    let chart = bills::window_totals(app.state.app(), acme).await.unwrap();
    let charted = chart.iter().find(|(m, _)| *m == last).map(|(_, t)| *t);
    assert_eq!(charted, Some(before), "{chart:?}");
    assert_eq!(chart.len(), 7, "the running month and six before it");

    let page = ops.open(routes::ADMIN_BILLING).await.text().await.unwrap();
    assert!(page.contains("closed"));
    // The closed month shows what its bills came to, not the late usage.
    let closed_row = text_of(&page, &format!("#month-{last}")).unwrap();
    assert!(
        closed_row.contains("8.00") && !closed_row.contains("13.00"),
        "{closed_row}"
    );
    // Closing twice, or the running month, is refused with a message.
    let again = ops
        .post_form(
            routes::ADMIN_BILLING,
            &format!("/admin/billing/close/{last}"),
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let page = ops.open(routes::ADMIN_BILLING).await.text().await.unwrap();
    assert!(page.contains("is closed already"), "{page}");
    let current = Month::of(today);
    assert!(matches!(
        bills::close_month(app.state.app(), current).await,
        Err(partner_console::app::Error::Conflict(m)) if m.key == "error-close-not-over"
    ));
}

/// A credit granted today is not used up by the running month's estimate: the page shows what
/// the estimate takes beside what the months that are over left, and the credit stays active.
#[tokio::test]
async fn an_estimate_does_not_use_a_credit_up() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.add_customer(acme, "3100000000000000001", "Willow Games")
        .await;
    let today = app.state.now().date_naive();
    app.load_usage(&[usage_row(
        "3100000000000000001",
        Month::of(today).first_day(),
        "TiDB Starter",
        10_000,
        "e1",
    )])
    .await;
    let mut tx = app.state.db.begin().await.unwrap();
    grants::insert_credit(
        &mut tx,
        NewCredit {
            partner_id: acme,
            customer_id: None,
            amount: 2_500,
            effective_on: today,
            expires_on: today + chrono::Duration::days(365),
            note: "welcome",
            created_by: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let (_, html) = owner.get_html(routes::CONSOLE_CREDITS).await;
    let row = text_of(&html, "tbody tr").unwrap();
    assert!(row.contains("Active") && !row.contains("Used up"), "{row}");
    let cells: Vec<String> = {
        let doc = scraper::Html::parse_document(&html);
        doc.select(&scraper::Selector::parse("tbody tr td.num").unwrap())
            .map(|td| td.text().collect())
            .collect()
    };
    // Amount, used in the months that are over, this month's estimate, left.
    assert_eq!(cells, ["$25.00", "$0.00", "$25.00", "$0.00"], "{row}");
}

/// The operator's page of a partner shows what its bills come to and lists its discounts and
/// credits with their notes; ending one asks first, keeps the running month and no later one.
#[tokio::test]
async fn operators_see_a_partners_figures_and_end_its_grants() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.add_customer(acme, "4000000000000000001", "Rowan Labs")
        .await;
    app.load_usage(&[
        row("4000000000000000001", 1, "TiDB Dedicated", 10_000, "r1"),
        row("4000000000000000001", 0, "TiDB Dedicated", 2_500, "r2"),
    ])
    .await;
    app.create_operator("ops@vendor.example").await;
    let ops = signed_in_client(&app, "ops@vendor.example").await;
    let page = routes::admin_partner(acme);
    let current = Month::of(Utc::now().date_naive());
    let earlier = current.plus(-1).to_string();
    for (action, fields) in [
        (
            format!("{page}/discounts"),
            vec![
                ("kind", "rate"),
                ("value", "10"),
                ("start_month", earlier.as_str()),
                ("note", "Launch partner"),
            ],
        ),
        (
            format!("{page}/credits"),
            vec![
                ("amount", "200.00"),
                ("effective_on", "2026-01-01"),
                ("expires_on", "2030-12-31"),
                ("note", "Migration help"),
            ],
        ),
    ] {
        let r = ops.post_form(&page, &action, &fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{action}");
    }
    let (_, html) = ops.get_html(&page).await;
    let figures = text_of(&html, "#figures").unwrap();
    assert!(
        figures.contains("100.00") && figures.contains("25.00"),
        "last month's and this month's usage: {figures}"
    );
    let grants = text_of(&html, "#grants-table").unwrap();
    assert!(grants.contains("Launch partner") && grants.contains("Migration help"));

    // Ending asks first and changes nothing until confirmed.
    let doc = scraper::Html::parse_document(&html);
    let ends: Vec<String> = doc
        .select(&scraper::Selector::parse("#grants-table form").unwrap())
        .filter_map(|f| f.value().attr("action").map(str::to_string))
        .collect();
    assert_eq!(ends.len(), 2, "{ends:?}");
    for end in &ends {
        let r = ops.post_form(&page, end, &[]).await;
        assert_eq!(r.status(), StatusCode::OK);
        let asked = r.text().await.unwrap();
        assert!(text_of(&asked, "#confirm-title").unwrap().contains("End"));
    }
    let (_, unchanged) = ops.get_html(&page).await;
    assert!(
        text_of(&unchanged, "#grants-table")
            .unwrap()
            .contains("open-ended")
    );
    for end in &ends {
        let r = ops.post_form(&page, end, &[("confirmed", "yes")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let (_, html) = ops.get_html(&page).await;
    let grants = text_of(&html, "#grants-table").unwrap();
    assert!(
        grants.contains(&format!("{earlier} → {current}")),
        "the discount keeps the running month: {grants}"
    );
    assert!(
        grants.contains(&format!("→ {}", current.last_day())),
        "the credit can be used to the month's end: {grants}"
    );
    assert!(
        scraper::Html::parse_document(&html)
            .select(&scraper::Selector::parse("#grants-table form").unwrap())
            .next()
            .is_none(),
        "nothing left to end"
    );
    // The running month's bill still has both; ending again is refused with a reason.
    let running = bills::partner_bill(app.state.app(), acme, current)
        .await
        .unwrap()
        .overview();
    assert_eq!((running.discounts, running.credits), (250, 2_250));
    let r = ops
        .post_form(&page, &ends[0], &[("confirmed", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = ops.get_html(&page).await;
    assert!(html.contains("ends by the end of this month already"));
    let log = ops.get_html(routes::ADMIN_AUDIT).await.1;
    assert!(log.contains("Discount ended") && log.contains("Credit ended"));
}
