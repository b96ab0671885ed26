//! Signup links, the branded public signup page, confirmation, and the customers pages.

use chrono::{Duration, Utc};
use partner_console::domain::CustomerState;
use partner_console::domain::PartnerKind;
use partner_console::paths as routes;
use partner_console::store::signup_links::{self, NewLink};
use partner_console::tokens::{hash_token, random_token};
use reqwest::StatusCode;

use crate::helpers::{
    TestApp, csrf_token, link_in, new_client, signed_in_client, spawn_app, text_of, usage_row,
};

/// A link of `partner_id` made straight in the store; returns its path.
pub async fn make_link(
    app: &TestApp,
    partner_id: i64,
    slug: &str,
    max_uses: Option<i32>,
) -> String {
    let token = random_token();
    let mut tx = app.state.db.begin().await.unwrap();
    let new = NewLink {
        partner_id,
        label: "test",
        token_hash: &hash_token(&token),
        expires_at: Utc::now() + Duration::days(7),
        max_uses,
        created_by: None,
    };
    signup_links::insert(&mut tx, new, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    format!("/signup/{slug}/{token}")
}

/// Fills the signup form in a fresh browser session.
async fn sign_up(app: &TestApp, path: &str, org: &str, email: &str) -> reqwest::Response {
    let client = app.visitor();
    client
        .post_form(
            path,
            path,
            &[
                ("org_name", org),
                ("email", email),
                ("password", "a customer passphrase 1"),
                ("terms", "yes"),
            ],
        )
        .await
}

#[tokio::test]
async fn a_customer_signs_up_through_a_link_and_confirms() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.create_partner("Other MSP", PartnerKind::Msp, "owner@other.example")
        .await;
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let r = owner
        .post_form(
            routes::CONSOLE_SIGNUP_LINKS,
            routes::CONSOLE_SIGNUP_LINKS,
            &[("label", "Spring"), ("days", "7"), ("max_uses", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let url = text_of(&html, "#new-link").expect("the new URL is shown once");
    assert!(url.starts_with(&app.url("/signup/acme-cloud/")), "{url}");
    let path = url.trim_start_matches(&app.address).to_string();
    // The list shows the link but not its URL again.
    let list = owner
        .open(routes::CONSOLE_SIGNUP_LINKS)
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("Spring") && !list.contains(&path));

    let (status, page) = app.get_text(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Create your organization with Acme Cloud"));
    assert!(page.contains("terms of service") && page.contains("privacy notice"));

    // Bad input: values kept (not the password), a message at each field.
    let client = app.visitor();
    let r = client
        .post_form(
            &path,
            &path,
            &[
                ("org_name", "Sakura Retail"),
                ("email", "buyer@sakura"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"value="Sakura Retail""#) && html.contains(r#"value="buyer@sakura""#));
    assert!(html.contains("Use at least 12 characters") && html.contains("Accept the terms"));

    let r = sign_up(&app, &path, "Sakura Retail", "buyer@sakura.example").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Check your inbox"));
    let mail = app
        .mail_with_subject("buyer@sakura.example", "Confirm your organization")
        .await;
    let confirm = link_in(&mail.text, &app.url("/confirm-organization/"));
    let confirm_path = confirm.trim_start_matches(&app.address).to_string();

    // Pending until confirmed.
    let list = owner
        .open("/console/customers?state=pending")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("Sakura Retail"));
    let (status, ready) = app.get_text(&confirm_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ready.contains("Your organization is ready"));
    // It ends with what to do next: sign in to the product, and whom to ask.
    let next = text_of(&ready, "#next-step").expect("a next step");
    assert!(
        next.contains("buyer@sakura.example") && next.contains("https://partner.example"),
        "{next}"
    );
    assert!(ready.contains(r#"href="https://tidbcloud.com""#));
    assert_eq!(
        app.get_text(&confirm_path).await.0,
        StatusCode::GONE,
        "the confirmation link works once"
    );

    let list = owner
        .open("/console/customers?state=active")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("Sakura Retail") && list.contains("buyer@sakura.example"));
    let org_id = {
        let mut c = app.state.db.acquire().await.unwrap();
        let acme = partner_console::store::partners::find_by_slug(&mut c, "acme-cloud")
            .await
            .unwrap()
            .unwrap();
        let cust = partner_console::store::customers::find_by_email(
            &mut c,
            acme.partner_id,
            "buyer@sakura.example",
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(cust.state, CustomerState::Active);
        assert!(cust.effected_at.is_some());
        assert!(cust.org_id.len() == 19 && cust.org_id.chars().all(|c| c.is_ascii_digit()));
        cust.org_id
    };
    let detail = owner.open(&format!("/console/customers/{org_id}")).await;
    assert_eq!(detail.status(), StatusCode::OK);
    assert!(
        detail
            .text()
            .await
            .unwrap()
            .contains("buyer@sakura.example")
    );

    // Nowhere else: the other partner neither lists it nor opens it.
    let other = signed_in_client(&app, "owner@other.example").await;
    let list = other
        .open(routes::CONSOLE_CUSTOMERS)
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains("Sakura Retail"));
    assert_eq!(
        other
            .open(&format!("/console/customers/{org_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // The same e-mail cannot make a second organization with this partner.
    let r = sign_up(&app, &path, "Sakura Again", "BUYER@sakura.example").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("already has an organization with Acme Cloud")
    );
}

#[tokio::test]
async fn dead_links_get_clear_pages_with_the_right_status() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let once = make_link(&app, acme, "acme-cloud", Some(1)).await;
    assert_eq!(
        sign_up(&app, &once, "First Org", "first@org.example")
            .await
            .status(),
        StatusCode::OK
    );
    let (status, html) = app.get_text(&once).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(
        html.contains("used up") && html.contains("ask Acme Cloud for a new signup link"),
        "{html}"
    );

    let revoked = make_link(&app, acme, "acme-cloud", None).await;
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let mut c = app.state.db.acquire().await.unwrap();
    let link_id = signup_links::list(&mut c, acme).await.unwrap()[0].link_id;
    let page = format!("/console/signup-links/{link_id}/revoke");
    let r = owner.post_form(&page, &page, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, html) = app.get_text(&revoked).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains("withdrawn"));
    // Another MSP cannot see or revoke this partner's links.
    app.create_partner("Other MSP", PartnerKind::Msp, "owner@other.example")
        .await;
    let other = signed_in_client(&app, "owner@other.example").await;
    let still = make_link(&app, acme, "acme-cloud", None).await;
    let still_id = signup_links::list(&mut c, acme).await.unwrap()[0].link_id;
    let foreign = format!("/console/signup-links/{still_id}/revoke");
    assert_eq!(other.open(&foreign).await.status(), StatusCode::NOT_FOUND);
    let r = other
        .post_form(routes::CONSOLE_SIGNUP_LINKS, &foreign, &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get_text(&still).await.0,
        StatusCode::OK,
        "the link still works"
    );

    let expiring = make_link(&app, acme, "acme-cloud", None).await;
    app.state.clock.advance(Duration::days(8));
    let (status, html) = app.get_text(&expiring).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains("expired"));

    let (status, html) = app.get_text("/signup/acme-cloud/not-a-real-token").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("not valid") && html.contains("Acme Cloud"));
    assert_eq!(
        app.get_text("/signup/no-such-partner/x").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn twenty_concurrent_signups_on_a_five_use_link_make_five_organizations() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let path = make_link(&app, acme, "acme-cloud", Some(5)).await;
    // Every visitor opens the form first, then all submit at once.
    let mut ready = Vec::new();
    for i in 0..20 {
        let client = new_client();
        let page = client
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        ready.push((client, csrf_token(&page), i));
    }
    let submits = ready.into_iter().map(|(client, token, i)| {
        let url = app.url(&path);
        async move {
            let email = format!("race{i}@org.example");
            let org = format!("Race Org {i}");
            client
                .post(url)
                .form(&[
                    ("org_name", org.as_str()),
                    ("email", email.as_str()),
                    ("password", "a customer passphrase 1"),
                    ("terms", "yes"),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_util::future::join_all(submits).await;
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let gone = statuses.iter().filter(|s| **s == StatusCode::GONE).count();
    assert_eq!((ok, gone), (5, 15), "{statuses:?}");
    let mut c = app.state.db.acquire().await.unwrap();
    let made = partner_console::store::customers::page(
        &mut c,
        &partner_console::store::customers::Matching::all(acme),
        None,
        100,
    )
    .await
    .unwrap();
    assert_eq!(made.len(), 5);
    assert_eq!(signup_links::list(&mut c, acme).await.unwrap()[0].uses, 5);
}

#[tokio::test]
async fn the_customer_list_searches_filters_pages_and_exports() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let mut tx = app.state.db.begin().await.unwrap();
    for i in 0..120 {
        let new = partner_console::store::customers::NewCustomer {
            partner_id: acme,
            org_id: &partner_console::app::customers::new_org_id(),
            org_name: &format!("Org {i:03}"),
            email: &format!("it{i}@org{i}.example"),
            password_hash: "x",
            state: if i % 4 == 0 {
                CustomerState::Suspended
            } else {
                CustomerState::Active
            },
            signup_link_id: None,
            effected_at: Some(Utc::now()),
            aws_account: None,
        };
        partner_console::store::customers::insert(&mut tx, new, Utc::now())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let get = |q: String| {
        let owner = owner.clone();
        let url = app.url(&q);
        async move { owner.get(url).send().await.unwrap().text().await.unwrap() }
    };
    // Paging: every customer exactly once, newest first.
    let mut seen = Vec::new();
    let mut next = Some(routes::CONSOLE_CUSTOMERS.to_string());
    while let Some(page) = next.take() {
        let html = get(page).await;
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse("tbody tr td:first-child a").unwrap();
        seen.extend(doc.select(&sel).map(|e| e.text().collect::<String>()));
        let more = scraper::Selector::parse("#next-page").unwrap();
        next = doc
            .select(&more)
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(|h| h.replace("&amp;", "&"));
    }
    assert_eq!(seen.len(), 120);
    assert_eq!(seen[0], "Org 119");
    let mut dedup = seen.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), 120);

    // Backwards: "Last page" holds the oldest, newest first; "Previous page" walks back to
    // the first page, and the pages read backwards are the same as forwards.
    let link = |html: &str, id: &str| {
        let doc = scraper::Html::parse_document(html);
        let sel = scraper::Selector::parse(&format!("#{id}")).unwrap();
        doc.select(&sel)
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(|h| h.replace("&amp;", "&"))
    };
    let names = |html: &str| {
        let doc = scraper::Html::parse_document(html);
        let sel = scraper::Selector::parse("tbody tr td:first-child a").unwrap();
        doc.select(&sel)
            .map(|e| e.text().collect::<String>())
            .collect::<Vec<_>>()
    };
    let first = get(routes::CONSOLE_CUSTOMERS.into()).await;
    let last_href = link(&first, "last-page").expect("a Last link on the first page");
    assert!(link(&first, "previous-page").is_none());
    let mut html = get(last_href).await;
    assert!(
        link(&html, "next-page").is_none(),
        "nothing after the last page"
    );
    // It holds what the pages before it leave, and says where it is.
    assert_eq!(names(&html).len(), 20, "120 = 50 + 50 + 20");
    assert_eq!(
        text_of(&html, "#range").as_deref(),
        Some("101–120 of 120 · page 3 of 3")
    );
    assert_eq!(
        text_of(&first, "#range").as_deref(),
        Some("1–50 of 120 · page 1 of 3")
    );
    assert!(link(&html, "last-page").is_none());
    let mut backwards = Vec::new();
    loop {
        let mut page = names(&html);
        page.extend(backwards);
        backwards = page;
        match link(&html, "previous-page") {
            Some(href) => html = get(href).await,
            None => break,
        }
    }
    assert_eq!(backwards.len(), 120);
    assert_eq!(backwards, seen, "the same order both ways");
    assert_eq!(
        names(&get(link(&first, "last-page").unwrap()).await)
            .last()
            .unwrap(),
        "Org 000"
    );

    let found = get("/console/customers?q=org%20007".into()).await;
    assert!(found.contains("Org 007") && !found.contains("Org 008"));
    let suspended = get("/console/customers?state=suspended".into()).await;
    assert!(suspended.contains("Org 004") && !suspended.contains("Org 005"));
    // A LIKE wildcard typed by the user is taken literally.
    assert!(
        get("/console/customers?q=%25".into())
            .await
            .contains("No customer matches")
    );

    let r = owner.open("/console/customers.csv?state=suspended").await;
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("org_id,org_name,email,state,"));
    assert_eq!(csv.lines().count(), 1 + 30);
    assert!(csv.lines().skip(1).all(|l| l.contains(",suspended,")));
}

#[tokio::test]
async fn resellers_have_no_signup_links_and_owners_can_end_a_contract() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    let reseller = signed_in_client(&app, "owner@borealis.example").await;
    assert_eq!(
        reseller.open(routes::CONSOLE_SIGNUP_LINKS).await.status(),
        StatusCode::NOT_FOUND
    );
    let dashboard = reseller.open(routes::CONSOLE).await.text().await.unwrap();
    assert!(
        !dashboard.contains(routes::CONSOLE_SIGNUP_LINKS),
        "no nav entry for resellers"
    );
    assert_eq!(
        app.get_text("/signup/borealis/anything").await.0,
        StatusCode::NOT_FOUND
    );

    let path = make_link(&app, acme, "acme-cloud", None).await;
    sign_up(&app, &path, "Maple Foods", "it@maple.example").await;
    let mail = app.mail_with_subject("it@maple.example", "Confirm").await;
    let confirm = link_in(&mail.text, &app.url("/confirm-organization/"));
    app.get(confirm.trim_start_matches(&app.address)).await;
    let mut c = app.state.db.acquire().await.unwrap();
    let cust = partner_console::store::customers::find_by_email(&mut c, acme, "it@maple.example")
        .await
        .unwrap()
        .unwrap();
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let page = format!("/console/customers/{}", cust.org_id);
    let r = owner
        .post_form(&page, &format!("{page}/expire"), &[("confirmed", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = partner_console::store::customers::find_by_email(&mut c, acme, "it@maple.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.state, CustomerState::Expired);
    assert!(after.expired_at.is_some());

    // An operator suspends a customer.
    app.create_operator("ops@vendor.example").await;
    let ops = signed_in_client(&app, "ops@vendor.example").await;
    let partner_page = format!("/admin/partners/{acme}");
    sign_up(&app, &path, "Cedar Labs", "it@cedar.example").await;
    let mail = app.mail_with_subject("it@cedar.example", "Confirm").await;
    app.get(
        link_in(&mail.text, &app.url("/confirm-organization/")).trim_start_matches(&app.address),
    )
    .await;
    let cedar = partner_console::store::customers::find_by_email(&mut c, acme, "it@cedar.example")
        .await
        .unwrap()
        .unwrap();
    let r = ops
        .post_form(
            &partner_page,
            &format!("{partner_page}/customers/{}/suspend", cedar.org_id),
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cedar = partner_console::store::customers::find_by_email(&mut c, acme, "it@cedar.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cedar.state, CustomerState::Suspended);
}

#[tokio::test]
async fn the_signup_honeypot_keeps_nothing() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let path = make_link(&app, acme, "acme-cloud", Some(1)).await;
    let client = app.visitor();
    let r = client
        .post_form(
            &path,
            &path,
            &[
                ("org_name", "Bot Org"),
                ("email", "bot@bots.example"),
                ("password", "a customer passphrase 1"),
                ("terms", "yes"),
                ("fax_number", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Check your inbox"));
    let mut c = app.state.db.acquire().await.unwrap();
    assert!(
        partner_console::store::customers::page(
            &mut c,
            &partner_console::store::customers::Matching::all(acme),
            None,
            10
        )
        .await
        .unwrap()
        .is_empty()
    );
    assert_eq!(
        signup_links::list(&mut c, acme).await.unwrap()[0].uses,
        0,
        "the use was not spent"
    );
}

/// The rows of the customer list, in its order: (name, this month's usage as shown).
fn listed(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let row = scraper::Selector::parse("table tbody tr").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    doc.select(&row)
        .map(|r| {
            let cells: Vec<String> = r
                .select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect();
            (cells[0].clone(), cells.last().cloned().unwrap_or_default())
        })
        .collect()
}

#[tokio::test]
async fn the_list_shows_this_months_usage_sorts_by_it_and_narrows_to_a_link() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.add_customer(acme, "1000000000000000001", "Asahi Foods")
        .await;
    app.add_customer(acme, "1000000000000000002", "Biwa Logistics")
        .await;
    app.add_customer(acme, "1000000000000000003", "Chiba Games")
        .await;
    let today = Utc::now().date_naive();
    let first = partner_console::billing::month::Month::of(today).first_day();
    let mut other_cluster = usage_row("1000000000000000001", first, "TiDB Dedicated", 300, "a2");
    other_cluster.cluster = "analytics".into();
    app.load_usage(&[
        usage_row("1000000000000000001", first, "TiDB Dedicated", 500, "a1"),
        other_cluster,
        usage_row("1000000000000000002", first, "TiDB Dedicated", 1200, "b1"),
    ])
    .await;
    let owner = signed_in_client(&app, "owner@acme.example").await;

    // Newest first by default, each with this month's usage so far.
    let (_, html) = owner.get_html(routes::CONSOLE_CUSTOMERS).await;
    assert_eq!(
        listed(&html),
        [
            ("Chiba Games".to_string(), "$0.00".to_string()),
            ("Biwa Logistics".into(), "$12.00".into()),
            ("Asahi Foods".into(), "$8.00".into()),
        ]
    );
    // The usage column's heading sorts by it, highest first.
    let sort = scraper::Html::parse_document(&html)
        .select(&scraper::Selector::parse("#sort-usage").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string))
        .expect("the usage heading is a link");
    let (status, html) = owner.get_html(&sort.replace("&amp;", "&")).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<String> = listed(&html).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Biwa Logistics", "Asahi Foods", "Chiba Games"]);
    assert!(text_of(&html, "#range").unwrap().starts_with("1–3 of 3"));

    // A link's uses lead to the customers who came through it, and only them.
    let link = make_link(&app, acme, "acme-cloud", None).await;
    let r = sign_up(&app, &link, "Daisen Travel", "buyer@daisen.example").await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, links) = owner.get_html(routes::CONSOLE_SIGNUP_LINKS).await;
    let uses = scraper::Html::parse_document(&links)
        .select(&scraper::Selector::parse("a[href*='?link=']").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string))
        .expect("a used link's uses are a link");
    let (status, html) = owner.get_html(&uses).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<String> = listed(&html).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Daisen Travel"]);
    assert!(text_of(&html, "#link-filter").is_some(), "it says so");

    // The customer's page breaks the bill down by cluster, with a total row, and downloads it.
    let (_, html) = owner
        .get_html(&routes::console_customer("1000000000000000001"))
        .await;
    let doc = scraper::Html::parse_document(&html);
    let rows: Vec<String> = doc
        .select(&scraper::Selector::parse("#by-cluster tbody tr td:first-child").unwrap())
        .map(|c| c.text().collect())
        .collect();
    assert_eq!(rows, ["analytics · production", "c1 · production"]);
    let foot = text_of(&html, "#by-cluster tfoot").unwrap();
    assert!(foot.contains("8.00"), "{foot}");
    let csv_href = doc
        .select(&scraper::Selector::parse("#customer-csv").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string))
        .expect("a download of the customer's bill");
    let r = owner.open(&csv_href.replace("&amp;", "&")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains("1000000000000000001"), "{disposition}");
    let body = r.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "a header and the customer's two lines: {body}"
    );
    assert!(lines[1..].iter().all(|l| l.contains("1000000000000000001")));
    // Another partner's customer is not found through the download.
    let r = owner
        .open(&format!(
            "{}?org_id=9999999999999999999",
            routes::CONSOLE_BILLING_CSV
        ))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
