//! The dashboard's first steps tick off as the partner takes them, and speak to its kind.

use partner_console::domain::PartnerKind;
use partner_console::paths as routes;

use crate::api_calls::api_key;
use crate::helpers::{signed_in_client, spawn_app};

fn done(html: &str, id: &str) -> bool {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("#{id}")).unwrap();
    doc.select(&sel)
        .next()
        .unwrap_or_else(|| panic!("no #{id}"))
        .value()
        .attr("class")
        .is_some_and(|c| c.contains("done"))
}

#[tokio::test]
async fn first_steps_tick_off_and_speak_to_the_partners_kind() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let (_, html) = owner.get_html(routes::CONSOLE).await;
    for step in ["step-logo", "step-key", "step-customer"] {
        assert!(!done(&html, step), "{step} not taken yet");
    }
    api_key(&app, acme).await;
    app.add_customer(acme, "8100000000000000001", "Maple Foods")
        .await;
    let (_, html) = owner.get_html(routes::CONSOLE).await;
    assert!(done(&html, "step-key") && done(&html, "step-customer"));
    assert!(!done(&html, "step-logo"));
    assert!(html.contains(routes::CONSOLE_SIGNUP_LINKS));

    // A reseller has no signup page to brand, and finds its customers through offers.
    app.create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    let reseller = signed_in_client(&app, "owner@borealis.example").await;
    let (_, html) = reseller.get_html(routes::CONSOLE).await;
    assert!(!html.contains("id=\"step-logo\""));
    assert!(!html.contains("signup page"));
    assert!(html.contains(&format!("href=\"{}\"", routes::CONSOLE_OFFER_NEW)));
}
