//! Usage import as an operator runs it: memory and speed of `partner-console usage import FILE`
//! on a database already in use (issue 25, points 1 and 2). Not a test.
//!
//!     cargo bench --bench import                          # SQLite: 1 M then 10 M rows
//!     cargo bench --bench import -- --rows 1000000,2000000
//!     cargo bench --bench import -- --postgres postgres://postgres@127.0.0.1:5432/test
//!     cargo bench --bench import -- --binary PATH         # another build of the console
//!
//! Builds the demo as `partner-console demo --customers 1000` does (six closed months), writes
//! CSV files of the running month for those customers under target/bench-data/import/ (never
//! committed), and runs the real binary's `usage import` on each in turn, sampling the process's
//! `/proc/PID/status` every 20 ms for its anonymous resident memory (`RssAnon`, what the load
//! itself holds; file pages of the database are the kernel's cache) and its peak resident set
//! (`VmHWM`). The same files then go into a plain table with a unique key by the store's own
//! bulk loader — `sqlite3 .import` into a WAL database, or `psql \copy` (`COPY`) — for a ratio
//! measured in the same run. Needs `sqlite3` (`apt-get install sqlite3`) or `psql`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "common/usage_csv.rs"]
mod usage_csv;

use base64::Engine;
use chrono::Utc;
use partner_console::billing::month::Month;
use partner_console::config::Settings;
use partner_console::demo;
use partner_console::startup::Application;
use secrecy::SecretString;

struct Args {
    rows: Vec<usize>,
    customers: usize,
    postgres: Option<String>,
    binary: PathBuf,
}

fn args() -> Args {
    let mut a = Args {
        rows: vec![1_000_000, 10_000_000],
        customers: 1000,
        postgres: None,
        binary: PathBuf::from(env!("CARGO_BIN_EXE_partner-console")),
    };
    let v: Vec<String> = std::env::args().collect();
    for w in v.windows(2) {
        match w[0].as_str() {
            "--rows" => a.rows = w[1].split(',').filter_map(|n| n.parse().ok()).collect(),
            "--customers" => a.customers = w[1].parse().unwrap_or(a.customers),
            "--postgres" => a.postgres = Some(w[1].clone()),
            "--binary" => a.binary = PathBuf::from(&w[1]),
            _ => {}
        }
    }
    a
}

/// A field of `/proc/PID/status` in KiB.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Run {
    elapsed: Duration,
    rss_anon_kib: u64,
    hwm_kib: u64,
}

