//! What an attacker tried (issue 21): redirects off-site through `next=`, a server error through
//! CR/LF in it, a copied session cookie after sign-out, and answers that tell by their status
//! who is asking.

use partner_console::app::operators;
use partner_console::domain::{PartnerKind, Role};
use partner_console::paths as routes;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, TestUser, location, new_client, spawn_app};

/// `next` values as they stand in a URL's query (so `%09` reaches the handler as a tab), with
/// the path a browser must be sent to, or `None` for the default page.
const TARGETS: &[(&str, Option<&str>)] = &[
    ("//evil.example", None),
    ("/%5Cevil.example", None),
    ("/%5cevil.example", None),
    ("%5C/evil.example", None),
    ("/%09/evil.example", None),
    ("/%0A/evil.example", None),
    ("/%0D%0A/evil.example", None),
    ("%0d%0aSet-Cookie:%20x=1", None),
    ("/%2F/evil.example", None),
    ("/%2f%2fevil.example", None),
    ("http:evil.example", None),
    ("https://evil.example", None),
    ("javascript:alert(1)", None),
    ("//b%C3%BCcher.example", None),
    ("/.//evil.example", None),
    ("/%2E%2E//evil.example", None),
    ("evil.example", None),
    (routes::CONSOLE_BILLING, Some(routes::CONSOLE_BILLING)),
    (
        "/console/customers%3Fq%3Dacme",
        Some("/console/customers?q=acme"),
    ),
    // Encoded twice: the browser asks this site for that very path.
    ("/%252F/evil.example", Some("/%2F/evil.example")),
];

fn over_long() -> String {
    format!("/{}", "a".repeat(3000))
}

#[tokio::test]
async fn the_language_switcher_goes_back_only_to_a_path_on_this_site() {
    let app = spawn_app().await;
    let long = over_long();
    let mut all: Vec<(&str, Option<&str>)> = TARGETS.to_vec();
    all.push((&long, None));
    for (raw, want) in all {
        let r = app.get(&format!("/language?to=ja&next={raw}")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "next={raw}");
        assert_eq!(location(&r), want.unwrap_or("/"), "next={raw}");
        let cookie = r.headers().get("set-cookie").map(|v| v.to_str().unwrap());
        assert!(
            cookie.is_some_and(|c| c.starts_with("pc_lang=ja")),
            "the language is still chosen with next={raw}: {cookie:?}"
        );
    }
}

