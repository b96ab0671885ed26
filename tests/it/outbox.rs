//! The outbox: mails survive an SMTP outage, are retried, and without SMTP become `.eml` files.

use partner_console::domain::PartnerKind;
use partner_console::paths as routes;
use partner_console::store::outbox;
use reqwest::StatusCode;

use partner_console::mail::worker::Outcome;

use crate::helpers::{Options, PASSWORD, spawn_app_with};

#[tokio::test]
async fn with_smtp_down_nothing_is_lost_and_operators_see_the_error() {
    let app = spawn_app_with(Options {
        smtp: true,
        smtp_down: true,
        ..Options::default()
    })
    .await;
    app.create_operator("ops@vendor.example").await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.submit(
        routes::PASSWORD_FORGOT,
        routes::PASSWORD_FORGOT,
        &[("email", "owner@acme.example")],
    )
    .await;

    // The worker's first attempt fails, and the mail waits for its retry.
    assert_eq!(app.drain_outbox().await, vec![Outcome::Failed]);
    let mut c = app.state.db.acquire().await.unwrap();
    let row = outbox::recent(&mut c, 10)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.attempts >= 1 && r.last_error.is_some())
        .expect("the worker tried and recorded an error");
    assert_eq!(
        row.state.as_str(),
        "pending",
        "a failed attempt is retried later, not dropped"
    );
    assert!(row.next_attempt_at > row.created_at);

    app.sign_in("ops@vendor.example", PASSWORD).await;
    let (status, html) = app.get_text(routes::ADMIN_OUTBOX).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("owner@acme.example"));
    assert!(html.contains("Reset your Partner Console password"));
    assert!(html.contains("errtext"), "the last error is shown");
}

#[tokio::test]
async fn without_smtp_mails_are_written_as_eml_files() {
    let app = spawn_app_with(Options {
        smtp: false,
        ..Options::default()
    })
    .await;
    app.create_operator("ops@vendor.example").await;
    app.submit(
        routes::PASSWORD_FORGOT,
        routes::PASSWORD_FORGOT,
        &[("email", "ops@vendor.example")],
    )
    .await;
    let dir = app.data_dir.path().join("outbox");
    assert_eq!(app.drain_outbox().await, vec![Outcome::Delivered]);
    let path = std::fs::read_dir(&dir)
        .ok()
        .and_then(|mut d| d.next())
        .map(|e| e.unwrap().path())
        .expect("an .eml file appears in the outbox folder");
    assert_eq!(path.extension().unwrap(), "eml");
    let raw = std::fs::read(&path).unwrap();
    let parsed = mailparse::parse_mail(&raw).unwrap();
    assert!(
        parsed
            .headers
            .iter()
            .any(|h| h.get_value().contains("ops@vendor.example"))
    );

    app.sign_in("ops@vendor.example", PASSWORD).await;
    let (_, html) = app.get_text(routes::ADMIN_OUTBOX).await;
    assert!(html.contains("No SMTP server is configured"));
    assert!(html.contains(&dir.display().to_string()));
    assert!(html.contains("written"));
}
