//! CSV downloads, written by the `csv` crate (quoting, line ends) with every cell a spreadsheet
//! would run as a formula neutralised: a text cell that starts with `=`, `+`, `-`, `@`, a tab or
//! a carriage return gets a leading `'` (OWASP's advice), so an organization named
//! `=HYPERLINK(...)` is shown, never run. Numbers we write (`-12.50`, a margin) stay numbers.

use std::borrow::Cow;

use actix_web::HttpResponse;
use actix_web::http::header;

use super::error::AppError;

/// A CSV file being written, header first.
pub struct CsvFile {
    out: csv::Writer<Vec<u8>>,
}

impl CsvFile {
    pub fn new(header: &[&str]) -> Result<Self, AppError> {
        let mut file = CsvFile {
            out: csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new()),
        };
        file.row(header.iter().copied())?;
        Ok(file)
    }

    pub fn row<S: AsRef<str>>(
        &mut self,
        cells: impl IntoIterator<Item = S>,
    ) -> Result<(), AppError> {
        self.out
            .write_record(
                cells
                    .into_iter()
                    .map(|c| neutralise(c.as_ref()).into_owned()),
            )
            .map_err(|e| AppError::Internal(e.into()))
    }

    /// The file as a download named `filename`, never cached (it holds partners' data).
    pub fn download(self, filename: &str) -> Result<HttpResponse, AppError> {
        let body = self
            .out
            .into_inner()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body))
    }
}

/// `cell` as a spreadsheet may open it without running anything.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `-12`, `-12.50`: what the console writes for amounts, harmless in any spreadsheet.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let frac = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(rows: &[&[&str]]) -> String {
        let mut f = CsvFile::new(&["a", "b"]).unwrap();
        for r in rows {
            f.row(r.iter()).unwrap();
        }
        String::from_utf8(f.out.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        let text = written(&[
            &["plain", "a,b"],
            &["say \"hi\"", "two\nlines"],
            &["=HYPERLINK(\"http://x\")", "+1+1"],
            &["-1+cmd|' /C calc'!A0", "@SUM(A1)"],
            &["\tTAB", "\rCR"],
            &["-12.50", "1234.00"],
        ]);
        assert_eq!(
            text,
            "a,b\n\
             plain,\"a,b\"\n\
             \"say \"\"hi\"\"\",\"two\nlines\"\n\
             \"'=HYPERLINK(\"\"http://x\"\")\",'+1+1\n\
             '-1+cmd|' /C calc'!A0,'@SUM(A1)\n\
             '\tTAB,\"'\rCR\"\n\
             -12.50,1234.00\n"
        );
    }

    #[test]
    fn only_plain_numbers_keep_a_leading_minus() {
        for n in ["-1", "-12.50", "0", "12"] {
            assert_eq!(neutralise(n), n);
        }
        for t in ["-", "-1.", "-.5", "-1e5", "-1-1", "--1"] {
            assert_eq!(neutralise(t), format!("'{t}"));
        }
    }
}
