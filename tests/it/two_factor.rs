//! Two-factor sign-in (issue 26, points 1 and 3): the TOTP codes against a reference
//! implementation (Python's `pyotp`, as authenticator apps compute them), the whole journey
//! through the forms (enrol, sign out, sign in with a code, with a recovery code, turn off),
//! replayed and wrong codes, the throttle, and the owner's and the operators' requirement.

use partner_console::credentials::totp::{self, Secret};
use partner_console::domain::PartnerKind;
use partner_console::web::routes;
use reqwest::StatusCode;

use crate::api_calls::run;
use crate::helpers::{
    Options, PASSWORD, TestApp, TestUser, location, spawn_app, spawn_app_with, text_of,
};

/// The app's clock in seconds, for the codes an authenticator would show now.
fn now(app: &TestApp) -> i64 {
    app.state.now().timestamp()
}

/// Enrols `user` as a person would: starts, reads the key in text off the page, confirms with
/// the app's code. Returns the secret and the recovery codes shown.
async fn enrol(app: &TestApp, user: &TestUser) -> (Secret, Vec<String>) {
    let r = user
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_TWO_FACTOR_START,
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = user.get_html(routes::ACCOUNT_SECURITY).await;
    let typed = text_of(&page, "#enrol-secret").expect("the key in text");
    let secret = Secret::from_base32(&typed).expect("a base32 key");
    let code = totp::code_at(&secret, now(app));
    let r = user
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_TWO_FACTOR_CONFIRM,
            &[("code", &code)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "the recovery codes page");
    let page = r.text().await.unwrap();
    (secret, codes_on(&page))
}

