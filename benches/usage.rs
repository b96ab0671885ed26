//! Usage loading and bill benchmark (SPEC section 5; issue "Billing" point 6). Not a test.
//!
//!     cargo bench --bench usage                       # 1 M then 10 M rows, 10 000 customers
//!     cargo bench --bench usage -- --big 2000000      # a quicker run
//!
//! Writes its SQLite databases and CSV files under target/bench-data/ (never committed), loads
//! usage through the same code as `partner-console usage import`, times one partner's monthly
//! bill at 10 thousand and at the full number of rows, and times `sqlite3 .import` of the same
//! CSV files into a plain table with a unique key, for a ratio. Needs the sqlite3 command.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod common;
#[path = "common/usage_csv.rs"]
mod usage_csv;

use chrono::{NaiveDate, Utc};

use common::org_id;
use partner_console::app::bills;
use partner_console::billing::month::Month;
use partner_console::billing::usage_file;
use partner_console::store::Db;

/// Rows `rows` of the whole month, over every customer.
fn write_csv(path: &Path, rows: std::ops::Range<usize>, customers: usize, month: Month) {
    let days = (month.last_day() - month.first_day()).num_days() as usize + 1;
    let spec = usage_csv::Spec {
        rows,
        month,
        days,
        customers: 0..customers,
        org_id: &org_id,
        key_prefix: "k",
    };
    usage_csv::write(path, &spec);
}

const FILE_ROWS: usize = 1_000_000;

struct Args {
    customers: usize,
    small: usize,
    big: usize,
}

fn args() -> Args {
    let mut a = Args {
        customers: 10_000,
        small: 1_000_000,
        big: 10_000_000,
    };
    let v: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < v.len() {
        let next = v.get(i + 1).and_then(|s| s.parse().ok());
        match (v[i].as_str(), next) {
            ("--customers", Some(n)) => a.customers = n,
            ("--small", Some(n)) => a.small = n,
            ("--big", Some(n)) => a.big = n,
            _ => {}
        }
        i += 1;
    }
    a
}

async fn bill_time(
    db: &Db,
    partner_id: i64,
    month: Month,
    today: NaiveDate,
) -> (Duration, i64, usize) {
    let mut times = Vec::new();
    let mut last = (0, 0);
    for _ in 0..5 {
        let t = Instant::now();
        let wake = tokio::sync::Notify::new();
        let at = today.and_time(chrono::NaiveTime::MIN).and_utc();
        let ctx =
            partner_console::app::Ctx::new(db, at, "", &wake, &partner_console::api::shapes::API);
        let bill = bills::partner_bill(ctx, partner_id, month).await.unwrap();
        times.push(t.elapsed());
        last = (bill.overview().owed, bill.lines.len());
    }
    times.sort();
    (times[2], last.0, last.1)
}

async fn load_file(db: &Db, path: &Path) -> (usize, Duration) {
    let t = Instant::now();
    let file = std::fs::File::open(path).unwrap();
    let rows = usage_file::Rows::new(file);
    let report = partner_console::app::usage::load(db, rows, Utc::now(), |_| {})
        .await
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected.first());
    println!(
        "  {}: {} rows read, parsed and loaded in {:.2} s",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("?"),
        report.inserted + report.skipped,
        t.elapsed().as_secs_f64()
    );
    (report.inserted, t.elapsed())
}

fn sqlite_import(dir: &Path, files: &[PathBuf]) -> Duration {
    let db = dir.join("plain.db");
    let _ = std::fs::remove_file(&db);
    let setup = "CREATE TABLE usage (org_id TEXT, day TEXT, service TEXT, project TEXT, cluster TEXT, cost TEXT, record_key TEXT UNIQUE);";
    let ok = std::process::Command::new("sqlite3")
        .arg(&db)
        .arg(setup)
        .status()
        .expect("sqlite3 is needed: apt-get install sqlite3");
    assert!(ok.success());
    let t = Instant::now();
    for f in files {
        let st = std::process::Command::new("sqlite3")
            .arg(&db)
            .arg(".mode csv")
            .arg(format!(".import --skip 1 {} usage", f.display()))
            .status()
            .unwrap();
        assert!(st.success());
    }
    t.elapsed()
}

fn rate(rows: usize, d: Duration) -> f64 {
    rows as f64 / d.as_secs_f64()
}

#[tokio::main]
async fn main() {
    let a = args();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let db_path = dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db_path.display()));
    }
    let db = Db::connect(&format!("sqlite://{}", db_path.display()), None)
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let today = Utc::now().date_naive();
    let month = Month::of(today).plus(-1);

    let mut tx = db.begin().await.unwrap();
    let partner_id = common::msp_with_customers(&mut tx, a.customers).await;
    tx.commit().await.unwrap();
    println!(
        "machine: {} cores; {} customers; month {month}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        a.customers
    );

    // 10 thousand rows: one per customer.
    let first = dir.join("usage-0.csv");
    write_csv(&first, 0..a.customers, a.customers, month);
    load_file(&db, &first).await;
    let (t_small, total_small, lines_small) = bill_time(&db, partner_id, month, today).await;
    println!(
        "bill at {} usage rows: {:.1} ms ({lines_small} bill lines, running total {})",
        a.customers,
        t_small.as_secs_f64() * 1e3,
        partner_console::billing::Cents(total_small)
    );

    let mut files = vec![first];
    let mut loaded = a.customers;
    let mut load_time = Duration::ZERO;
    let mut report_at = a.small;
    while loaded < a.big {
        let to = (loaded + FILE_ROWS).min(a.big);
        let f = dir.join(format!("usage-{}.csv", files.len()));
        write_csv(&f, loaded..to, a.customers, month);
        let (n, d) = load_file(&db, &f).await;
        loaded += n;
        load_time += d;
        files.push(f);
        if loaded >= report_at {
            println!(
                "loaded {loaded} rows: {:.0} rows/s so far",
                rate(loaded - a.customers, load_time)
            );
            report_at = a.big;
        }
    }
    let (t_big, _, lines_big) = bill_time(&db, partner_id, month, today).await;
    println!(
        "bill at {loaded} usage rows: {:.1} ms ({lines_big} bill lines)",
        t_big.as_secs_f64() * 1e3
    );

    let t_import = sqlite_import(&dir, &files);
    let ours = rate(loaded - a.customers, load_time);
    let theirs = rate(loaded, t_import);
    println!(
        "sqlite3 .import of the same {} files: {:.0} rows/s",
        files.len(),
        theirs
    );
    println!(
        "our import: {ours:.0} rows/s = {:.2} × sqlite3 .import",
        ours / theirs
    );
}
