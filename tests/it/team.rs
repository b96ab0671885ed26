//! Team (issue 15): invitations through the real SMTP listener to the first sign-in, roles,
//! removal, the last owner, and the rights table walked one role at a time.

use chrono::Duration;
use partner_console::app::operators;
use partner_console::domain::{Action, PartnerKind, RIGHTS, Role};
use partner_console::paths as routes;
use reqwest::StatusCode;

use crate::helpers::{
    PASSWORD, TestApp, TestUser, link_in, location, signed_in_client, spawn_app, text_of,
};

async fn member_ids(app: &TestApp, partner: i64) -> Vec<(String, String)> {
    let mut c = app.state.db.acquire().await.unwrap();
    partner_console::store::users::list_by_partner(&mut c, partner)
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.email, u.role.map(|r| r.to_string()).unwrap_or_default()))
        .collect()
}

/// Opens the invitation link `link` in a fresh browser and chooses a password.
async fn join(app: &TestApp, link: &str) -> (TestUser, reqwest::Response) {
    let path = link.trim_start_matches(&app.address);
    let visitor = app.visitor();
    let r = visitor
        .post_form(
            path,
            path,
            &[("password", PASSWORD), ("password_confirm", PASSWORD)],
        )
        .await;
    (visitor, r)
}

#[tokio::test]
async fn an_invited_member_joins_through_the_mailed_link_and_is_removed() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    let owner = signed_in_client(&app, "owner@acme.example").await;

    // An address a user of another partner has is refused with one neutral message; one of
    // this team says so (the list shows it anyway). Nothing is sent.
    for (taken, said) in [
        ("owner@borealis.example", "cannot be invited"),
        ("OWNER@acme.example", "member of your team already"),
    ] {
        let r = owner
            .post_form(
                routes::CONSOLE_TEAM,
                routes::CONSOLE_TEAM_INVITE,
                &[("email", taken), ("role", "viewer")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(
            text_of(&html, ".field-error").unwrap().contains(said),
            "{taken}"
        );
        assert!(
            html.contains(&format!("value=\"{taken}\"")),
            "the address is kept"
        );
    }
    assert_eq!(member_ids(&app, acme).await.len(), 1);

    let r = owner
        .post_form(
            routes::CONSOLE_TEAM,
            routes::CONSOLE_TEAM_INVITE,
            &[("email", "ana@acme.example"), ("role", "billing")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mail = app.mail_to("ana@acme.example").await;
    assert!(mail.subject.contains("Acme Cloud"), "{}", mail.subject);
    assert!(mail.text.contains("as Billing"), "{}", mail.text);
    let link = link_in(&mail.text, &format!("{}/invitation/", app.address));
    let (_, team) = owner.get_html(routes::CONSOLE_TEAM).await;
    assert!(team.contains("ana@acme.example") && team.contains("Invited"));
    // Inviting her again points to the list's resend, not away to the vendor.
    let r = owner
        .post_form(
            routes::CONSOLE_TEAM,
            routes::CONSOLE_TEAM_INVITE,
            &[("email", "ana@acme.example"), ("role", "billing")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let said = text_of(&html, ".field-error").unwrap();
    assert!(
        said.contains("Resend invitation") && !said.contains("vendor"),
        "{said}"
    );

    let (ana, r) = join(&app, &link).await;
    assert_eq!(
        (r.status(), location(&r)),
        (StatusCode::SEE_OTHER, routes::CONSOLE.into())
    );
    let (s, home) = ana.get_html(routes::CONSOLE).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        home.contains("ana@acme.example"),
        "signed in as the new member"
    );
    // Billing reads bills, not the team.
    assert_eq!(
        ana.get_html(routes::CONSOLE_TEAM).await.0,
        StatusCode::FORBIDDEN
    );
    // The link works once.
    let path = link.trim_start_matches(&app.address);
    assert_eq!(app.get(path).await.status(), StatusCode::GONE);

    // An expired invitation says so.
    owner
        .post_form(
            routes::CONSOLE_TEAM,
            routes::CONSOLE_TEAM_INVITE,
            &[("email", "late@acme.example"), ("role", "viewer")],
        )
        .await;
    let late = link_in(
        &app.mail_to("late@acme.example").await.text,
        &format!("{}/invitation/", app.address),
    );
    app.state.clock.advance(Duration::days(8));
    let (s, page) = app.get_text(late.trim_start_matches(&app.address)).await;
    assert_eq!(s, StatusCode::GONE);
    assert!(page.contains("has expired"), "{page}");
    app.state.clock.advance(Duration::days(-8));

    // The last owner stays; another owner can be made, and then the first can step down.
    let ids: Vec<i64> = {
        let mut c = app.state.db.acquire().await.unwrap();
        partner_console::store::users::list_by_partner(&mut c, acme)
            .await
            .unwrap()
            .iter()
            .map(|u| u.user_id)
            .collect()
    };
    let first_owner = ids[0];
    let r = owner
        .post_form(
            routes::CONSOLE_TEAM,
            &format!("/console/team/{first_owner}/role"),
            &[("role", "admin")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, team) = owner.get_html(routes::CONSOLE_TEAM).await;
    assert!(team.contains("needs an owner"), "refused with a reason");
    assert_eq!(member_ids(&app, acme).await[0].1, "owner");

    // Removal ends the member's session at its next request.
    let ana_id = {
        let mut c = app.state.db.acquire().await.unwrap();
        partner_console::store::users::list_by_partner(&mut c, acme)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.email == "ana@acme.example")
            .unwrap()
            .user_id
    };
    let r = owner
        .post_form(
            routes::CONSOLE_TEAM,
            &format!("/console/team/{ana_id}/remove"),
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = ana.open(routes::CONSOLE).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&r).starts_with(routes::SIGN_IN),
        "{}",
        location(&r)
    );
    let again = app.sign_in("ana@acme.example", PASSWORD).await;
    assert_eq!(
        again.status(),
        StatusCode::UNAUTHORIZED,
        "a removed member cannot sign in"
    );
    let audit = {
        app.create_operator("ops@vendor.example").await;
        let op = signed_in_client(&app, "ops@vendor.example").await;
        op.get_html(routes::ADMIN_AUDIT).await.1
    };
    for action in ["member_invited", "member_joined", "member_removed"] {
        assert!(audit.contains(action), "{action} is audited");
    }
}

/// What a member of `role` gets for `action`, and whether the thing changed.
async fn probe(
    app: &TestApp,
    client: &TestUser,
    partner: i64,
    action: Action,
    tag: &str,
) -> Option<(StatusCode, bool)> {
    let post = |page: &'static str, to: String, fields: Vec<(&'static str, String)>| async move {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        client.post_form(page, &to, &f).await.status()
    };
    let (status, changed) = match action {
        Action::ExportBills => {
            let s = client.open(routes::CONSOLE_BILLING_CSV).await.status();
            (s, s == StatusCode::OK)
        }
        Action::ExportCustomers => {
            let s = client.open(routes::CONSOLE_CUSTOMERS_CSV).await.status();
            (s, s == StatusCode::OK)
        }
        Action::ManageCustomers => {
            let org = format!("7{:018}", tag.len() * 1000 + tag.as_bytes()[0] as usize);
            app.add_customer(partner, &org, &format!("Org {tag}")).await;
            let s = post(
                routes::CONSOLE_CUSTOMERS,
                format!("/console/customers/{org}/expire"),
                vec![("confirmed", "yes".into())],
            )
            .await;
            let (_, page) = client.get_html(&format!("/console/customers/{org}")).await;
            (s, page.contains("badge-expired"))
        }
        Action::ManageLinks => {
            let label = format!("link {tag}");
            let s = post(
                routes::CONSOLE,
                routes::CONSOLE_SIGNUP_LINKS.into(),
                vec![("label", label.clone()), ("days", "7".into())],
            )
            .await;
            let mut c = app.state.db.acquire().await.unwrap();
            let links = partner_console::store::signup_links::list(&mut c, partner)
                .await
                .unwrap();
            (s, links.iter().any(|l| l.label == label))
        }
        Action::ManageApiKeys => {
            let name = format!("key {tag}");
            let s = post(
                routes::CONSOLE,
                routes::CONSOLE_API_KEYS.into(),
                vec![("name", name.clone())],
            )
            .await;
            let mut c = app.state.db.acquire().await.unwrap();
            let keys = partner_console::store::api_keys::list(&mut c, partner)
                .await
                .unwrap();
            (s, keys.iter().any(|k| k.name == name))
        }
        Action::ManageTeam | Action::ManageOwners => {
            let role = if action == Action::ManageOwners {
                "owner"
            } else {
                "viewer"
            };
            let email = format!("{role}-by-{tag}@acme.example");
            let s = post(
                routes::CONSOLE,
                routes::CONSOLE_TEAM_INVITE.into(),
                vec![("email", email.clone()), ("role", role.into())],
            )
            .await;
            (
                s,
                member_ids(app, partner)
                    .await
                    .iter()
                    .any(|(e, _)| *e == email),
            )
        }
        Action::EditPartnerDetails => {
            let email = format!("{tag}@acme.example");
            let s = post(
                routes::CONSOLE_SETTINGS,
                routes::CONSOLE_SETTINGS_PARTNER.into(),
                vec![
                    ("contact_email", email.clone()),
                    ("website_url", "https://acme.example".into()),
                ],
            )
            .await;
            let mut c = app.state.db.acquire().await.unwrap();
            let p = partner_console::store::partners::find_by_id(&mut c, partner)
                .await
                .unwrap()
                .unwrap();
            (s, p.contact_email == email)
        }
        Action::RequireTwoFactor => {
            // The owner must have two-factor sign-in to require it; the requirement is undone
            // at once, or it would send every other role to enrolment.
            let set = |on: bool| async move {
                let mut c = app.state.db.acquire().await.unwrap();
                partner_console::store::partners::set_require_two_factor(&mut c, partner, on)
                    .await
                    .unwrap();
            };
            let owner_id = {
                let mut c = app.state.db.acquire().await.unwrap();
                partner_console::store::users::list_by_partner(&mut c, partner)
                    .await
                    .unwrap()
                    .into_iter()
                    .find(|u| u.email == "owner@acme.example")
                    .unwrap()
                    .user_id
            };
            {
                use partner_console::store::two_factor;
                let mut c = app.state.db.acquire().await.unwrap();
                let now = chrono::Utc::now();
                two_factor::put_pending(&mut c, owner_id, "sealed", now)
                    .await
                    .unwrap();
                two_factor::confirm(&mut c, owner_id, "sealed", 1, now)
                    .await
                    .unwrap();
            }
            set(false).await;
            let s = post(
                routes::CONSOLE_SETTINGS,
                routes::CONSOLE_SETTINGS_TWO_FACTOR.into(),
                vec![("required", "yes".into())],
            )
            .await;
            let mut c = app.state.db.acquire().await.unwrap();
            let required = partner_console::store::users::find_by_id(&mut c, owner_id)
                .await
                .unwrap()
                .unwrap()
                .partner_requires_two_factor;
            drop(c);
            set(false).await;
            (s, required)
        }
        Action::ReadAudit => {
            let s = client.open(routes::CONSOLE_AUDIT).await.status();
            (s, s == StatusCode::OK)
        }
        Action::ManagePlans => {
            let name = format!("plan {tag}");
            let s = post(
                routes::CONSOLE_PLANS,
                routes::CONSOLE_PLANS.into(),
                vec![("name", name.clone()), ("markup", "10".into())],
            )
            .await;
            let mut c = app.state.db.acquire().await.unwrap();
            let plans = partner_console::store::price_plans::list(&mut c, partner)
                .await
                .unwrap();
            (s, plans.iter().any(|p| p.name == name))
        }
        Action::ManageBudgets => {
            let org = format!("8{:018}", tag.len() * 1000 + tag.as_bytes()[0] as usize);
            app.add_customer(partner, &org, &format!("Org {tag}")).await;
            let s = post(
                routes::CONSOLE_BUDGETS,
                routes::CONSOLE_BUDGETS.into(),
                vec![("customer_org_id", org.clone()), ("amount", "100".into())],
            )
            .await;
            let mut c = app.state.db.acquire().await.unwrap();
            let budgets = partner_console::store::budgets::of_partner(&mut c, partner)
                .await
                .unwrap();
            (s, budgets.iter().any(|b| b.org_id.as_deref() == Some(&org)))
        }
        Action::ManageWebhooks => {
            let url = format!("http://127.0.0.1:9/hooks/{tag}");
            let s = post(
                routes::CONSOLE,
                routes::CONSOLE_WEBHOOKS.into(),
                vec![("url", url.clone()), ("event", "month.closed".into())],
            )
            .await;
            let mut c = app.state.db.acquire().await.unwrap();
            let hooks = partner_console::store::webhooks::of_partner(&mut c, partner)
                .await
                .unwrap();
            (s, hooks.iter().any(|h| h.url == url))
        }
        Action::ManageInvoices => {
            let name = format!("Acme {tag}");
            let s = post(
                routes::CONSOLE_INVOICE_DETAILS,
                routes::CONSOLE_INVOICE_DETAILS.into(),
                vec![
                    ("legal_name", name.clone()),
                    ("tax_rate", "10".into()),
                    ("payment_terms_days", "30".into()),
                    ("number_prefix", "ACME".into()),
                    ("language", "en-US".into()),
                ],
            )
            .await;
            let mut c = app.state.db.acquire().await.unwrap();
            let saved = partner_console::store::invoice_settings::find(&mut c, partner)
                .await
                .unwrap();
            (s, saved.is_some_and(|d| d.legal_name == name))
        }
    };
    Some((status, changed))
}

#[tokio::test]
async fn every_role_gets_what_the_rights_table_says_and_nothing_else() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let mut clients = Vec::new();
    for role in Role::ALL {
        let email = format!("{}@acme.example", role.as_str());
        if role != Role::Owner {
            operators::create_user(
                &app.state.db,
                &email,
                PASSWORD,
                operators::member(acme, role),
            )
            .await
            .unwrap();
        }
        let email = if role == Role::Owner {
            "owner@acme.example".to_string()
        } else {
            email
        };
        // Signed in once per role.
        clients.push((role, signed_in_client(&app, &email).await));
    }
    let mut not_built = Vec::new();
    for (action, who) in RIGHTS {
        for (i, (role, client)) in clients.iter().enumerate() {
            let tag = format!("{}-{action:?}", role.as_str()).to_lowercase();
            let Some((status, changed)) = probe(&app, client, acme, *action, &tag).await else {
                not_built.push(*action);
                break;
            };
            if who[i] {
                assert!(
                    status == StatusCode::OK || status == StatusCode::SEE_OTHER,
                    "{role:?} may {action:?}: {status}"
                );
                assert!(changed, "{role:?} {action:?} took effect");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} may not {action:?}");
                assert!(!changed, "{role:?} {action:?} changed nothing");
            }
        }
    }
    assert!(not_built.is_empty(), "every row is walked: {not_built:?}");
}

