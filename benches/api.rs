//! API benchmark (issue "Management API" point 8). Not a test.
//!
//!     cargo bench --bench api                          # 64 connections, 10 s per server
//!     cargo bench --bench api -- --seconds 5 --connections 32
//!     cargo bench --bench api -- --postgres postgres://postgres@127.0.0.1:5432/test
//!
//! With `--postgres` the console keeps its data (and its rate limits, as in production) in a
//! schema of its own in that database, dropped at the end.
//!
//! Starts the real application (release build, SQLite under target/bench-data/) with one MSP,
//! 1 000 customers and an API key, and beside it a plain actix-web server whose one handler
//! returns the same bytes as `GET /v1beta1/msp/mspCustomers?pageSize=100`, with no
//! authentication and no database. Then, for each server in turn, N keep-alive connections (one
//! client each, requests one after another) call that URL for the given time; the console's
//! clients answer the Digest challenge once and reuse the nonce with a growing nc, as the
//! Support page tells scripts to. Prints requests per second, p50 and p99 latency, and the ratio.
//! Load generator and servers share this machine's cores, as they do in the figures in the README.

use std::time::{Duration, Instant};

mod common;
#[path = "common/digest.rs"]
mod digest;

use digest::Digest;

use actix_web::{App, HttpResponse, HttpServer, web};
use base64::Engine;
use chrono::Utc;
use partner_console::config::{RateLimitStore, Settings};
use partner_console::startup::Application;
use partner_console::store::api_keys::{self, NewApiKey};
use secrecy::SecretString;

const PATH: &str = "/v1beta1/msp/mspCustomers?pageSize=100";

struct Args {
    seconds: u64,
    connections: usize,
    postgres: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        seconds: 10,
        connections: 64,
        postgres: None,
    };
    let v: Vec<String> = std::env::args().collect();
    for w in v.windows(2) {
        match (w[0].as_str(), w[1].parse().ok()) {
            ("--seconds", Some(n)) => a.seconds = n,
            ("--connections", Some(n)) => a.connections = n as usize,
            ("--postgres", _) => a.postgres = Some(w[1].clone()),
            _ => {}
        }
    }
    a
}

/// A fresh schema in the given PostgreSQL database.
async fn pg_schema(url: &str) -> String {
    use sqlx::Connection;
    let name = format!("bench_api_{}", std::process::id());
    let mut c = sqlx::PgConnection::connect(url)
        .await
        .expect("PostgreSQL answers");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
        .execute(&mut c)
        .await
        .unwrap();
    name
}

async fn drop_pg_schema(url: &str, name: &str) {
    use sqlx::Connection;
    if let Ok(mut c) = sqlx::PgConnection::connect(url).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {name} CASCADE")))
            .execute(&mut c)
            .await;
    }
}

async fn start_console(dir: &std::path::Path, postgres: Option<(&str, &str)>) -> (String, String) {
    let engine = base64::engine::general_purpose::STANDARD;
    let database_url = match postgres {
        Some((url, _)) => url.to_string(),
        None => format!("sqlite://{}", dir.join("api.db").display()),
    };
    let settings = Settings {
        bind: "127.0.0.1:0".into(),
        public_url: "http://127.0.0.1:0".into(),
        data_dir: dir.to_path_buf(),
        database_url: SecretString::from(database_url),
        database_schema: postgres.map(|(_, schema)| schema.to_string()),
        smtp_url: None,
        mail_from: "Partner Console <bench@partner-console.local>".into(),
        session_key: Some(SecretString::from(
            engine.encode(rand::random::<[u8; 64]>()),
        )),
        api_key_secret: Some(SecretString::from(
            engine.encode(rand::random::<[u8; 32]>()),
        )),
        // The limiter runs on every request, as in production; its quota is set out of reach so
        // that the figures are of serving, not of refusing.
        api_rate_limit_per_minute: 1_000_000,
        api_rate_limit_store: if postgres.is_some() {
            RateLimitStore::Database
        } else {
            RateLimitStore::Memory
        },
        ..Settings::defaults()
    };
    let app = Application::build(settings).await.expect("console builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run());

    let now = Utc::now();
    let mut tx = state.db.begin().await.unwrap();
    let partner_id = common::msp_with_customers(&mut tx, 1000).await;
    let key = state.vault.issue().unwrap();
    let new = NewApiKey::issued(partner_id, "bench", &key);
    api_keys::insert(&mut tx, new, now).await.unwrap();
    tx.commit().await.unwrap();
    (base, format!("{}:{}", key.public_key, key.private_key))
}

/// The plain server: the same bytes, no authentication, no database.
fn start_plain(body: Vec<u8>) -> String {
    let body = web::Bytes::from(body);
    let server = HttpServer::new(move || {
        let body = body.clone();
        App::new().route(
            "/v1beta1/msp/mspCustomers",
            web::get().to(move || {
                let body = body.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(body)
                }
            }),
        )
    })
    .workers(std::thread::available_parallelism().map_or(2, |n| n.get()))
    .bind("127.0.0.1:0")
    .unwrap();
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    format!("http://127.0.0.1:{port}")
}

