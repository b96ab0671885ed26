//! Usage files: CSV with the header `org_id,day,service,project,cluster,cost,record_key`, or JSON
//! lines with the same keys. Parsing checks each line on its own; the loader then checks what
//! needs the store (unknown customers, keys loaded before with other content).

use std::io::{BufRead, BufReader, Read};

use chrono::NaiveDate;
use serde::Deserialize;

use super::Cents;

pub const CSV_HEADER: &str = "org_id,day,service,project,cluster,cost,record_key";

/// One valid usage line; `line` is its 1-based line number in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    pub line: usize,
    pub org_id: String,
    pub day: NaiveDate,
    pub service: String,
    pub project: String,
    pub cluster: String,
    pub cost: i64,
    pub record_key: String,
}

/// A refused line and why, as the operator reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
struct RawRow {
    org_id: Option<serde_json::Value>,
    day: Option<String>,
    service: Option<String>,
    project: Option<String>,
    cluster: Option<String>,
    cost: Option<serde_json::Value>,
    record_key: Option<String>,
}

fn text(v: Option<serde_json::Value>) -> String {
    match v {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// A line's seven fields as read, before any check.
struct Fields<'a> {
    org_id: &'a str,
    day: &'a str,
    service: &'a str,
    project: &'a str,
    cluster: &'a str,
    cost: &'a str,
    record_key: &'a str,
}

/// `YYYY-MM-DD`, read digit by digit in the common case (chrono's format parser is the slowest
/// step of a line otherwise); anything else goes to chrono, which decides.
fn parse_day(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        return NaiveDate::from_ymd_opt(y as i32, m, d);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn check(line: usize, f: Fields<'_>) -> Result<UsageRow, Rejected> {
    let fail = |reason: String| Rejected { line, reason };
    let org_id = f.org_id.trim();
    if org_id.is_empty() || !org_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fail(format!(
            "org_id {org_id:?} is not an organization id (digits)"
        )));
    }
    let day = parse_day(f.day.trim())
        .ok_or_else(|| fail(format!("day {:?} is not a date YYYY-MM-DD", f.day)))?;
    let service = f.service.trim();
    if service.is_empty() || service.len() > 100 {
        return Err(fail("service is missing".into()));
    }
    let project = f.project.trim();
    let cluster = f.cluster.trim();
    if project.len() > 200 || cluster.len() > 200 {
        return Err(fail(
            "project or cluster name longer than 200 characters".into(),
        ));
    }
    let cost = Cents::parse(f.cost)
        .map_err(|e| fail(format!("cost: {e}")))?
        .value();
    if cost < 0 {
        return Err(fail(format!("cost {} is negative", f.cost)));
    }
    let record_key = f.record_key.trim();
    if record_key.is_empty() || record_key.len() > 200 {
        return Err(fail("record_key is missing".into()));
    }
    Ok(UsageRow {
        line,
        org_id: org_id.to_string(),
        day,
        service: service.to_string(),
        project: project.to_string(),
        cluster: cluster.to_string(),
        cost,
        record_key: record_key.to_string(),
    })
}

fn check_json(line: usize, raw: RawRow) -> Result<UsageRow, Rejected> {
    let (org_id, cost) = (text(raw.org_id), text(raw.cost));
    check(
        line,
        Fields {
            org_id: &org_id,
            day: raw.day.as_deref().unwrap_or_default(),
            service: raw.service.as_deref().unwrap_or_default(),
            project: raw.project.as_deref().unwrap_or_default(),
            cluster: raw.cluster.as_deref().unwrap_or_default(),
            cost: &cost,
            record_key: raw.record_key.as_deref().unwrap_or_default(),
        },
    )
}