#[tokio::test]
async fn settings_keep_the_profile_and_a_new_password_signs_out_the_other_session() {
    let app = spawn_app().await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let here = signed_in_client(&app, "owner@acme.example").await;
    let elsewhere = signed_in_client(&app, "owner@acme.example").await;

    let r = here
        .post_form(
            routes::CONSOLE_SETTINGS,
            routes::CONSOLE_SETTINGS_PROFILE,
            &[("display_name", "Ana Owner"), ("language", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = here.get_html(routes::CONSOLE_SETTINGS).await;
    assert!(page.contains("value=\"Ana Owner\""));

    // A wrong current password changes nothing.
    let new = "a much longer new passphrase";
    let r = here
        .post_form(
            routes::CONSOLE_SETTINGS,
            routes::CONSOLE_SETTINGS_PASSWORD,
            &[
                ("current", "wrong"),
                ("password", new),
                ("password_confirm", new),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text_of(&r.text().await.unwrap(), ".field-error")
            .unwrap()
            .contains("not your current")
    );
    assert_eq!(elsewhere.get_html(routes::CONSOLE).await.0, StatusCode::OK);

    let r = here
        .post_form(
            routes::CONSOLE_SETTINGS,
            routes::CONSOLE_SETTINGS_PASSWORD,
            &[
                ("current", PASSWORD),
                ("password", new),
                ("password_confirm", new),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        here.get_html(routes::CONSOLE).await.0,
        StatusCode::OK,
        "this session goes on"
    );
    let r = elsewhere.open(routes::CONSOLE).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "the other session is signed out"
    );
    assert_eq!(
        app.sign_in("owner@acme.example", new).await.status(),
        StatusCode::SEE_OTHER
    );

    // Partner details: a bad website is refused at its field with the values kept.
    let r = here
        .post_form(
            routes::CONSOLE_SETTINGS,
            routes::CONSOLE_SETTINGS_PARTNER,
            &[
                ("contact_email", "billing@acme.example"),
                ("website_url", "ftp://acme"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"billing@acme.example\""));
    assert!(text_of(&html, ".field-error").is_some());
}

#[tokio::test]
async fn the_audit_log_filters_pages_and_exports_for_operators_and_partners() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    app.create_operator("ops@vendor.example").await;
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let _ = signed_in_client(&app, "owner@borealis.example").await;
    for i in 0..3 {
        owner
            .post_form(
                routes::CONSOLE_TEAM,
                routes::CONSOLE_TEAM_INVITE,
                &[("email", &format!("m{i}@acme.example")), ("role", "viewer")],
            )
            .await;
    }
    let rows = |html: &str| -> Vec<String> {
        let doc = scraper::Html::parse_document(html);
        doc.select(&scraper::Selector::parse("tbody tr").unwrap())
            .map(|r| r.text().collect::<Vec<_>>().join(" "))
            .collect()
    };
    // The partner's own log: its events only, newest first, filtered by action.
    let (s, html) = owner.get_html("/console/audit?action=member_").await;
    assert_eq!(s, StatusCode::OK);
    let r = rows(&html);
    assert_eq!(r.len(), 3, "{r:?}");
    assert!(r[0].contains("m2@acme.example") && r[0].contains("127.0.0.1"));
    let (_, all) = owner.get_html(routes::CONSOLE_AUDIT).await;
    assert!(
        !all.contains("owner@borealis.example"),
        "another partner's events stay its own"
    );
    let (s, csv) = owner.get_html("/console/audit.csv?action=member_").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        csv.lines().next(),
        Some("time,actor,partner,action,detail,address")
    );
    assert_eq!(csv.lines().count(), 4, "{csv}");
    // A day range with nothing in it.
    let (_, none) = owner
        .get_html("/console/audit?from=2020-01-01&to=2020-01-31")
        .await;
    assert!(rows(&none).is_empty());
    // Operators see every partner, and filter by partner and actor.
    let op = signed_in_client(&app, "ops@vendor.example").await;
    let (_, html) = op
        .get_html(&format!("/admin/audit?partner={acme}&actor=owner@acme"))
        .await;
    let r = rows(&html);
    assert!(
        !r.is_empty() && r.iter().all(|x| x.contains("owner@acme.example")),
        "{r:?}"
    );
    let (_, html) = op.get_html("/admin/audit?actor=borealis").await;
    assert!(rows(&html).iter().all(|x| x.contains("borealis")));
    assert!(!rows(&html).is_empty());

    // Keyset paging, newest first: every event once across the pages, none twice.
    {
        let mut tx = app.state.db.begin().await.unwrap();
        let email = partner_console::domain::Email::parse("owner@acme.example").unwrap();
        let owner_id = partner_console::store::users::find_by_email(&mut tx, &email)
            .await
            .unwrap()
            .unwrap()
            .user_id;
        let actor = partner_console::app::Actor::member(
            owner_id,
            acme,
            Some(Role::Owner),
            "10.0.0.9".into(),
        );
        for i in 0..150 {
            actor
                .audit(
                    &mut tx,
                    // An MSP has no offers: these 150 are the only events of this action.
                    partner_console::domain::AuditAction::OfferEdited,
                    &format!("probe {i:03}"),
                    chrono::Utc::now(),
                )
                .await
                .unwrap();
        }
        // Recorded last, dated a day back (as the demo's history and the sweep write): it is
        // the oldest, whatever its id says.
        actor
            .audit(
                &mut tx,
                partner_console::domain::AuditAction::OfferEdited,
                "backdated",
                chrono::Utc::now() - chrono::Duration::days(1),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let (_, first) = owner.get_html("/console/audit?action=offer_edited").await;
    let page1 = rows(&first);
    assert_eq!(page1.len(), 100);
    assert!(page1[0].contains("probe 149"), "newest first: {}", page1[0]);
    let next = {
        let doc = scraper::Html::parse_document(&first);
        doc.select(&scraper::Selector::parse("#next-page").unwrap())
            .next()
            .and_then(|a| a.value().attr("href"))
            .expect("a next page")
            .to_string()
    };
    let (_, second) = owner.get_html(&next).await;
    let page2 = rows(&second);
    assert_eq!(page2.len(), 51);
    assert!(page2[49].contains("probe 000"), "{}", page2[49]);
    assert!(
        page2.last().unwrap().contains("backdated"),
        "sorted by time, then id"
    );
    assert!(!second.contains("id=\"next-page\""), "the last page");
    assert!(page2.iter().all(|r| !page1.contains(r)), "no event twice");
}
