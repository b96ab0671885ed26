//! The console's Support page: the API reference read from the served OpenAPI documents, with
//! curl lines for this host that work when the partner puts in their private key.

use partner_console::domain::PartnerKind;
use partner_console::paths as routes;

use crate::api_calls::api_key;
use crate::helpers::{TestApp, signed_in_client, spawn_app};

fn texts(html: &str, css: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel).map(|e| e.text().collect()).collect()
}

async fn support_page(app: &TestApp, email: &str) -> String {
    let client = signed_in_client(app, email).await;
    let r = client.open(routes::CONSOLE_SUPPORT).await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

async fn run(line: &str) -> (u16, String) {
    // The lines are shell commands; run them as a partner would paste them.
    let cmd = format!("{line} -s -w '\\n%{{http_code}}'");
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh")
            .args(["-c", &cmd])
            .output()
            .expect("sh runs")
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_is_listed_and_its_example_works_once_the_key_is_filled_in() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.add_customer(acme, "5000000000000000001", "Harbor Logistics")
        .await;
    let (_, key) = api_key(&app, acme).await;
    let (public, private) = key.split_once(':').unwrap();
    let html = support_page(&app, "owner@acme.example").await;

    let paths = texts(&html, ".oppath");
    for doc in [
        partner_console::api::v1::document(),
        partner_console::api::msp::document(),
    ] {
        for (path, item) in doc["paths"].as_object().unwrap() {
            let n = item.as_object().unwrap().len();
            assert_eq!(
                paths.iter().filter(|p| *p == path).count(),
                n,
                "{path} is on the page once per method"
            );
        }
    }
    for heading in [
        "Support: the partner APIs",
        "Rate limits",
        "Authentication: HTTP Digest",
        "API keys",
    ] {
        assert!(html.contains(heading), "{heading}");
    }
    assert!(html.contains("100 requests per minute"));
    for href in ["/api/v1/openapi.json", "/v1beta1/msp/openapi.json"] {
        assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
    }

    let first = texts(&html, "#first-call").remove(0);
    assert_eq!(
        first,
        format!(
            "curl --digest --user '{public}:PRIVATE_KEY' {}/v1beta1/msp/mspCustomers",
            app.address
        )
    );
    // Every read's example, with the private key filled in, answers 200 from this server; the
    // resellers' private offers answer an MSP's key 403; an invoice or plan named by a
    // placeholder (an invoice, a plan, a webhook), and the statement of the running month (never
    // closed), answer 404.
    let lines = texts(&html, "pre code[id^=curl-]");
    let reads: Vec<&String> = lines.iter().filter(|l| !l.contains(" -X ")).collect();
    assert_eq!(reads.len(), 30, "{lines:#?}");
    for line in reads {
        if line.contains("/api/v1/authorizations") || line.contains("/api/v1/offers") {
            let (status, body) = run(&line.replace("PRIVATE_KEY", private)).await;
            assert_eq!(status, 403, "{line}\n{body}");
            continue;
        }
        if [
            "INVOICE_NUMBER",
            "PLAN_ID",
            "WEBHOOK_ID",
            "/api/v1/statements/",
        ]
        .iter()
        .any(|p| line.contains(p))
        {
            let (status, body) = run(&line.replace("PRIVATE_KEY", private)).await;
            assert_eq!(status, 404, "{line}\n{body}");
            continue;
        }
        assert!(line.contains(&app.address), "{line}");
        let (status, body) = run(&line.replace("PRIVATE_KEY", private)).await;
        assert_eq!(status, 200, "{line}\n{body}");
    }
    let create = lines
        .iter()
        .find(|l| l.contains("/api/v1/signupLinks") && l.contains("-X POST"))
        .unwrap();
    let (status, body) = run(&create.replace("PRIVATE_KEY", private)).await;
    assert_eq!(status, 201, "{create}\n{body}");
    assert!(body.contains("Spring campaign"));
}

#[tokio::test]
async fn a_reseller_sees_only_the_partner_management_api() {
    let app = spawn_app().await;
    app.create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    let html = support_page(&app, "owner@borealis.example").await;
    let paths = texts(&html, ".oppath");
    assert!(!paths.is_empty());
    assert!(paths.iter().all(|p| p.starts_with("/api/v1/")), "{paths:?}");
    // No key yet: the examples say where it goes.
    let first = texts(&html, "#first-call").remove(0);
    assert_eq!(
        first,
        format!(
            "curl --digest --user 'PUBLIC_KEY:PRIVATE_KEY' {}/api/v1/me",
            app.address
        )
    );
    assert!(
        html.contains("href=\"/console/support\""),
        "in the navigation"
    );
}