#[tokio::test]
async fn sign_in_sends_nowhere_but_this_site_and_never_answers_500() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    // The form keeps only a local `next`.
    for (raw, want) in TARGETS {
        let (status, html) = app.get_text(&format!("/sign-in?next={raw}")).await;
        assert_eq!(status, StatusCode::OK, "next={raw}");
        let kept = hidden_next(&html);
        assert_eq!(kept, want.unwrap_or(""), "the form's next for next={raw}");
    }
    // Signing in with each: one browser each, the clock moved on so the per-address limit
    // (20 a minute) is not what answers.
    let decoded = |raw: &str| {
        url::form_urlencoded::parse(format!("next={raw}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    for (raw, want) in TARGETS {
        app.state.clock.advance(chrono::Duration::seconds(10));
        let browser = app.visitor();
        let next = decoded(raw);
        let r = browser
            .post_form(
                routes::SIGN_IN,
                routes::SIGN_IN,
                &[
                    ("email", "owner@acme.example"),
                    ("password", PASSWORD),
                    ("next", &next),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "next={raw}");
        assert_eq!(location(&r), want.unwrap_or(routes::CONSOLE), "next={raw}");
    }
}

fn hidden_next(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"input[name="next"]"#).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .expect("the sign-in form has a next field")
        .to_string()
}

/// The value of the session cookie `r` set.
fn session_cookie(r: &reqwest::Response) -> String {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("pc_session="))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string()
}

/// What a copy of `cookie` gets at `base` + `/console/api-keys`, from a browser of its own.
async fn with_copy(base: &str, cookie: &str) -> StatusCode {
    new_client()
        .get(format!("{base}/console/api-keys"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_copied_cookie_is_refused_on_every_instance_once_its_session_ends() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let second = app.second_instance().await;
    let instances = [app.address.clone(), second.clone()];

    // Sign-out, made on the other instance.
    let copy = session_cookie(&app.sign_in("owner@acme.example", PASSWORD).await);
    for base in &instances {
        assert_eq!(with_copy(base, &copy).await, StatusCode::OK, "{base}");
    }
    let token = crate::helpers::csrf_token(
        &app.client
            .get(format!("{second}/console"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let r = app
        .client
        .post(format!("{second}/sign-out"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for base in &instances {
        assert_eq!(
            with_copy(base, &copy).await,
            StatusCode::SEE_OTHER,
            "a copy taken before sign-out, at {base}"
        );
    }

    // A suspension ends every member's session; reactivating does not bring them back.
    let copy = session_cookie(&app.sign_in("owner@acme.example", PASSWORD).await);
    app.create_operator("ops@vendor.example").await;
    let ops = app.user("ops@vendor.example").await;
    let page = format!("/admin/partners/{acme}");
    for step in ["suspend", "reactivate"] {
        let r = ops
            .post_form(&page, &format!("{page}/{step}"), &[("confirmed", "yes")])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{step}");
    }
    for base in &instances {
        assert_eq!(
            with_copy(base, &copy).await,
            StatusCode::SEE_OTHER,
            "a copy taken before a suspension, at {base}"
        );
    }

    // A new password ends every other session at once; the browser that set it goes on.
    let owner = app.user("owner@acme.example").await;
    let copy = session_cookie(&app.sign_in("owner@acme.example", PASSWORD).await);
    let r = owner
        .post_form(
            routes::CONSOLE_SETTINGS,
            routes::CONSOLE_SETTINGS_PASSWORD,
            &[
                ("current", PASSWORD),
                ("password", "a brand new passphrase 2026"),
                ("password_confirm", "a brand new passphrase 2026"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for base in &instances {
        assert_eq!(
            with_copy(base, &copy).await,
            StatusCode::SEE_OTHER,
            "{base}"
        );
    }
    let r = owner.open(routes::CONSOLE_API_KEYS).await;
    assert_eq!(r.status(), StatusCode::OK, "the session that changed it");
}

/// A member of `partner` with `role`, signed in in a browser of its own.
pub async fn member(app: &TestApp, partner: i64, email: &str, role: Role) -> TestUser {
    operators::create_user(
        &app.state.db,
        email,
        PASSWORD,
        operators::member(partner, role),
    )
    .await
    .expect("member");
    app.user(email).await
}

#[tokio::test]
async fn pages_of_the_other_kind_of_partner_are_not_found_whoever_asks() {
    let app = spawn_app().await;
    let msp = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let reseller = app
        .create_partner(
            "Borealis Resale",
            PartnerKind::Reseller,
            "owner@borealis.example",
        )
        .await;
    let msp_people = [
        app.user("owner@acme.example").await,
        member(&app, msp, "billing@acme.example", Role::Billing).await,
        member(&app, msp, "viewer@acme.example", Role::Viewer).await,
    ];
    let reseller_people = [
        app.user("owner@borealis.example").await,
        member(&app, reseller, "billing@borealis.example", Role::Billing).await,
        member(&app, reseller, "viewer@borealis.example", Role::Viewer).await,
    ];
    for (who, client) in ["owner", "billing", "viewer"].iter().zip(&msp_people) {
        for path in [
            routes::CONSOLE_OFFERS,
            routes::CONSOLE_OFFER_NEW,
            "/console/offers/new?authorization=1",
            routes::CONSOLE_AUTHORIZATIONS,
        ] {
            let s = client.open(path).await.status();
            assert_eq!(s, StatusCode::NOT_FOUND, "MSP {who}: GET {path}");
        }
        let r = client
            .post_form(routes::CONSOLE, routes::CONSOLE_OFFERS, &[])
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "MSP {who}: POST offers");
    }
    for (who, client) in ["owner", "billing", "viewer"].iter().zip(&reseller_people) {
        let s = client.open(routes::CONSOLE_SIGNUP_LINKS).await.status();
        assert_eq!(s, StatusCode::NOT_FOUND, "reseller {who}: GET signup links");
        let r = client
            .post_form(
                routes::CONSOLE,
                routes::CONSOLE_SIGNUP_LINKS,
                &[("label", "x"), ("days", "7")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "reseller {who}: POST");
    }
    // Within its own kind, the role still decides.
    let r = msp_people[2]
        .post_form(
            routes::CONSOLE,
            routes::CONSOLE_SIGNUP_LINKS,
            &[("label", "x"), ("days", "7")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "an MSP's viewer");
    let s = reseller_people[2]
        .open(routes::CONSOLE_OFFER_NEW)
        .await
        .status();
    assert_eq!(s, StatusCode::FORBIDDEN, "a reseller's viewer");
}

#[tokio::test]
async fn the_support_page_shows_the_key_only_to_who_may_see_keys() {
    let app = spawn_app().await;
    let msp = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let owner = app.user("owner@acme.example").await;
    let r = owner
        .post_form(
            routes::CONSOLE_API_KEYS,
            routes::CONSOLE_API_KEYS,
            &[("name", "scripts")],
        )
        .await;
    assert!(r.status().is_success() || r.status().is_redirection());
    let mut c = app.state.db.acquire().await.unwrap();
    let public = partner_console::store::api_keys::list(&mut c, msp)
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("the key")
        .public_key;
    drop(c);
    let page = |user: TestUser| async move { user.get_html(routes::CONSOLE_SUPPORT).await.1 };
    assert!(page(owner).await.contains(&public), "the owner sees it");
    for role in [Role::Admin, Role::Billing, Role::Viewer] {
        let email = format!("{}@acme.example", role.as_str());
        let html = page(member(&app, msp, &email, role).await).await;
        assert_eq!(
            html.contains(&public),
            role == Role::Admin,
            "{role:?} and the public key"
        );
        assert!(html.contains("PUBLIC_KEY:PRIVATE_KEY") || role == Role::Admin);
    }
}

#[tokio::test]
async fn exported_cells_never_run_as_spreadsheet_formulas() {
    let app = spawn_app().await;
    let msp = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let evil = r#"=HYPERLINK("http://evil.example","Open")"#;
    app.add_customer(msp, "7000000000000000001", evil).await;
    app.add_customer(msp, "7000000000000000002", "-2+3").await;
    app.add_customer(msp, "7000000000000000003", "Plain, Inc.")
        .await;
    let owner = app.user("owner@acme.example").await;
    let (_, csv) = owner.get_html(routes::CONSOLE_CUSTOMERS_CSV).await;
    let names: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    for want in [format!("'{evil}"), "'-2+3".into(), "Plain, Inc.".into()] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
}
