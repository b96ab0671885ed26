//! Sign-in flood benchmark (issue "Speed and bounded memory" point 1). Not a test.
//!
//!     cargo bench --bench signin                       # 16 clients, 6 s of flood
//!     cargo bench --bench signin -- --clients 32 --seconds 10
//!     cargo bench --bench signin -- --binary /tmp/partner-console-before   # another build
//!
//! Seeds the demo accounts with the release binary (`partner-console demo`, SQLite under
//! target/bench-data/signin/), then starts `partner-console serve` on them (sign-in throttles
//! raised out of reach) as a child process, so that its memory is its own and only serving's.
//! Then: 3 s of `/healthz` alone (idle latency), the flood (N clients, each with its own session
//! and CSRF token, posting a wrong password for the demo owner back to back) with `/healthz`
//! probed beside it, and 5 s of quiet after it. The child's resident memory is sampled from
//! /proc every 50 ms; its peak is the kernel's high-water mark (VmHWM). Prints sign-ins per
//! second, the memory before, at its peak and after, and `/healthz` p50/p99 idle and during
//! the flood with their ratio. Load generator and server share this machine's cores.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use std::io::{BufRead, BufReader};

const ACCOUNT: &str = "owner@acme.example";

struct Args {
    clients: usize,
    seconds: u64,
    /// Another build of the console to flood instead (an older one, for a before/after).
    binary: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        clients: 16,
        seconds: 6,
        binary: None,
    };
    let v: Vec<String> = std::env::args().collect();
    for w in v.windows(2) {
        match (w[0].as_str(), w[1].parse().ok()) {
            ("--clients", Some(n)) => a.clients = n as usize,
            ("--seconds", Some(n)) => a.seconds = n,
            ("--binary", _) => a.binary = Some(w[1].clone()),
            _ => {}
        }
    }
    a
}

/// Kibibytes of a `/proc/PID/status` line such as `VmRSS:   15360 kB`.
fn status_kib(pid: u32, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start(binary: Option<&str>) -> Server {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/signin");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let spawn = |command: &str| {
        Command::new(binary.unwrap_or(env!("CARGO_BIN_EXE_partner-console")))
            .arg(command)
            .env("PC_DATA_DIR", &dir)
            .env("PC_BIND", format!("127.0.0.1:{port}"))
            .env("PC_SIGNIN_MAX_FAILURES", "100000000")
            .env("PC_SIGNIN_MAX_PER_ADDRESS", "100000000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the release binary starts")
    };
    // `demo` seeds the accounts; the flood then meets a freshly started `serve`, whose memory
    // is that of serving only, as in production.
    let mut seeding = spawn("demo");
    let stdout = seeding.stdout.take().unwrap();
    let base = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| {
            line.strip_prefix("Partner Console demo: ")
                .map(|u| u.trim().to_string())
        })
        .expect("demo prints its URL");
    let _ = seeding.kill();
    let _ = seeding.wait();
    let child = spawn("serve");
    let http = reqwest::Client::new();
    let ready = Instant::now() + Duration::from_secs(30);
    while http.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < ready, "serve answers within 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server { child, base }
}

/// Probes `/healthz` every 5 ms until `until` from a thread and runtime of its own, so that the
/// flood's clients do not delay the probe; returns the latencies in µs, sorted.
async fn probe_healthz(base: &str, until: Instant) -> Vec<u64> {
    let base = base.to_string();
    tokio::task::spawn_blocking(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(probe_loop(&base, until))
    })
    .await
    .unwrap()
}

async fn probe_loop(base: &str, until: Instant) -> Vec<u64> {
    let http = reqwest::Client::new();
    let url = format!("{base}/healthz");
    let mut lat = Vec::new();
    while Instant::now() < until {
        let t = Instant::now();
        let r = http.get(&url).send().await.expect("healthz answers");
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
        lat.push(t.elapsed().as_micros() as u64);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    lat.sort_unstable();
    lat
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

/// One client of the flood: its own session and CSRF token, wrong passwords back to back.
async fn flood_client(base: String, until: Instant) -> usize {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http
        .get(format!("{base}/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "name=\"csrf_token\" value=\"";
    let start = page
        .find(marker)
        .expect("the sign-in form has a CSRF token")
        + marker.len();
    let token = page[start..start + page[start..].find('"').unwrap()].to_string();
    let mut refused = 0;
    while Instant::now() < until {
        let r = http
            .post(format!("{base}/sign-in"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", ACCOUNT),
                ("password", "not the password at all"),
                ("next", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            401,
            "a wrong password is refused, not throttled"
        );
        r.bytes().await.unwrap();
        refused += 1;
    }
    refused
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = args();
    let server = start(a.binary.as_deref()).await;
    let pid = server.child.id();
    let base = server.base.clone();
    println!(
        "{} clients posting wrong passwords for {} s to {base} (pid {pid})",
        a.clients, a.seconds
    );

    let idle = probe_healthz(&base, Instant::now() + Duration::from_secs(3)).await;
    let rss_before = status_kib(pid, "VmRSS:");

    let until = Instant::now() + Duration::from_secs(a.seconds);
    let started = Instant::now();
    let sampler = tokio::spawn(async move {
        let mut max = 0;
        while Instant::now() < until + Duration::from_millis(500) {
            max = max.max(status_kib(pid, "VmRSS:"));
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        max
    });
    let clients: Vec<_> = (0..a.clients)
        .map(|_| tokio::spawn(flood_client(base.clone(), until)))
        .collect();
    let during = probe_healthz(&base, until).await;
    let mut signins = 0;
    for c in clients {
        signins += c.await.unwrap();
    }
    let elapsed = started.elapsed();
    let sampled_max = sampler.await.unwrap();
    let peak = status_kib(pid, "VmHWM:");

    tokio::time::sleep(Duration::from_secs(5)).await;
    let rss_after = status_kib(pid, "VmRSS:");

    println!(
        "sign-ins refused: {signins} in {:.1} s = {:.1} per second",
        elapsed.as_secs_f64(),
        signins as f64 / elapsed.as_secs_f64()
    );
    println!(
        "resident memory: {:.0} MiB before, peak {:.0} MiB (sampled max {:.0} MiB), {:.0} MiB 5 s after",
        mib(rss_before),
        mib(peak),
        mib(sampled_max),
        mib(rss_after)
    );
    println!(
        "/healthz idle: p50 {:.2} ms, p99 {:.2} ms ({} probes)",
        pct(&idle, 0.5),
        pct(&idle, 0.99),
        idle.len()
    );
    println!(
        "/healthz during the flood: p50 {:.2} ms, p99 {:.2} ms ({} probes); p99 ratio {:.1}",
        pct(&during, 0.5),
        pct(&during, 0.99),
        during.len(),
        pct(&during, 0.99) / pct(&idle, 0.99)
    );
}
