//! Forgotten passwords: the mail arrives over SMTP, its link works once and expires.

use partner_console::domain::PartnerKind;
use partner_console::paths as routes;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, link_in, location, spawn_app, text_of};

const NEW_PASSWORD: &str = "a brand new passphrase 2026";

#[tokio::test]
async fn reset_mail_arrives_and_its_link_works_once() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;

    // Another browser is signed in; the reset must sign it out.
    let other = app.visitor();
    other
        .post_form(
            routes::SIGN_IN,
            routes::SIGN_IN,
            &[("email", "owner@acme.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        other
            .get(app.url(routes::CONSOLE))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let r = app
        .submit(
            routes::PASSWORD_FORGOT,
            routes::PASSWORD_FORGOT,
            &[("email", "OWNER@acme.example")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("a reset link is on its way")
    );

    let mail = app.mail_to("owner@acme.example").await;
    assert_eq!(mail.subject, "Reset your Partner Console password");
    let link = link_in(&mail.text, &app.url("/password/reset/"));
    assert!(
        mail.html.contains(&link),
        "the HTML part carries the same link"
    );

    let path = link.trim_start_matches(&app.address).to_string();
    let (status, _) = app.get_text(&path).await;
    assert_eq!(status, StatusCode::OK);

    // A weak password is refused and nothing changes.
    let r = app
        .submit(
            &path,
            &path,
            &[("password", "short"), ("password_confirm", "short")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        text_of(&r.text().await.unwrap(), ".field-error").as_deref(),
        Some("Use at least 12 characters.")
    );

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
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), routes::SIGN_IN);

    // The old password no longer works, the new one does, the other browser is signed out.
    assert_eq!(
        app.sign_in("owner@acme.example", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.sign_in("owner@acme.example", NEW_PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        other
            .get(app.url(routes::CONSOLE))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );

    // The link is spent.
    let (status, html) = app.get_text(&path).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains("already been used"));
}

#[tokio::test]
async fn a_reset_link_expires_after_an_hour() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.submit(
        routes::PASSWORD_FORGOT,
        routes::PASSWORD_FORGOT,
        &[("email", "owner@acme.example")],
    )
    .await;
    let mail = app.mail_to("owner@acme.example").await;
    let path = link_in(&mail.text, &app.url("/password/reset/"))
        .trim_start_matches(&app.address)
        .to_string();
    app.state.clock.advance(chrono::Duration::minutes(61));
    let (status, html) = app.get_text(&path).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains("expired"));
    // An unknown token is a plain 404.
    assert_eq!(
        app.get("/password/reset/not-a-token").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn asking_for_an_unknown_account_looks_the_same_and_sends_nothing() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let known = app
        .submit(
            routes::PASSWORD_FORGOT,
            routes::PASSWORD_FORGOT,
            &[("email", "owner@acme.example")],
        )
        .await;
    let unknown = app
        .submit(
            routes::PASSWORD_FORGOT,
            routes::PASSWORD_FORGOT,
            &[("email", "nobody@acme.example")],
        )
        .await;
    assert_eq!(known.status(), unknown.status());
    let (k, u) = (known.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(text_of(&k, ".flash"), text_of(&u, ".flash"));
    app.mail_to("owner@acme.example").await;
    assert!(
        app.smtp
            .all()
            .iter()
            .all(|m| !m.to.contains(&"nobody@acme.example".to_string()))
    );

    // A malformed address is a field error with the value kept.
    let r = app
        .submit(
            routes::PASSWORD_FORGOT,
            routes::PASSWORD_FORGOT,
            &[("email", "not an address")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"value="not an address""#));
    assert!(
        text_of(&html, ".field-error")
            .unwrap()
            .contains("name@company.com")
    );
}