/// Parses a whole file held in memory (tests, benchmarks); a load reads through [`Rows`].
pub fn parse(data: &[u8]) -> (Vec<UsageRow>, Vec<Rejected>) {
    let (mut rows, mut rejected) = (Vec::new(), Vec::new());
    for item in Rows::new(std::io::Cursor::new(data.to_vec())) {
        match item {
            Ok(r) => rows.push(r),
            Err(e) => rejected.push(e),
        }
    }
    (rows, rejected)
}

/// A usage file read as it goes, a line at a time: each item is a valid row or a refused line,
/// in the file's order, so that a file of any size is held a buffer at a time. JSON lines when
/// the first non-blank character is `{`, CSV otherwise.
pub struct Rows {
    format: Format,
}

enum Format {
    Csv {
        reader: csv::Reader<Box<dyn BufRead + Send>>,
        /// One record read into again and again: no allocation per line but the row's own.
        rec: csv::StringRecord,
        header_checked: bool,
    },
    Json {
        reader: Box<dyn BufRead + Send>,
        buf: Vec<u8>,
        line: usize,
    },
    Done,
}

impl Rows {
    pub fn new(source: impl Read + Send + 'static) -> Rows {
        let mut source = BufReader::with_capacity(64 * 1024, source);
        // The blank bytes before the first line are read to tell the format, then put back.
        let mut blank = Vec::new();
        let json = loop {
            let buf = match source.fill_buf() {
                Ok(buf) => buf,
                Err(_) => break false,
            };
            if buf.is_empty() {
                break false;
            }
            let n = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
            if n < buf.len() {
                let json = buf[n] == b'{';
                blank.extend_from_slice(&buf[..n]);
                source.consume(n);
                break json;
            }
            blank.extend_from_slice(buf);
            let n = buf.len();
            source.consume(n);
        };
        let reader: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(blank).chain(source));
        let format = if json {
            Format::Json {
                reader,
                buf: Vec::new(),
                line: 0,
            }
        } else {
            Format::Csv {
                reader: csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(reader),
                rec: csv::StringRecord::new(),
                header_checked: false,
            }
        };
        Rows { format }
    }
}

impl Iterator for Rows {
    type Item = Result<UsageRow, Rejected>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (item, stop) = match &mut self.format {
                Format::Done => return None,
                Format::Json { reader, buf, line } => match next_json(reader, buf, line) {
                    Some(Ok(item)) => (Some(item), false),
                    Some(Err(refused)) => (Some(Err(refused)), true),
                    None => (None, true),
                },
                Format::Csv {
                    reader,
                    rec,
                    header_checked,
                } => next_csv(reader, rec, header_checked),
            };
            if stop {
                self.format = Format::Done;
            }
            if item.is_some() || stop {
                return item;
            }
        }
    }
}

/// The next JSON line's row: `None` at the end, `Some(Err)` when the file cannot be read on
/// (the reading stops), else the line's own result (blank lines are passed over).
#[allow(clippy::type_complexity)]
fn next_json(
    reader: &mut Box<dyn BufRead + Send>,
    buf: &mut Vec<u8>,
    line: &mut usize,
) -> Option<Result<Result<UsageRow, Rejected>, Rejected>> {
    loop {
        buf.clear();
        *line += 1;
        match reader.read_until(b'\n', buf) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => {
                return Some(Err(Rejected {
                    line: *line,
                    reason: format!("unreadable: {e}"),
                }));
            }
        }
        if buf.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let n = *line;
        return Some(Ok(match serde_json::from_slice::<RawRow>(buf) {
            Ok(raw) => check_json(n, raw),
            Err(e) => Err(Rejected {
                line: n,
                reason: format!("not a JSON object with the usage keys: {e}"),
            }),
        }));
    }
}

