//! Partner onboarding through the real app and SMTP listener: apply, review, activate, keys,
//! branding, and hostile logos.

use partner_console::domain::PartnerKind;
use partner_console::paths as routes;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::helpers::{
    PASSWORD, TestApp, csrf_token, link_in, location, signed_in_client, spawn_app, text_of,
};

pub const LIGHT_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48"><rect width="256" height="48" rx="8" fill="#0b7285"/><circle cx="24" cy="24" r="14" fill="#ffffff"/></svg>"##;
pub const DARK_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48"><rect width="256" height="48" rx="8" fill="#99e9f2"/><circle cx="24" cy="24" r="14" fill="#0b1620"/></svg>"##;
const NEW_PASSWORD: &str = "a long and quiet passphrase";

fn svg_part(svg: &[u8], name: &str) -> Part {
    Part::bytes(svg.to_vec())
        .file_name(name.to_string())
        .mime_str("image/svg+xml")
        .unwrap()
}

pub struct Application<'a> {
    pub kind: &'a str,
    pub company: &'a str,
    pub email: &'a str,
    pub website: &'a str,
    pub light: Option<&'a [u8]>,
    pub dark: Option<&'a [u8]>,
    pub extra: Vec<(&'a str, &'a str)>,
}

impl<'a> Application<'a> {
    pub fn valid(company: &'a str, email: &'a str) -> Self {
        Application {
            kind: "msp",
            company,
            email,
            website: "https://nimbus.example",
            light: Some(LIGHT_SVG.as_bytes()),
            dark: Some(DARK_SVG.as_bytes()),
            extra: vec![],
        }
    }
}