/// Runs `usage import` on `file` and samples its memory until it exits.
fn import(a: &Args, env: &[(&str, String)], file: &Path) -> Run {
    let t = Instant::now();
    let mut child = Command::new(&a.binary)
        .args(["usage", "import"])
        .arg(file)
        .env("RUST_LOG", "warn")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the console binary runs");
    let pid = child.id();
    let (mut anon, mut hwm) = (0, 0);
    loop {
        if let Some(k) = status_kib(pid, "RssAnon:") {
            anon = anon.max(k);
        }
        if let Some(k) = status_kib(pid, "VmHWM:") {
            hwm = hwm.max(k);
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the import failed: {text}");
    assert!(text.contains(" inserted"), "{text}");
    Run {
        elapsed: t.elapsed(),
        rss_anon_kib: anon,
        hwm_kib: hwm,
    }
}

/// The store's own bulk load of `file` into a plain table with a unique key.
fn reference(dir: &Path, postgres: Option<&str>, file: &Path) -> Duration {
    match postgres {
        None => {
            let db = dir.join("plain.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            let setup = "PRAGMA journal_mode=WAL; CREATE TABLE usage (org_id TEXT, day TEXT, service TEXT, project TEXT, cluster TEXT, cost TEXT, record_key TEXT UNIQUE);";
            let st = Command::new("sqlite3")
                .arg(&db)
                .arg(setup)
                .stdout(Stdio::null())
                .status()
                .expect("sqlite3 is needed: apt-get install sqlite3");
            assert!(st.success());
            let t = Instant::now();
            let st = Command::new("sqlite3")
                .arg(&db)
                .arg(".mode csv")
                .arg(format!(".import --skip 1 {} usage", file.display()))
                .status()
                .unwrap();
            assert!(st.success());
            t.elapsed()
        }
        Some(url) => {
            psql(
                url,
                "DROP SCHEMA IF EXISTS bench_plain CASCADE; CREATE SCHEMA bench_plain; CREATE TABLE bench_plain.usage (org_id TEXT, day TEXT, service TEXT, project TEXT, cluster TEXT, cost TEXT, record_key TEXT UNIQUE);",
            );
            let t = Instant::now();
            psql(
                url,
                &format!(
                    "\\copy bench_plain.usage FROM '{}' WITH (FORMAT csv, HEADER true)",
                    file.display()
                ),
            );
            let d = t.elapsed();
            psql(url, "DROP SCHEMA bench_plain CASCADE;");
            d
        }
    }
}

fn psql(url: &str, sql: &str) {
    let st = Command::new("psql")
        .args(["-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
        .stdout(Stdio::null())
        .status()
        .expect("psql is needed");
    assert!(st.success(), "psql: {sql}");
}

#[tokio::main]
async fn main() {
    let a = args();
    let store = if a.postgres.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/import/{store}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (database_url, schema) = match &a.postgres {
        Some(url) => {
            psql(
                url,
                "DROP SCHEMA IF EXISTS bench_import CASCADE; CREATE SCHEMA bench_import;",
            );
            (url.clone(), Some("bench_import".to_string()))
        }
        None => (
            format!("sqlite://{}", dir.join("console.db").display()),
            None,
        ),
    };
    let engine = base64::engine::general_purpose::STANDARD;
    let settings = Settings {
        data_dir: dir.clone(),
        database_url: SecretString::from(database_url.clone()),
        database_schema: schema.clone(),
        session_key: Some(SecretString::from(
            engine.encode(rand::random::<[u8; 64]>()),
        )),
        api_key_secret: Some(SecretString::from(
            engine.encode(rand::random::<[u8; 32]>()),
        )),
        outbox_worker: false,
        ..Settings::defaults()
    };
    let t = Instant::now();
    let first = {
        let app = Application::build(settings).await.expect("console builds");
        let state = app.state().clone();
        let seeded = demo::seed_and_grow(
            &state.db,
            &state.vault,
            "http://127.0.0.1",
            Some(demo::Grow {
                customers: a.customers,
                progress: &mut |_, _| {},
            }),
        )
        .await
        .unwrap();
        state.db.close().await;
        seeded.scaled.map_or(0, |s| s.customers_before as usize)
    };
    println!(
        "machine: {} cores; store {store}; demo with {} customers built in {:.0} s",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        a.customers,
        t.elapsed().as_secs_f64()
    );

    let mut env = vec![
        ("DATABASE_URL", database_url),
        ("PC_DATA_DIR", dir.display().to_string()),
    ];
    if let Some(s) = schema {
        env.push(("PC_DATABASE_SCHEMA", s));
    }
    let month = Month::of(Utc::now().date_naive());
    println!(
        "| rows | file | import | rows/s | reference rows/s | ratio | peak RssAnon | peak VmHWM |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for &rows in &a.rows {
        let file = dir.join(format!("usage-{rows}.csv"));
        // The demo's own MSP customers come first (`first` of them); the scale customers are
        // numbered after them.
        let key_prefix = format!("bench-{rows}-");
        let spec = usage_csv::Spec {
            rows: 0..rows,
            month,
            days: (Utc::now().date_naive() - month.first_day()).num_days() as usize + 1,
            customers: first..a.customers,
            org_id: &demo::scale::org_id,
            key_prefix: &key_prefix,
        };
        usage_csv::write(&file, &spec);
        let size = std::fs::metadata(&file).unwrap().len();
        let run = import(&a, &env, &file);
        let theirs = reference(&dir, a.postgres.as_deref(), &file);
        let _ = std::fs::remove_file(&file);
        let ours = rows as f64 / run.elapsed.as_secs_f64();
        let ref_rate = rows as f64 / theirs.as_secs_f64();
        println!(
            "| {rows} | {:.0} MB | {:.1} s | {ours:.0} | {ref_rate:.0} | {:.2} | {:.0} MiB | {:.0} MiB |",
            size as f64 / 1e6,
            run.elapsed.as_secs_f64(),
            ours / ref_rate,
            run.rss_anon_kib as f64 / 1024.0,
            run.hwm_kib as f64 / 1024.0,
        );
    }
}
