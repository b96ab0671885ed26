//! A database as the release before the bill amounts were renamed left it: its closed bills
//! read the same after the upgrade, and organization ids above 2^63 are renumbered.

use chrono::Utc;
use partner_console::app::bills;
use partner_console::billing::month::Month;
use partner_console::store::Db;

/// The last migration of that release.
const BEFORE: i64 = 8;

#[tokio::test]
async fn closed_bills_and_org_ids_survive_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let (url, schema) = crate::helpers::fresh_database(dir.path()).await;
    let db = Db::connect(&url, schema.as_deref()).await.unwrap();
    db.migrate_to(BEFORE).await.unwrap();

    let today = Utc::now().date_naive();
    let closed = Month::of(today).plus(-1);
    let now = Utc::now();
    // Rows as that release wrote them, `total_cost` being the usage before discounts and credits.
    let (last, running) = (closed.to_string(), Month::of(today).to_string());
    let statements = [
        "INSERT INTO partners (name, slug, kind, state, website_url, created_at) \
         VALUES ('Old MSP', 'old-msp', 'msp', 'active', 'https://old.example', $1)"
            .to_string(),
        "INSERT INTO customers (partner_id, org_id, org_name, email, password_hash, state, created_at) \
         VALUES (1, '9876543210987654321', 'High Id', 'a@high.example', 'x', 'active', $1)"
            .to_string(),
        "INSERT INTO customers (partner_id, org_id, org_name, email, password_hash, state, created_at) \
         VALUES (1, '1234567890123456789', 'Low Id', 'a@low.example', 'x', 'active', $1)"
            .to_string(),
        format!("INSERT INTO closed_months (month, closed_at) VALUES ('{last}', $1)"),
        "INSERT INTO api_keys (partner_id, name, public_key, ha1_sha256, ha1_md5, created_at) \
         VALUES (1, 'Old script', 'OLDPUBLICKEY', 'x', 'x', $1)"
            .to_string(),
        format!(
            "INSERT INTO closed_bill_lines (month, partner_id, customer_id, service, project, cluster, \
             total_cost, discounts, credits) VALUES ('{last}', 1, 1, 'TiDB Dedicated', 'web', 'prod', 100000, 10000, 5000)"
        ),
        format!(
            "INSERT INTO usage_monthly (customer_id, month, service, project, cluster, total_cost) \
             VALUES (2, '{running}', 'TiDB Starter', 'api', 'eu', 4200)"
        ),
    ];
    let mut c = db.acquire().await.unwrap();
    for sql in statements {
        let binds_now = sql.contains("$1");
        partner_console::on_conn!(&mut c, c => {
            let q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            let q = if binds_now { q.bind(now) } else { q };
            q.execute(c).await.map(|_| ())
        })
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    drop(c);

    db.migrate().await.unwrap();

    let wake = tokio::sync::Notify::new();
    let ctx =
        partner_console::app::Ctx::new(&db, now, "", &wake, &partner_console::api::shapes::API);
    let bill = bills::partner_bill(ctx, 1, closed).await.unwrap();
    let t = bill.overview();
    assert_eq!(
        (t.usage, t.discounts, t.credits, t.owed),
        (100_000, 10_000, 5_000, 85_000),
        "the closed bill owes its usage less discounts and credits, as before"
    );
    // A month closed before its sums were stored (migration 0022) is summed from its lines.
    let sums = bills::summary(ctx, 1, closed).await.unwrap();
    let by_customer: Vec<_> = sums
        .customers
        .iter()
        .map(|c| (c.customer_id, c.totals.owed))
        .collect();
    assert_eq!(
        (sums.overview, by_customer, sums.services.len()),
        (t, vec![(1, 85_000)], 1),
        "the Billing page of an old closed month"
    );
    let running = bills::partner_bill(ctx, 1, Month::of(today))
        .await
        .unwrap()
        .overview();
    assert_eq!(
        (running.usage, running.owed),
        (4_200, 4_200),
        "the roll-ups keep their usage"
    );
    // The dashboard's chart reads a closed month's totals as stored (migration 0019 fills them
    // in for months closed before it).
    let chart = bills::window_totals(ctx, 1).await.unwrap();
    let last_month = chart
        .iter()
        .find(|(m, _)| *m == closed)
        .map(|(_, t)| t.owed);
    assert_eq!(
        last_month,
        Some(85_000),
        "the chart's closed month: {chart:?}"
    );

    let mut c = db.acquire().await.unwrap();
    let high = partner_console::store::customers::find_by_email(&mut c, 1, "a@high.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        high.org_id, "876543210987654321",
        "above 2^63: the leading 9 goes"
    );
    assert!(high.org_id.parse::<i64>().is_ok());
    let low = partner_console::store::customers::find_by_email(&mut c, 1, "a@low.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(low.org_id, "1234567890123456789", "below 2^63: unchanged");
    // Keys from before scopes (migration 0020) do everything, for ever, as they did.
    let keys = partner_console::store::api_keys::list(&mut c, 1)
        .await
        .unwrap();
    assert_eq!(
        (keys[0].scope, keys[0].expires_at),
        (partner_console::domain::KeyScope::Full, None)
    );
    // Customers from before the API's stored representation (migration 0014) are listed.
    let page = partner_console::store::customers::page_json(&mut c, 1, None, 100)
        .await
        .unwrap();
    let listed: serde_json::Value = serde_json::from_str(&page.customers).unwrap();
    let orgs: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["orgId"].as_str().unwrap())
        .collect();
    assert!(orgs.contains(&"876543210987654321") && orgs.contains(&"1234567890123456789"));
    drop(c);
    db.close().await;
    crate::helpers::drop_database(schema).await;
}

