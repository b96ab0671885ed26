//! Browser tests: headless Chromium driven over WebDriver (chromedriver). In CI a missing
//! browser fails the test; on a developer machine without one the test says so and skips.

use partner_console::paths as routes;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use partner_console::domain::PartnerKind;

use crate::helpers::{Options, PASSWORD, TestApp, spawn_app, spawn_app_with};

pub struct Driver {
    child: Child,
    pub client: Client,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    /// Ends chromedriver and every Chromium process of this test's own profile folder (they
    /// outlive chromedriver otherwise), found by their command line; nothing else is touched.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let profile = self._profile.path().display().to_string();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            if pid != std::process::id() && String::from_utf8_lossy(&cmdline).contains(&profile) {
                let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            }
        }
    }
}

/// Starts chromedriver and a headless Chromium session, or returns None on a developer machine
/// that has neither (after saying so). Under CI a missing browser is a failure.
pub async fn browser(dark: bool) -> Option<Driver> {
    let driver_bin = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(driver_bin) = driver_bin else {
        if std::env::var_os("CI").is_some() {
            panic!("chromedriver is not installed; .ci/run installs chromium and chromium-driver");
        }
        eprintln!(
            "SKIPPED browser test: chromedriver not installed (apt-get install chromium chromium-driver)"
        );
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(driver_bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let profile = tempfile::tempdir().unwrap();
    let mut args = vec![
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--window-size=1280,900".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        format!("--user-data-dir={}", profile.path().display()),
    ];
    if dark {
        args.push("--force-dark-mode".into());
    }
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "args": args, "binary": "/usr/bin/chromium" }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let mut last_err = None;
    for _ in 0..50 {
        match ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => {
                return Some(Driver {
                    child,
                    client,
                    _profile: profile,
                });
            }
            Err(e) => last_err = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("could not start a Chromium session: {last_err:?}");
}

pub async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("screenshot");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

/// Polls until the browser's path is `path` (a click's navigation takes a moment).
pub async fn wait_for_path(client: &Client, path: &str) {
    for _ in 0..100 {
        if client
            .current_url()
            .await
            .map(|u| u.path() == path)
            .unwrap_or(false)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "browser never reached {path}; it is at {:?}",
        client.current_url().await.ok()
    );
}

#[tokio::test]
async fn a_partner_signs_in_through_the_real_form() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.create_operator("ops@vendor.example").await;
    let mut tx = app.state.db.begin().await.unwrap();
    use partner_console::domain::CustomerState::{Active, Expired, Pending, Suspended};
    for (i, state) in [Active, Active, Pending, Suspended, Expired, Active]
        .into_iter()
        .enumerate()
    {
        let new = partner_console::store::customers::NewCustomer {
            partner_id: acme,
            org_id: &partner_console::app::customers::new_org_id(),
            org_name: &format!("Customer {}", i + 1),
            email: &format!("admin@customer{}.example", i + 1),
            password_hash: "x",
            state,
            signup_link_id: None,
            effected_at: Some(chrono::Utc::now()),
            aws_account: None,
        };
        partner_console::store::customers::insert(&mut tx, new, chrono::Utc::now())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    // Seven months of usage so the dashboard chart and the billing page have figures.
    let mut c = app.state.db.acquire().await.unwrap();
    let all = partner_console::store::customers::page(
        &mut c,
        &partner_console::store::customers::Matching::all(acme),
        None,
        10,
    )
    .await
    .unwrap();
    drop(c);
    let current = partner_console::billing::month::Month::of(chrono::Utc::now().date_naive());
    let mut rows = Vec::new();
    for (i, cu) in all.iter().enumerate() {
        for ago in 0..=6 {
            for (j, service) in ["TiDB Dedicated", "Backup Storage", "Data Transfer"]
                .iter()
                .enumerate()
            {
                rows.push(partner_console::billing::usage_file::UsageRow {
                    line: rows.len() + 1,
                    org_id: cu.org_id.clone(),
                    day: current.plus(-ago).first_day(),
                    service: service.to_string(),
                    project: "production".into(),
                    cluster: format!("c{j}"),
                    cost: 150_000 / (j as i64 + 1)
                        + (i as i64 * 7_919 + ago as i64 * 3_301) % 40_000,
                    record_key: format!("{}-{ago}-{j}", cu.org_id),
                });
            }
        }
    }
    app.load_usage(&rows).await;
    // A discount and a credit, so last month's bill shows both taken off.
    let mut tx = app.state.db.begin().await.unwrap();
    let since = current.plus(-6).to_string();
    let discount = partner_console::store::grants::NewDiscount {
        partner_id: acme,
        customer_id: None,
        service: Some("TiDB Dedicated"),
        rate_bps: Some(1_000),
        amount: None,
        start_month: &since,
        end_month: None,
        note: "Partner programme",
        created_by: None,
    };
    partner_console::store::grants::insert_discount(&mut tx, discount, chrono::Utc::now())
        .await
        .unwrap();
    let credit = partner_console::store::grants::NewCredit {
        partner_id: acme,
        customer_id: None,
        amount: 250_000,
        effective_on: current.plus(-1).first_day(),
        expires_on: current.plus(6).last_day(),
        note: "Launch credit",
        created_by: None,
    };
    partner_console::store::grants::insert_credit(&mut tx, credit, chrono::Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for dark in [false, true] {
        let Some(d) = browser(dark).await else { return };
        let c = &d.client;
        let mode = if dark { "dark" } else { "light" };
        go(c, &app, routes::SIGN_IN).await;
        screenshot(c, &format!("sign-in-{mode}.png")).await;
        sign_in(c, "owner@acme.example", PASSWORD, routes::CONSOLE).await;
        let heading = text(c, "h1").await;
        assert_eq!(heading, "Acme Cloud");
        let who = text(c, ".who-email").await;
        assert_eq!(who, "owner@acme.example");
        screenshot(c, &format!("console-home-{mode}.png")).await;
        nav_fits(c, "an MSP's owner").await;
        // The account menu holds the team, keys, log and settings, without JavaScript.
        click(c, ".usermenu > summary").await;
        click(c, ".usermenu .menu a[href='/console/team']").await;
        wait_for_path(c, routes::CONSOLE_TEAM).await;
        assert!(
            c.find(Locator::Css(".usermenu > summary[data-current]"))
                .await
                .is_ok(),
            "the menu is marked on its pages"
        );
        c.goto(&app.url(&format!("/console/billing?month={}", current.plus(-1))))
            .await
            .unwrap();
        screenshot(c, &format!("billing-{mode}.png")).await;
        go(c, &app, routes::CONSOLE_CREDITS).await;
        screenshot(c, &format!("credits-{mode}.png")).await;
        // Budgets: the whole bill's set once, then shown with the month's share used.
        go(c, &app, routes::CONSOLE_BUDGETS).await;
        if c.find(Locator::Css("#budgets")).await.is_err() {
            fill(c, "#amount", "ten").await;
            click(c, "#budget-form button[type=submit]").await;
            assert!(text(c, "#budget-errors").await.contains("US dollars"));
            screenshot(c, &format!("budget-errors-{mode}.png")).await;
            let amount = on_element(c, "#amount", |e| async move { Ok(e) }).await;
            amount.clear().await.unwrap();
            amount.send_keys("300").await.unwrap();
            click(c, "#budget-form button[type=submit]").await;
            text(c, ".flash").await;
        }
        go(c, &app, routes::CONSOLE_BUDGETS).await;
        assert!(text(c, "#budgets").await.contains("300.00"));
        screenshot(c, &format!("budgets-{mode}.png")).await;
        go(c, &app, routes::CONSOLE_CUSTOMERS).await;
        let first = text(c, "tbody td a").await;
        assert_eq!(first, "Customer 6", "newest first");
        screenshot(c, &format!("customers-{mode}.png")).await;
        click(c, "#sort-usage").await;
        assert!(!text(c, "tbody td.num").await.is_empty());
        screenshot(c, &format!("customers-by-usage-{mode}.png")).await;
        // Price plans, a tab of Customers; the first is the default.
        go(c, &app, routes::CONSOLE_PLANS).await;
        if dark {
            fill(c, "#name", "Enterprise").await;
            fill(c, "#markup", "200").await;
            click(c, "#plan-form button[type=submit]").await;
            assert!(text(c, "#plan-errors").await.contains("100"));
            screenshot(c, "price-plan-errors-dark.png").await;
        }
        for (name, markup) in [("Standard", "15"), ("Enterprise", "-5")] {
            go(c, &app, routes::CONSOLE_PLANS).await;
            if c.find(Locator::Css("#plans")).await.is_ok()
                && text(c, "#plans").await.contains(name)
            {
                continue;
            }
            fill(c, "#name", name).await;
            fill(c, "#markup", markup).await;
            click(c, "#plan-form button[type=submit]").await;
            // The form answers on the same path: wait for the plan in the list, not the URL,
            // before the next page is opened over the answer.
            let mut listed = false;
            for _ in 0..100 {
                if c.find(Locator::Css("#plans")).await.is_ok()
                    && text(c, "#plans").await.contains(name)
                {
                    listed = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert!(listed, "the plan {name} is listed after its form is sent");
        }
        go(c, &app, routes::CONSOLE_PLANS).await;
        assert!(text(c, "#plans").await.contains("Enterprise"));
        screenshot(c, &format!("price-plans-{mode}.png")).await;
        go(c, &app, routes::CONSOLE_BILLING).await;
        assert!(!text(c, "#customer-price").await.is_empty());
        screenshot(c, &format!("billing-priced-{mode}.png")).await;
        go(c, &app, routes::CONSOLE_CUSTOMERS).await;
        click(c, "tbody td a").await;
        assert!(!text(c, "#by-cluster tfoot").await.is_empty());
        screenshot(c, &format!("customer-{mode}.png")).await;
        c.execute(
            "document.querySelector('#by-cluster').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
        screenshot(c, &format!("customer-clusters-{mode}.png")).await;
        go(c, &app, routes::CONSOLE_SIGNUP_LINKS).await;
        screenshot(c, &format!("signup-links-{mode}.png")).await;
        // Webhooks: add an endpoint (every event checked at first), its secret shown once, a
        // test ping delivered to a receiver and listed in the endpoint's log.
        let receiver = crate::webhooks::Receiver::start(&[200]).await;
        go(c, &app, routes::CONSOLE_WEBHOOKS).await;
        fill(c, "#url", &receiver.url).await;
        fill(c, "#description", "Billing system").await;
        click(c, "#webhook-form button[type=submit]").await;
        assert!(text(c, "#webhook-secret").await.starts_with("whsec_"));
        screenshot(c, &format!("webhook-secret-{mode}.png")).await;
        click(c, "main .card a.button").await;
        click(c, "form[action$='/test'] button").await;
        text(c, ".flash").await;
        app.drain_webhooks().await;
        c.refresh().await.unwrap();
        assert!(text(c, "#delivery-log").await.contains("delivered"));
        screenshot(c, &format!("webhook-{mode}.png")).await;
        go(c, &app, routes::CONSOLE_WEBHOOKS).await;
        screenshot(c, &format!("webhooks-{mode}.png")).await;
        go(c, &app, routes::CONSOLE_SUPPORT).await;
        let first = text(c, "#first-call").await;
        assert!(first.starts_with("curl --digest --user '"), "{first}");
        screenshot(c, &format!("support-{mode}.png")).await;
        go(c, &app, "/console/support#v1beta1-getBill").await;
        screenshot(c, &format!("support-operation-{mode}.png")).await;

        // The operator's area in the same browser after signing out.
        sign_out(c).await;
        wait_for_path(c, routes::SIGN_IN).await;
        sign_in(c, "ops@vendor.example", PASSWORD, routes::ADMIN).await;
        screenshot(c, &format!("admin-overview-{mode}.png")).await;
        go(c, &app, routes::ADMIN_OUTBOX).await;
        screenshot(c, &format!("admin-outbox-{mode}.png")).await;
        go(c, &app, routes::ADMIN_BILLING).await;
        screenshot(c, &format!("admin-billing-{mode}.png")).await;
        go(c, &app, &routes::admin_partner(acme)).await;
        assert!(text(c, "#grants-table").await.contains("Launch credit"));
        screenshot(c, &format!("admin-partner-{mode}.png")).await;
        // A credit form with two mistakes comes back scrolled to its summary of both.
        go(c, &app, &routes::admin_partner(acme)).await;
        fill(c, "#k-amount", "a lot").await;
        click(c, "#credit-form button[type=submit]").await;
        let listed = text(c, "#credit-errors").await;
        assert!(
            listed.contains("dollars") && listed.contains("date"),
            "{listed}"
        );
        let in_view = c
            .execute(
                "const r = document.querySelector('#credit-errors').getBoundingClientRect();
                 return r.top >= 0 && r.bottom <= window.innerHeight;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(in_view, serde_json::json!(true), "the errors are in view");
        screenshot(c, &format!("admin-grant-errors-{mode}.png")).await;
        // Suspending asks first, on a page of its own.
        click(c, "form[action$='/suspend'] button").await;
        assert!(text(c, "#confirm-title").await.contains("Acme Cloud"));
        screenshot(c, &format!("admin-confirm-suspend-{mode}.png")).await;
        click(c, "#confirm-cancel").await;
        c.clone().close().await.unwrap();
    }
}

/// The main navigation holds one row, hides nothing and leaves room for the account menu, at
/// 1 280 px and at 1 024 px.
async fn nav_fits(c: &Client, who: &str) {
    for width in [1280, 1024] {
        c.set_window_size(width, 900).await.unwrap();
        let m = c
            .execute(
                "const links = [...document.querySelectorAll('.mainnav a')];
                 const rows = new Set(links.map(a => Math.round(a.getBoundingClientRect().top))).size;
                 const nav = document.querySelector('.mainnav');
                 const menu = document.querySelector('.usermenu').getBoundingClientRect();
                 return [links.length, rows, nav.scrollWidth > nav.clientWidth,
                         nav.getBoundingClientRect().right > menu.left + 1];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            m,
            serde_json::json!([m[0], 1, false, false]),
            "{who} at {width} px: [links, rows, cut off, overlapping]"
        );
    }
    c.set_window_size(1280, 900).await.unwrap();
}

/// Signs in through the form on the page `c` shows, and waits for the page it leads to.
async fn sign_in(c: &Client, email: &str, password: &str, lands_on: &str) {
    fill(c, "#email", email).await;
    fill(c, "#password", password).await;
    click(c, "form.form button[type=submit]").await;
    wait_for_path(c, lands_on).await;
}

/// Waits for the element (a click's navigation may still be under way), then types into it.
async fn fill(c: &Client, css: &str, text: &str) {
    let field = on_element(c, css, |e| async move { Ok(e) }).await;
    field.send_keys(text).await.unwrap();
}

/// The text of the element, once it is there.
async fn text(c: &Client, css: &str) -> String {
    on_element(c, css, |e| async move { e.text().await }).await
}

/// Finds the element and acts on it, trying again for up to ten seconds: while a click's
/// navigation is under way chromedriver answers "aborted by navigation" or a stale element,
/// which says nothing about the page the test waits for. The last error is the panic's message.
/// Only acts that may be repeated (finding, reading) go through here: a click or typing is done
/// once, on the element found.
async fn on_element<T, F, Fut>(c: &Client, css: &str, act: F) -> T
where
    F: Fn(fantoccini::elements::Element) -> Fut,
    Fut: std::future::Future<Output = Result<T, fantoccini::error::CmdError>>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let last = match c.find(Locator::Css(css)).await {
            Ok(e) => match act(e).await {
                Ok(done) => return done,
                Err(e) => e,
            },
            Err(e) => e,
        };
        if std::time::Instant::now() > deadline {
            panic!("{css}: {last}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens the app's page at `path`.
async fn go(c: &Client, app: &TestApp, path: &str) {
    c.goto(&app.url(path)).await.unwrap();
}

/// Signs out through the account menu, as a person does: open it, then the button.
async fn sign_out(c: &Client) {
    click(c, ".usermenu > summary").await;
    click(c, ".usermenu .menu button").await;
}

async fn click(c: &Client, css: &str) {
    let target = on_element(c, css, |e| async move { Ok(e) }).await;
    target.click().await.unwrap();
}

#[tokio::test]
async fn apply_approve_and_activate_in_a_browser() {
    let app = spawn_app().await;
    app.create_operator("ops@vendor.example").await;
    let Some(d) = browser(false).await else {
        return;
    };
    let c = &d.client;
    let files = tempfile::tempdir().unwrap();
    let light = files.path().join("light.svg");
    let dark = files.path().join("dark.svg");
    std::fs::write(&light, crate::onboarding::LIGHT_SVG).unwrap();
    std::fs::write(&dark, crate::onboarding::DARK_SVG).unwrap();

    go(c, &app, routes::APPLY).await;
    fill(c, "#company_name", "Nimbus Data").await;
    fill(c, "#contact_email", "owner@nimbus.example").await;
    fill(c, "#website_url", "https://nimbus.example").await;
    fill(c, "#logo_light", light.to_str().unwrap()).await;
    fill(c, "#logo_dark", dark.to_str().unwrap()).await;
    fill(
        c,
        "#message",
        "Forty retail customers want a managed database.",
    )
    .await;
    screenshot(c, "apply-form.png").await;
    click(c, "form.form button[type=submit]").await;
    wait_for_path(c, routes::APPLY_RECEIVED).await;

    go(c, &app, routes::SIGN_IN).await;
    sign_in(c, "ops@vendor.example", PASSWORD, routes::ADMIN).await;
    nav_fits(c, "an operator").await;
    go(c, &app, routes::ADMIN_APPLICATIONS).await;
    let heading = text(c, ".appcard h3").await;
    assert_eq!(heading, "Nimbus Data");
    screenshot(c, "review-queue.png").await;
    click(c, ".appcard a.button").await;
    click(c, "#approve").await;
    for _ in 0..100 {
        if c.current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/admin/partners/")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    screenshot(c, "partner-approved.png").await;
    sign_out(c).await;
    wait_for_path(c, routes::SIGN_IN).await;

    let mail = app
        .mail_with_subject("owner@nimbus.example", "Activate")
        .await;
    let link = crate::helpers::link_in(&mail.text, &app.url("/activate/"));
    c.goto(&link).await.unwrap();
    fill(c, "#password", "a long and quiet passphrase").await;
    fill(c, "#password_confirm", "a long and quiet passphrase").await;
    click(c, "form.form button[type=submit]").await;
    let private = text(c, "#private-key").await;
    assert!(private.len() >= 32);
    screenshot(c, "api-key-shown-once.png").await;
    // Back on the keys page the private key is gone for good.
    go(c, &app, routes::CONSOLE_API_KEYS).await;
    let page = c.source().await.unwrap();
    assert!(!page.contains(&private));
    screenshot(c, "api-keys.png").await;
    go(c, &app, routes::CONSOLE_BRANDING).await;
    screenshot(c, "branding.png").await;
    c.clone().close().await.unwrap();
}

#[tokio::test]
async fn the_signup_page_shows_the_logo_for_the_visitors_colour_scheme() {
    use partner_console::domain::SvgLogo;
    use partner_console::store::{logos, partners};
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let mut tx = app.state.db.begin().await.unwrap();
    for (svg, dark) in [
        (crate::onboarding::LIGHT_SVG, false),
        (crate::onboarding::DARK_SVG, true),
    ] {
        let (logo, _) = SvgLogo::parse(svg.as_bytes()).unwrap();
        let id = logos::insert(
            &mut tx,
            &partner_console::tokens::random_token(),
            &logo,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        partners::set_logo(&mut tx, acme, dark, id).await.unwrap();
    }
    tx.commit().await.unwrap();
    let token = partner_console::tokens::random_token();
    let mut tx = app.state.db.begin().await.unwrap();
    let new = partner_console::store::signup_links::NewLink {
        partner_id: acme,
        label: "browser",
        token_hash: &partner_console::tokens::hash_token(&token),
        expires_at: chrono::Utc::now() + chrono::Duration::days(7),
        max_uses: None,
        created_by: None,
    };
    partner_console::store::signup_links::insert(&mut tx, new, chrono::Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let url = app.url(&format!("/signup/acme-cloud/{token}"));

    for dark in [false, true] {
        let Some(d) = browser(dark).await else { return };
        let c = &d.client;
        c.goto(&url).await.unwrap();
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(".partner-logo img"))
            .await
            .unwrap();
        let src = c
            .execute(
                "return document.querySelector('.partner-logo img').currentSrc",
                vec![],
            )
            .await
            .unwrap();
        let src = src.as_str().unwrap_or_default().to_string();
        let mode = if dark { "dark" } else { "light" };
        assert!(
            src.contains(&format!("/logos/acme-cloud/{mode}.svg")),
            "{mode} mode shows {src}"
        );
        screenshot(c, &format!("signup-{mode}.png")).await;
        c.clone().close().await.unwrap();
    }
}

#[tokio::test]
async fn a_reseller_reads_its_offers_and_margins_in_a_browser() {
    let app = spawn_app().await;
    // The demo's reseller: two authorizations, offers in every state, a replaced agreement and
    // months of usage.
    let demo = partner_console::demo::seed(&app.state.db, &app.state.vault, &app.address)
        .await
        .expect("demo data");
    let login = demo
        .logins
        .iter()
        .find(|l| l.who.contains("reseller"))
        .expect("a demo reseller");
    let last_month =
        partner_console::billing::month::Month::of(chrono::Utc::now().date_naive()).plus(-1);
    for dark in [false, true] {
        let Some(d) = browser(dark).await else { return };
        let c = &d.client;
        let mode = if dark { "dark" } else { "light" };
        go(c, &app, routes::SIGN_IN).await;
        sign_in(c, login.email, login.password, routes::CONSOLE).await;
        nav_fits(c, "a reseller's owner").await;
        go(c, &app, routes::CONSOLE_OFFERS).await;
        let table = text(c, "table").await;
        for state in ["Draft", "Released", "Accepted", "Expired", "Cancelled"] {
            assert!(table.contains(state), "an offer {state}: {table}");
        }
        screenshot(c, &format!("offers-{mode}.png")).await;
        // The renewal: its page shows what it replaced and its whole history.
        go(c, &app, "/console/offers?q=Contoso&state=accepted").await;
        click(c, "tbody tr:first-child td a").await;
        let history = text(c, "table.history").await;
        assert!(history.contains("Released → Accepted"), "{history}");
        screenshot(c, &format!("offer-{mode}.png")).await;
        go(c, &app, &format!("/console/billing?month={last_month}")).await;
        let margin = text(c, "#margin").await;
        assert_ne!(margin, "$0.00", "last month's agreements have a margin");
        screenshot(c, &format!("reseller-billing-{mode}.png")).await;
        go(c, &app, routes::CONSOLE_AUTHORIZATIONS).await;
        screenshot(c, &format!("authorizations-{mode}.png")).await;
        go(c, &app, routes::CONSOLE_TEAM).await;
        let members = text(c, "#members").await;
        assert!(members.contains(login.email), "{members}");
        screenshot(c, &format!("team-{mode}.png")).await;
        go(c, &app, routes::CONSOLE_SETTINGS).await;
        screenshot(c, &format!("settings-{mode}.png")).await;
        // New offer from the one active authorization: its form at once. With errors under
        // some fields, the fields of a row still line up.
        go(c, &app, routes::CONSOLE_OFFER_NEW).await;
        fill(c, "#buyer_account", "123").await;
        click(c, "form.formgrid button[type=submit]").await;
        assert!(!text(c, ".field-error").await.is_empty());
        let tops = c
            .execute(
                "return ['#buyer_account', '#buyer_company', '#buyer_email']
                   .map(s => Math.round(document.querySelector(s).getBoundingClientRect().top));",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(tops[0], tops[1], "one row: {tops}");
        screenshot(c, &format!("offer-form-errors-{mode}.png")).await;
        // The price with a markup written, before anything is made.
        fill(c, "#markup", "15").await;
        click(c, "button[name=preview]").await;
        let steps = text(c, "#price-steps").await;
        assert!(steps.contains("$100.00"), "{steps}");
        c.execute(
            "document.querySelector('#price-steps').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .unwrap();
        screenshot(c, &format!("offer-preview-{mode}.png")).await;
    }
}

/// The customer list's pager at scale: from the first page to the last (the oldest
/// customers, newest first) and back with Previous.
#[tokio::test]
async fn the_customer_list_pages_to_its_last_page_in_a_browser() {
    let app = spawn_app().await;
    let demo = partner_console::demo::seed(&app.state.db, &app.state.vault, &app.address)
        .await
        .expect("demo data");
    let msp = partner_console::demo::scale_target(&app.state.db)
        .await
        .unwrap();
    partner_console::demo::scale::ensure(&app.state.db, msp, 130, |_, _| {})
        .await
        .unwrap();
    let login = demo
        .logins
        .iter()
        .find(|l| l.who.contains("MSP"))
        .expect("a demo MSP");
    for dark in [false, true] {
        let Some(d) = browser(dark).await else { return };
        let c = &d.client;
        let mode = if dark { "dark" } else { "light" };
        go(c, &app, routes::SIGN_IN).await;
        sign_in(c, login.email, login.password, routes::CONSOLE).await;
        go(c, &app, routes::CONSOLE_CUSTOMERS).await;
        assert!(c.find(Locator::Css("#previous-page")).await.is_err());
        click(c, "#last-page").await;
        // 130 customers (the demo's and those added at scale): two pages of 50, and the last
        // holds the 30 oldest.
        assert_eq!(text(c, "#range").await, "101–130 of 130 · page 3 of 3");
        let rows = c.find_all(Locator::Css("tbody tr")).await.unwrap();
        assert_eq!(rows.len(), 30, "the last page holds what is left");
        assert!(
            c.find(Locator::Css("#next-page")).await.is_err(),
            "nothing after the last"
        );
        c.execute("document.querySelector('.pager').scrollIntoView()", vec![])
            .await
            .unwrap();
        screenshot(c, &format!("customers-last-{mode}.png")).await;
        click(c, "#previous-page").await;
        let first = text(c, "tbody td a").await;
        assert_eq!(first, "Scale Customer 000079", "positions 51–100");
        assert_eq!(text(c, "#range").await, "51–100 of 130 · page 2 of 3");
    }
}

#[tokio::test]
async fn the_console_and_a_signup_page_in_japanese() {
    let app = spawn_app().await;
    let demo = partner_console::demo::seed(&app.state.db, &app.state.vault, &app.address)
        .await
        .expect("demo data");
    let login = demo
        .logins
        .iter()
        .find(|l| l.who.contains("MSP"))
        .expect("a demo MSP");
    // The owner chose Japanese in Settings.
    {
        let email = partner_console::domain::Email::parse(login.email).unwrap();
        let mut c = app.state.db.acquire().await.unwrap();
        let user = partner_console::store::users::find_by_email(&mut c, &email)
            .await
            .unwrap()
            .unwrap();
        partner_console::store::users::set_profile(
            &mut c,
            user.user_id,
            "",
            Some("ja"),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    }
    let signup = demo.signup_url.trim_start_matches(&app.address).to_string();
    let Some(d) = browser(false).await else {
        return;
    };
    let c = &d.client;
    // A visitor chooses Japanese on the public pages.
    go(c, &app, &format!("/language?to=ja&next={signup}")).await;
    let lang = c
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap();
    assert_eq!(lang.as_deref(), Some("ja"));
    screenshot(c, "signup-ja.png").await;
    go(c, &app, routes::SIGN_IN).await;
    screenshot(c, "sign-in-ja.png").await;
    sign_in(c, login.email, login.password, routes::CONSOLE).await;
    screenshot(c, "console-home-ja.png").await;
    nav_fits(c, "the console in Japanese").await;
    for (path, name) in [
        (routes::CONSOLE_BILLING, "billing-ja.png"),
        (routes::CONSOLE_CUSTOMERS, "customers-ja.png"),
        (routes::CONSOLE_TEAM, "team-ja.png"),
        (routes::CONSOLE_SETTINGS, "settings-ja.png"),
    ] {
        go(c, &app, path).await;
        let h1 = text(c, "h1").await;
        assert!(
            h1.chars().any(|ch| ch > '\u{3000}'),
            "{path} is in Japanese: {h1}"
        );
        screenshot(c, name).await;
    }
}

/// The demo MSP's invoices as its owner reads them: the month's list, an invoice (the void one
/// and its correction), one in Japanese, the invoice details; light and dark.
#[tokio::test]
async fn an_msp_reads_its_invoices_in_a_browser() {
    let app = spawn_app().await;
    let demo = partner_console::demo::seed(&app.state.db, &app.state.vault, &app.address)
        .await
        .expect("demo data");
    let login = demo
        .logins
        .iter()
        .find(|l| l.who.contains("MSP"))
        .expect("a demo MSP");
    for dark in [false, true] {
        let Some(d) = browser(dark).await else { return };
        let c = &d.client;
        let mode = if dark { "dark" } else { "light" };
        go(c, &app, routes::SIGN_IN).await;
        sign_in(c, login.email, login.password, routes::CONSOLE).await;
        go(c, &app, routes::CONSOLE_INVOICES).await;
        let rows = c
            .find_all(Locator::Css("#invoices tbody tr"))
            .await
            .unwrap();
        assert!(rows.len() >= 2, "the demo's last month has invoices");
        screenshot(c, &format!("invoices-{mode}.png")).await;
        // The first is the one the demo voided; its page leads to the correction.
        click(c, "#invoices tbody tr td a").await;
        assert!(text(c, ".invoice-void").await.contains("purchase order"));
        screenshot(c, &format!("invoice-void-{mode}.png")).await;
        click(c, "#replaced-by").await;
        assert!(text(c, "#invoice-total").await.starts_with('$'));
        screenshot(c, &format!("invoice-{mode}.png")).await;
        c.execute(
            "document.querySelector('#invoice-total').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
        screenshot(c, &format!("invoice-totals-{mode}.png")).await;
        // The customer invoiced in Japanese reads its invoice in Japanese, whoever opens it.
        go(c, &app, routes::CONSOLE_INVOICES).await;
        let links = c
            .find_all(Locator::Css("#invoices tbody td a"))
            .await
            .unwrap();
        let mut hrefs = Vec::new();
        for l in links {
            hrefs.push(l.attr("href").await.unwrap().unwrap_or_default());
        }
        let mut japanese = false;
        for href in hrefs {
            go(c, &app, &href).await;
            if text(c, "#invoice h1").await == "請求書" {
                japanese = true;
                screenshot(c, &format!("invoice-ja-{mode}.png")).await;
                break;
            }
        }
        assert!(japanese, "one demo customer reads Japanese invoices");
        go(c, &app, routes::CONSOLE_INVOICE_DETAILS).await;
        screenshot(c, &format!("invoice-details-{mode}.png")).await;
        // The partner's own statements of the closed months.
        go(c, &app, routes::CONSOLE_STATEMENTS).await;
        screenshot(c, &format!("statements-{mode}.png")).await;
        click(c, "#statements tbody tr td a").await;
        assert!(text(c, "#invoice-total").await.starts_with('$'));
        screenshot(c, &format!("statement-{mode}.png")).await;
    }
}

/// The demo MSP's API keys as its owner sees them: scopes, the key that stops soon, a replaced
/// key in its grace period; the rotation form. English and Japanese, light and dark.
#[tokio::test]
async fn an_owner_reads_and_rotates_api_keys_in_a_browser() {
    let app = spawn_app().await;
    let demo = partner_console::demo::seed(&app.state.db, &app.state.vault, &app.address)
        .await
        .expect("demo data");
    let login = demo
        .logins
        .iter()
        .find(|l| l.who.contains("MSP"))
        .expect("a demo MSP");
    for (lang, dark) in [
        ("en-US", false),
        ("en-US", true),
        ("ja", false),
        ("ja", true),
    ] {
        let Some(d) = browser(dark).await else { return };
        let c = &d.client;
        let mode = if dark { "dark" } else { "light" };
        go(c, &app, &format!("/language?to={lang}&next=/sign-in")).await;
        sign_in(c, login.email, login.password, routes::CONSOLE).await;
        go(c, &app, routes::CONSOLE_API_KEYS).await;
        let banner = text(c, "#keys-expiring").await;
        assert!(!banner.is_empty(), "the list warns of the export key");
        let table = text(c, "#keys").await;
        let (replaced, billing) = if lang == "ja" {
            ("後継: CRM sync", "請求")
        } else {
            ("replaced by CRM sync", "Billing")
        };
        assert!(
            table.contains(replaced) && table.contains(billing),
            "{table}"
        );
        screenshot(c, &format!("api-keys-{lang}-{mode}.png")).await;
        // The rotation form of the key that stops soon.
        click(c, "tr.row-warn a.button").await;
        assert!(!text(c, "#grace").await.is_empty());
        screenshot(c, &format!("api-key-rotate-{lang}-{mode}.png")).await;
        // Where one is signed in: this browser, marked as such.
        go(c, &app, routes::ACCOUNT_SECURITY).await;
        assert!(text(c, "#sessions tbody").await.contains("Chrome"));
        c.execute(
            "document.querySelector('#sessions').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
        screenshot(c, &format!("sessions-{lang}-{mode}.png")).await;
        // Two-factor enrolment: the QR code and the key in text (started once; a later round
        // finds it under way).
        c.execute(
            "const f = document.querySelector('#start-two-factor'); if (f) f.submit();",
            vec![],
        )
        .await
        .unwrap();
        let secret = text(c, "#enrol-secret").await;
        c.execute(
            "document.querySelector('#two-factor').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
        screenshot(c, &format!("two-factor-enrol-{lang}-{mode}.png")).await;
        if (lang, dark) == ("ja", true) {
            // The last round turns it on and looks at the recovery codes.
            let secret = partner_console::credentials::totp::Secret::from_base32(&secret).unwrap();
            let code =
                partner_console::credentials::totp::code_at(&secret, app.state.now().timestamp());
            fill(c, "#confirm_code", &code).await;
            click(c, "#confirm-two-factor button").await;
            // The click's navigation may still be under way: wait for the codes' page.
            let codes = text(c, "#recovery-codes").await;
            assert!(!codes.is_empty());
            assert_eq!(
                c.find_all(Locator::Css("#recovery-codes li"))
                    .await
                    .unwrap()
                    .len(),
                10
            );
            screenshot(c, &format!("recovery-codes-{lang}-{mode}.png")).await;
        }
    }
}

/// Chromium's WebDriver virtual authenticator (a CTAP2 platform authenticator that keeps
/// discoverable credentials and verifies its user), for passkeys without a person.
#[derive(Debug)]
struct AddVirtualAuthenticator;

impl fantoccini::wd::WebDriverCompatibleCommand for AddVirtualAuthenticator {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/webauthn/authenticator",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": true,
            "hasUserVerification": true,
            "isUserVerified": true,
            "automaticPresenceSimulation": true,
        });
        (http::Method::POST, Some(body.to_string()))
    }
}

#[tokio::test]
async fn a_passkey_is_added_and_signs_in_with_and_without_the_password_in_chromium() {
    // WebAuthn needs a domain name: the console is served at localhost.
    let app = spawn_app_with(Options {
        localhost: true,
        ..Options::default()
    })
    .await;
    app.create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let Some(d) = browser(false).await else {
        return;
    };
    let c = &d.client;
    c.issue_cmd(AddVirtualAuthenticator)
        .await
        .expect("a virtual authenticator");
    go(c, &app, routes::SIGN_IN).await;
    sign_in(c, "owner@acme.example", PASSWORD, routes::CONSOLE).await;

    // Added from Sign-in security, named.
    go(c, &app, routes::ACCOUNT_SECURITY).await;
    fill(c, "#passkey_name", "Work laptop").await;
    click(c, "#add-passkey button[type=submit]").await;
    let list = text(c, "#passkey-list").await;
    assert!(list.contains("Work laptop"), "{list}");
    let page = c.source().await.unwrap();
    assert!(page.contains("The passkey was added"), "the flash");
    screenshot(c, "passkeys-en-US-light.png").await;

    // Signed out, the passkey alone signs in: no e-mail, no password.
    sign_out(c).await;
    go(c, &app, routes::SIGN_IN).await;
    click(c, "#passkey-sign-in button[type=submit]").await;
    wait_for_path(c, routes::CONSOLE).await;

    // With a passkey the password is no longer enough: it asks for the passkey after it.
    sign_out(c).await;
    go(c, &app, routes::SIGN_IN).await;
    sign_in(c, "owner@acme.example", PASSWORD, routes::SIGN_IN_CODE).await;
    screenshot(c, "sign-in-second-step-passkey.png").await;
    assert!(
        c.find(Locator::Css("#code")).await.is_err(),
        "no code field without an authenticator app"
    );
    click(c, "#passkey-second-factor button[type=submit]").await;
    wait_for_path(c, routes::CONSOLE).await;

    // Both sign-ins are in the audit log, each with how it was proven.
    go(c, &app, routes::CONSOLE_AUDIT).await;
    let log = text(c, "table").await;
    assert_eq!(log.matches("with a passkey").count(), 2, "{log}");
    assert!(log.contains("Passkey added"), "{log}");

    // Removing it takes the password: a wrong one is refused at the field, the right one
    // removes it, and the password alone signs in again.
    go(c, &app, routes::ACCOUNT_SECURITY).await;
    fill(c, ".inline-remove input[name=password]", "not the password").await;
    click(c, ".inline-remove button").await;
    assert!(!text(c, "#remove_password-error").await.is_empty());
    assert!(text(c, "#passkey-list").await.contains("Work laptop"));
    fill(c, ".inline-remove input[name=password]", PASSWORD).await;
    click(c, ".inline-remove button").await;
    // The removal's page replaces the refusal's: wait for its flash before looking.
    let mut flash = String::new();
    for _ in 0..100 {
        flash = text(c, ".flash").await;
        if flash.contains("The passkey was removed") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(flash.contains("The passkey was removed"), "{flash}");
    assert!(c.find(Locator::Css("#passkey-list")).await.is_err());
    sign_out(c).await;
    go(c, &app, routes::SIGN_IN).await;
    sign_in(c, "owner@acme.example", PASSWORD, routes::CONSOLE).await;
}
