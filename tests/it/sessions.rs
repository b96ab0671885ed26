//! One's own signed-in sessions on the Sign-in security page: listed, ended one at a time or all others at once
//! (issue 26, point 4).

use partner_console::domain::PartnerKind;
use partner_console::web::routes;
use reqwest::StatusCode;

use crate::helpers::{TestUser, spawn_app, text_of};

/// The references of the other sessions' "Sign out" buttons on Sign-in security.
fn other_sessions(page: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(page);
    let sel = scraper::Selector::parse(r#"#sessions input[name="session"]"#).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr("value").map(String::from))
        .collect()
}

async fn signed_in(user: &TestUser) -> bool {
    user.open(routes::ACCOUNT_SECURITY).await.status() == StatusCode::OK
}

#[tokio::test]
async fn a_member_sees_and_ends_their_other_sessions() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    let laptop = app.user("owner@acme.example").await;
    let phone = app.user("owner@acme.example").await;
    let stranger = app.user("owner@borealis.example").await;

    let (_, page) = laptop.get_html(routes::ACCOUNT_SECURITY).await;
    assert_eq!(page.matches(r#"id="sessions""#).count(), 1, "one list");
    assert!(!text_of(&page, "title").unwrap().contains("signed in"));
    let rows = text_of(&page, "#sessions tbody").unwrap();
    assert!(
        rows.contains("this browser") && rows.contains("127.0.0.1"),
        "{rows}"
    );
    let others = other_sessions(&page);
    assert_eq!(others.len(), 1, "the phone's session: {rows}");

    // Another person's session is not found by its reference: nothing ends.
    let (_, theirs) = stranger.get_html(routes::ACCOUNT_SECURITY).await;
    assert!(other_sessions(&theirs).is_empty());
    let r = stranger
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_SESSIONS,
            &[("session", &others[0])],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(signed_in(&phone).await, "a stranger cannot end it");

    // The laptop ends the phone's session: the phone is signed out at once.
    let r = laptop
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_SESSIONS,
            &[("session", &others[0])],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, page) = laptop.get_html(routes::ACCOUNT_SECURITY).await;
    assert_eq!(status, StatusCode::OK, "the laptop stays signed in");
    assert!(page.contains("One session was ended."), "the flash");
    assert!(!signed_in(&phone).await);
    assert!(other_sessions(&page).is_empty());

    // Two more browsers; "Sign out everywhere else" ends both and keeps this one.
    let tablet = app.user("owner@acme.example").await;
    let desktop = app.user("owner@acme.example").await;
    let (_, page) = laptop.get_html(routes::ACCOUNT_SECURITY).await;
    assert_eq!(other_sessions(&page).len(), 2);
    let r = laptop
        .post_form(
            routes::ACCOUNT_SECURITY,
            routes::ACCOUNT_SESSIONS,
            &[("all_others", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(!signed_in(&tablet).await && !signed_in(&desktop).await);
    assert!(signed_in(&laptop).await);
    assert!(signed_in(&stranger).await, "another person's sessions stay");

    // Both endings are in the audit log, by the owner, with the address.
    let (_, log) = laptop.get_html(routes::CONSOLE_AUDIT).await;
    let doc = scraper::Html::parse_document(&log);
    let ended: Vec<String> = doc
        .select(&scraper::Selector::parse("tbody tr").unwrap())
        .map(|r| r.text().collect::<String>())
        .filter(|t| t.contains("Sessions ended"))
        .collect();
    assert_eq!(ended.len(), 2, "{ended:?}");
    assert!(
        ended
            .iter()
            .all(|t| t.contains("owner@acme.example") && t.contains("127.0.0.1"))
    );
    assert!(ended[0].contains("2 other sessions"), "{ended:?}");
}
