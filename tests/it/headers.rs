//! SPEC section 7's headers are on every answer: pages, error pages, refusals.

use partner_console::domain::PartnerKind;
use partner_console::paths as routes;

use crate::helpers::{PASSWORD, spawn_app};

fn assert_secure(path: &str, r: &reqwest::Response) {
    let h = r.headers();
    let csp = h
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{path}: no CSP"))
        .to_str()
        .unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{path}: {csp}"
    );
    assert_eq!(
        h.get("x-content-type-options").map(|v| v.to_str().unwrap()),
        Some("nosniff"),
        "{path}"
    );
    assert!(
        h.get("referrer-policy").is_some(),
        "{path}: no Referrer-Policy"
    );
    assert!(h.get("x-request-id").is_some(), "{path}: no request id");
}

#[tokio::test]
async fn security_headers_are_on_every_page() {
    let app = spawn_app().await;
    app.create_operator("ops@vendor.example").await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;

    let public = [
        "/",
        routes::SIGN_IN,
        routes::PASSWORD_FORGOT,
        "/no-such-page",
        "/password/reset/nope",
        routes::ADMIN,
        routes::HEALTHZ,
        "/static/app.css",
    ];
    for path in public {
        assert_secure(path, &app.get(path).await);
    }
    // A refused form post (no CSRF token) too.
    let r = app
        .client
        .post(app.url(routes::SIGN_IN))
        .form(&[("email", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_secure("POST /sign-in", &r);

    app.sign_in("ops@vendor.example", PASSWORD).await;
    for path in [
        routes::ADMIN,
        routes::ADMIN_OUTBOX,
        routes::ADMIN_AUDIT,
        routes::CONSOLE,
    ] {
        let r = app.get(path).await;
        assert_secure(path, &r);
        if r.status() == 200 {
            assert_eq!(
                r.headers().get("cache-control").unwrap(),
                "no-store",
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn pages_have_no_inline_script_and_escape_user_data() {
    let app = spawn_app().await;
    let r = app
        .submit(
            routes::SIGN_IN,
            routes::SIGN_IN,
            &[
                ("email", "<script>alert(1)</script>@x.example"),
                ("password", "whatever"),
            ],
        )
        .await;
    let html = r.text().await.unwrap();
    assert!(!html.contains("<script>alert(1)"), "typed input is escaped");
    // ... and comes back intact as the field's value once the browser unescapes it.
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("input#email").unwrap();
    let value = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_string();
    assert_eq!(value, "<script>alert(1)</script>@x.example");
    assert!(
        !html.contains("<script"),
        "no script elements at all on the page"
    );
}

#[tokio::test]
async fn static_files_are_cached_by_content_hash() {
    let app = spawn_app().await;
    let (_, html) = app.get_text("/").await;
    let href = html
        .split("href=\"")
        .find(|s| s.starts_with("/static/app.css?v="))
        .unwrap();
    let href = &href[..href.find('"').unwrap()];
    let r = app.get(href).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers().get("content-type").unwrap(), "text/css");
    assert!(
        r.headers()
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = r.headers().get("etag").unwrap().clone();
    let again = app
        .client
        .get(app.url(href))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}