fn codes_on(page: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(page);
    let sel = scraper::Selector::parse("#recovery-codes li").unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// Signs in with the password in a new browser: the answer and the browser.
async fn password_step(app: &TestApp, email: &str) -> (reqwest::Response, TestUser) {
    let b = app.visitor();
    let r = b
        .post_form(
            routes::SIGN_IN,
            routes::SIGN_IN,
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    (r, b)
}

async fn code_step(b: &TestUser, code: &str) -> reqwest::Response {
    b.post_form(
        routes::SIGN_IN_CODE,
        routes::SIGN_IN_CODE,
        &[("code", code)],
    )
    .await
}

async fn signed_in(b: &TestUser) -> bool {
    b.open(routes::CONSOLE).await.status() == StatusCode::OK
}

#[tokio::test]
async fn our_codes_are_the_ones_pyotp_computes() {
    let check = run("python3", vec!["-c".into(), "import pyotp".into()]).await;
    if !check.status.success() {
        assert!(
            std::env::var_os("CI").is_none(),
            "pyotp is missing: CI installs it (pip install pyotp)"
        );
        eprintln!("SKIPPED our_codes_are_the_ones_pyotp_computes: pip install pyotp to run it");
        return;
    }
    let secret = Secret::generate();
    // The epoch's start, RFC 6238's times, today and the far future.
    let times: Vec<i64> = vec![
        0,
        59,
        1_111_111_109,
        1_234_567_890,
        1_796_000_000,
        20_000_000_000,
    ];
    let script = format!(
        "import pyotp\nt = pyotp.TOTP('{}')\nprint('\\n'.join(t.at(x) for x in {:?}))",
        secret.base32(),
        times
    );
    let out = run("python3", vec!["-c".into(), script]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect();
    let ours: Vec<String> = times.iter().map(|t| totp::code_at(&secret, *t)).collect();
    assert_eq!(ours, theirs);
    // And pyotp reads our otpauth URI as the same issuer, account and secret.
    let uri = secret.otpauth_uri("Partner Console", "owner@acme.example");
    let script = format!(
        "import pyotp\nt = pyotp.parse_uri('{uri}')\nprint(t.issuer, t.name, t.secret, t.digits, t.interval, sep='|')"
    );
    let out = run("python3", vec!["-c".into(), script]).await;
    let parsed = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(
        parsed,
        format!(
            "Partner Console|owner@acme.example|{}|6|30",
            secret.base32()
        )
    );
}

#[tokio::test]
async fn enrol_sign_out_sign_in_with_a_code_and_a_recovery_code_then_turn_off() {
    let app = spawn_app().await;
    app.state.clock.freeze();
    let email = "owner@acme.example";
    app.create_partner("Acme Cloud", PartnerKind::Msp, email)
        .await;
    let laptop = app.user(email).await;
    let phone = app.user(email).await;

    // Off, with a way to start; starting shows a QR code and the same key in text.
    let (_, page) = laptop.get_html(routes::ACCOUNT_SECURITY).await;
    assert_eq!(text_of(&page, "#two-factor-state").unwrap(), "Off");
    assert!(page.contains(r#"id="start-two-factor""#));
    laptop
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_TWO_FACTOR_START,
            &[],
        )
        .await;
    let (_, page) = laptop.get_html(routes::ACCOUNT_SECURITY).await;
    let qr = scraper::Html::parse_document(&page);
    let svg = qr
        .select(&scraper::Selector::parse("#enrol-qr svg").unwrap())
        .count();
    assert_eq!(svg, 1, "the QR code is inline SVG");
    let secret = Secret::from_base32(&text_of(&page, "#enrol-secret").unwrap()).unwrap();

    // A wrong first code turns nothing on and says so at the field.
    let right = totp::code_at(&secret, now(&app));
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let r = laptop
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_TWO_FACTOR_CONFIRM,
            &[("code", wrong)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("That code is not right"), "{page}");
    assert_eq!(text_of(&page, "#two-factor-state").unwrap(), "Off");

    // The right code turns it on and shows ten recovery codes once, never cached.
    let r = laptop
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_TWO_FACTOR_CONFIRM,
            &[("code", &right)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let codes = codes_on(&r.text().await.unwrap());
    assert_eq!(codes.len(), 10, "{codes:?}");
    // The change ended the phone's session; this browser goes on.
    assert!(!signed_in(&phone).await, "other sessions end");
    assert!(signed_in(&laptop).await);
    let (_, page) = laptop.get_html(routes::ACCOUNT_SECURITY).await;
    assert_eq!(text_of(&page, "#two-factor-state").unwrap(), "On");
    assert!(!page.contains("enrol-secret"), "the key is not shown again");
    assert!(text_of(&page, "#codes-left").unwrap().contains("10"));

    // Signed out, the password alone signs nobody in.
    let (r, b) = password_step(&app, email).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), routes::SIGN_IN_CODE);
    assert!(!signed_in(&b).await, "no session before the code");
    let (status, page) = b.get_html(routes::SIGN_IN_CODE).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("authenticator app"), "{page}");

    // The code that turned it on was used: refused again within its window.
    let r = code_step(&b, &right).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("each works once"));
    assert!(!signed_in(&b).await);
    // The next step's code (the app's, thirty seconds on: within the one step of skew) works.
    let next = totp::code_at(&secret, now(&app) + 30);
    let r = code_step(&b, &next).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), routes::CONSOLE);
    assert!(signed_in(&b).await);
    // ... once: another browser cannot reuse it.
    let (_, other) = password_step(&app, email).await;
    assert_eq!(
        code_step(&other, &next).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // A recovery code signs in once, however it is typed, and says how many are left.
    let (_, b2) = password_step(&app, email).await;
    let typed = codes[3].to_uppercase().replace('-', " ");
    let r = code_step(&b2, &typed).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "a recovery code works");
    let (_, page) = b2.get_html(routes::CONSOLE).await;
    assert!(page.contains("9 codes are left"), "the flash");
    let (_, b3) = password_step(&app, email).await;
    assert_eq!(
        code_step(&b3, &codes[3]).await.status(),
        StatusCode::UNAUTHORIZED,
        "a used recovery code is refused"
    );

    // Turning off needs the password and a code: each wrong part is named, nothing changes.
    let r = b2
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_TWO_FACTOR_OFF,
            &[("password", "not the password"), ("code", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(text_of(&page, "#off_password-error").is_some(), "{page}");
    assert!(text_of(&page, "#off_code-error").is_some(), "{page}");
    assert_eq!(text_of(&page, "#two-factor-state").unwrap(), "On");
    let r = b2
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_TWO_FACTOR_OFF,
            &[("password", PASSWORD), ("code", &codes[5])],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        !signed_in(&b).await,
        "turning off ends the other sessions too"
    );
    let (r, b4) = password_step(&app, email).await;
    assert_eq!(location(&r), routes::CONSOLE, "the password alone again");
    assert!(signed_in(&b4).await);

    // Every change is in the audit log with who and from where.
    let (_, log) = b4.get_html(routes::CONSOLE_AUDIT).await;
    let doc = scraper::Html::parse_document(&log);
    let rows: Vec<String> = doc
        .select(&scraper::Selector::parse("tbody tr").unwrap())
        .map(|r| r.text().collect::<String>())
        .collect();
    for (what, detail) in [
        ("Two-factor sign-in turned on", "authenticator app"),
        ("Two-factor sign-in turned off", "authenticator app"),
        ("Signed in", "with an authenticator code"),
        ("Signed in", "with a recovery code"),
    ] {
        assert!(
            rows.iter().any(|r| r.contains(what)
                && r.contains(detail)
                && r.contains(email)
                && r.contains("127.0.0.1")),
            "{what} {detail}: {rows:#?}"
        );
    }
}