/// Usage loaded before migration 0027 is in `usage_daily` after it, by day and line, late
/// records left out as the FOCUS export always left them out.
#[tokio::test]
async fn usage_loaded_before_the_daily_table_is_counted_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let (url, schema) = crate::helpers::fresh_database(dir.path()).await;
    let db = Db::connect(&url, schema.as_deref()).await.unwrap();
    db.migrate_to(26).await.unwrap();
    let now = Utc::now();
    let statements = [
        "INSERT INTO partners (name, slug, kind, state, website_url, created_at) \
         VALUES ('Old MSP', 'old-msp', 'msp', 'active', 'https://old.example', $1)",
        "INSERT INTO customers (partner_id, org_id, org_name, email, password_hash, state, created_at) \
         VALUES (1, '1234567890123456789', 'Low Id', 'a@low.example', 'x', 'active', $1)",
    ];
    let mut c = db.acquire().await.unwrap();
    for sql in statements {
        partner_console::on_conn!(&mut c, c => sqlx::query(sql).bind(now).execute(c).await.map(|_| ()))
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    for (key, d, cost, late) in [
        ("k1", day(3), 100, false),
        ("k2", day(3), 250, false),
        ("k3", day(3), 7_000, true),
        ("k4", day(4), 40, false),
    ] {
        partner_console::on_conn!(&mut c, c => sqlx::query(
            "INSERT INTO usage_records (record_key, customer_id, day, service, project, cluster, \
             cost, late, loaded_at) VALUES ($1, 1, $2, 'TiDB Dedicated', 'web', 'prod', $3, $4, $5)",
        )
        .bind(key)
        .bind(d)
        .bind(cost)
        .bind(late)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))
        .unwrap();
    }
    drop(c);
    db.migrate().await.unwrap();
    let mut c = db.acquire().await.unwrap();
    let daily = partner_console::store::usage::daily(&mut c, (1, 1), (day(1), day(30)))
        .await
        .unwrap();
    let line = |d, cost| {
        (
            1,
            "TiDB Dedicated".to_string(),
            "web".to_string(),
            "prod".to_string(),
            d,
            cost,
        )
    };
    assert_eq!(daily, [line(day(3), 350), line(day(4), 40)]);
}
