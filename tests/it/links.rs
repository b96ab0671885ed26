//! Following every link, as each kind of user on the demo's data: every page answers, none with
//! a server error or a dead end (404). What a person can reach by clicking is what is checked;
//! forms and their refusals have their own tests.

use std::collections::{BTreeMap, VecDeque};

use partner_console::paths as routes;
use reqwest::StatusCode;

use crate::helpers::{TestApp, TestUser, location, spawn_app};

/// Pages one crawl reads at most; the demo has far fewer.
const MOST: usize = 600;

/// The same-origin links of a page (paths with their queries, fragments dropped).
fn links(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let a = scraper::Selector::parse("a[href]").unwrap();
    doc.select(&a)
        .filter_map(|e| e.value().attr("href"))
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .filter(|h| !h.is_empty())
        .collect()
}

/// Opens `path` as `user`, following redirects within the console: the last status and page.
async fn open(user: &TestUser, path: &str) -> (StatusCode, String, String) {
    let mut at = path.to_string();
    for _ in 0..5 {
        let r = user.open(&at).await;
        if r.status().is_redirection() {
            let next = location(&r);
            at = next
                .strip_prefix(&user.url(""))
                .map(str::to_string)
                .unwrap_or(next);
            continue;
        }
        let status = r.status();
        let html = r.text().await.unwrap_or_default();
        return (status, html, at);
    }
    (StatusCode::LOOP_DETECTED, String::new(), at)
}

/// Reads every page reachable from `start`; returns the broken ones as (page, linked from,
/// status), and how many pages were read.
async fn crawl(user: &TestUser, start: &str) -> (Vec<(String, String, StatusCode)>, usize) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = VecDeque::from([(start.to_string(), String::from("(start)"))]);
    let mut broken = Vec::new();
    let mut read = 0;
    while let Some((path, from)) = queue.pop_front() {
        if seen.contains_key(&path) || read >= MOST {
            continue;
        }
        seen.insert(path.clone(), from.clone());
        // Switching the language changes the session's, not a page; logos are images.
        if path.starts_with("/language") || path.starts_with("/logos/") {
            continue;
        }
        read += 1;
        let (status, html, landed) = open(user, &path).await;
        // A page that sends a signed-in person back to sign in has shut them out.
        let shut_out = landed.starts_with(routes::SIGN_IN) && !path.starts_with(routes::SIGN_IN);
        if status != StatusCode::OK || shut_out {
            broken.push((path.clone(), from, status));
            continue;
        }
        if path.ends_with(".csv") || path.contains(".csv?") || path.ends_with(".json") {
            continue;
        }
        for link in links(&html) {
            if !seen.contains_key(&link) {
                queue.push_back((link, path.clone()));
            }
        }
    }
    (broken, read)
}

async fn signed_in(app: &TestApp, email: &str, password: &str) -> TestUser {
    let user = app.visitor();
    let r = user
        .post_form(
            routes::SIGN_IN,
            routes::SIGN_IN,
            &[("email", email), ("password", password)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{email} signs in");
    user
}

#[tokio::test]
async fn every_link_of_every_role_leads_to_a_page_on_the_demo() {
    let app = spawn_app().await;
    let demo = partner_console::demo::seed(&app.state.db, &app.state.vault, &app.address)
        .await
        .expect("demo data");
    let mut report = Vec::new();
    for login in &demo.logins {
        let user = signed_in(&app, login.email, login.password).await;
        let start = if login.who.contains("operator") {
            routes::ADMIN
        } else {
            routes::CONSOLE
        };
        let (broken, read) = crawl(&user, start).await;
        assert!(read > 15, "{}: only {read} pages reached", login.who);
        println!("{}: {read} pages read by following links", login.who);
        for (page, from, status) in broken {
            report.push(format!(
                "{}: {page} (linked from {from}) answered {status}",
                login.who
            ));
        }
    }
    // The public pages a visitor reaches from the signup link and the sign-in page.
    let visitor = app.visitor();
    let signup = demo
        .signup_url
        .strip_prefix(&app.address)
        .unwrap_or(&demo.signup_url)
        .to_string();
    for start in [routes::SIGN_IN, routes::APPLY, signup.as_str()] {
        let (broken, _) = crawl(&visitor, start).await;
        for (page, from, status) in broken {
            report.push(format!(
                "a visitor: {page} (linked from {from}) answered {status}"
            ));
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}