#[tokio::test]
async fn wrong_codes_count_in_the_sign_in_throttle_and_a_password_does_not_forgive_them() {
    let app = spawn_app().await;
    app.state.clock.freeze();
    let email = "owner@acme.example";
    app.create_partner("Acme Cloud", PartnerKind::Msp, email)
        .await;
    let owner = app.user(email).await;
    let (secret, _) = enrol(&app, &owner).await;
    let (_, b) = password_step(&app, email).await;
    let max = app.state.settings.signin_max_failures;
    for _ in 0..max {
        assert_eq!(
            code_step(&b, "000001").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Past the limit even the right code is refused, and so is the password step.
    let good = totp::code_at(&secret, now(&app) + 30);
    let r = code_step(&b, &good).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let (r, _) = password_step(&app, email).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // The window passes; the right code works again.
    app.state.clock.advance(chrono::Duration::minutes(
        app.state.settings.signin_window_minutes + 1,
    ));
    let (_, b) = password_step(&app, email).await;
    let good = totp::code_at(&secret, now(&app));
    assert_eq!(code_step(&b, &good).await.status(), StatusCode::SEE_OTHER);
    // A second step left too long must start again.
    let (_, late) = password_step(&app, email).await;
    app.state.clock.advance(chrono::Duration::minutes(6));
    let code = totp::code_at(&secret, now(&app));
    let r = code_step(&late, &code).await;
    assert_eq!(location(&r), routes::SIGN_IN, "back to the first step");
    let (_, page) = late.get_html(routes::SIGN_IN).await;
    assert!(page.contains("took too long"), "{page}");
    assert!(!signed_in(&late).await);
}

#[tokio::test]
async fn an_owner_requires_two_factor_and_members_enrol_before_anything_else() {
    let app = spawn_app().await;
    app.state.clock.freeze();
    let partner = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    partner_console::app::operators::create_user(
        &app.state.db,
        "admin@acme.example",
        PASSWORD,
        partner_console::app::operators::member(partner, partner_console::domain::Role::Admin),
    )
    .await
    .unwrap();
    let owner = app.user("owner@acme.example").await;
    let member = app.user("admin@acme.example").await;
    let require = |on: &'static str| {
        let owner = &owner;
        async move {
            owner
                .post_form(
                    routes::CONSOLE_SETTINGS,
                    routes::CONSOLE_SETTINGS_TWO_FACTOR,
                    &[("required", on)],
                )
                .await
        }
    };

    // Not before the owner has it themselves.
    require("yes").await;
    let (_, page) = owner.get_html(routes::CONSOLE_SETTINGS).await;
    assert!(
        page.contains("Set up two-factor sign-in for yourself first"),
        "{page}"
    );
    assert!(signed_in(&member).await, "nothing required yet");
    enrol(&app, &owner).await;
    let r = require("yes").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The member, already signed in, is taken to enrolment from every console page and can do
    // nothing else: a change posted is not made.
    let r = member.open(routes::CONSOLE_CUSTOMERS).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), routes::ACCOUNT_SECURITY);
    let (_, page) = member.get_html(routes::ACCOUNT_SECURITY).await;
    assert!(
        text_of(&page, "#must-enrol")
            .unwrap()
            .contains("requires two-factor")
    );
    let r = member
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::CONSOLE_SETTINGS_PROFILE,
            &[("display_name", "Changed"), ("language", "")],
        )
        .await;
    assert_eq!(location(&r), routes::ACCOUNT_SECURITY);
    // A member signing in afresh lands on the same page.
    let (r, fresh) = password_step(&app, "admin@acme.example").await;
    assert_eq!(location(&r), routes::CONSOLE);
    assert_eq!(
        location(&fresh.open(routes::CONSOLE).await),
        routes::ACCOUNT_SECURITY
    );
    // Once enrolled, the console opens; the profile was never changed.
    enrol(&app, &member).await;
    let (status, page) = member.get_html(routes::CONSOLE_SETTINGS).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("Changed"));
    // While it is required, turning it off is refused.
    let r = member
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_TWO_FACTOR_OFF,
            &[("password", PASSWORD), ("code", "whatever")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = member.get_html(routes::ACCOUNT_SECURITY).await;
    assert!(page.contains("cannot be turned off"), "{page}");
    assert_eq!(text_of(&page, "#two-factor-state").unwrap(), "On");
    // Only an owner may set the requirement.
    let r = member
        .post_form(
            routes::CONSOLE_SETTINGS,
            routes::CONSOLE_SETTINGS_TWO_FACTOR,
            &[("required", "no")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, page) = owner.get_html(routes::CONSOLE_AUDIT).await;
    assert_eq!(page.matches("Two-factor requirement changed").count(), 1);
}

#[tokio::test]
async fn operators_must_enrol_before_the_admin_pages_where_the_setting_says_so() {
    let app = spawn_app_with(Options {
        require_operator_mfa: true,
        ..Options::default()
    })
    .await;
    app.state.clock.freeze();
    app.create_operator("ops@vendor.example").await;
    let op = app.user("ops@vendor.example").await;
    let r = op.open(routes::ADMIN_PARTNERS).await;
    assert_eq!(location(&r), routes::ACCOUNT_SECURITY);
    let (_, page) = op.get_html(routes::ACCOUNT_SECURITY).await;
    assert!(
        text_of(&page, "#must-enrol")
            .unwrap()
            .contains("Operators must use")
    );
    let (secret, _) = enrol(&app, &op).await;
    assert_eq!(
        op.open(routes::ADMIN_PARTNERS).await.status(),
        StatusCode::OK
    );
    // And the operator's next sign-in asks for the code.
    let (r, b) = password_step(&app, "ops@vendor.example").await;
    assert_eq!(location(&r), routes::SIGN_IN_CODE);
    let r = code_step(&b, &totp::code_at(&secret, now(&app) + 30)).await;
    assert_eq!(location(&r), routes::ADMIN);
}

#[tokio::test]
async fn passkey_answers_that_do_not_verify_are_refused_and_change_nothing() {
    // At an IP address there are no passkeys, and the pages say why.
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let owner = app.user("owner@acme.example").await;
    let (_, page) = owner.get_html(routes::ACCOUNT_SECURITY).await;
    assert!(
        text_of(&page, "#passkeys-unavailable")
            .unwrap()
            .contains("domain name")
    );
    let r = owner
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_PASSKEY_OPTIONS,
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (_, sign_in) = app.visitor().get_html(routes::SIGN_IN).await;
    assert!(!sign_in.contains("passkey-sign-in"), "no passkey button");

    // At a domain name: options come as JSON; a forged or empty answer adds nothing and signs
    // nobody in.
    let app = spawn_app_with(Options {
        localhost: true,
        ..Options::default()
    })
    .await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let owner = app.user("owner@acme.example").await;
    let r = owner
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_PASSKEY_OPTIONS,
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let options: serde_json::Value = r.json().await.unwrap();
    assert_eq!(options["publicKey"]["rp"]["id"], "localhost");
    assert_eq!(
        options["publicKey"]["authenticatorSelection"]["residentKey"],
        "required"
    );
    let forged = r#"{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"}}"#;
    let r = owner
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_PASSKEYS,
            &[("name", "Forged"), ("credential", forged)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("could not be added"), "{page}");
    assert!(page.contains(r#"value="Forged""#), "the name is kept");
    assert!(!page.contains("passkey-list"), "nothing was added");
    // Without a ceremony begun, the same.
    let r = owner
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_PASSKEYS,
            &[("name", "Forged"), ("credential", forged)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let visitor = app.visitor();
    let r = visitor
        .post_form(routes::SIGN_IN, routes::SIGN_IN_PASSKEY_OPTIONS, &[])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = visitor
        .post_form(
            routes::SIGN_IN,
            routes::SIGN_IN_PASSKEY,
            &[("credential", "not json")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("passkey was not accepted"));
    assert_eq!(
        visitor.open(routes::CONSOLE).await.status(),
        StatusCode::SEE_OTHER,
        "nobody is signed in"
    );
}
