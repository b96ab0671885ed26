//! Loading usage with `partner-console usage import`: all or nothing, idempotent, roll-ups kept.

use std::process::Command;

use partner_console::domain::PartnerKind;
use partner_console::store::usage;
use secrecy::ExposeSecret;

use crate::helpers::{TestApp, spawn_app};

fn import(app: &TestApp, contents: &str, name: &str) -> (i32, String) {
    let path = app.data_dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    let s = &app.state.settings;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_partner-console"));
    cmd.env_clear()
        .env("RUST_LOG", "warn")
        .args(["usage", "import"])
        .arg(&path)
        .env("DATABASE_URL", s.database_url.expose_secret())
        .env("PC_DATA_DIR", &s.data_dir);
    if let Some(schema) = &s.database_schema {
        cmd.env("PC_DATABASE_SCHEMA", schema);
    }
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

async fn month_total(app: &TestApp, partner_id: i64, month: &str) -> i64 {
    let mut c = app.state.db.acquire().await.unwrap();
    usage::month_lines(&mut c, partner_id, None, month)
        .await
        .unwrap()
        .iter()
        .map(|l| l.usage)
        .sum()
}

const HEADER: &str = "org_id,day,service,project,cluster,cost,record_key";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)] // the CLI runs as a blocking child process
async fn loading_twice_changes_nothing_and_a_bad_line_loads_nothing() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    app.add_customer(acme, "1111111111111111111", "1111111111111111111")
        .await;
    app.add_customer(acme, "2222222222222222222", "2222222222222222222")
        .await;
    let good = format!(
        "{HEADER}\n\
         1111111111111111111,2026-10-01,TiDB Dedicated,web,prod-1,12.34,r1\n\
         1111111111111111111,2026-10-02,TiDB Dedicated,web,prod-1,0.01,r2\n\
         2222222222222222222,2026-10-02,Backup Storage,etl,,7.05,r3\n"
    );
    let (code, out) = import(&app, &good, "october.csv");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("3 inserted, 0 skipped"), "{out}");
    assert_eq!(month_total(&app, acme, "2026-10").await, 1234 + 1 + 705);
    let mut c = app.state.db.acquire().await.unwrap();
    let lines = usage::month_lines(&mut c, acme, None, "2026-10")
        .await
        .unwrap();
    assert_eq!(
        lines.len(),
        2,
        "two roll-up lines: one per customer, service, project and cluster"
    );

    let (code, out) = import(&app, &good, "october-again.csv");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 inserted, 3 skipped"), "{out}");
    assert_eq!(month_total(&app, acme, "2026-10").await, 1940);

    // Known and new keys in one batch: the known one is skipped, the new one lands once.
    let mixed = format!(
        "{HEADER}\n\
         1111111111111111111,2026-10-01,TiDB Dedicated,web,prod-1,12.34,r1\n\
         1111111111111111111,2026-10-04,TiDB Dedicated,web,prod-1,0.60,r7\n"
    );
    let (code, out) = import(&app, &mixed, "october-more.csv");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 inserted, 1 skipped"), "{out}");
    assert_eq!(month_total(&app, acme, "2026-10").await, 1940 + 60);

    let bad = format!(
        "{HEADER}\n\
         1111111111111111111,2026-10-03,TiDB Dedicated,web,prod-1,5.00,r4\n\
         1111111111111111111,2026-10-03,TiDB Dedicated,web,prod-1,-5.00,r5\n\
         9999999999999999999,2026-10-03,TiDB Starter,web,c,1.00,r6\n\
         1111111111111111111,2026-10-01,TiDB Dedicated,web,prod-1,99.99,r1\n"
    );
    let (code, out) = import(&app, &bad, "bad.csv");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("nothing loaded"), "{out}");
    assert!(out.contains("line 3: cost -5.00 is negative"), "{out}");
    assert!(
        out.contains("line 4: unknown customer org_id 9999999999999999999"),
        "{out}"
    );
    assert!(
        out.contains("line 5: record_key r1 was loaded before with other content"),
        "{out}"
    );
    assert!(
        !out.contains("line 2:"),
        "the good line is not listed: {out}"
    );
    assert_eq!(
        month_total(&app, acme, "2026-10").await,
        2000,
        "the good line r4 was not loaded either"
    );
    assert!(usage::find(&mut c, "r4").await.unwrap().is_none());

    let jsonl = "{\"org_id\":\"2222222222222222222\",\"day\":\"2026-11-05\",\"service\":\"Data Transfer\",\"project\":\"etl\",\"cluster\":\"c9\",\"cost\":\"0.99\",\"record_key\":\"j1\"}\n";
    let (code, out) = import(&app, jsonl, "november.jsonl");
    assert_eq!(code, 0, "{out}");
    assert_eq!(month_total(&app, acme, "2026-11").await, 99);
}

/// Keys repeated far apart (in other batches) are found by the store's unique key, not by
/// memory of the whole file; past 1 000 refused lines the first 1 000 are listed and the rest
/// counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)] // the CLI runs as a blocking child process
async fn repeats_far_apart_are_found_and_a_long_refusal_lists_its_first_thousand_lines() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let org = "1111111111111111111";
    app.add_customer(acme, org, org).await;
    let row = |key: &str, cost: &str| {
        format!("{org},2026-10-01,TiDB Dedicated,web,prod-1,{cost},{key}\n")
    };

    // 10 500 rows, then the first key again with the same content: skipped, not counted twice.
    // The repeat is in a later batch on both stores (1 000 rows a batch on SQLite, 10 000 on
    // PostgreSQL, where it fails that batch's COPY and the batch is written again without it).
    let mut good = format!("{HEADER}\n");
    for i in 0..10_500 {
        good += &row(&format!("k{i}"), "0.01");
    }
    good += &row("k0", "0.01");
    let (code, out) = import(&app, &good, "repeats.csv");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("10500 inserted, 1 skipped"), "{out}");
    assert_eq!(month_total(&app, acme, "2026-10").await, 10_500);

    // Line 2 is z0; line 1100 repeats it with another cost (in the second batch); lines 1101 to
    // 2300 name no customer: 1 201 refused lines in all.
    let mut bad = format!("{HEADER}\n");
    bad += &row("z0", "1.00");
    for i in 3..1100 {
        bad += &row(&format!("g{i}"), "1.00");
    }
    bad += &row("z0", "2.00");
    for i in 1101..=2300 {
        bad += &format!("9999999999999999999,2026-10-01,TiDB Starter,web,c,1.00,u{i}\n");
    }
    let (code, out) = import(&app, &bad, "bad.csv");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("nothing loaded from"), "{out}");
    assert!(out.contains("1201 line(s) rejected"), "{out}");
    assert!(
        out.contains("line 1100: record_key z0 appears earlier in the file with other content"),
        "{out}"
    );
    assert!(out.contains("line 2099: unknown customer"), "{out}");
    assert!(
        !out.contains("line 2100:"),
        "only the first 1 000 are listed: {out}"
    );
    assert!(
        out.contains("and 201 more line(s) rejected after the first 1000 listed"),
        "{out}"
    );
    assert_eq!(
        month_total(&app, acme, "2026-10").await,
        10_500,
        "nothing loaded"
    );
}
