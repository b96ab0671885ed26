//! Console pages at scale (issue "Speed and bounded memory" points 4 and 5). Not a test.
//!
//!     cargo bench --bench pages                        # the demo MSP with 10 000 customers
//!     cargo bench --bench pages -- --customers 100000 --runs 9
//!     cargo bench --bench pages -- --keep              # reuse the last run's database
//!
//! Builds the demo (as `partner-console demo --customers N` does: six months of usage per
//! customer, through the usage import) in a SQLite file under target/bench-data/pages/, starts
//! the console in this process, signs in as the demo MSP's owner and times, as medians of the
//! given number of runs, one after another: the application-layer bill of the running month
//! (`bills::partner_bill`, roll-up reads included), the Billing page that renders it, the
//! dashboard, the customer list's first and last pages, and the MSP API's monthly bill of last
//! month (with its size). Prints the ratios the issue names.

use std::time::{Duration, Instant};

#[path = "common/digest.rs"]
mod digest;

use chrono::Utc;
use partner_console::app::bills;
use partner_console::billing::month::Month;
use partner_console::config::Settings;
use partner_console::demo;
use partner_console::startup::Application;
use secrecy::SecretString;

struct Args {
    customers: usize,
    runs: usize,
    /// Reuse the demo database of an earlier run of the same size (`--keep`): the minutes of
    /// seeding are paid once while a change is measured again and again.
    keep: bool,
}

fn args() -> Args {
    let mut a = Args {
        customers: 10_000,
        runs: 15,
        keep: false,
    };
    let v: Vec<String> = std::env::args().collect();
    a.keep = v.iter().any(|x| x == "--keep");
    for w in v.windows(2) {
        match (w[0].as_str(), w[1].parse().ok()) {
            ("--customers", Some(n)) => a.customers = n,
            ("--runs", Some(n)) => a.runs = n.max(1),
            _ => {}
        }
    }
    a
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// This process's resident memory in KiB (the console runs in this process): all of it
/// (`VmRSS`) and its anonymous part (`RssAnon`: without the database file's pages that SQLite
/// maps, which are the kernel's cache).
fn rss_kib() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("RssAnon:"))
}

/// The heap this process holds, counted at every allocation: resident memory above tells
/// little of what one answer holds, since the allocator hands out again what earlier rounds
/// freed (one build's running-month bill rose 16 MiB in one run and 52 MiB in the next), while
/// the heap's peak during an answer is what the answer itself made.
struct Counting;