/// The next CSV record's result and whether reading stops there; `(None, false)` is a line
/// that yields nothing (the header).
fn next_csv(
    reader: &mut csv::Reader<Box<dyn BufRead + Send>>,
    rec: &mut csv::StringRecord,
    header_checked: &mut bool,
) -> (Option<Result<UsageRow, Rejected>>, bool) {
    let n = match reader.read_record(rec) {
        Ok(true) => rec.position().map(|p| p.line() as usize).unwrap_or(0),
        Ok(false) if *header_checked => return (None, true),
        Ok(false) => 0,
        Err(e) => {
            let n = e.position().map(|p| p.line() as usize).unwrap_or(0);
            let stop = matches!(e.kind(), csv::ErrorKind::Io(_)) || !*header_checked;
            let refused = Rejected {
                line: n,
                reason: format!("unreadable CSV: {e}"),
            };
            return (Some(Err(refused)), stop);
        }
    };
    if !*header_checked {
        *header_checked = true;
        if n == 0 || rec.iter().map(str::trim).collect::<Vec<_>>().join(",") != CSV_HEADER {
            let refused = Rejected {
                line: 1,
                reason: format!("the first line must be the header {CSV_HEADER}"),
            };
            return (Some(Err(refused)), true);
        }
        return (None, false);
    }
    if rec.len() != 7 {
        let refused = Rejected {
            line: n,
            reason: format!("{} fields, 7 expected", rec.len()),
        };
        return (Some(Err(refused)), false);
    }
    let fields = Fields {
        org_id: &rec[0],
        day: &rec[1],
        service: &rec[2],
        project: &rec[3],
        cluster: &rec[4],
        cost: &rec[5],
        record_key: &rec[6],
    };
    (Some(check(n, fields)), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_are_checked_one_by_one() {
        let data = format!(
            "{CSV_HEADER}\n\
             1234567890123456789,2026-10-01,TiDB Dedicated,web,prod-1,12.34,k1\n\
             1234567890123456789,2026-10-01,TiDB Dedicated,web,prod-1,-1.00,k2\n\
             1234567890123456789,2026-13-01,Backup Storage,web,,1,k3\n\
             abc,2026-10-01,Backup Storage,web,,1,k4\n\
             1234567890123456789,2026-10-02,\"Data Transfer\",\"web, eu\",c,0.5,k5\n\
             1234567890123456789,2026-10-02,Support Plan,,,1.005,k6\n"
        );
        let (rows, rejected) = parse(data.as_bytes());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cost, 1234);
        assert_eq!(rows[1].project, "web, eu");
        assert_eq!(rows[1].cost, 50);
        assert_eq!(rows[1].line, 6);
        let lines: Vec<usize> = rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 7]);
        assert!(rejected[0].reason.contains("negative"));
        assert!(rejected[1].reason.contains("YYYY-MM-DD"));
        assert!(rejected[3].reason.contains("two decimals"));
    }

    #[test]
    fn json_lines_and_a_wrong_header() {
        let data = b"{\"org_id\":\"42\",\"day\":\"2026-10-01\",\"service\":\"TiDB Starter\",\"project\":\"p\",\"cluster\":\"c\",\"cost\":\"1.50\",\"record_key\":\"a\"}\n\n{oops}\n";
        let (rows, rejected) = parse(data);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].cost, 150);
        assert_eq!(rejected[0].line, 3);
        let (rows, rejected) = parse(b"org,day\n1,2\n");
        assert!(rows.is_empty());
        assert!(rejected[0].reason.contains("header"));
    }

    #[test]
    fn blank_lines_before_the_first_keep_line_numbers() {
        let data = b"\n  \n{\"org_id\":\"42\"}\n";
        let (rows, rejected) = parse(data);
        assert!(rows.is_empty());
        assert_eq!(rejected[0].line, 3, "{rejected:?}");
        let data = format!("\n{CSV_HEADER}\n42,2026-10-01,TiDB Starter,p,c,1.00,a\n42,x,,,,,\n");
        let (rows, rejected) = parse(data.as_bytes());
        assert_eq!((rows.len(), rows[0].line), (1, 3));
        assert_eq!(rejected[0].line, 4, "{rejected:?}");
    }
}