struct Outcome {
    requests: usize,
    not_ok: usize,
    latencies_us: Vec<u64>,
    elapsed: Duration,
}

async fn load(
    base: &str,
    path: &'static str,
    key: Option<&str>,
    connections: usize,
    seconds: u64,
) -> Outcome {
    let url = format!("{base}{path}");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let url = url.clone();
        let mut digest = key.map(|k| {
            let (u, p) = k.split_once(':').unwrap();
            Digest {
                user: u.into(),
                password: p.into(),
                nonce: None,
                nc: 0,
            }
        });
        tasks.push(tokio::spawn(async move {
            // One client per task, at most one idle connection: one keep-alive connection each.
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap();
            let mut lat = Vec::with_capacity(1 << 16);
            let mut not_ok = 0usize;
            while Instant::now() < deadline {
                let t = Instant::now();
                let mut req = http.get(&url);
                if let Some(h) = digest.as_mut().and_then(|d| d.header(path)) {
                    req = req.header("authorization", h);
                }
                let r = req.send().await.expect("request");
                let status = r.status();
                if status == 401
                    && let Some(d) = digest.as_mut()
                {
                    // The challenge round trip: paid once per connection, not counted.
                    d.take_challenge(&r);
                    r.bytes().await.unwrap();
                    continue;
                }
                let body = r.bytes().await.expect("body");
                lat.push(t.elapsed().as_micros() as u64);
                if status != 200 || body.is_empty() {
                    not_ok += 1;
                }
            }
            (lat, not_ok)
        }));
    }
    let mut latencies_us = Vec::new();
    let mut not_ok = 0;
    for t in tasks {
        let (l, n) = t.await.unwrap();
        latencies_us.extend(l);
        not_ok += n;
    }
    latencies_us.sort_unstable();
    Outcome {
        requests: latencies_us.len(),
        not_ok,
        latencies_us,
        elapsed: started.elapsed(),
    }
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

fn report(name: &str, o: &Outcome) -> f64 {
    let rps = o.requests as f64 / o.elapsed.as_secs_f64();
    println!(
        "{name:<62} {rps:>10.0} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms   ({} requests, {} not 200)",
        pct(&o.latencies_us, 0.50),
        pct(&o.latencies_us, 0.99),
        o.requests,
        o.not_ok
    );
    rps
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = args();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/api");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let schema = match &a.postgres {
        Some(url) => Some(pg_schema(url).await),
        None => None,
    };
    let pg = a.postgres.as_deref().zip(schema.as_deref());
    let (console, key) = start_console(&dir, pg).await;
    let store = if pg.is_some() {
        "PostgreSQL, limits in the database"
    } else {
        "SQLite, limits in memory"
    };

    // The exact bytes the console answers, for the plain server.
    let mut probe = Digest {
        user: key.split_once(':').unwrap().0.into(),
        password: key.split_once(':').unwrap().1.into(),
        nonce: None,
        nc: 0,
    };
    let http = reqwest::Client::new();
    let challenge = http.get(format!("{console}{PATH}")).send().await.unwrap();
    probe.take_challenge(&challenge);
    let r = http
        .get(format!("{console}{PATH}"))
        .header("authorization", probe.header(PATH).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.bytes().await.unwrap().to_vec();
    let customers = serde_json::from_slice::<serde_json::Value>(&body).unwrap()["mspCustomers"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(customers, 100);
    let plain = start_plain(body.clone());

    println!(
        "GET {PATH}: {} bytes, {} keep-alive connections, {} s per server after a 2 s warm-up",
        body.len(),
        a.connections,
        a.seconds
    );
    load(&console, PATH, Some(&key), a.connections, 2).await;
    let c = load(&console, PATH, Some(&key), a.connections, a.seconds).await;
    load(&plain, PATH, None, a.connections, 2).await;
    let p = load(&plain, PATH, None, a.connections, a.seconds).await;
    // Where the time goes: the same authentication with a one-row answer.
    let me = load(&console, "/api/v1/me", Some(&key), a.connections, a.seconds).await;
    let rc = report(&format!("console (Digest, rate limit, {store})"), &c);
    let rp = report("plain actix-web handler, same bytes", &p);
    println!("ratio console / plain: {:.3}", rc / rp);
    report("for scale: console GET /api/v1/me (Digest, 1 row)", &me);
    if let Some((url, schema)) = pg {
        drop_pg_schema(url, schema).await;
    }
}
