//! The usage files both import benchmarks load: one generator, so their figures compare.

use std::io::Write;
use std::ops::Range;
use std::path::Path;

use partner_console::billing::month::Month;
use partner_console::billing::usage_file;

const SERVICES: [&str; 5] = [
    "TiDB Dedicated",
    "TiDB Starter",
    "Backup Storage",
    "Data Transfer",
    "Support Plan",
];

/// What a file holds: rows `rows` of `month`'s first `days` days, spread in turn over the
/// customers numbered `customers` (named by `org_id`), each keeping one service, project and
/// cluster (so a month's roll-up has one line per customer however many rows there are); row
/// `n`'s record key is `key_prefix` and `n`.
pub struct Spec<'a> {
    pub rows: Range<usize>,
    pub month: Month,
    pub days: usize,
    pub customers: Range<usize>,
    pub org_id: &'a dyn Fn(usize) -> String,
    pub key_prefix: &'a str,
}

pub fn write(path: &Path, s: &Spec<'_>) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "{}", usage_file::CSV_HEADER).unwrap();
    let spread = s.customers.len();
    for n in s.rows.clone() {
        let c = s.customers.start + n % spread;
        let day = s.month.first_day() + chrono::Duration::days(((n / spread) % s.days) as i64);
        let cost = 1 + (n * 7919) % 99_999;
        writeln!(
            f,
            "{},{},{},project-{},cluster-{},{}.{:02},{}{}",
            (s.org_id)(c),
            day,
            SERVICES[c % 5],
            c % 3,
            c % 7,
            cost / 100,
            cost % 100,
            s.key_prefix,
            n
        )
        .unwrap();
    }
}
