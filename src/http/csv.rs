//! CSV downloads, written by the `csv` crate (quoting, line ends) with every cell a spreadsheet
//! would run as a formula neutralised: a text cell that starts with `=`, `+`, `-`, `@`, a tab or
//! a carriage return gets a leading `'` (OWASP's advice), so an organization named
//! `=HYPERLINK(...)` is shown, never run. Numbers we write (`-12.50`, a margin) stay numbers.

use std::borrow::Cow;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::Bytes;
use futures_util::{Stream, StreamExt};

use super::Chunk;

/// Rows a streamed download writes per chunk.
const CHUNK_ROWS: usize = 500;

/// A CSV download written as the client reads it: the header, then `rows` as they come (a
/// bill of 100 000 customers, the whole audit log), a few hundred rows per chunk, so the file
/// is never held whole.
pub fn streamed<S, E>(filename: &str, header: &[&str], rows: S) -> HttpResponse
where
    S: Stream<Item = Result<Vec<String>, E>> + 'static,
    E: std::fmt::Display + 'static,
{
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let head = futures_util::stream::once(std::future::ready(encode(&[Ok::<_, E>(header)])));
    let body = rows.ready_chunks(CHUNK_ROWS).map(|rows| encode(&rows));
    download_headers(filename).streaming(head.chain(body))
}

/// Streams rows an iterator makes as it goes.
pub fn streamed_rows(
    filename: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>> + 'static,
) -> HttpResponse {
    let rows = rows.map(Ok::<_, std::convert::Infallible>);
    streamed(filename, header, futures_util::stream::iter(rows))
}

/// Rows of a store read a page at a time as the client reads them: `next` is given each page
/// and answers the future of the following one, or `None` when it was the last; `row` makes a
/// row of an item. A page that fails ends the file with an error (the client sees a cut
/// download, never a short file that looks whole).
pub fn paged<T, Fut, E>(
    first: Vec<T>,
    mut next: impl FnMut(&[T]) -> Option<Fut> + 'static,
    row: fn(&T) -> Vec<String>,
) -> impl Stream<Item = Result<Vec<String>, E>> + 'static
where
    T: 'static,
    E: 'static,
    Fut: std::future::Future<Output = Result<Vec<T>, E>> + 'static,
{
    futures_util::stream::unfold(Some(Ok(first)), move |page| {
        let following = match &page {
            Some(Ok(items)) => next(items),
            _ => None,
        };
        async move {
            let rows: Vec<Result<Vec<String>, E>> = match page? {
                Ok(items) => items.iter().map(|i| Ok(row(i))).collect(),
                Err(e) => vec![Err(e)],
            };
            let following = match following {
                Some(f) => Some(f.await),
                None => None,
            };
            Some((futures_util::stream::iter(rows), following))
        }
    })
    .flatten()
}

fn encode<E: std::fmt::Display>(rows: &[Result<Vec<String>, E>]) -> Chunk {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for row in rows {
        let row = row
            .as_ref()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        out.write_record(row.iter().map(|c| neutralise(c).into_owned()))
            .map_err(std::io::Error::other)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(Bytes::from(bytes))
}

fn download_headers(filename: &str) -> actix_web::HttpResponseBuilder {
    let mut r = HttpResponse::Ok();
    r.content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    r
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
        let rows: Vec<Result<Vec<String>, String>> = std::iter::once(&["a", "b"][..])
            .chain(rows.iter().copied())
            .map(|r| Ok(r.iter().map(|c| c.to_string()).collect()))
            .collect();
        String::from_utf8(encode(&rows).unwrap().to_vec()).unwrap()
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

    #[tokio::test]
    async fn a_streamed_download_is_the_same_file() {
        let rows: Vec<Vec<String>> = (0..1234)
            .map(|i| vec![format!("=row {i}"), "a,b".to_string()])
            .collect();
        let all: Vec<Result<Vec<String>, String>> =
            std::iter::once(vec!["a".to_string(), "b".to_string()])
                .chain(rows.iter().cloned())
                .map(Ok)
                .collect();
        let whole = encode(&all).unwrap().to_vec();
        let response = streamed_rows("x.csv", &["a", "b"], rows.into_iter());
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        assert_eq!(body.to_vec(), whole);
    }
}
