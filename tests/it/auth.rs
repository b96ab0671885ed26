//! Signing in and out, sessions, throttling, CSRF and the area guards.

use partner_console::domain::PartnerKind;
use partner_console::paths as routes;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, location, new_client, spawn_app, text_of};

#[tokio::test]
async fn sign_in_sets_a_private_session_cookie_and_opens_the_console() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;

    let r = app.sign_in("Owner@Acme.example", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), routes::CONSOLE);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("pc_session="))
        .expect("session cookie set at sign-in");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http public URL must not mark the cookie Secure: {cookie}"
    );
    assert!(
        !cookie.contains("owner@acme"),
        "the cookie content is encrypted: {cookie}"
    );

    let (status, html) = app.get_text(routes::CONSOLE).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text_of(&html, "h1").as_deref(), Some("Acme Cloud"));
    assert!(html.contains("owner@acme.example"));

    // Signing out ends the session.
    let r = app.submit(routes::CONSOLE, routes::SIGN_OUT, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app.get(routes::CONSOLE).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/sign-in?next="));
}

#[tokio::test]
async fn the_session_id_changes_at_sign_in() {
    let app = spawn_app().await;
    app.create_operator("ops@vendor.example").await;
    let before = app.get(routes::SIGN_IN).await;
    let pre = before
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap();
    let r = app.sign_in("ops@vendor.example", PASSWORD).await;
    let post = r
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap();
    assert_ne!(pre.split(';').next(), post.split(';').next());
    assert_eq!(location(&r), routes::ADMIN);
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_answer() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;

    let wrong = app
        .sign_in("owner@acme.example", "not the password at all")
        .await;
    let (s1, b1) = (wrong.status(), wrong.text().await.unwrap());
    let unknown = app
        .sign_in("nobody@acme.example", "not the password at all")
        .await;
    let (s2, b2) = (unknown.status(), unknown.text().await.unwrap());

    assert_eq!(s1, StatusCode::UNAUTHORIZED);
    assert_eq!(s1, s2);
    let m1 = text_of(&b1, "#signin-error").unwrap();
    assert_eq!(m1, text_of(&b2, "#signin-error").unwrap());
    assert_eq!(m1, "The e-mail address or password is not right.");
    // The typed address is kept in the form.
    assert!(b1.contains(r#"value="owner@acme.example""#));
    assert_eq!(
        app.get(routes::CONSOLE).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    for _ in 0..5 {
        let r = app.sign_in("owner@acme.example", "wrong wrong wrong").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now, and the console stays closed.
    let r = app.sign_in("owner@acme.example", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Too many failed sign-ins for this account"),
        "{body}"
    );
    assert_eq!(
        app.get(routes::CONSOLE).await.status(),
        StatusCode::SEE_OTHER
    );
    // The same lock applies to an account that does not exist: nothing tells them apart.
    for _ in 0..5 {
        app.sign_in("ghost@acme.example", "wrong wrong wrong").await;
    }
    assert_eq!(
        app.sign_in("ghost@acme.example", "x").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    // After the window the right password works again.
    app.state.clock.advance(chrono::Duration::minutes(16));
    let r = app.sign_in("owner@acme.example", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_slowed_down() {
    let app = spawn_app().await;
    for i in 0..20 {
        let r = app
            .sign_in(&format!("user{i}@acme.example"), "wrong wrong wrong")
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = app
        .sign_in("user99@acme.example", "wrong wrong wrong")
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Too many sign-in attempts from your network")
    );
}

#[tokio::test]
async fn a_form_post_without_the_csrf_token_is_refused() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    // A session exists (the sign-in page made one), but the form lacks its token.
    app.get(routes::SIGN_IN).await;
    let r = app
        .client
        .post(app.url(routes::SIGN_IN))
        .form(&[("email", "owner@acme.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("This form has expired"));
    // A wrong token is no better.
    let r = app
        .client
        .post(app.url(routes::SIGN_IN))
        .form(&[
            ("email", "owner@acme.example"),
            ("password", PASSWORD),
            ("csrf_token", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Nobody was signed in by either.
    assert_eq!(
        app.get(routes::CONSOLE).await.status(),
        StatusCode::SEE_OTHER
    );
    // A token from another session does not work either.
    let (_, html) = app.get_text(routes::SIGN_IN).await;
    let token = crate::helpers::csrf_token(&html);
    let other = new_client();
    other.get(app.url(routes::SIGN_IN)).send().await.unwrap();
    let r = other
        .post(app.url(routes::SIGN_IN))
        .form(&[
            ("email", "owner@acme.example"),
            ("password", PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn partner_users_cannot_reach_the_operator_area() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    // Anonymous: sent to sign in, and back afterwards.
    let r = app.get(routes::ADMIN_OUTBOX).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/sign-in?next=%2Fadmin%2Foutbox");

    app.sign_in("owner@acme.example", PASSWORD).await;
    for path in [routes::ADMIN, routes::ADMIN_OUTBOX, routes::ADMIN_AUDIT] {
        let (status, html) = app.get_text(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("Page not found"));
    }
}

#[tokio::test]
async fn operators_land_in_admin_and_next_is_honoured_only_on_this_site() {
    let app = spawn_app().await;
    app.create_operator("ops@vendor.example").await;
    let r = app
        .submit(
            "/sign-in?next=/admin/audit",
            routes::SIGN_IN,
            &[
                ("email", "ops@vendor.example"),
                ("password", PASSWORD),
                ("next", routes::ADMIN_AUDIT),
            ],
        )
        .await;
    assert_eq!(location(&r), routes::ADMIN_AUDIT);
    let (status, html) = app.get_text(routes::ADMIN_AUDIT).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("sign_in"), "the sign-in is in the audit log");
    assert_eq!(
        app.get(routes::CONSOLE).await.status(),
        StatusCode::NOT_FOUND
    );

    let other = crate::helpers::spawn_app().await;
    other.create_operator("ops@vendor.example").await;
    let r = other
        .submit(
            routes::SIGN_IN,
            routes::SIGN_IN,
            &[
                ("email", "ops@vendor.example"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(location(&r), routes::ADMIN);
}

#[tokio::test]
async fn an_idle_session_ends_and_so_does_an_old_one() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.sign_in("owner@acme.example", PASSWORD).await;
    app.state.clock.advance(chrono::Duration::minutes(20));
    assert_eq!(app.get(routes::CONSOLE).await.status(), StatusCode::OK);
    app.state.clock.advance(chrono::Duration::minutes(31));
    let r = app.get(routes::CONSOLE).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_text(&location(&r)).await;
    assert!(html.contains("Your session ended"), "{html}");

    // Absolute lifetime: active every 20 minutes for 11 h 40 min, ended at 12 h 1 min.
    app.sign_in("owner@acme.example", PASSWORD).await;
    for _ in 0..35 {
        app.state.clock.advance(chrono::Duration::minutes(20));
        assert_eq!(app.get(routes::CONSOLE).await.status(), StatusCode::OK);
    }
    app.state.clock.advance(chrono::Duration::minutes(21));
    assert_eq!(
        app.get(routes::CONSOLE).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_suspended_partner_is_signed_out_and_cannot_sign_in() {
    let app = spawn_app().await;
    let id = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.sign_in("owner@acme.example", PASSWORD).await;
    assert_eq!(app.get(routes::CONSOLE).await.status(), StatusCode::OK);
    let mut c = app.state.db.acquire().await.unwrap();
    partner_console::store::partners::set_state(
        &mut c,
        id,
        partner_console::domain::PartnerState::Suspended,
    )
    .await
    .unwrap();
    assert_eq!(
        app.get(routes::CONSOLE).await.status(),
        StatusCode::SEE_OTHER
    );
    let r = app.sign_in("owner@acme.example", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("suspended"));
}
