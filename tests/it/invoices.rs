//! An MSP's invoices to its customers (issue 24): issued when the month closes, numbered
//! without gaps, in the customer's language, never changed by later plan edits or late usage,
//! voided with a reason and corrected under a new number; late usage on the next invoice.

use chrono::Datelike;
use partner_console::app::bills;
use partner_console::app::operators;
use partner_console::billing::month::Month;
use partner_console::domain::{PartnerKind, Role};
use partner_console::paths as routes;
use reqwest::StatusCode;

use crate::forms::error_summary;
use crate::helpers::{
    PASSWORD, TestApp, TestUser, signed_in_client, spawn_app, text_of, usage_row,
};

const HINOKI: &str = "6000000000000000001";
const WILLOW: &str = "6000000000000000002";
const QUIET: &str = "6000000000000000003";

/// Acme Cloud (an MSP) with Standard (+15 %, the default) and Enterprise (−5 %, $500 fee, for
/// Hinoki), invoice details with a Japanese registration number and 10 % tax, Hinoki invoiced
/// in Japanese; a quiet customer with no usage. Returns the partner id and its owner.
async fn acme(app: &TestApp) -> (i64, TestUser) {
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    for (org, name) in [
        (HINOKI, "Hinoki Studio"),
        (WILLOW, "Willow Games"),
        (QUIET, "Quiet Co"),
    ] {
        app.add_customer(acme, org, name).await;
    }
    app.create_operator("ops@vendor.example").await;
    let owner = app.user("owner@acme.example").await;
    let plans = routes::CONSOLE_PLANS;
    for (name, markup, fee) in [("Standard", "15", ""), ("Enterprise", "-5", "500")] {
        let fields = [
            ("name", name),
            ("markup", markup),
            ("fee", fee),
            ("fee_label", "Managed service fee"),
        ];
        let r = owner.post_form(plans, plans, &fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{name}");
    }
    let mut c = app.state.db.acquire().await.unwrap();
    let enterprise = partner_console::store::price_plans::list(&mut c, acme)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Enterprise")
        .unwrap()
        .plan_id;
    drop(c);
    let r = owner
        .post_form(
            &routes::console_customer(HINOKI),
            &routes::console_customer_plan(HINOKI),
            &[("plan", &enterprise.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = owner
        .post_form(
            &routes::console_customer(HINOKI),
            &routes::console_customer_invoice_language(HINOKI),
            &[("invoice_language", "ja")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = owner
        .post_form(
            routes::CONSOLE_SETTINGS,
            routes::CONSOLE_SETTINGS_PARTNER,
            &[
                ("contact_email", "billing@acme.example"),
                ("website_url", "https://acme.example"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let details = routes::CONSOLE_INVOICE_DETAILS;
    let r = owner
        .post_form(
            details,
            details,
            &[
                ("legal_name", "Acme Cloud K.K."),
                ("address", "1-2-3 Shibuya\nTokyo 150-0002"),
                ("tax_registration", "T1234567890123"),
                ("tax_rate", "10"),
                ("payment_terms_days", "30"),
                ("number_prefix", "ACME"),
                ("footer", "Bank: Example Bank, account 1234567"),
                ("language", "en-US"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    (acme, owner)
}

/// Closes `month` as the operator of [`acme`] does, and says what the flash said.
async fn close(app: &TestApp, month: Month) -> String {
    let ops = signed_in_client(app, "ops@vendor.example").await;
    let r = ops
        .post_form(
            routes::ADMIN_BILLING,
            &routes::admin_billing_close(month),
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = ops.open(routes::ADMIN_BILLING).await.text().await.unwrap();
    text_of(&page, ".flash").unwrap_or_default()
}

/// The invoice's PDF, as its page's link gives it.
async fn pdf(user: &TestUser, number: &str) -> Vec<u8> {
    let r = user.open(&routes::console_invoice_pdf(number)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let bytes = r.bytes().await.unwrap().to_vec();
    assert!(bytes.starts_with(b"%PDF-"));
    bytes
}

pub struct PdfText {
    pub text: String,
    /// `pdffonts`' table: the fonts embedded.
    pub fonts: String,
}

/// What a PDF reader extracts from `pdf` (poppler's `pdftotext` and `pdffonts`), and its first
/// page as `target/screenshots/invoice-pdf-{name}.png` to look at. Poppler is installed by
/// `.ci/run`: missing under CI is a failure; on a developer machine the check is skipped,
/// saying so.
pub fn pdf_text(pdf: &[u8], name: &str) -> Option<PdfText> {
    let have = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    if !have {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdftotext (poppler-utils) is missing"
        );
        eprintln!("SKIPPED: the PDF's text is not checked: install poppler-utils");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("invoice.pdf");
    std::fs::write(&file, pdf).unwrap();
    let run = |cmd: &str, args: &[&str]| {
        let out = std::process::Command::new(cmd).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let path = file.to_str().unwrap();
    let text = run("pdftotext", &[path, "-"]);
    let fonts = run("pdffonts", &[path]);
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let prefix = shots.join(format!("invoice-pdf-{name}"));
    let prefix = prefix.to_str().unwrap();
    run(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            path,
            prefix,
        ],
    );
    Some(PdfText { text, fonts })
}

fn number(year: i32, seq: u32) -> String {
    format!("ACME-{year}-{seq:05}")
}

#[tokio::test]
async fn a_closed_month_invoices_each_customer_once_and_an_invoice_never_changes() {
    let app = spawn_app().await;
    let (acme, owner) = acme(&app).await;
    let now = app.state.now();
    let last = Month::of(now.date_naive()).plus(-1);
    let day = last.first_day();
    app.load_usage(&[
        usage_row(HINOKI, day, "TiDB Dedicated", 10_000, "h1"),
        usage_row(WILLOW, day, "TiDB Dedicated", 20_000, "w1"),
    ])
    .await;

    // Invoice details are checked all at once and kept as written.
    let details = routes::CONSOLE_INVOICE_DETAILS;
    let r = owner
        .post_form(
            details,
            details,
            &[
                ("legal_name", ""),
                ("tax_registration", "T12345"),
                ("tax_rate", "45"),
                ("payment_terms_days", "soon"),
                ("number_prefix", "acme-1"),
                ("language", "en-US"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let listed: Vec<String> = error_summary(&html, "details-errors")
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    assert_eq!(
        listed,
        [
            "#legal_name",
            "#tax_registration",
            "#tax_rate",
            "#payment_terms_days",
            "#number_prefix"
        ]
    );
    assert!(html.contains(r#"value="T12345""#));

    let flash = close(&app, last).await;
    assert!(flash.contains("customers: 2"), "{flash}");
    let year = now.year();

    // The list: both customers with usage, none for the quiet one, totals of the month.
    let (status, list) = owner.get_html(routes::CONSOLE_INVOICES).await;
    assert_eq!(status, StatusCode::OK);
    let table = text_of(&list, "#invoices").unwrap();
    assert!(table.contains(&number(year, 1)) && table.contains(&number(year, 2)));
    assert!(!table.contains("Quiet Co") && !table.contains(&number(year, 3)));
    // Hinoki: 100.00 × 0.95 + 500 fee = 595.00, tax 59.50 → 654.50; Willow: 200.00 × 1.15 =
    // 230.00, tax 23.00 → 253.00. Together 907.50.
    assert!(
        table.contains("654.50") && table.contains("253.00"),
        "{table}"
    );
    assert!(table.contains("907.50"), "{table}");

    // Willow's invoice, in English, with the issuer's details as set.
    let willow_number = number(year, 2);
    let (status, page) = owner
        .get_html(&routes::console_invoice(&willow_number))
        .await;
    assert_eq!(status, StatusCode::OK);
    let doc = text_of(&page, "#invoice").unwrap();
    for words in [
        "Acme Cloud K.K.",
        "Registration number: T1234567890123",
        "Willow Games",
        WILLOW,
        "Tax 10% on $230.00",
        "Bank: Example Bank",
    ] {
        assert!(doc.contains(words), "{words}: {doc}");
    }
    assert_eq!(text_of(&page, "#invoice-total").unwrap(), "$253.00");
    // Hinoki's in Japanese, whoever reads it.
    let (_, page) = owner
        .get_html(&routes::console_invoice(number(year, 1)))
        .await;
    assert!(page.contains(r#"lang="ja" id="invoice""#));
    let doc = text_of(&page, "#invoice").unwrap();
    for words in [
        "請求書",
        "登録番号：T1234567890123",
        "ご請求金額",
        "Managed service fee",
    ] {
        assert!(doc.contains(words), "{words}: {doc}");
    }
    assert_eq!(text_of(&page, "#invoice-total").unwrap(), "$654.50");
    // The PDFs say what the pages say: number, customer, total; the Japanese one in Japanese,
    // with a CJK font embedded.
    let hinoki_pdf = pdf(&owner, &number(year, 1)).await;
    let willow_pdf = pdf(&owner, &willow_number).await;
    if let (Some(ja), Some(en)) = (pdf_text(&hinoki_pdf, "ja"), pdf_text(&willow_pdf, "en")) {
        for words in [
            number(year, 1).as_str(),
            "Hinoki Studio",
            "$654.50",
            "請求書",
            "ご請求金額",
            "登録番号：T1234567890123",
        ] {
            assert!(ja.text.contains(words), "{words}: {}", ja.text);
        }
        assert!(ja.fonts.contains("NotoSansCJK"), "{}", ja.fonts);
        for words in [
            willow_number.as_str(),
            "Willow Games",
            "$253.00",
            "Total due",
            "Tax 10% on $230.00",
        ] {
            assert!(en.text.contains(words), "{words}: {}", en.text);
        }
    }

    // Sending asks first, then mails the customer from the partner's name with the PDF; a
    // billing member cannot send.
    let send = routes::console_invoice_send(&willow_number);
    let r = owner
        .post_form(&routes::console_invoice(&willow_number), &send, &[])
        .await;
    assert_eq!(r.status(), StatusCode::OK, "a confirmation page");
    assert!(
        app.drain_outbox().await.is_empty(),
        "nothing sent before confirming"
    );
    let r = owner
        .post_form(
            &routes::console_invoice(&willow_number),
            &send,
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.drain_outbox().await;
    let mail = app
        .mail_with_subject(&format!("it@{WILLOW}.example"), "Invoice")
        .await;
    assert!(mail.subject.contains(&willow_number), "{}", mail.subject);
    assert!(mail.from.contains("Acme Cloud K.K."), "{}", mail.from);
    assert_eq!(mail.reply_to, "billing@acme.example");
    assert!(mail.text.contains("$253.00"), "{}", mail.text);
    let (file, kind, bytes) = &mail.attachments[0];
    assert_eq!(
        (file.as_str(), kind.as_str()),
        (format!("{willow_number}.pdf").as_str(), "application/pdf")
    );
    if let Some(sent) = pdf_text(bytes, "mailed") {
        assert!(sent.text.contains("$253.00") && sent.text.contains(&willow_number));
    }
    // "Send the unsent" sends Hinoki's (in Japanese), not Willow's again.
    let all = format!("{}?month={last}", routes::CONSOLE_INVOICES_SEND);
    let r = owner
        .post_form(routes::CONSOLE_INVOICES, &all, &[("confirmed", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.drain_outbox().await;
    let ja = app
        .mail_with_subject(
            &format!("it@{HINOKI}.example"),
            "Acme Cloud K.K. からの請求書",
        )
        .await;
    assert!(ja.text.contains("$654.50"), "{}", ja.text);
    let to_willow = app
        .smtp
        .all()
        .iter()
        .filter(|m| {
            m.to.contains(&format!("it@{WILLOW}.example")) && m.subject.starts_with("Invoice")
        })
        .count();
    assert_eq!(
        to_willow, 1,
        "an invoice sent once is not sent again by Send all"
    );

    // The register for the partner's accounting.
    let r = owner
        .open(&format!("{}?month={last}", routes::CONSOLE_INVOICES_CSV))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows[2].starts_with(&format!("{willow_number},issued,{last},")));
    assert!(
        rows[2].ends_with(",USD,230.00,10,23.00,253.00,"),
        "{}",
        rows[2]
    );

    // A plan edit and late usage after issue change no invoice, and the closed month keeps
    // the prices it was billed with.
    let mut c = app.state.db.acquire().await.unwrap();
    let standard = partner_console::store::price_plans::list(&mut c, acme)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.is_default)
        .unwrap()
        .plan_id;
    drop(c);
    let r = owner
        .post_form(
            &routes::console_plan(standard),
            &routes::console_plan(standard),
            &[("name", "Standard"), ("markup", "50")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.load_usage(&[usage_row(WILLOW, day, "Backup Storage", 30_000, "w2")])
        .await;
    let (_, page) = owner
        .get_html(&routes::console_invoice(&willow_number))
        .await;
    assert_eq!(text_of(&page, "#invoice-total").unwrap(), "$253.00");
    let bill = bills::partner_bill(app.state.app(), acme, last)
        .await
        .unwrap();
    let willow_id = *bill
        .customers
        .iter()
        .find(|(_, c)| c.org_id == WILLOW)
        .unwrap()
        .0;
    assert_eq!(bill.resale_by_customer()[&willow_id].price, 23_000);

    // Voiding asks for a reason: without one nothing changes.
    let void = routes::console_invoice_void(&willow_number);
    let r = owner.post_form(&void, &void, &[("reason", " ")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, page) = owner
        .get_html(&routes::console_invoice(&willow_number))
        .await;
    assert!(page.contains("void-link"), "still issued");

    // Billing members read invoices but cannot void them; another partner cannot see them.
    app.create_partner("Nimbus", PartnerKind::Msp, "owner@nimbus.example")
        .await;
    let nimbus = app.user("owner@nimbus.example").await;
    let r = nimbus.open(&routes::console_invoice(&willow_number)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    let reseller = app.user("owner@borealis.example").await;
    let r = reseller.open(routes::CONSOLE_INVOICES).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    operators::create_user(
        &app.state.db,
        "billing@acme.example",
        PASSWORD,
        operators::member(acme, Role::Billing),
    )
    .await
    .unwrap();
    let billing = app.user("billing@acme.example").await;
    let (status, _) = billing
        .get_html(&routes::console_invoice(&willow_number))
        .await;
    assert_eq!(status, StatusCode::OK);
    let r = billing
        .post_form(
            &routes::console_invoice(&willow_number),
            &void,
            &[("reason", "wrong plan"), ("correct", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = billing
        .post_form(
            &routes::console_invoice(&willow_number),
            &routes::console_invoice_send(&willow_number),
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "billing members do not send"
    );

    // The owner voids it and issues the corrected one: the next number, today's plan.
    let r = owner
        .post_form(
            &void,
            &void,
            &[("reason", "Priced with the old plan"), ("correct", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let corrected = number(year, 3);
    let (_, page) = owner.get_html(&routes::console_invoice(&corrected)).await;
    assert!(page.contains(&format!("Replaces invoice {willow_number}")));
    // 200.00 × 1.5 = 300.00, tax 30.00; the late usage is not this invoice's.
    assert_eq!(text_of(&page, "#invoice-total").unwrap(), "$330.00");
    let (_, page) = owner
        .get_html(&routes::console_invoice(&willow_number))
        .await;
    assert!(
        text_of(&page, ".invoice-void")
            .unwrap()
            .contains("Priced with the old plan")
    );
    assert_eq!(text_of(&page, "#replaced-by").unwrap(), corrected);
    let bill = bills::partner_bill(app.state.app(), acme, last)
        .await
        .unwrap();
    assert_eq!(
        bill.resale_by_customer()[&willow_id].price,
        30_000,
        "the closed month agrees with the invoice in force"
    );
    let sums = bills::summary(app.state.app(), acme, last).await.unwrap();
    let willow_sum = sums.customers.iter().find(|c| c.customer_id == willow_id);
    assert_eq!(
        willow_sum.map(|c| c.resale.price),
        Some(30_000),
        "the Billing page's stored sums agree with it too"
    );

    // A month later the late usage is on Willow's next invoice, as a line of its month.
    app.state.clock.advance(chrono::Duration::days(32));
    let this = last.next();
    let flash = close(&app, this).await;
    assert!(flash.contains("customers: 1"), "{flash}");
    let owner = app.user("owner@acme.example").await;
    let (_, list) = owner.get_html(&routes::console_invoices_of(this)).await;
    let table = text_of(&list, "#invoices").unwrap();
    assert!(table.contains("Willow Games"), "{table}");
    // Numbers start again each year.
    let later = app.state.now().year();
    let next = number(later, if later == year { 4 } else { 1 });
    let (status, page) = owner.get_html(&routes::console_invoice(&next)).await;
    assert_eq!(status, StatusCode::OK, "{next}: {table}");
    let doc = text_of(&page, "#invoice").unwrap();
    let late_line = format!("Backup Storage: usage of {last} reported late");
    assert!(doc.contains(&late_line), "{doc}");
    // 300.00 × 1.5 = 450.00, tax 45.00.
    assert_eq!(text_of(&page, "#invoice-total").unwrap(), "$495.00");
}

#[tokio::test]
async fn two_closes_at_once_issue_each_invoice_once_with_gapless_numbers() {
    let app = spawn_app().await;
    let (acme, _) = acme(&app).await;
    let now = app.state.now();
    let last = Month::of(now.date_naive()).plus(-1);
    let day = last.first_day();
    let rows: Vec<_> = (0..12)
        .map(|i| {
            let org = format!("61{i:017}");
            (org, i)
        })
        .collect();
    for (org, i) in &rows {
        app.add_customer(acme, org, &format!("Customer {i}")).await;
    }
    let usage: Vec<_> = rows
        .iter()
        .map(|(org, i)| usage_row(org, day, "TiDB Starter", 1_000 + i, &format!("k{i}")))
        .collect();
    app.load_usage(&usage).await;
    let (a, b) = tokio::join!(
        bills::close_month(app.state.app(), last),
        bills::close_month(app.state.app(), last)
    );
    let issued: Vec<usize> = [a, b]
        .into_iter()
        .filter_map(|r| r.ok().map(|r| r.invoices))
        .collect();
    assert_eq!(
        issued,
        [12],
        "one close issued every invoice, the other none"
    );
    let mut c = app.state.db.acquire().await.unwrap();
    let invoices = partner_console::store::invoices::list(&mut c, acme, None)
        .await
        .unwrap();
    let numbers: Vec<String> = invoices.iter().map(|i| i.number.clone()).collect();
    let expected: Vec<String> = (1..=12).map(|n| number(now.year(), n)).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn the_api_reads_plans_and_invoices_and_voids_one() {
    let app = spawn_app().await;
    let (acme, _) = acme(&app).await;
    let now = app.state.now();
    let last = Month::of(now.date_naive()).plus(-1);
    app.load_usage(&[usage_row(
        WILLOW,
        last.first_day(),
        "TiDB Dedicated",
        20_000,
        "w1",
    )])
    .await;
    close(&app, last).await;
    // The customer list shows what each customer pays this month so far, by its plan.
    let this = Month::of(now.date_naive());
    app.load_usage(&[usage_row(
        HINOKI,
        this.first_day(),
        "TiDB Dedicated",
        10_000,
        "h9",
    )])
    .await;
    let owner = app.user("owner@acme.example").await;
    let (_, list) = owner.get_html(routes::CONSOLE_CUSTOMERS).await;
    let doc = scraper::Html::parse_document(&list);
    let row = doc
        .select(&scraper::Selector::parse("tbody tr").unwrap())
        .map(|r| r.text().collect::<String>())
        .find(|t| t.contains("Hinoki Studio"))
        .unwrap();
    // 100.00 × 0.95 + the $500 fee.
    assert!(
        row.contains("$595.00") && row.contains("Enterprise"),
        "{row}"
    );
    let (_, key) = crate::api_calls::api_key(&app, acme).await;
    let api = || app.api(&key);

    let (s, plans) = api().get("/api/v1/pricePlans").await;
    assert_eq!(s, 200, "{plans}");
    assert_eq!(plans["pricePlans"][0]["name"], "Standard");
    assert_eq!(plans["pricePlans"][0]["markup"], "15%");
    assert_eq!(plans["pricePlans"][1]["monthlyFee"], "500.00");
    // Every fault named at once; nothing made.
    let (s, e) = api()
        .send(
            "POST",
            "/api/v1/pricePlans",
            r#"{"name": "", "markup": "300%", "monthlyFee": "lots"}"#,
        )
        .await;
    assert_eq!(s, 400);
    let said = e.to_string();
    assert!(
        said.contains("name") && said.contains("markup") && said.contains("monthlyFee"),
        "{said}"
    );
    let (s, premium) = api()
        .send(
            "POST",
            "/api/v1/pricePlans",
            r#"{"name": "Premium", "markup": "40%", "serviceMarkups": {"Backup Storage": "0"}}"#,
        )
        .await;
    assert_eq!(s, 201, "{premium}");
    assert_eq!(premium["serviceMarkups"]["Backup Storage"], "0%");
    let body = format!(r#"{{"planId": {}}}"#, premium["planId"]);
    let (s, chosen) = api()
        .send(
            "PUT",
            &format!("/api/v1/customers/{WILLOW}/pricePlan"),
            &body,
        )
        .await;
    assert_eq!(s, 200, "{chosen}");

    // An empty value is no number and no month, as the document types them.
    for bad in ["pageSize=", "billedMonth=", "pageSize=0", "billedMonth=Nov"] {
        let (s, _) = api().get(&format!("/api/v1/invoices?{bad}")).await;
        assert_eq!(s, 400, "{bad}");
    }
    // The month's invoices: Willow's 200.00 at +15 %, 10 % tax.
    let (s, list) = api()
        .get(&format!("/api/v1/invoices?billedMonth={last}"))
        .await;
    assert_eq!(s, 200, "{list}");
    let invoices = list["invoices"].as_array().unwrap();
    assert_eq!(invoices.len(), 1, "{list}");
    let number = invoices[0]["invoiceNumber"].as_str().unwrap().to_string();
    assert_eq!(invoices[0]["customerOrgId"], WILLOW);
    assert_eq!(
        (
            &invoices[0]["subtotal"],
            &invoices[0]["tax"],
            &invoices[0]["total"]
        ),
        (&"230.00".into(), &"23.00".into(), &"253.00".into())
    );
    let (s, one) = api().get(&format!("/api/v1/invoices/{number}")).await;
    assert_eq!(s, 200);
    assert_eq!(one["lines"][0]["description"], "TiDB Dedicated");
    assert_eq!(one["lines"][0]["listPrice"], "200.00");
    assert_eq!(one["taxRate"], "10%");
    let (s, pdf) = api().get(&format!("/api/v1/invoices/{number}/pdf")).await;
    assert_eq!(s, 200);
    assert!(pdf.as_str().unwrap_or_default().starts_with("%PDF-"));

    // Voiding needs a reason; with one, the corrected invoice follows at the new plan.
    let void = format!("/api/v1/invoices/{number}/void");
    let (s, _) = api().send("POST", &void, r#"{"reason": ""}"#).await;
    assert_eq!(s, 400);
    let (s, voided) = api()
        .send(
            "POST",
            &void,
            r#"{"reason": "New plan agreed", "issueCorrected": true}"#,
        )
        .await;
    assert_eq!(s, 200, "{voided}");
    assert_eq!(voided["state"], "void");
    let corrected = voided["replacedByInvoiceNumber"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, again) = api().get(&format!("/api/v1/invoices/{corrected}")).await;
    // 200.00 × 1.40 = 280.00, tax 28.00.
    assert_eq!(again["total"], "308.00");
    assert_eq!(again["replacesInvoiceNumber"], number.as_str());
    let (s, _) = api()
        .call("POST", &format!("/api/v1/invoices/{number}/send"))
        .await;
    assert_eq!(s, 409, "a void invoice is not sent");
    let (s, sent) = api()
        .call("POST", &format!("/api/v1/invoices/{corrected}/send"))
        .await;
    assert_eq!(s, 200);
    assert_ne!(sent["sentAt"], "");

    // A reseller has no plans or invoices; another MSP sees none of these.
    let borealis = app
        .create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    let (_, reseller) = crate::api_calls::api_key(&app, borealis).await;
    for path in ["/api/v1/pricePlans", "/api/v1/invoices"] {
        let (s, _) = app.api(&reseller).get(path).await;
        assert_eq!(s, 403, "{path}");
    }
    let nimbus = app
        .create_partner("Nimbus", PartnerKind::Msp, "owner@nimbus.example")
        .await;
    let (_, other) = crate::api_calls::api_key(&app, nimbus).await;
    let (s, _) = app
        .api(&other)
        .get(&format!("/api/v1/invoices/{number}"))
        .await;
    assert_eq!(s, 404);
}
