//! Resellers' channel (issue 14): resale authorizations from operators, private offers through
//! the console's forms and through `/api/v1`, acceptance making one customer, agreements and
//! the money they put in the bills.

use chrono::Duration;
use partner_console::app::operators;
use partner_console::billing::month::Month;
use partner_console::domain::{PartnerKind, Role};
use partner_console::paths as routes;
use reqwest::StatusCode;
use serde_json::Value;

use crate::api_calls::api_key;
use crate::helpers::{
    PASSWORD, TestApp, location, signed_in_client, spawn_app, text_of, usage_row,
};

const OPERATOR: &str = "ops@vendor.example";

pub(crate) fn today(app: &TestApp) -> chrono::NaiveDate {
    app.state.now().date_naive()
}

/// An active authorization for `reseller` made by an operator through the admin forms; returns
/// its id.
pub(crate) async fn grant(app: &TestApp, reseller: i64, buyers: &str, max_offers: &str) -> i64 {
    let op = signed_in_client(app, OPERATOR).await;
    let until = (today(app) + Duration::days(90)).to_string();
    let r = op
        .post_form(
            routes::ADMIN_AUTHORIZATIONS,
            routes::ADMIN_AUTHORIZATIONS,
            &[
                ("partner", &reseller.to_string()),
                ("product", "TiDB Cloud Dedicated"),
                ("wholesale", "20"),
                ("available_until", &until),
                ("buyers", buyers),
                ("max_offers", max_offers),
                ("durations", "12, 24"),
                ("eula", "standard"),
                ("eula_url", ""),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "the authorization is created"
    );
    let page = location(&r);
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    let r = op.post_form(&page, &format!("{page}/activate"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    id
}

pub(crate) async fn set_up() -> (TestApp, i64, i64) {
    let app = spawn_app().await;
    app.create_operator(OPERATOR).await;
    let reseller = app
        .create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    let msp = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    (app, reseller, msp)
}

fn offer_fields<'a>(
    authorization: &'a str,
    account: &'a str,
    expires: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("authorization", authorization),
        ("replaces", ""),
        ("buyer_account", account),
        ("buyer_company", "Example Corp"),
        ("buyer_email", "cloud@example-corp.example"),
        ("markup", "15"),
        ("duration", "12"),
        ("expires_on", expires),
    ]
}

/// The newest audit log row of `action`, as text.
fn audit_row(audit: &str, action: &str) -> String {
    let doc = scraper::Html::parse_document(audit);
    doc.select(&scraper::Selector::parse("tbody tr").unwrap())
        .map(|r| r.text().collect::<Vec<_>>().join(" "))
        .find(|r| r.contains(action))
        .unwrap_or_else(|| panic!("no {action} in the audit log"))
}

async fn audit_text(app: &TestApp) -> String {
    let op = signed_in_client(app, OPERATOR).await;
    op.open(routes::ADMIN_AUDIT).await.text().await.unwrap()
}

#[tokio::test]
async fn a_reseller_makes_releases_and_records_an_offer_through_the_forms() {
    let (app, reseller, msp) = set_up().await;
    let op = signed_in_client(&app, OPERATOR).await;
    // A bad authorization re-renders with the values kept and changes nothing.
    let r = op
        .post_form(
            routes::ADMIN_AUTHORIZATIONS,
            routes::ADMIN_AUTHORIZATIONS,
            &[
                ("partner", &reseller.to_string()),
                ("product", "TiDB Cloud Dedicated"),
                ("wholesale", "abc"),
                ("available_until", "2020-01-01"),
                ("buyers", "12345"),
                ("max_offers", "1"),
                ("durations", "0"),
                ("eula", "custom"),
                ("eula_url", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert_eq!(html.matches("class=\"field-error\"").count(), 5, "{html}");
    assert!(html.contains("value=\"abc\""), "values are kept");
    assert!(
        html.contains("No resale authorizations yet"),
        "nothing stored"
    );

    let auth = grant(&app, reseller, "", "5").await;
    let owner = signed_in_client(&app, "owner@borealis.example").await;
    let held = owner.open(routes::CONSOLE_AUTHORIZATIONS).await;
    let held = held.text().await.unwrap();
    assert!(
        held.contains("TiDB Cloud Dedicated") && held.contains("5 / 5"),
        "{held}"
    );
    // With one authorization to offer from, New offer is its form at once.
    let (_, new) = owner.get_html(routes::CONSOLE_OFFER_NEW).await;
    assert!(new.contains(r#"id="buyer_account""#), "{new}");
    assert!(new.contains(&format!(r#"name="authorization" value="{auth}""#)));

    // Each refused with a message at the field, nothing stored.
    let a = auth.to_string();
    let good_expiry = (today(&app) + Duration::days(30)).to_string();
    let late_expiry = (today(&app) + Duration::days(91)).to_string();
    let form = format!("/console/offers/new?authorization={auth}");
    for (account, expires, duration, wanted) in [
        ("12345678901", good_expiry.as_str(), "12", "12 digits"),
        ("1234567890123", good_expiry.as_str(), "12", "12 digits"),
        ("12345678901a", good_expiry.as_str(), "12", "12 digits"),
        (
            "123456789012",
            late_expiry.as_str(),
            "12",
            "expiry from today",
        ),
        (
            "123456789012",
            good_expiry.as_str(),
            "18",
            "duration the authorization allows",
        ),
    ] {
        let mut fields = offer_fields(&a, account, expires);
        fields.retain(|(k, _)| *k != "duration");
        fields.push(("duration", duration));
        let r = owner
            .post_form(&form, routes::CONSOLE_OFFERS, &fields)
            .await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{account} {expires} {duration}"
        );
        let html = r.text().await.unwrap();
        let error = text_of(&html, ".field-error").unwrap_or_default();
        assert!(error.contains(wanted), "{wanted:?} in {error:?}");
        // And in the summary at the form's top, which the page comes back scrolled to.
        let summary = text_of(&html, "#offer-errors").unwrap_or_default();
        assert!(
            summary.contains(wanted),
            "{wanted:?} in the summary {summary:?}"
        );
        assert!(html.contains(r##"action="/console/offers#offer-form""##));
        assert!(
            html.contains(&format!("value=\"{account}\"")),
            "the account is kept"
        );
    }
    // "Preview price" shows how the customer price is made up with the markup written, and
    // makes nothing: $100 list, 20 % wholesale off, 15 % markup on the $80 paid.
    let mut fields = offer_fields(&a, "123456789012", &good_expiry);
    fields.push(("preview", "1"));
    let r = owner
        .post_form(&form, routes::CONSOLE_OFFERS, &fields)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let steps = text_of(&html, "#price-steps").expect("the price steps");
    for figure in ["$100.00", "−$20.00", "$80.00", "+$12.00", "$92.00"] {
        assert!(steps.contains(figure), "{figure} in {steps}");
    }
    assert_eq!(
        text_of(&html, "#margin-share").as_deref(),
        Some("$12.00 · 13.04%")
    );
    assert!(html.contains(r#"value="123456789012""#), "values are kept");
    let list = owner
        .open(routes::CONSOLE_OFFERS)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("No private offers match"),
        "nothing was stored"
    );

    // The account as AWS shows it: kept as its 12 digits.
    let r = owner
        .post_form(
            &form,
            routes::CONSOLE_OFFERS,
            &offer_fields(&a, "1234-5678-9012", &good_expiry),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    let (_, html) = owner.get_html(&page).await;
    assert_eq!(text_of(&html, "#offer-state").as_deref(), Some("Draft"));
    assert_eq!(
        text_of(&html, "p.muted code").as_deref(),
        Some("123456789012")
    );

    // Edit while a draft; then release, and the form is gone.
    let mut edited = offer_fields(&a, "123456789012", &good_expiry);
    edited.retain(|(k, _)| *k != "markup");
    edited.push(("markup", "12.5"));
    let r = owner
        .post_form(&format!("{page}/edit"), &format!("{page}/edit"), &edited)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = owner.get_html(&page).await;
    assert!(html.contains("12.5%"), "the markup is edited");
    let r = owner
        .post_form(&page, &format!("{page}/release"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = owner.get_html(&page).await;
    assert_eq!(text_of(&html, "#offer-state").as_deref(), Some("Released"));

    // A billing member reads but cannot change the offer.
    operators::create_user(
        &app.state.db,
        "books@borealis.example",
        PASSWORD,
        operators::member(reseller, Role::Billing),
    )
    .await
    .unwrap();
    let books = signed_in_client(&app, "books@borealis.example").await;
    assert_eq!(books.get_html(&page).await.0, StatusCode::OK);
    let r = books.post_form(&page, &format!("{page}/cancel"), &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Cancelling cannot be undone: the owner is asked first, and nothing changes until then.
    let r = owner.post_form(&page, &format!("{page}/cancel"), &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"name="confirmed" value="yes""#), "{html}");
    assert!(text_of(&html, "h1").unwrap().contains("Cancel offer"));
    let (_, html) = owner.get_html(&page).await;
    assert_eq!(text_of(&html, "#offer-state").as_deref(), Some("Released"));

    // An acceptance dated before the release is refused at its field.
    let yesterday = (today(&app) - Duration::days(1)).to_string();
    let r = owner
        .post_form(
            &page,
            &format!("{page}/accept"),
            &[("accepted_on", &yesterday)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        text_of(&html, ".field-error")
            .unwrap()
            .contains("from the release to today")
    );
    let on = today(&app).to_string();
    let r = owner
        .post_form(&page, &format!("{page}/accept"), &[("accepted_on", &on)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Accepting again changes nothing.
    let r = owner
        .post_form(&page, &format!("{page}/accept"), &[("accepted_on", &on)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = owner.get_html(&page).await;
    assert_eq!(text_of(&html, "#offer-state").as_deref(), Some("Accepted"));
    let next = Month::of(today(&app)).next();
    assert_eq!(
        text_of(&html, "#offer-agreement"),
        Some(format!("{next} – {}", next.plus(11)))
    );
    assert!(
        html.contains("cannot be accepted"),
        "the second acceptance is refused: {html}"
    );
    // The history: who, when, from → to.
    let doc = scraper::Html::parse_document(&html);
    let rows: Vec<String> = doc
        .select(&scraper::Selector::parse("table.history tbody tr").unwrap())
        .map(|r| r.text().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[0].contains("owner@borealis.example") && rows[0].contains("Draft"));
    assert!(rows[1].contains("Draft → Released"));
    assert!(rows[2].contains("Released → Accepted") && rows[2].contains("127.0.0.1"));

    let customers = owner.get_html(routes::CONSOLE_CUSTOMERS).await.1;
    assert_eq!(customers.matches("Example Corp").count(), 1, "one customer");
    let audit = audit_text(&app).await;
    for action in [
        "authorization_created",
        "authorization_activated",
        "offer_created",
        "offer_edited",
        "offer_released",
        "offer_accepted",
    ] {
        let row = audit_row(&audit, action);
        let who = if action.starts_with("authorization") {
            OPERATOR
        } else {
            "owner@borealis.example"
        };
        assert!(
            row.contains(who) && row.contains("127.0.0.1"),
            "{action} is audited with its actor and address: {row}"
        );
    }

    // MSPs see none of this; resellers see no signup links.
    let acme = signed_in_client(&app, "owner@acme.example").await;
    assert_eq!(
        acme.get_html(routes::CONSOLE_OFFERS).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(acme.get_html(&page).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        owner.get_html(routes::CONSOLE_SIGNUP_LINKS).await.0,
        StatusCode::NOT_FOUND
    );
    let _ = msp;
}

pub(crate) fn offer_body(
    authorization: i64,
    account: &str,
    expires: &str,
    duration: i64,
) -> String {
    serde_json::json!({
        "authorizationId": authorization.to_string(),
        "buyerAwsAccountId": account,
        "buyerCompanyName": "Northwind Traders",
        "buyerEmail": "cloud@northwind.example",
        "markupBasisPoints": 1500,
        "durationMonths": duration,
        "expiresOn": expires,
    })
    .to_string()
}

#[tokio::test]
async fn offers_through_the_api_refuse_what_the_authorization_does_not_allow() {
    let (app, reseller, msp) = set_up().await;
    let other = app
        .create_partner("Cirrus", PartnerKind::Reseller, "owner@cirrus.example")
        .await;
    let one_time = grant(&app, reseller, "123456789012, 210987654321", "1").await;
    let open = grant(&app, reseller, "", "10").await;
    let (_, key) = api_key(&app, reseller).await;
    let (_, msp_key) = api_key(&app, msp).await;
    let (_, other_key) = api_key(&app, other).await;
    let expires = (today(&app) + Duration::days(20)).to_string();
    let late = (today(&app) + Duration::days(100)).to_string();

    let (s, list) = app.api(&key).get("/api/v1/authorizations").await;
    assert_eq!(s, 200);
    assert_eq!(list["authorizations"].as_array().unwrap().len(), 2);
    assert_eq!(app.api(&msp_key).get("/api/v1/authorizations").await.0, 403);
    assert_eq!(app.api(&msp_key).get("/api/v1/offers").await.0, 403);
    let (s, a) = app
        .api(&key)
        .get(&format!("/api/v1/authorizations/{one_time}"))
        .await;
    assert_eq!((s, a["offersLeft"].as_i64()), (200, Some(1)));
    assert_eq!(
        app.api(&other_key)
            .get(&format!("/api/v1/authorizations/{one_time}"))
            .await
            .0,
        404
    );

    for (account, exp, duration, field) in [
        ("12345678901", expires.as_str(), 12, "buyerAwsAccountId"),
        ("1234567890123", expires.as_str(), 12, "buyerAwsAccountId"),
        ("12345678901x", expires.as_str(), 12, "buyerAwsAccountId"),
        (
            "999999999999",
            expires.as_str(),
            12,
            "buyerAwsAccountId: This authorization is not for this AWS account",
        ),
        ("123456789012", late.as_str(), 12, "expiresOn"),
        ("123456789012", expires.as_str(), 36, "durationMonths"),
    ] {
        let (s, e) = app
            .api(&key)
            .send(
                "POST",
                "/api/v1/offers",
                &offer_body(one_time, account, exp, duration),
            )
            .await;
        assert_eq!(s, 400, "{account}: {e}");
        assert!(
            e["error"].as_str().unwrap().contains(field),
            "{field} in {e}"
        );
    }
    let (_, none) = app.api(&key).get("/api/v1/offers").await;
    assert_eq!(none["offers"], serde_json::json!([]), "nothing stored");

    let (s, first) = app
        .api(&key)
        .send(
            "POST",
            "/api/v1/offers",
            &offer_body(one_time, "123456789012", &expires, 12),
        )
        .await;
    assert_eq!(
        (s, first["state"].as_str()),
        (201, Some("draft")),
        "{first}"
    );
    let (s, e) = app
        .api(&key)
        .send(
            "POST",
            "/api/v1/offers",
            &offer_body(one_time, "210987654321", &expires, 12),
        )
        .await;
    assert_eq!(s, 400, "a one-time authorization backs one offer");
    assert!(e["error"].as_str().unwrap().contains("authorizationId"));
    let id = first["id"].as_str().unwrap();

    // Another reseller gets 404 on every operation of this offer.
    for (method, path) in [
        ("GET", format!("/api/v1/offers/{id}")),
        ("POST", format!("/api/v1/offers/{id}/release")),
        ("POST", format!("/api/v1/offers/{id}/accept")),
        ("POST", format!("/api/v1/offers/{id}/cancel")),
        ("POST", format!("/api/v1/offers/{id}/replace")),
    ] {
        let (s, _) = app.api(&other_key).send(method, &path, "{}").await;
        assert_eq!(s, 404, "{method} {path}");
    }

    let (s, released) = release(&app, &key, id).await;
    assert_eq!((s, released["state"].as_str()), (200, Some("released")));
    let on = today(&app).to_string();
    // Accepting from two requests at once makes one customer.
    let body = format!(r#"{{"acceptedOn":"{on}"}}"#);
    let path = format!("/api/v1/offers/{id}/accept");
    let (a, b) = tokio::join!(
        app.api(&key).send("POST", &path, &body),
        app.api(&key).send("POST", &path, &body)
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
    let accepted = if a.0 == 200 { a.1 } else { b.1 };
    let org = accepted["customerOrgId"].as_str().unwrap().to_string();
    let (s, c) = app.api(&key).get(&format!("/api/v1/customers/{org}")).await;
    assert_eq!((s, c["state"].as_str()), (200, Some("active")));
    let (_, all) = app.api(&key).get("/api/v1/customers").await;
    assert_eq!(all["mspCustomers"].as_array().unwrap().len(), 1, "{all}");
    let history: Vec<&str> = accepted["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["draft", "released", "accepted"]);

    // Restricted: no new offers from it; the accepted offer goes on.
    let op = signed_in_client(&app, OPERATOR).await;
    let page = format!("/admin/authorizations/{open}");
    assert_eq!(
        op.post_form(&page, &format!("{page}/restrict"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (s, e) = app
        .api(&key)
        .send(
            "POST",
            "/api/v1/offers",
            &offer_body(open, "333333333333", &expires, 12),
        )
        .await;
    assert_eq!(s, 400);
    assert!(e["error"].as_str().unwrap().contains("not active"), "{e}");
    assert_eq!(
        op.post_form(&page, &format!("{page}/activate"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // A draft cancelled gives its offer back; a released one cancelled does not.
    let (_, d) = app
        .api(&key)
        .send(
            "POST",
            "/api/v1/offers",
            &offer_body(open, "333333333333", &expires, 12),
        )
        .await;
    let (s, c) = app
        .api(&key)
        .send(
            "POST",
            &format!("/api/v1/offers/{}/cancel", d["id"].as_str().unwrap()),
            "",
        )
        .await;
    assert_eq!((s, c["state"].as_str()), (200, Some("cancelled")));
    let (_, a) = app
        .api(&key)
        .get(&format!("/api/v1/authorizations/{open}"))
        .await;
    assert_eq!(a["offersMade"].as_i64(), Some(0), "{a}");

    // An offer past its expiry reads as expired, by `system`, and cannot be accepted, before the
    // sweep has written it down; the sweep then does, audited as the system's.
    let soon = (today(&app) + Duration::days(1)).to_string();
    let (_, e) = app
        .api(&key)
        .send(
            "POST",
            "/api/v1/offers",
            &offer_body(open, "444444444444", &soon, 12),
        )
        .await;
    let eid = e["id"].as_str().unwrap().to_string();
    release(&app, &key, &eid).await;
    app.state.clock.advance(Duration::days(2));
    let (_, listed) = app.api(&key).get("/api/v1/offers?state=expired").await;
    assert_eq!(
        listed["offers"][0]["id"].as_str(),
        Some(eid.as_str()),
        "{listed}"
    );
    let (_, expired) = app.api(&key).get(&format!("/api/v1/offers/{eid}")).await;
    let last = expired["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["to"].as_str(), last["actor"].as_str()),
        (Some("expired"), Some("system"))
    );
    let accepted_on = today(&app).to_string();
    let (s, _) = accept(&app, &key, &eid, &accepted_on.to_string()).await;
    assert_eq!(s, 409, "an expired offer cannot be accepted");

    // Paging: newest first, every offer once.
    let (_, p1) = app.api(&key).get("/api/v1/offers?pageSize=2").await;
    let token = p1["nextPageToken"].as_str().unwrap().to_string();
    assert_eq!(p1["offers"].as_array().unwrap().len(), 2);
    let (_, p2) = app
        .api(&key)
        .get(&format!("/api/v1/offers?pageSize=2&pageToken={token}"))
        .await;
    assert_eq!(p2["offers"].as_array().unwrap().len(), 1);
    assert_eq!(p2["nextPageToken"], "");
    assert_eq!(app.api(&key).get("/api/v1/offers?state=won").await.0, 400);

    assert_eq!(app.run_sweep().await, 1, "the sweep writes the expiry once");
    let (_, swept) = app.api(&key).get(&format!("/api/v1/offers/{eid}")).await;
    let said = |v: &Value| {
        v["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["to"].clone(), e["actor"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        said(&swept),
        said(&expired),
        "the read said what the sweep wrote"
    );
    let audit = audit_text(&app).await;
    assert!(
        audit_row(&audit, "offer_expired").contains("system"),
        "the expiry is audited as the system's"
    );
    assert!(
        audit.contains("by API key"),
        "the key's changes name the key"
    );
}

pub(crate) async fn release(app: &TestApp, key: &str, id: &str) -> (u16, Value) {
    app.api(key)
        .send("POST", &format!("/api/v1/offers/{id}/release"), "")
        .await
}

pub(crate) async fn accept(app: &TestApp, key: &str, id: &str, on: &str) -> (u16, Value) {
    let body = format!(r#"{{"acceptedOn":"{on}"}}"#);
    app.api(key)
        .send("POST", &format!("/api/v1/offers/{id}/accept"), &body)
        .await
}

async fn load_usage(app: &TestApp, org: &str, day: chrono::NaiveDate, cents: i64) {
    let key = format!("it-{org}-{day}");
    app.load_usage(&[usage_row(org, day, "TiDB Dedicated", cents, &key)])
        .await;
}

#[tokio::test]
async fn the_agreement_prices_the_next_bills_and_a_replacement_takes_over() {
    let (app, reseller, _) = set_up().await;
    app.state.clock.freeze();
    let auth = grant(&app, reseller, "", "5").await;
    let (_, key) = api_key(&app, reseller).await;
    let expires = (today(&app) + Duration::days(20)).to_string();
    let (_, o) = app
        .api(&key)
        .send(
            "POST",
            "/api/v1/offers",
            &offer_body(auth, "123456789012", &expires, 12),
        )
        .await;
    let id = o["id"].as_str().unwrap().to_string();
    release(&app, &key, &id).await;
    let on = today(&app);
    let (s, o) = accept(&app, &key, &id, &on.to_string()).await;
    assert_eq!(s, 200, "{o}");
    let org = o["customerOrgId"].as_str().unwrap().to_string();
    let this = Month::of(on);
    let next = this.next();
    assert_eq!(
        o["agreementFirstMonth"].as_str(),
        Some(next.to_string().as_str())
    );

    // The month of acceptance is at list price; the next one at the wholesale price.
    load_usage(&app, &org, this.first_day(), 10_000).await;
    load_usage(&app, &org, next.first_day(), 123_456).await;
    app.state.clock.advance(Duration::days(40));
    let (_, bill) = app.api(&key).get(&format!("/api/v1/bills/{this}")).await;
    assert_eq!(bill["overview"]["totalCost"], "100.00", "{bill}");
    let (_, bill) = app.api(&key).get(&format!("/api/v1/bills/{next}")).await;
    // 1234.56 less 20 % (246.912, half-even 246.91) is 987.65 owed.
    assert_eq!(bill["overview"]["runningTotal"], "1234.56");
    assert_eq!(bill["overview"]["discounts"], "246.91");
    assert_eq!(bill["overview"]["totalCost"], "987.65");
    // Marked up 15 %: 1135.7975, half-even 1135.80; the margin 148.15.
    let owner = signed_in_client(&app, "owner@borealis.example").await;
    let (_, html) = owner
        .get_html(&format!("/console/billing?month={next}"))
        .await;
    assert_eq!(text_of(&html, "#total-due").as_deref(), Some("$987.65"));
    assert_eq!(
        text_of(&html, "#customer-price").as_deref(),
        Some("$1,135.80")
    );
    assert_eq!(text_of(&html, "#margin").as_deref(), Some("$148.15"));
    let (_, csv) = owner
        .get_html(&format!("/console/billing.csv?month={next}"))
        .await;
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",total_due_usd,customer_price_usd,margin_usd")
    );
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .ends_with(",1234.56,246.91,0.00,987.65,1135.80,148.15"),
        "{csv}"
    );
    let (_, page) = owner
        .get_html(&format!("/console/customers/{org}?month={next}"))
        .await;
    assert_eq!(
        text_of(&page, "#customer-margin").as_deref(),
        Some("$148.15")
    );

    // Renewed now (in the second month of the agreement): the replacement takes over from the
    // month after, and the old agreement ends the month before that.
    let replacement = serde_json::json!({
        "buyerCompanyName": "Northwind Traders",
        "buyerEmail": "cloud@northwind.example",
        "markupBasisPoints": 1000,
        "durationMonths": 24,
        "expiresOn": (today(&app) + Duration::days(10)).to_string(),
    })
    .to_string();
    let (s, r) = app
        .api(&key)
        .send(
            "POST",
            &format!("/api/v1/offers/{id}/replace"),
            &replacement,
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["replacesOfferId"].as_str(), Some(id.as_str()));
    assert_eq!(r["buyerAwsAccountId"], "123456789012", "the buyer stays");
    let (s, _) = app
        .api(&key)
        .send(
            "POST",
            &format!("/api/v1/offers/{id}/replace"),
            &replacement,
        )
        .await;
    assert_eq!(s, 409, "one replacement at a time");
    let rid = r["id"].as_str().unwrap().to_string();
    release(&app, &key, &rid).await;
    let on = today(&app);
    let (s, r) = accept(&app, &key, &rid, &on.to_string()).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        r["customerOrgId"].as_str(),
        Some(org.as_str()),
        "the same customer"
    );
    let takes_over = Month::of(on).next();
    assert_eq!(
        r["agreementFirstMonth"].as_str(),
        Some(takes_over.to_string().as_str())
    );
    let (_, old) = app.api(&key).get(&format!("/api/v1/offers/{id}")).await;
    assert_eq!(
        old["agreementLastMonth"].as_str(),
        Some(takes_over.plus(-1).to_string().as_str()),
        "the old agreement ends the month before the replacement"
    );
    let (_, all) = app.api(&key).get("/api/v1/customers").await;
    assert_eq!(all["mspCustomers"].as_array().unwrap().len(), 1);

    // Past the replacement's last month the customer is expired, by the system's sweep.
    app.state.clock.advance(Duration::days(31 * 26));
    let (_, c) = app.api(&key).get("/api/v1/offers").await;
    assert!(c["offers"].is_array());
    assert!(app.run_sweep().await >= 1, "the sweep expires the customer");
    let (_, cust) = app.api(&key).get(&format!("/api/v1/customers/{org}")).await;
    assert_eq!(cust["state"].as_str(), Some("expired"), "{cust}");
    let audit = audit_text(&app).await;
    assert!(audit.contains("customer_expired"));
    let _: Value = cust;
}
