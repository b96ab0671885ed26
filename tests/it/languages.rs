//! The console and the public pages in English and Japanese (issue 15): the member's setting,
//! else the visitor's choice on the public pages, else `Accept-Language`; mails follow their
//! recipient's setting, else the request's language. Japanese pages show no English sentence
//! from our own catalogue.

use partner_console::domain::PartnerKind;
use partner_console::i18n::I18n;
use partner_console::paths as routes;
use reqwest::StatusCode;

use crate::helpers::{TestApp, new_client, signed_in_client, spawn_app, text_of};

/// Message bodies of a catalogue, by id, continuation lines joined.
fn catalogue(lang: &str) -> Vec<(String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(lang)
        .join("main.ftl");
    let mut out: Vec<(String, String)> = Vec::new();
    for line in std::fs::read_to_string(path).unwrap().lines() {
        if let Some((id, value)) = line.split_once(" = ")
            && !id.starts_with([' ', '#'])
        {
            out.push((id.to_string(), value.to_string()));
        } else if line.starts_with(' ')
            && let Some(last) = out.last_mut()
        {
            last.1.push(' ');
            last.1.push_str(line.trim());
        }
    }
    out
}

/// The English sentences of our catalogue (runs of three words or more between placeables)
/// whose Japanese message differs: none may show on a Japanese page.
fn english_sentences() -> Vec<String> {
    let ja = catalogue("ja");
    let mut out = Vec::new();
    for (id, en) in catalogue("en-US") {
        if ja.iter().any(|(k, v)| *k == id && *v == en) {
            continue;
        }
        let mut rest = en.as_str();
        let mut fragments = Vec::new();
        while let Some(i) = rest.find('{') {
            fragments.push(&rest[..i]);
            rest = rest[i..].find('}').map_or("", |j| &rest[i + j + 1..]);
        }
        fragments.push(rest);
        for f in fragments {
            let f = f.trim().trim_end_matches(['.', ':', ',']);
            let words = f
                .split_whitespace()
                .filter(|w| w.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2)
                .count();
            if words >= 3 {
                out.push(f.to_string());
            }
        }
    }
    out
}

/// The single English words of our catalogue (a message that is one word of three letters or
/// more, such as a state or a role) whose Japanese message differs: none may show on a
/// Japanese page either.
fn english_words() -> Vec<String> {
    let ja = catalogue("ja");
    catalogue("en-US")
        .into_iter()
        .filter(|(id, en)| !ja.iter().any(|(k, v)| k == id && v == en))
        .map(|(_, en)| en.trim().to_string())
        .filter(|en| en.len() >= 3 && en.chars().all(|c| c.is_ascii_alphabetic()))
        .collect()
}

fn visible_text(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let body = scraper::Selector::parse("body").unwrap();
    // Code, and what the API reference reads from the OpenAPI documents (marked `lang="en"`,
    // which the issue lets stay English).
    let skip = scraper::Selector::parse("code, pre, script, style, [lang=en]").unwrap();
    let skipped: std::collections::HashSet<_> = doc
        .select(&skip)
        .flat_map(|e| e.descendants().map(|n| n.id()))
        .collect();
    doc.select(&body)
        .flat_map(|b| b.descendants())
        .filter(|n| !skipped.contains(&n.id()))
        .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_japanese(path: &str, html: &str, english: &[String]) {
    assert!(
        html.contains("<html lang=\"ja\">"),
        "{path} is marked Japanese"
    );
    let text = visible_text(html);
    let found: Vec<&String> = english
        .iter()
        .filter(|s| text.contains(s.as_str()))
        .collect();
    assert!(found.is_empty(), "{path} still shows English: {found:?}");
    let words = english_words();
    let shown: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '@' | '.' | '-' | '_' | '/')))
        .filter(|w| words.iter().any(|e| e == w))
        .collect();
    let context: Vec<String> = shown
        .iter()
        .filter_map(|w| {
            let i = text.find(w)?;
            let from = text.floor_char_boundary(i.saturating_sub(60));
            let to = text.ceil_char_boundary((i + 60).min(text.len()));
            Some(text[from..to].to_string())
        })
        .collect();
    assert!(
        shown.is_empty(),
        "{path} still shows English words: {shown:?} in {context:?}"
    );
    assert!(
        text.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
        "{path} has Japanese text"
    );
}

