//! Every partner's statements of closed months (issue 24): numbered by the vendor at closing,
//! as a page, a PDF and a CSV, and in `/api/v1`; each partner sees its own.

use partner_console::billing::month::Month;
use partner_console::domain::PartnerKind;
use partner_console::paths as routes;
use reqwest::StatusCode;

use crate::helpers::{signed_in_client, spawn_app, text_of, usage_row};
use crate::invoices::pdf_text;

#[tokio::test]
async fn each_partner_reads_its_statement_of_a_closed_month() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let borealis = app
        .create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    app.add_customer(acme, "7000000000000000001", "Hinoki Studio")
        .await;
    app.add_customer(acme, "7000000000000000002", "Willow Games")
        .await;
    app.add_customer(borealis, "7000000000000000003", "Contoso")
        .await;
    let last = Month::of(app.state.now().date_naive()).plus(-1);
    let day = last.first_day();
    app.load_usage(&[
        usage_row("7000000000000000001", day, "TiDB Dedicated", 12_345, "a1"),
        usage_row("7000000000000000002", day, "TiDB Starter", 55_500, "a2"),
        usage_row("7000000000000000003", day, "TiDB Dedicated", 99_900, "b1"),
    ])
    .await;
    let owner = app.user("owner@acme.example").await;
    let (_, page) = owner.get_html(routes::CONSOLE_STATEMENTS).await;
    assert!(
        text_of(&page, ".empty")
            .unwrap()
            .contains("No statements yet")
    );

    app.create_operator("ops@vendor.example").await;
    let ops = signed_in_client(&app, "ops@vendor.example").await;
    let r = ops
        .post_form(
            routes::ADMIN_BILLING,
            &routes::admin_billing_close(last),
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Acme's: numbered by the vendor, its two customers, the total owed.
    let (_, page) = owner.get_html(routes::CONSOLE_STATEMENTS).await;
    let table = text_of(&page, "#statements").unwrap();
    let acme_number = format!("ST-{last}-0001");
    assert!(
        table.contains(&acme_number) && table.contains("678.45"),
        "{table}"
    );
    let (status, page) = owner.get_html(&routes::console_statement(last)).await;
    assert_eq!(status, StatusCode::OK);
    let doc = text_of(&page, "#invoice").unwrap();
    for words in [
        "Statement",
        "TiDB Cloud",
        "Acme Cloud",
        "Willow Games",
        "$555.00",
        "Hinoki Studio",
        "$123.45",
    ] {
        assert!(doc.contains(words), "{words}: {doc}");
    }
    assert_eq!(text_of(&page, "#invoice-total").unwrap(), "$678.45");
    let csv = owner
        .open(&routes::console_statement_csv(last))
        .await
        .text()
        .await
        .unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 4, "{csv}");
    assert!(
        rows[1].contains("7000000000000000002,Willow Games,555.00,0.00,0.00,555.00"),
        "{csv}"
    );
    assert!(
        rows[3].ends_with(",,total,678.45,0.00,0.00,678.45"),
        "{csv}"
    );
    let r = owner.open(&routes::console_statement_pdf(last)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let pdf = r.bytes().await.unwrap();
    if let Some(read) = pdf_text(&pdf, "statement") {
        for words in [
            acme_number.as_str(),
            "Willow Games",
            "$678.45",
            "Total owed",
        ] {
            assert!(read.text.contains(words), "{words}: {}", read.text);
        }
    }

    // The reseller's own, through the API; a month not closed has none.
    let (_, key) = crate::api_calls::api_key(&app, borealis).await;
    let (s, st) = app
        .api(&key)
        .get(&format!("/api/v1/statements/{last}"))
        .await;
    assert_eq!(s, 200, "{st}");
    assert_eq!(st["statementNumber"], format!("ST-{last}-0002"));
    assert_eq!(st["totalCost"], "999.00");
    assert_eq!(
        st["summaryByCustomer"][0]["customerOrgId"],
        "7000000000000000003"
    );
    let (s, _) = app
        .api(&key)
        .get(&format!("/api/v1/statements/{}", last.next()))
        .await;
    assert_eq!(s, 404);
    let (s, _) = app
        .api(&key)
        .get(&format!("/api/v1/statements/{last}/pdf"))
        .await;
    assert_eq!(s, 200);
    // Borealis's statement page is Borealis's, never Acme's customers.
    let reseller = app.user("owner@borealis.example").await;
    let (_, page) = reseller.get_html(&routes::console_statement(last)).await;
    let doc = text_of(&page, "#invoice").unwrap();
    assert!(doc.contains("Contoso") && !doc.contains("Willow"), "{doc}");
}
