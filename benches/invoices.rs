//! A month's invoices as PDFs (issue 24: "a month's 1 000 invoices render in a benchmark").
//! Not a test.
//!
//!     cargo bench --bench invoices                 # 1 000 invoices, half of them in Japanese
//!     cargo bench --bench invoices -- --invoices 5000
//!
//! Draws each invoice as the console does (`documents::Document::of_invoice`, then
//! `documents::pdf::render`) from invoices of six lines and a logo, one after another on one
//! thread, and prints the first (which reads the fonts), the median and the slowest, the whole
//! month, the PDFs' sizes and the peak resident memory (`VmHWM`) before and after.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use partner_console::documents::{Document, pdf};
use partner_console::store::invoices::{Invoice, LineRow};

const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48" viewBox="0 0 256 48"><rect x="4" y="4" width="40" height="40" rx="8" fill="#3b5bdb"/><path d="M16 34 L24 12 L32 34 Z" fill="#fff"/><rect x="56" y="16" width="180" height="16" rx="4" fill="#1d2433"/></svg>"##;

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn invoice(n: usize) -> (Invoice, Vec<LineRow>) {
    let japanese = n % 2 == 1;
    let lines: Vec<LineRow> = [
        "TiDB Dedicated",
        "TiDB Starter",
        "Backup Storage",
        "Data Transfer",
        "Support Plan",
    ]
    .iter()
    .enumerate()
    .map(|(i, s)| LineRow {
        kind: "service".into(),
        label: s.to_string(),
        month: "2026-11".into(),
        usage: 123_456 + (n * 7 + i * 1_000) as i64,
        amount: 141_974 + (n * 8 + i * 1_150) as i64,
    })
    .chain(std::iter::once(LineRow {
        kind: "fee".into(),
        label: "Managed service fee".into(),
        month: "2026-11".into(),
        usage: 0,
        amount: 50_000,
    }))
    .collect();
    let subtotal: i64 = lines.iter().map(|l| l.amount).sum();
    let tax = subtotal / 10;
    let now = Utc::now();
    let i = Invoice {
        invoice_id: n as i64,
        partner_id: 1,
        customer_id: n as i64,
        month: "2026-11".into(),
        number: format!("ACME-2026-{n:05}"),
        language: if japanese { "ja" } else { "en-US" }.into(),
        issued_at: now,
        due_date: NaiveDate::from_ymd_opt(2027, 1, 2).unwrap_or_default(),
        currency: "USD".into(),
        subtotal,
        tax_rate_bps: 1_000,
        tax,
        total: subtotal + tax,
        late_through: now,
        issuer_name: "Acme Cloud K.K.".into(),
        issuer_address: "2-11-3 Meguro, Meguro-ku\nTokyo 153-0063, Japan".into(),
        issuer_email: "billing@acme.example".into(),
        issuer_website: "https://acme.example".into(),
        issuer_tax_id: "T4011001234567".into(),
        issuer_logo_id: Some(1),
        footer: "Please pay by bank transfer to Example Bank, Tokyo branch, account 1234567."
            .into(),
        customer_name: if japanese {
            format!("株式会社ひのき {n}")
        } else {
            format!("Willow Games {n}")
        },
        customer_org_id: format!("{:019}", 6_000_000_000_000_000_000u64 + n as u64),
        customer_email: format!("billing{n}@customer.example"),
        state: "issued".into(),
        void_reason: None,
        voided_at: None,
        replaces_id: None,
        sent_at: None,
    };
    (i, lines)
}

fn main() {
    let mut count = 1_000;
    let args: Vec<String> = std::env::args().collect();
    for w in args.windows(2) {
        if let ("--invoices", Ok(n)) = (w[0].as_str(), w[1].parse()) {
            count = n;
        }
    }
    let before = peak_kib();
    let mut times: Vec<Duration> = Vec::with_capacity(count);
    let mut bytes = 0usize;
    let month = Instant::now();
    for n in 1..=count {
        let (i, lines) = invoice(n);
        let t = Instant::now();
        let doc = Document::of_invoice(&i, &lines, Some(LOGO), None);
        let pdf =
            pdf::render(&doc).expect("the fonts are installed (fonts-dejavu-core, fonts-noto-cjk)");
        times.push(t.elapsed());
        bytes += pdf.len();
    }
    let whole = month.elapsed();
    let first = times[0];
    let mut rest = times[1..].to_vec();
    rest.sort();
    let median = rest.get(rest.len() / 2).copied().unwrap_or(first);
    let slowest = rest.last().copied().unwrap_or(first);
    println!("invoices: {count} (half in Japanese), 6 lines and a logo each");
    println!(
        "first (reads the fonts): {:.1} ms",
        first.as_secs_f64() * 1e3
    );
    println!(
        "median: {:.2} ms, slowest: {:.2} ms",
        median.as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3
    );
    println!(
        "the month: {:.2} s, {:.0} invoices/s",
        whole.as_secs_f64(),
        count as f64 / whole.as_secs_f64()
    );
    println!(
        "PDF size: {:.1} KiB on average",
        bytes as f64 / count as f64 / 1024.0
    );
    println!(
        "peak resident memory: {} MiB before, {} MiB after",
        before / 1024,
        peak_kib() / 1024
    );
}