async fn get_ja(client: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = client
        .get(app.url(path))
        .header("accept-language", "ja,en-US;q=0.7")
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn pages_and_mails_speak_japanese_when_asked() {
    let app = spawn_app().await;
    let english = english_sentences();
    assert!(english.len() > 300, "{}", english.len());
    let ja = I18n::for_tag("ja").unwrap();

    // Public pages by Accept-Language.
    let anon = app.visitor();
    for path in ["/", routes::SIGN_IN, routes::APPLY, routes::PASSWORD_FORGOT] {
        let (s, html) = get_ja(&anon, &app, path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert_japanese(path, &html, &english);
    }
    let (_, html) = get_ja(&anon, &app, "/signup/nobody/nothing").await;
    assert_japanese("a dead signup link", &html, &english);
    // A form's messages too, after the visitor chose Japanese.
    anon.get(app.url("/language?to=ja&next=/sign-in"))
        .send()
        .await
        .unwrap();
    let r = anon
        .post_form(
            routes::SIGN_IN,
            routes::SIGN_IN,
            &[("email", "x@y.example"), ("password", "nope")],
        )
        .await;
    let html = r.text().await.unwrap();
    assert_japanese("a refused sign-in", &html, &english);
    assert!(
        text_of(&html, ".field-error, .flash, [role=alert]").is_some(),
        "a message is shown"
    );

    // The switcher remembers a visitor's choice over the browser's.
    let visitor = new_client();
    let r = visitor
        .get(app.url("/language?to=ja&next=/apply"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = visitor
        .get(app.url(routes::APPLY))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_japanese("/apply after choosing", &html, &english);
    let r = visitor
        .get(app.url("/language?to=en-US&next=//evil.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/", "only paths of this site");
    let (_, html) = get_ja(&visitor, &app, routes::APPLY).await;
    assert!(
        html.contains("<html lang=\"en-US\">"),
        "the choice beats the browser"
    );

    // A member's setting beats the browser; every console page follows it.
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let r = owner
        .post_form(
            routes::CONSOLE_SETTINGS,
            routes::CONSOLE_SETTINGS_PROFILE,
            &[("display_name", "Ana"), ("language", "ja")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for path in [
        routes::CONSOLE,
        routes::CONSOLE_BILLING,
        routes::CONSOLE_CREDITS,
        routes::CONSOLE_DISCOUNTS,
        routes::CONSOLE_CUSTOMERS,
        routes::CONSOLE_SIGNUP_LINKS,
        routes::CONSOLE_BRANDING,
        routes::CONSOLE_API_KEYS,
        routes::CONSOLE_TEAM,
        routes::CONSOLE_AUDIT,
        routes::CONSOLE_SETTINGS,
        routes::CONSOLE_SUPPORT,
    ] {
        let r = owner
            .get(app.url(path))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_japanese(path, &r.text().await.unwrap(), &english);
    }
    // Customers in every state, and the dashboard and list that show them.
    let acme = {
        let mut c = app.state.db.acquire().await.unwrap();
        partner_console::store::partners::search(&mut c, "Acme", None, None, 1)
            .await
            .unwrap()[0]
            .partner_id
    };
    for (i, state) in partner_console::domain::CustomerState::ALL
        .iter()
        .enumerate()
    {
        let org = format!("90000000000000000{i:02}");
        app.add_customer(acme, &org, &format!("Org {i}")).await;
        let mut tx = app.state.db.begin().await.unwrap();
        let id = {
            partner_console::store::customers::find_by_org_id(&mut tx, acme, &org)
                .await
                .unwrap()
                .unwrap()
                .customer_id
        };
        partner_console::store::customers::set_state(&mut tx, acme, id, *state, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    for path in [
        routes::CONSOLE,
        routes::CONSOLE_CUSTOMERS,
        routes::CONSOLE_AUDIT,
    ] {
        let (s, html) = owner.get_html(path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert_japanese(path, &html, &english);
    }
    // The dashboard's chart reads its months as Billing does.
    let (_, dashboard) = owner.get_html(routes::CONSOLE).await;
    let this_month = ja.month(partner_console::billing::month::Month::of(
        chrono::Utc::now().date_naive(),
    ));
    assert!(dashboard.contains(&this_month), "{this_month}");

    // The operators' pages, for an operator whose browser asks for Japanese, with an
    // application waiting.
    let nimbus = crate::onboarding::Application::valid("Nimbus Data", "contact@nimbus.example");
    let r = crate::onboarding::apply(&app, &nimbus).await;
    assert!(r.status().is_redirection(), "{}", r.status());
    app.create_operator("ops@vendor.example").await;
    let ops = signed_in_client(&app, "ops@vendor.example").await;
    let (_, queue) = get_ja(&ops, &app, routes::ADMIN_APPLICATIONS).await;
    let application = {
        let doc = scraper::Html::parse_document(&queue);
        doc.select(&scraper::Selector::parse("h3 a").unwrap())
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(str::to_string)
            .expect("an application in the queue")
    };
    for path in [
        routes::ADMIN.to_string(),
        routes::ADMIN_APPLICATIONS.to_string(),
        application,
        routes::ADMIN_PARTNERS.to_string(),
        routes::admin_partner(acme),
        routes::ADMIN_BILLING.to_string(),
        routes::ADMIN_OUTBOX.to_string(),
        routes::ADMIN_AUDIT.to_string(),
    ] {
        let (s, html) = get_ja(&ops, &app, &path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert_japanese(&path, &html, &english);
    }

    let (_, billing) = get_ja(&owner, &app, routes::CONSOLE_BILLING).await;
    let month = partner_console::billing::month::Month::of(chrono::Utc::now().date_naive());
    assert!(
        billing.contains(&ja.month(month)),
        "months read {}",
        ja.month(month)
    );
    assert!(ja.month(month).contains('年'));

    // A mail in the language of the request that caused it, the recipient having none yet.
    let r = owner
        .post_form(
            routes::CONSOLE_TEAM,
            routes::CONSOLE_TEAM_INVITE,
            &[("email", "kenji@acme.example"), ("role", "viewer")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mail = app.mail_to("kenji@acme.example").await;
    assert_eq!(
        mail.subject,
        ja.t_args("mail-invite-subject", &[("company", "Acme Cloud")])
    );
    assert!(text_of(&mail.html, "body").is_some_and(|t| t.contains(&ja.t("mail-invite-expiry"))));
    // And in the recipient's own setting, whatever the request's.
    let anon = new_client();
    let r = anon
        .post(app.url(routes::PASSWORD_FORGOT))
        .header("accept-language", "en")
        .form(&[
            ("email", "owner@acme.example"),
            (
                "csrf_token",
                &crate::helpers::csrf_token(
                    &anon
                        .get(app.url(routes::PASSWORD_FORGOT))
                        .send()
                        .await
                        .unwrap()
                        .text()
                        .await
                        .unwrap(),
                ),
            ),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    let reset = app.mail_to("owner@acme.example").await;
    assert!(
        reset
            .subject
            .chars()
            .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)
                || ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{}",
        reset.subject
    );
}
