//! An MSP's price plans through the console (issue 24): every error at once, the first plan the
//! default, a customer's own plan, the default kept, deleting asked first; resellers have none.

use partner_console::domain::PartnerKind;
use partner_console::paths as routes;
use reqwest::StatusCode;

use crate::forms::error_summary;
use crate::helpers::{spawn_app, text_of, usage_row};

#[tokio::test]
async fn an_msp_defines_plans_and_gives_a_customer_one() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.add_customer(acme, "6000000000000000001", "Hinoki Studio")
        .await;
    app.create_partner("Borealis", PartnerKind::Reseller, "owner@borealis.example")
        .await;
    let owner = app.user("owner@acme.example").await;
    let plans = routes::CONSOLE_PLANS;

    // Everything wrong at once: no name, a markup past the bounds, a fee that is not money and
    // a service line without a markup; what was written is kept.
    let r = owner
        .post_form(
            plans,
            plans,
            &[
                ("name", ""),
                ("markup", "150"),
                ("fee", "lots"),
                ("service_markups", "Backup Storage"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let listed: Vec<String> = error_summary(&html, "plan-errors")
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    assert_eq!(listed, ["#name", "#markup", "#service_markups", "#fee"]);
    assert!(html.contains(r#"value="150""#));

    for (name, markup, fee, services) in [
        ("Standard", "15", "", ""),
        ("Enterprise", "-5", "500", "Backup Storage: 5"),
    ] {
        let r = owner
            .post_form(
                plans,
                plans,
                &[
                    ("name", name),
                    ("markup", markup),
                    ("fee", fee),
                    ("fee_label", "Managed service fee"),
                    ("service_markups", services),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{name}");
    }
    // The same name again is refused at the name, with the form's other faults.
    let r = owner
        .post_form(plans, plans, &[("name", "Standard"), ("markup", "200")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let listed: Vec<String> = error_summary(&html, "plan-errors")
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    assert_eq!(listed, ["#name", "#markup"]);
    assert!(text_of(&html, "#name-error").unwrap().contains("already"));

    let (_, list) = owner.get_html(plans).await;
    let table = text_of(&list, "#plans").unwrap();
    assert!(
        table.contains("Standard") && table.contains("default"),
        "{table}"
    );
    assert!(
        table.contains("-5%") && table.contains("Backup Storage 5%") && table.contains("500.00")
    );
    let stored = {
        let mut c = app.state.db.acquire().await.unwrap();
        partner_console::store::price_plans::list(&mut c, acme)
            .await
            .unwrap()
    };
    let (standard, enterprise) = (&stored[0], &stored[1]);
    assert!(
        standard.is_default && !enterprise.is_default,
        "the first plan is the default"
    );
    assert_eq!((enterprise.markup_bps, enterprise.fee), (-500, 50_000));

    // A customer's own plan, from its page.
    let customer = routes::console_customer("6000000000000000001");
    let r = owner
        .post_form(
            &customer,
            &routes::console_customer_plan("6000000000000000001"),
            &[("plan", &enterprise.plan_id.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = owner.get_html(&customer).await;
    let chosen = scraper::Html::parse_document(&page)
        .select(&scraper::Selector::parse("#plan-form option[selected]").unwrap())
        .next()
        .map(|o| o.text().collect::<String>())
        .unwrap_or_default();
    assert_eq!(chosen, "Enterprise");

    // The running month prices the customer with its plan: $100 of usage at −5 % is $95, and
    // the $500 fee makes $595; the margin is that less the $100 owed to the vendor.
    let first =
        partner_console::billing::month::Month::of(chrono::Utc::now().date_naive()).first_day();
    app.load_usage(&[usage_row(
        "6000000000000000001",
        first,
        "TiDB Dedicated",
        10_000,
        "p1",
    )])
    .await;
    let (_, page) = owner.get_html(&customer).await;
    assert_eq!(
        text_of(&page, "#customer-price").as_deref(),
        Some("$595.00")
    );
    assert_eq!(
        text_of(&page, "#customer-margin").as_deref(),
        Some("$495.00")
    );
    let (_, billing) = owner.get_html(routes::CONSOLE_BILLING).await;
    assert_eq!(
        text_of(&billing, "#customer-price").as_deref(),
        Some("$595.00")
    );
    let csv = owner
        .open(routes::CONSOLE_BILLING_CSV)
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with("customer_price_usd,margin_usd"), "{csv}");
    assert!(lines[1].ends_with(",95.00,-5.00"), "{csv}");
    assert!(
        lines[2].contains("monthly fee") && lines[2].ends_with(",500.00,500.00"),
        "{csv}"
    );

    // The default cannot be deleted; another can, after asking, and its customer goes back to
    // the default.
    let r = owner
        .post_form(
            &routes::console_plan(standard.plan_id),
            &routes::console_plan_delete(standard.plan_id),
            &[("confirmed", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = owner
        .get_html(&routes::console_plan(standard.plan_id))
        .await;
    assert!(page.contains("cannot be deleted"), "{page}");
    let delete = routes::console_plan_delete(enterprise.plan_id);
    let r = owner
        .post_form(&routes::console_plan(enterprise.plan_id), &delete, &[])
        .await;
    assert_eq!(r.status(), StatusCode::OK, "asked first");
    assert!(text_of(&r.text().await.unwrap(), "#confirm-title").is_some());
    let r = owner
        .post_form(plans, &delete, &[("confirmed", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut c = app.state.db.acquire().await.unwrap();
    let left = partner_console::store::price_plans::list(&mut c, acme)
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    let customer =
        partner_console::store::customers::find_by_org_id(&mut c, acme, "6000000000000000001")
            .await
            .unwrap()
            .unwrap();
    assert_eq!(customer.price_plan_id, None, "back on the default");
    drop(c);

    // A reseller's customers are priced by their offers: no plans there.
    let reseller = app.user("owner@borealis.example").await;
    assert_eq!(reseller.open(plans).await.status(), StatusCode::NOT_FOUND);
    let (_, log) = owner.get_html(routes::CONSOLE_AUDIT).await;
    assert!(log.contains("Price plan created") && log.contains("Price plan deleted"));
}
