//! The FOCUS export (issue 27): a month's costs by customer, day, service, project and cluster,
//! from `/api/v1/focus/{billedMonth}` and the Billing page, checked by the FinOps Foundation's
//! own validator and summed against the bill.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::Utc;
use partner_console::billing::Cents;
use partner_console::billing::month::Month;
use partner_console::domain::PartnerKind;
use partner_console::store::grants::{self, NewCredit, NewDiscount};

use crate::api_calls::api_key;
use crate::helpers::*;

/// The file's rows as column name → cell.
fn rows(csv: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn cents(s: &str) -> i64 {
    Cents::parse(s).unwrap().value()
}

fn sum(rows: &[HashMap<String, String>], column: &str, category: Option<&str>) -> i64 {
    rows.iter()
        .filter(|r| category.is_none_or(|c| r["ChargeCategory"] == c))
        .map(|r| cents(&r[column]))
        .sum()
}

/// The validator's virtual environment, made by `.ci/run` (`focus-validator` 1.0.0 on
/// Python 3.11 with `multimethod<1.11`); `None` off CI when it is not there, after saying so.
fn validator() -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/focus-venv");
    let python = venv.join("bin/python");
    let ok = std::process::Command::new(&python)
        .args(["-c", "import focus_validator"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    let how = "python3.11 -m venv target/focus-venv && target/focus-venv/bin/pip install \
               'focus-validator==1.0.0' 'multimethod<1.11'";
    assert!(
        std::env::var_os("CI").is_none(),
        "the FOCUS validator is missing under CI: {how}"
    );
    eprintln!("SKIPPED the FOCUS validator check: no validator here ({how})");
    None
}

/// What the validator says of `file`: its output, and whether every check passed.
///
/// The validator is run with every check of its 1.0 rules, with one change to how it reads the
/// file: `focus-validator` 1.0.0 reads it with a bare `pandas.read_csv`, which takes an
/// all-digit cell for a number, so `SubAccountId_IsString` fails for every numeric identifier
/// (ours are the customers' organization ids; AWS account ids fail the same), and overriding
/// that check does not help (finopsfoundation/focus_validator#122). The columns its rules call
/// strings are read as strings; nothing else changes.
fn validate(python: &Path, file: &Path) -> (String, bool) {
    let script = format!(
        "import glob, os, sys\n\
         import pandas as pd, yaml\n\
         import focus_validator\n\
         from focus_validator.data_loaders import csv_data_loader\n\
         from focus_validator.main import main\n\
         root = os.path.dirname(focus_validator.__file__)\n\
         strings = {{yaml.safe_load(open(f))['column_id'] for f in glob.glob(root + '/rules/version_sets/1.0/*_IsString.yaml')}}\n\
         csv_data_loader.CSVDataLoader.load = lambda self: pd.read_csv(self.data_filename, dtype={{c: str for c in strings}})\n\
         # It reads its currency codes from a path relative to the working directory.\n\
         os.chdir(os.path.dirname(root))\n\
         sys.argv = ['focus-validator', '--validate-version', '1.0', '--data-file', {file:?}]\n\
         main()\n",
        file = file.display().to_string(),
    );
    let out = std::process::Command::new(python)
        .args(["-c", &script])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let passed = out.status.success() && !text.contains("failed") && !text.contains("rror");
    (text, passed)
}

#[tokio::test]
async fn a_months_focus_file_passes_the_validator_and_adds_up_to_the_bill() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let other = app
        .create_partner("Other MSP", PartnerKind::Msp, "owner@other.example")
        .await;
    let (maple, cedar) = ("2000000000000000001", "2000000000000000002");
    app.add_customer(acme, maple, "Maple Foods").await;
    app.add_customer(acme, cedar, "Cedar Labs").await;
    app.add_customer(other, "2000000000000000003", "Secret Customer")
        .await;
    let last = Month::of(Utc::now().date_naive()).plus(-1);
    let day = |d: u32| last.first_day() + chrono::Days::new(u64::from(d) - 1);
    let mut usage = vec![
        usage_row(maple, day(1), "TiDB Dedicated", 33_333, "a1"),
        usage_row(maple, day(2), "TiDB Dedicated", 10_001, "a2"),
        usage_row(maple, day(2), "TiDB Dedicated", 7, "a2b"),
        usage_row(maple, day(9), "Backup Storage", 1_001, "a3"),
        usage_row(cedar, day(3), "TiDB Dedicated", 66_667, "a4"),
        usage_row(cedar, day(28), "Data Transfer", 2_999, "a5"),
        usage_row(
            "2000000000000000003",
            day(1),
            "TiDB Dedicated",
            99_999,
            "b1",
        ),
    ];
    let mut other_cluster = usage_row(cedar, day(3), "TiDB Dedicated", 12_345, "a6");
    other_cluster.project = "analytics".into();
    other_cluster.cluster = "=cmd|' /C calc'!A0".into();
    usage.push(other_cluster);
    // Two loads: the second adds to a day the first began (Maple's day 2).
    app.load_usage(&usage[..2]).await;
    app.load_usage(&usage[2..]).await;

    let start = last.to_string();
    let mut tx = app.state.db.begin().await.unwrap();
    for (rate_bps, amount) in [(Some(1_250), None), (None, Some(1_000))] {
        grants::insert_discount(
            &mut tx,
            NewDiscount {
                partner_id: acme,
                customer_id: None,
                service: None,
                rate_bps,
                amount,
                start_month: &start,
                end_month: None,
                note: "",
                created_by: None,
            },
            Utc::now(),
        )
        .await
        .unwrap();
    }
    grants::insert_credit(
        &mut tx,
        NewCredit {
            partner_id: acme,
            customer_id: None,
            amount: 5_001,
            effective_on: last.first_day(),
            expires_on: last.plus(12).last_day(),
            note: "",
            created_by: None,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let (_, key) = api_key(&app, acme).await;
    let (status, bill) = app.api(&key).get(&format!("/api/v1/bills/{last}")).await;
    assert_eq!(status, 200, "{bill}");
    let overview = &bill["overview"];
    let (status, file) = app.api(&key).get(&format!("/api/v1/focus/{last}")).await;
    assert_eq!(status, 200, "{file}");
    let file = file.as_str().unwrap().to_string();
    let rows = rows(&file);

    // Billed cost adds up to what is owed, to the cent; list and contracted cost of the usage
    // rows to usage and usage less discounts; the credit rows to the credits, negative.
    let amount = |k: &str| cents(overview[k].as_str().unwrap());
    assert_eq!(
        sum(&rows, "BilledCost", None),
        amount("totalCost"),
        "{file}"
    );
    assert_eq!(sum(&rows, "EffectiveCost", None), amount("totalCost"));
    assert_eq!(
        sum(&rows, "ListCost", Some("Usage")),
        amount("runningTotal")
    );
    assert_eq!(
        sum(&rows, "ContractedCost", Some("Usage")),
        amount("runningTotal") - amount("discounts")
    );
    assert_eq!(sum(&rows, "BilledCost", Some("Credit")), -amount("credits"));
    assert!(
        amount("credits") == 5_001 && amount("discounts") > 1_000,
        "{bill}"
    );

    // One usage row per customer, day, service, project and cluster, for this partner only.
    let usage_rows: Vec<_> = rows
        .iter()
        .filter(|r| r["ChargeCategory"] == "Usage")
        .collect();
    assert_eq!(usage_rows.len(), 6, "{file}");
    assert!(!file.contains("Secret Customer") && !file.contains("2000000000000000003"));
    let maple_day2 = usage_rows
        .iter()
        .find(|r| {
            r["SubAccountId"] == maple && r["ChargePeriodStart"] == format!("{}T00:00:00Z", day(2))
        })
        .expect("Maple's second day");
    assert_eq!(
        maple_day2["ListCost"], "100.08",
        "two records of one day are one row"
    );
    assert_eq!(
        maple_day2["ChargePeriodEnd"],
        format!("{}T00:00:00Z", day(3))
    );
    assert_eq!(maple_day2["SubAccountName"], "Maple Foods");
    let subs: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["SubAccountId"].as_str()).collect();
    assert_eq!(subs.into_iter().collect::<Vec<_>>(), [maple, cedar]);
    assert_eq!(maple_day2["BillingAccountName"], "Acme Cloud");
    assert_eq!(
        maple_day2["BillingPeriodStart"],
        format!("{}T00:00:00Z", last.first_day())
    );
    assert_eq!(
        maple_day2["BillingPeriodEnd"],
        format!("{}T00:00:00Z", last.next().first_day())
    );
    assert_eq!(maple_day2["ResourceId"], format!("{maple}/production/c1"));
    assert_eq!(maple_day2["ServiceCategory"], "Databases");
    assert_eq!(maple_day2["BillingCurrency"], "USD");
    // A cluster named like a formula is written so that no spreadsheet runs it.
    assert!(file.contains(",'=cmd|"), "{file}");

    // The console's download is the same file.
    let owner = signed_in_client(&app, "owner@acme.example").await;
    let page = owner
        .get_html(&format!("/console/billing?month={last}"))
        .await
        .1;
    let href = format!("/console/billing/focus.csv?month={last}");
    assert!(
        page.contains(&href.replace('&', "&amp;")),
        "the Billing page links the file"
    );
    let r = owner.open(&href).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("focus-{last}.csv"))
    );
    assert_eq!(r.text().await.unwrap(), file);

    if let Some(python) = validator() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("focus.csv");
        std::fs::write(&path, &file).unwrap();
        let (said, passed) = validate(&python, &path);
        assert!(passed, "the validator refused the file:\n{said}\n{file}");
        // And it does refuse: the same file in another currency code that is none.
        std::fs::write(&path, file.replace(",USD,", ",XXX1,")).unwrap();
        let (said, passed) = validate(&python, &path);
        assert!(!passed && said.contains("BillingCurrency"), "{said}");
    }

    // Closed, the month's file is what it was; usage that arrives late changes nothing.
    partner_console::app::bills::close_month(app.state.app(), last)
        .await
        .unwrap();
    app.load_usage(&[usage_row(maple, day(5), "TiDB Dedicated", 50_000, "late1")])
        .await;
    let (status, closed) = app.api(&key).get(&format!("/api/v1/focus/{last}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        closed.as_str(),
        Some(file.as_str()),
        "the closed month's file"
    );
}

#[tokio::test]
async fn a_month_outside_the_window_or_malformed_is_a_json_400() {
    let app = spawn_app().await;
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Reseller, "owner@acme.example")
        .await;
    let (_, key) = api_key(&app, acme).await;
    let old = Month::of(Utc::now().date_naive()).plus(-8);
    for month in [old.to_string(), "2026-13".to_string(), "soon".to_string()] {
        let (status, body) = app.api(&key).get(&format!("/api/v1/focus/{month}")).await;
        assert_eq!(status, 400, "{month}: {body}");
        assert_eq!(body["code"], "InvalidArgument", "{body}");
    }
    // An empty month is a file of its header only.
    let now = Month::of(Utc::now().date_naive());
    let (status, file) = app.api(&key).get(&format!("/api/v1/focus/{now}")).await;
    assert_eq!(status, 200);
    let file = file.as_str().unwrap();
    assert_eq!(file.lines().count(), 1, "{file}");
    assert!(file.starts_with("AvailabilityZone,BilledCost,BillingAccountId,"));
}