static HEAP: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static HEAP_PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only counters are added.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use std::sync::atomic::Ordering::Relaxed;
        // SAFETY: the caller's contract is the system allocator's.
        let p = unsafe { std::alloc::System.alloc(layout) };
        if !p.is_null() {
            let now = HEAP.fetch_add(layout.size(), Relaxed) + layout.size();
            HEAP_PEAK.fetch_max(now, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: as above.
        unsafe { std::alloc::System.dealloc(ptr, layout) };
        HEAP.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, size: usize) -> *mut u8 {
        use std::sync::atomic::Ordering::Relaxed;
        // SAFETY: as above.
        let p = unsafe { std::alloc::System.realloc(ptr, layout, size) };
        if !p.is_null() {
            HEAP.fetch_sub(layout.size(), Relaxed);
            let now = HEAP.fetch_add(size, Relaxed) + size;
            HEAP_PEAK.fetch_max(now, Relaxed);
        }
        p
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Forgets the heap's peak so far; [`heap_peak_rise`] then tells how far it rose above `before`.
fn heap_mark() -> usize {
    let now = HEAP.load(std::sync::atomic::Ordering::Relaxed);
    HEAP_PEAK.store(now, std::sync::atomic::Ordering::Relaxed);
    now
}

fn heap_peak_rise(before: usize) -> usize {
    HEAP_PEAK
        .load(std::sync::atomic::Ordering::Relaxed)
        .saturating_sub(before)
}

/// Samples [`rss_kib`] every 5 ms on its own thread until stopped; the highest seen.
struct Sampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<(u64, u64)>,
}

impl Sampler {
    fn start() -> Sampler {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut peak = (0, 0);
            loop {
                let (all, anon) = rss_kib();
                peak = (peak.0.max(all), peak.1.max(anon));
                if flag.load(std::sync::atomic::Ordering::Relaxed) {
                    return peak;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        Sampler { stop, thread }
    }

    fn stop(self) -> (u64, u64) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap_or((0, 0))
    }
}

/// Reads an answer to its end and says its size, keeping none of it: the client runs in this
/// process, whose memory is what is measured.
async fn drain(mut r: reqwest::Response) -> usize {
    let mut n = 0;
    while let Some(chunk) = r.chunk().await.unwrap() {
        n += chunk.len();
    }
    n
}

/// Times `runs` GETs of `path` with the signed-in client; the median and the last body.
async fn page(http: &reqwest::Client, base: &str, path: &str, runs: usize) -> (Duration, String) {
    let mut times = Vec::new();
    let mut body = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        let r = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        body = r.text().await.unwrap();
        times.push(t.elapsed());
    }
    (median(times), body)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = args();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("target/bench-data/pages/{}", a.customers));
    if !a.keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    std::fs::create_dir_all(&dir).unwrap();
    let settings = Settings {
        bind: "127.0.0.1:0".into(),
        public_url: "http://127.0.0.1:0".into(),
        data_dir: dir.clone(),
        database_url: SecretString::from(format!("sqlite://{}", dir.join("pages.db").display())),
        // Generated into the data folder once, so a kept database's keys still open.
        session_key: None,
        api_key_secret: None,
        api_rate_limit_per_minute: 1_000_000,
        outbox_worker: false,
        ..Settings::defaults()
    };
    let app = Application::build(settings).await.expect("console builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run());

    let t = Instant::now();
    // As `partner-console demo --customers N` does: grown, then the finished months closed.
    let seeded = demo::seed_and_grow(
        &state.db,
        &state.vault,
        &base,
        Some(demo::Grow {
            customers: a.customers,
            progress: &mut |_, _| {},
        }),
    )
    .await
    .unwrap();
    let msp = demo::scale_target(&state.db).await.unwrap();
    let scaled = seeded.scaled.unwrap_or_default();
    println!(
        "demo MSP with {} customers ({} usage rows added) in {:.1} s",
        a.customers,
        scaled.usage_rows,
        t.elapsed().as_secs_f64()
    );

    let today = Utc::now().date_naive();
    let month = Month::of(today);
    // Warm: the first read after seeding pays for the WAL and the page cache.
    bills::partner_bill(state.app(), msp, month).await.unwrap();
    let mut bill_times = Vec::new();
    for _ in 0..a.runs {
        let t = Instant::now();
        let bill = bills::partner_bill(state.app(), msp, month).await.unwrap();
        bill_times.push(t.elapsed());
        assert!(!bill.lines.is_empty());
    }
    let bill = median(bill_times);
    let mut window_times = Vec::new();
    for _ in 0..a.runs {
        let t = Instant::now();
        bills::window_totals(state.app(), msp).await.unwrap();
        window_times.push(t.elapsed());
    }
    let window = median(window_times);

    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = http
        .get(format!("{base}/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "name=\"csrf_token\" value=\"";
    let start = form.find(marker).unwrap() + marker.len();
    let token = &form[start..start + form[start..].find('"').unwrap()];
    let r = http
        .post(format!("{base}/sign-in"))
        .form(&[
            ("csrf_token", token),
            ("email", "owner@acme.example"),
            ("password", "Acme-Demo-Pass-2026"),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "the demo owner signs in");

    page(&http, &base, "/console/billing", 1).await;
    let (billing, billing_html) = page(&http, &base, "/console/billing", a.runs).await;
    let (dashboard, _) = page(&http, &base, "/console", a.runs).await;
    // Last month, closed by the demo as an operator would: read from its stored lines.
    let closed_path = format!("/console/billing?month={}", month.plus(-1));
    let (closed_billing, _) = page(&http, &base, &closed_path, a.runs).await;
    // ... and the bill it renders, alone: what reading the stored month costs.
    let mut closed_times = Vec::new();
    for _ in 0..a.runs {
        let t = Instant::now();
        bills::partner_bill(state.app(), msp, month.plus(-1))
            .await
            .unwrap();
        closed_times.push(t.elapsed());
    }
    let closed_bill = median(closed_times);
    let (first, _) = page(&http, &base, "/console/customers", a.runs).await;
    let (last, last_html) = page(&http, &base, "/console/customers?last=1", a.runs).await;
    assert!(last_html.contains("Scale Customer") || a.customers <= 36);
    // By this month's usage (every customer's roll-ups of the month summed and sorted), and
    // the page of the customer at the top of it (its share of the partner's bill).
    let (by_usage, by_usage_html) =
        page(&http, &base, "/console/customers?sort=usage", a.runs).await;
    let marker = "href=\"/console/customers/";
    let at = by_usage_html.find(marker).expect("a customer") + marker.len();
    let org = &by_usage_html[at..at + by_usage_html[at..].find('"').unwrap()];
    let (customer, _) = page(&http, &base, &format!("/console/customers/{org}"), a.runs).await;
    assert!(billing_html.contains("Billing") || billing_html.contains("billing"));

    // The MSP API's bill of last month, with every customer's bill in it.
    let user = seeded.curls[0]
        .split('\'')
        .nth(1)
        .expect("the demo MSP's curl line");
    let (public, private) = user.split_once(':').unwrap();
    let mut d = digest::Digest {
        user: public.into(),
        password: private.into(),
        nonce: None,
        nc: 0,
    };
    let api = reqwest::Client::new();
    let path = format!("/v1beta1/msp/bills/{}", month.plus(-1));
    let challenge = api.get(format!("{base}{path}")).send().await.unwrap();
    d.take_challenge(&challenge);
    let mut api_times = Vec::new();
    let mut size = 0;
    for _ in 0..a.runs {
        let t = Instant::now();
        let r = api
            .get(format!("{base}{path}"))
            .header("authorization", d.header(&path).unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        size = drain(r).await;
        api_times.push(t.elapsed());
    }
    let api_bill = median(api_times);

    // The process's resident memory while it serves that bill: one client, then four at once
    // (issue 25: at most 64 MiB and 256 MiB above what it held before), four twice.
    let mut rise = Vec::new();
    // Four at once twice: the second round tells what the first paid once (the pool's
    // connections warming their page caches) from what each answer holds.
    // Then the Partner Management API's bill of the same month (each customer's totals).
    let v1 = format!("/api/v1/bills/{}", month.plus(-1));
    // And the running month's MSP bill, computed whole (its credits spread over every line).
    let running = format!("/v1beta1/msp/bills/{month}");
    let running_v1 = format!("/api/v1/bills/{month}");
    let rounds = [
        (&path, 1usize),
        (&path, 4),
        (&path, 4),
        (&v1, 1),
        (&v1, 4),
        (&running, 1),
        (&running_v1, 1),
    ];
    for (path, clients) in rounds {
        // Each client with a nonce of its own, so none is refused for a count out of order.
        let mut headers = Vec::new();
        for _ in 0..clients {
            let challenge = api.get(format!("{base}{path}")).send().await.unwrap();
            let mut own = digest::Digest {
                user: public.into(),
                password: private.into(),
                nonce: None,
                nc: 0,
            };
            own.take_challenge(&challenge);
            headers.push(own.header(path).unwrap());
        }
        let before = rss_kib();
        let heap = heap_mark();
        let sampler = Sampler::start();
        let gets = headers.into_iter().map(|header| {
            let (api, base, path) = (api.clone(), base.clone(), path.clone());
            async move {
                let r = api
                    .get(format!("{base}{path}"))
                    .header("authorization", header)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                drain(r).await
            }
        });
        let sizes = futures_util::future::join_all(gets).await;
        let expected = if *path == v1 || *path == running || *path == running_v1 {
            sizes[0]
        } else {
            size
        };
        assert!(
            expected > 0 && sizes.iter().all(|n| *n == expected),
            "every client reads the whole bill"
        );
        let peak = sampler.stop();
        rise.push((
            path.clone(),
            clients,
            peak.0.saturating_sub(before.0),
            peak.1.saturating_sub(before.1),
            heap_peak_rise(heap),
        ));
    }

    // The Billing page's CSV and FOCUS file of last month and of the running month (every
    // line of every customer; FOCUS a row per customer, day, service, project and cluster), one
    // client each.
    let files = [month.plus(-1), month].into_iter().flat_map(|m| {
        [
            format!("/console/billing.csv?month={m}"),
            format!("/console/billing/focus.csv?month={m}"),
        ]
    });
    for csv in files {
        let before = rss_kib();
        let heap = heap_mark();
        let sampler = Sampler::start();
        let started = Instant::now();
        let r = http.get(format!("{base}{csv}")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let csv_size = drain(r).await;
        let took = started.elapsed();
        let peak = sampler.stop();
        rise.push((
            format!("{csv} ({csv_size} bytes in {:.0} ms)", ms(took)),
            1,
            peak.0.saturating_sub(before.0),
            peak.1.saturating_sub(before.1),
            heap_peak_rise(heap),
        ));
    }

    println!("medians of {} runs, {} customers:", a.runs, a.customers);
    println!(
        "  bill of {month} (bills::partner_bill):     {:8.1} ms",
        ms(bill)
    );
    println!(
        "  the dashboard's chart (bills::window_totals): {:5.1} ms",
        ms(window)
    );
    println!(
        "  Billing page:                             {:8.1} ms  = {:.2} x the bill",
        ms(billing),
        ms(billing) / ms(bill)
    );
    println!(
        "  dashboard:                                {:8.1} ms  = {:.2} x the Billing page",
        ms(dashboard),
        ms(dashboard) / ms(billing)
    );
    println!(
        "  Billing page of last month (closed):      {:8.1} ms (its bill alone {:.1} ms)",
        ms(closed_billing),
        ms(closed_bill)
    );
    println!(
        "  customer list, first page:                {:8.1} ms",
        ms(first)
    );
    println!(
        "  customer list, last page:                 {:8.1} ms  = {:.2} x the first",
        ms(last),
        ms(last) / ms(first)
    );
    println!(
        "  customer list by this month's usage:      {:8.1} ms  = {:.2} x the first page",
        ms(by_usage),
        ms(by_usage) / ms(first)
    );
    println!(
        "  a customer's page (its bill, by cluster): {:8.1} ms  = {:.2} x the Billing page",
        ms(customer),
        ms(customer) / ms(billing)
    );
    println!(
        "  MSP API GET {path}: {:8.1} ms, {} bytes",
        ms(api_bill),
        size
    );
    for (path, clients, all, anon, heap) in rise {
        println!(
            "  resident memory rise serving {path} to {clients} client(s) at once: {:.1} MiB \
             (RssAnon {:.1} MiB), heap peak +{:.1} MiB",
            all as f64 / 1024.0,
            anon as f64 / 1024.0,
            heap as f64 / (1024.0 * 1024.0)
        );
    }
}
