//! Every form with more than one field says all that is wrong at once: a summary at its top
//! whose items link to the fields at fault, each field marked and with its own message, the
//! values kept, and an action anchored so the page comes back scrolled to it.

use partner_console::domain::PartnerKind;
use partner_console::paths as routes;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app, text_of};
use crate::onboarding::{Application, apply};

/// The summary `#id`: each item's link target and text.
pub fn error_summary(html: &str, id: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("#{id} li a")).unwrap();
    doc.select(&sel)
        .map(|a| {
            let href = a.value().attr("href").unwrap_or_default().to_string();
            (href, a.text().collect())
        })
        .collect()
}

/// The form came back with `expected` (field ids, in the form's order) in its summary `id`,
/// each linking to a field on the page that is marked and carries the same message, and with
/// an action that anchors to `anchor`.
fn assert_errors_shown(html: &str, id: &str, expected: &[&str], anchor: &str) {
    let listed = error_summary(html, id);
    let targets: Vec<&str> = listed
        .iter()
        .map(|(h, _)| h.trim_start_matches('#'))
        .collect();
    assert_eq!(targets, expected, "{listed:?}");
    let doc = scraper::Html::parse_document(html);
    for (field, text) in expected.iter().zip(listed.iter().map(|(_, t)| t)) {
        let at = scraper::Selector::parse(&format!("#{field}")).unwrap();
        let el = doc.select(&at).next();
        assert!(
            el.is_some(),
            "the summary links to #{field}, which is on the page"
        );
        let el = el.unwrap();
        if !["form", "fieldset"].contains(&el.value().name()) && *field != "kind" {
            assert_eq!(
                el.value().attr("aria-invalid"),
                Some("true"),
                "#{field} is marked"
            );
        }
        assert_eq!(
            text_of(html, &format!("#{field}-error")).as_deref(),
            Some(text.as_str()),
            "#{field} says the same at the field"
        );
        assert!(!text.trim().is_empty());
    }
    assert!(
        html.contains(&format!("#{anchor}\"")),
        "the form's action anchors to #{anchor}"
    );
    assert!(
        text_of(html, &format!("#{anchor}")).is_some()
            || html.contains(&format!("id=\"{anchor}\"")),
        "#{anchor} is on the page"
    );
}

async fn partner(app: &TestApp, name: &str, kind: PartnerKind, email: &str) -> i64 {
    app.create_partner(name, kind, email).await
}

#[tokio::test]
async fn every_form_lists_all_its_errors_at_its_top_linked_to_the_fields() {
    let app = spawn_app().await;
    let acme = partner(&app, "Acme Cloud", PartnerKind::Msp, "owner@acme.example").await;
    partner(
        &app,
        "Resell Co",
        PartnerKind::Reseller,
        "owner@resell.example",
    )
    .await;
    let owner = app.user("owner@acme.example").await;

    // Signup links: both numbers out of range, the label kept.
    let r = owner
        .post_form(
            routes::CONSOLE_SIGNUP_LINKS,
            routes::CONSOLE_SIGNUP_LINKS,
            &[
                ("label", "Spring campaign"),
                ("days", "0"),
                ("max_uses", "0"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert_errors_shown(&html, "link-errors", &["days", "max_uses"], "link-form");
    assert!(html.contains(r#"value="Spring campaign""#));

    // Settings: the partner's contact and website, both wrong.
    let r = owner
        .post_form(
            routes::CONSOLE_SETTINGS,
            routes::CONSOLE_SETTINGS_PARTNER,
            &[
                ("contact_email", "not an address"),
                ("website_url", "ftp://x"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert_errors_shown(
        &html,
        "settings-errors",
        &["contact_email", "website_url"],
        "settings-errors",
    );
    assert!(html.contains(r#"value="not an address""#));

    // The operator's authorization form: no reseller, a wholesale over 100 %, no durations.
    app.create_operator("ops@vendor.example").await;
    let ops = app.user("ops@vendor.example").await;
    let r = ops
        .post_form(
            routes::ADMIN_AUTHORIZATIONS,
            routes::ADMIN_AUTHORIZATIONS,
            &[
                ("partner", ""),
                ("product", "TiDB Cloud Dedicated"),
                ("wholesale", "120"),
                ("available_until", "2027-06-30"),
                ("durations", "twelve"),
                ("max_offers", "5"),
                ("buyers", ""),
                ("eula", "standard"),
                ("eula_url", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert_errors_shown(
        &html,
        "authorization-errors",
        &["partner", "wholesale", "durations"],
        "authorization-form",
    );
    assert!(html.contains(r#"value="TiDB Cloud Dedicated""#));

    // The public application: a one-letter name, an address and a website that are not.
    let r = apply(
        &app,
        &Application {
            company: "N",
            email: "nobody",
            website: "nimbus",
            ..Application::valid("", "")
        },
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert_errors_shown(
        &html,
        "apply-errors",
        &["company_name", "contact_email", "website_url"],
        "apply-errors",
    );

    // The branded signup page: every field wrong at once.
    let link = crate::customers::make_link(&app, acme, "acme-cloud", None).await;
    let r = app
        .visitor()
        .post_form(
            &link,
            &link,
            &[
                ("org_name", "A"),
                ("email", "nobody"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert_errors_shown(
        &html,
        "signup-errors",
        &["org_name", "email", "password", "terms"],
        "signup-errors",
    );
    assert!(html.contains(r#"value="A""#));
}