/// Submits the application form as a browser would (multipart, CSRF token in the action URL).
pub async fn apply(app: &TestApp, a: &Application<'_>) -> reqwest::Response {
    let (_, html) = app.get_text(routes::APPLY).await;
    let token = csrf_token(&html);
    let mut form = Form::new()
        .text("kind", a.kind.to_string())
        .text("company_name", a.company.to_string())
        .text("contact_email", a.email.to_string())
        .text("website_url", a.website.to_string())
        .text("message", "We would like to resell.");
    for (k, v) in &a.extra {
        form = form.text(k.to_string(), v.to_string());
    }
    form = form.part(
        "logo_light",
        svg_part(a.light.unwrap_or_default(), "light.svg"),
    );
    form = form.part(
        "logo_dark",
        svg_part(a.dark.unwrap_or_default(), "dark.svg"),
    );
    app.client
        .post(app.url(&format!("/apply?csrf_token={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The operator's client: signs in and returns the id of the newest pending application.
pub async fn operator_with_pending(app: &TestApp) -> (crate::helpers::TestUser, i64) {
    app.create_operator("ops@vendor.example").await;
    let ops = signed_in_client(app, "ops@vendor.example").await;
    let queue = ops
        .open(routes::ADMIN_APPLICATIONS)
        .await
        .text()
        .await
        .unwrap();
    let id = queue
        .split("/admin/applications/")
        .filter_map(|s| {
            s.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse::<i64>()
                .ok()
        })
        .max()
        .expect("an application in the queue");
    (ops, id)
}

#[tokio::test]
async fn apply_approve_activate_and_the_key_is_shown_once() {
    let app = spawn_app().await;
    let r = apply(
        &app,
        &Application::valid("Nimbus Data", "Owner@Nimbus.example"),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(location(&r), routes::APPLY_RECEIVED);
    let ack = app.mail_to("Owner@Nimbus.example").await;
    assert!(ack.subject.contains("Nimbus Data"), "{}", ack.subject);

    let (ops, id) = operator_with_pending(&app).await;
    let detail = ops
        .open(&format!("/admin/applications/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(detail.contains("Nimbus Data") && detail.contains("https://nimbus.example"));
    for mode in ["light", "dark"] {
        let r = ops
            .open(&format!("/admin/applications/{id}/logos/{mode}.svg"))
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "image/svg+xml");
    }
    let r = ops
        .post_form(
            &format!("/admin/applications/{id}"),
            &format!("/admin/applications/{id}/approve"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/admin/partners/"));

    let mail = app
        .mail_with_subject("Owner@Nimbus.example", "Activate")
        .await;
    assert!(
        mail.text.contains("first API key"),
        "the mail says the key comes at activation"
    );
    let link = link_in(&mail.text, &app.url("/activate/"));
    let path = link.trim_start_matches(&app.address).to_string();

    // A weak password is refused and the link stays usable.
    let r = app
        .submit(
            &path,
            &path,
            &[("password", "nimbus"), ("password_confirm", "nimbus")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .submit(
            &path,
            &path,
            &[
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    let public = text_of(&html, "#public-key").unwrap();
    let private = text_of(&html, "#private-key").unwrap();
    assert_eq!(public.len(), 16);
    assert!(private.len() >= 32);
    let curl = text_of(&html, "#curl-example").unwrap();
    assert_eq!(
        curl,
        format!(
            "curl --digest --user '{public}:{private}' {}/v1beta1/msp/mspCustomers",
            app.address
        )
    );

    // Signed in already; the keys page lists the key but never its private half.
    let (status, keys) = app.get_text(routes::CONSOLE_API_KEYS).await;
    assert_eq!(status, StatusCode::OK);
    assert!(keys.contains(&public));
    assert!(!keys.contains(&private));
    let (_, console) = app.get_text(routes::CONSOLE).await;
    assert!(!console.contains(&private));
    // The private key is not stored anywhere in clear.
    let mut c = app.state.db.acquire().await.unwrap();
    let row = partner_console::store::api_keys::secrets_by_public_key(&mut c, &public)
        .await
        .unwrap()
        .unwrap();
    assert!(!row.ha1_sha256.contains(&private) && !row.ha1_md5.contains(&private));

    // The link is spent; the owner signs in with the new password.
    let (status, page) = app.get_text(&path).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("already been used"));
    let fresh = app.visitor();
    let r = fresh
        .post_form(
            routes::SIGN_IN,
            routes::SIGN_IN,
            &[
                ("email", "owner@nimbus.example"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&r), routes::CONSOLE);

    // Its logos are public, with the strict headers.
    let r = app.get("/logos/nimbus-data/light.svg").await;
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert_eq!(h["content-type"], "image/svg+xml");
    assert_eq!(
        h["content-security-policy"],
        "default-src 'none'; style-src 'unsafe-inline'"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.get("etag").is_some());
}

#[tokio::test]
async fn rejection_mails_the_reason() {
    let app = spawn_app().await;
    apply(
        &app,
        &Application::valid("Shady Resale", "boss@shady.example"),
    )
    .await;
    app.mail_to("boss@shady.example").await;
    let (ops, id) = operator_with_pending(&app).await;
    let page = format!("/admin/applications/{id}");
    let action = format!("/admin/applications/{id}/reject");
    let r = ops.post_form(&page, &action, &[("reason", "no")]).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    let reason = "We only partner with companies registered in the region we serve.";
    let r = ops.post_form(&page, &action, &[("reason", reason)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mail = app
        .mail_with_subject("boss@shady.example", "Your partner application")
        .await;
    assert!(mail.text.contains(reason), "{}", mail.text);
    // Deciding twice is not possible.
    let r = ops
        .post_form(&page, &format!("/admin/applications/{id}/approve"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), routes::ADMIN_APPLICATIONS);
    assert!(
        app.smtp
            .all()
            .iter()
            .all(|m| !m.subject.starts_with("Activate"))
    );
}

#[tokio::test]
async fn approval_is_refused_when_the_contact_email_is_already_a_user() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    apply(
        &app,
        &Application::valid("Acme Again", "OWNER@acme.example"),
    )
    .await;
    let (ops, id) = operator_with_pending(&app).await;
    let r = ops
        .post_form(
            &format!("/admin/applications/{id}"),
            &format!("/admin/applications/{id}/approve"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("already belongs to a user")
    );
    let mut c = app.state.db.acquire().await.unwrap();
    assert!(
        partner_console::store::partners::find_by_slug(&mut c, "acme-again")
            .await
            .unwrap()
            .is_none(),
        "nothing was created"
    );
}

#[tokio::test]
async fn a_wrong_field_keeps_every_other_value_and_the_logos() {
    let app = spawn_app().await;
    let mut a = Application::valid("Nimbus Data", "not-an-address");
    a.website = "ftp://nimbus.example";
    let r = apply(&app, &a).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"value="Nimbus Data""#));
    assert!(html.contains(r#"value="not-an-address""#));
    assert!(html.contains("such as name@company.com"));
    assert!(html.contains("starting with http:// or https://"));
    // Both logos are kept and shown, and not asked for again.
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse(r#"input[name="logo_light_key"]"#).unwrap();
    let light_key = doc
        .select(&sel)
        .next()
        .expect("light logo kept")
        .value()
        .attr("value")
        .unwrap()
        .to_string();
    let sel = scraper::Selector::parse(r#"input[name="logo_dark_key"]"#).unwrap();
    let dark_key = doc
        .select(&sel)
        .next()
        .expect("dark logo kept")
        .value()
        .attr("value")
        .unwrap()
        .to_string();
    assert_eq!(
        app.get(&format!("/logos/uploads/{light_key}.svg"))
            .await
            .status(),
        200
    );

    let mut fixed = Application::valid("Nimbus Data", "owner@nimbus.example");
    fixed.light = None;
    fixed.dark = None;
    fixed.extra = vec![("logo_light_key", &light_key), ("logo_dark_key", &dark_key)];
    let r = apply(&app, &fixed).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
}

#[tokio::test]
async fn hostile_logos_are_refused_with_a_reason_or_cleaned() {
    let app = spawn_app().await;
    let bomb = br#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg" width="256" height="48"><text>&b;</text></svg>"#.to_vec();
    let png = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R',
    ];
    let big = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48"><!-- {} --></svg>"#,
        "x".repeat(300 * 1024)
    )
    .into_bytes();
    let cases: [(&[u8], &str); 3] = [
        (&bomb, "declares XML entities"),
        (&png, "not an SVG file"),
        (&big, "larger than 256 KiB"),
    ];
    for (bytes, message) in cases {
        let mut a = Application::valid("Hostile Ltd", "x@hostile.example");
        a.light = Some(bytes);
        let r = apply(&app, &a).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains(message), "expected {message:?}");
    }

    let scripted = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="256" height="48" onload="alert(1)"><script>alert(2)</script><foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject><a xlink:href="javascript:alert(3)"><rect width="50" height="20"/></a><image href="https://evil.example/x.png" width="5" height="5"/></svg>"#;
    let mut a = Application::valid("Scripted Ltd", "y@scripted.example");
    a.light = Some(scripted);
    let r = apply(&app, &a).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (ops, id) = operator_with_pending(&app).await;
    let svg = ops
        .open(&format!("/admin/applications/{id}/logos/light.svg"))
        .await
        .text()
        .await
        .unwrap();
    for bad in [
        "script",
        "onload",
        "foreignObject",
        "javascript:",
        "evil.example",
    ] {
        assert!(!svg.contains(bad), "{bad} survived: {svg}");
    }
    assert!(
        svg.contains("<path") || svg.contains("<rect"),
        "the drawing itself is kept: {svg}"
    );
}

#[tokio::test]
async fn the_honeypot_catches_bots_without_telling_them() {
    let app = spawn_app().await;
    let mut a = Application::valid("Bot Farm", "bot@farm.example");
    a.extra = vec![("fax_number", "+1 555 0100")];
    let r = apply(&app, &a).await;
    assert_eq!(location(&r), routes::APPLY_RECEIVED);
    let mut c = app.state.db.acquire().await.unwrap();
    assert_eq!(
        partner_console::store::applications::count_pending(&mut c)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn an_expired_activation_link_says_so_and_can_be_resent() {
    let app = spawn_app().await;
    apply(
        &app,
        &Application::valid("Late Owner", "late@owner.example"),
    )
    .await;
    let (ops, id) = operator_with_pending(&app).await;
    let r = ops
        .post_form(
            &format!("/admin/applications/{id}"),
            &format!("/admin/applications/{id}/approve"),
            &[],
        )
        .await;
    let partner_page = location(&r);
    let first = app
        .mail_with_subject("late@owner.example", "Activate")
        .await;
    let path = link_in(&first.text, &app.url("/activate/"))
        .trim_start_matches(&app.address)
        .to_string();
    app.state.clock.advance(chrono::Duration::hours(73));
    let (status, html) = app.get_text(&path).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains("expired"));

    // 73 hours later the operator signs in again, and sends a new link.
    let ops = signed_in_client(&app, "ops@vendor.example").await;
    let before = app.smtp.all().len();
    let r = ops
        .post_form(
            &partner_page,
            &format!("{partner_page}/resend-activation"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    app.drain_outbox().await;
    assert!(app.smtp.all().len() > before, "a new activation mail");
    let second = app
        .mail_with_subject("late@owner.example", "Activate")
        .await;
    let path2 = link_in(&second.text, &app.url("/activate/"))
        .trim_start_matches(&app.address)
        .to_string();
    assert_ne!(path, path2);
    assert_eq!(app.get_text(&path2).await.0, StatusCode::OK);
}

#[tokio::test]
async fn partners_cannot_reach_each_others_keys_and_viewers_have_none() {
    let app = spawn_app().await;
    let a_id = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let b_id = app
        .create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    // Partner B makes a key.
    let b = signed_in_client(&app, "owner@borealis.example").await;
    let r = b
        .post_form(
            routes::CONSOLE_API_KEYS,
            routes::CONSOLE_API_KEYS,
            &[("name", "nightly export"), ("scope", "full")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        text_of(&html, "#curl-example")
            .unwrap()
            .ends_with("/api/v1/me"),
        "a reseller's example calls /api/v1/me"
    );
    let mut c = app.state.db.acquire().await.unwrap();
    let b_key = partner_console::store::api_keys::list(&mut c, b_id)
        .await
        .unwrap()[0]
        .key_id;

    // Partner A's owner gets 404 for it, by GET and by POST, and the key stays active.
    app.sign_in("owner@acme.example", PASSWORD).await;
    assert_eq!(
        app.get(&format!("/console/api-keys/{b_key}/revoke"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = app
        .submit(
            routes::CONSOLE_API_KEYS,
            &format!("/console/api-keys/{b_key}/revoke"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let keys = partner_console::store::api_keys::list(&mut c, b_id)
        .await
        .unwrap();
    assert!(keys[0].revoked_at.is_none());
    assert!(
        partner_console::store::api_keys::list(&mut c, a_id)
            .await
            .unwrap()
            .is_empty()
    );
    // A's page does not list B's key.
    let (_, own) = app.get_text(routes::CONSOLE_API_KEYS).await;
    assert!(!own.contains("nightly export"));

    // B revokes its own key through the confirmation page.
    let r = b
        .post_form(
            &format!("/console/api-keys/{b_key}/revoke"),
            &format!("/console/api-keys/{b_key}/revoke"),
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let keys = partner_console::store::api_keys::list(&mut c, b_id)
        .await
        .unwrap();
    assert!(keys[0].revoked_at.is_some());

    // A viewer of A has no API keys page and cannot create one.
    partner_console::app::operators::create_user(
        &app.state.db,
        "viewer@acme.example",
        PASSWORD,
        partner_console::app::operators::member(a_id, partner_console::domain::Role::Viewer),
    )
    .await
    .unwrap();
    let v = signed_in_client(&app, "viewer@acme.example").await;
    assert_eq!(
        v.open(routes::CONSOLE_API_KEYS).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = v
        .post_form(
            routes::CONSOLE,
            routes::CONSOLE_API_KEYS,
            &[("name", "sneaky")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        v.open(routes::CONSOLE_BRANDING).await.status(),
        StatusCode::OK,
        "viewers may look at branding"
    );
}

#[tokio::test]
async fn branding_replaces_a_logo_and_refuses_a_bad_one() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.sign_in("owner@acme.example", PASSWORD).await;
    let (_, html) = app.get_text(routes::CONSOLE_BRANDING).await;
    let token = csrf_token(&html);
    let upload = |bytes: Vec<u8>| {
        Form::new().part(
            "logo",
            Part::bytes(bytes)
                .file_name("logo.svg")
                .mime_str("image/svg+xml")
                .unwrap(),
        )
    };
    let r = app
        .client
        .post(app.url(&format!("/console/branding/dark?csrf_token={token}")))
        .multipart(upload(DARK_SVG.as_bytes().to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_text(routes::CONSOLE_BRANDING).await;
    assert!(html.contains("/logos/acme-cloud/dark.svg?v="));
    let r = app.get("/logos/acme-cloud/dark.svg").await;
    assert_eq!(r.status(), 200);

    let r = app
        .client
        .post(app.url(&format!("/console/branding/light?csrf_token={token}")))
        .multipart(upload(b"not svg at all".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("not an SVG file"));
    // Without the token the upload is refused before it is read.
    let r = app
        .client
        .post(app.url("/console/branding/light"))
        .multipart(upload(LIGHT_SVG.as_bytes().to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/logos/acme-cloud/light.svg").await.status(),
        StatusCode::NOT_FOUND,
        "no light logo was set"
    );
}

#[tokio::test]
async fn operators_find_filter_suspend_and_reactivate_partners() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.create_partner(
        "Borealis Resale",
        PartnerKind::Reseller,
        "owner@borealis.example",
    )
    .await;
    app.create_operator("ops@vendor.example").await;
    let ops = signed_in_client(&app, "ops@vendor.example").await;
    let list = |q: &'static str| {
        let ops = ops.clone();
        let url = app.url(&format!("/admin/partners?{q}"));
        async move { ops.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let all = list("").await;
    assert!(all.contains("Acme Cloud") && all.contains("Borealis Resale"));
    let msp = list("kind=msp").await;
    assert!(msp.contains("Acme Cloud") && !msp.contains("Borealis Resale"));
    let searched = list("q=borea").await;
    assert!(!searched.contains("Acme Cloud") && searched.contains("Borealis Resale"));
    // A search with LIKE wildcards matches them literally.
    assert!(list("q=%25").await.contains("No partner matches"));

    let partner_page = ops
        .open(&format!("/admin/partners/{acme}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        text_of(&partner_page, "title").as_deref(),
        Some("Acme Cloud · Partner Console")
    );
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let page = format!("/admin/partners/{acme}");
    let r = ops
        .post_form(&page, &format!("{page}/suspend"), &[("confirmed", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(list("state=suspended").await.contains("Acme Cloud"));
    assert_eq!(
        owner.open(routes::CONSOLE).await.status(),
        StatusCode::SEE_OTHER,
        "signed out at once"
    );
    let r = app.sign_in("owner@acme.example", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = ops
        .post_form(&page, &format!("{page}/reactivate"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.sign_in("owner@acme.example", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let audit = ops.open(routes::ADMIN_AUDIT).await.text().await.unwrap();
    assert!(audit.contains("partner_suspended") && audit.contains("partner_active"));
}

#[tokio::test]
async fn one_address_cannot_flood_the_application_form() {
    let app = spawn_app().await;
    for i in 0..10 {
        let email = format!("a{i}@flood.example");
        let r = apply(&app, &Application::valid("Flood Inc", &email)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "application {i}");
    }
    let r = apply(&app, &Application::valid("Flood Inc", "last@flood.example")).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("Too many applications"));
}
