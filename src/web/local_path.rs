//! The one decision on redirect targets taken from a request (`next=` on sign-in and on the
//! language switcher): only a path on this site, read as a browser reads it.
//!
//! Prefix checks on the raw text ("starts with `/`, not `//`") miss what browsers do before they
//! resolve a URL: they drop tabs and newlines anywhere (`/\t/evil.example` is `//evil.example`),
//! read `\` as `/` in http(s) URLs (`/\evil.example`), and collapse dot segments
//! (`/.//evil.example` has the path `//evil.example`, which a `Location` header sends off-site).
//! So the value is parsed by the WHATWG URL rules (the `url` crate implements them), resolved
//! against an origin of our own, and kept only if it stays on that origin with a path that starts
//! with a single `/`. What is returned is the parsed URL written out again: percent-encoded, no
//! control characters, so it can go into a `Location` header or a form as it is.

use std::sync::LazyLock;

use url::Url;

/// Longer `next` values are refused: no page of ours has a path near this long.
pub const MAX_LEN: usize = 2048;

/// Any origin would do: the value must start with `/`, so only the path, query and fragment
/// come from it, and a value that names a host of its own lands on another origin.
static HERE: LazyLock<Url> = LazyLock::new(|| {
    Url::parse("https://partner-console.invalid/").expect("a constant, valid URL")
});

/// `next` as a path on this site (`/console?x=1#y`), or `None` when a browser sent there would
/// leave the site, or the value is not a path at all.
pub fn local_path(next: &str) -> Option<String> {
    if next.len() > MAX_LEN || !next.starts_with('/') {
        return None;
    }
    let url = HERE.join(next).ok()?;
    let path = url.path();
    if url.origin() != HERE.origin() || !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    let mut local = path.to_string();
    if let Some(q) = url.query() {
        local.push('?');
        local.push_str(q);
    }
    if let Some(f) = url.fragment() {
        local.push('#');
        local.push_str(f);
    }
    Some(local)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    /// The values as a handler sees them, after the query string or form is decoded.
    #[test]
    fn only_paths_on_this_site_pass() {
        let long = format!("/{}", "a".repeat(super::MAX_LEN));
        let refused: &[(&str, &str)] = &[
            ("//evil.example", "protocol-relative"),
            ("//evil.example/console", "protocol-relative with a path"),
            ("/\\evil.example", "backslash read as a slash"),
            ("\\/evil.example", "backslash first"),
            ("\\\\evil.example", "two backslashes"),
            ("/\t/evil.example", "a tab, which browsers drop"),
            ("/\n/evil.example", "a newline, which browsers drop"),
            ("/\r\n/evil.example", "CR LF"),
            ("\r\nLocation: https://evil.example", "header injection"),
            ("https://evil.example", "absolute URL"),
            ("http:evil.example", "scheme-relative"),
            (
                "http://partner-console.invalid/console",
                "our own origin, absolute",
            ),
            ("javascript:alert(1)", "script URL"),
            ("JaVaScRiPt:alert(1)", "script URL, mixed case"),
            ("data:text/html,<script>alert(1)</script>", "data URL"),
            ("//bücher.example", "an IDN host"),
            ("//xn--bcher-kva.example", "a punycode host"),
            ("/.//evil.example", "dot segment leaving a double slash"),
            (
                "/..//evil.example",
                "dot-dot segment leaving a double slash",
            ),
            (" /console", "leading space"),
            ("console", "not a path"),
            ("", "empty"),
            ("//", "two slashes alone"),
            ("/\\/evil.example", "slash, backslash, slash"),
            (long.as_str(), "over-long"),
        ];
        for (next, why) in refused {
            assert_eq!(local_path(next), None, "{why}: {next:?}");
        }
        let kept: &[(&str, &str)] = &[
            ("/console", "/console"),
            (
                "/admin/audit?actor=ops%40vendor.example",
                "/admin/audit?actor=ops%40vendor.example",
            ),
            ("/console/customers?q=a b", "/console/customers?q=a%20b"),
            ("/console#keys", "/console#keys"),
            ("/", "/"),
            // Encoded once more than the handler decodes: the browser asks for that very path.
            ("/%09/evil.example", "/%09/evil.example"),
            ("/%5cevil.example", "/%5cevil.example"),
            ("/%2F/evil.example", "/%2F/evil.example"),
            ("/über", "/%C3%BCber"),
            ("/console/../admin", "/admin"),
            ("/a?next=//evil.example", "/a?next=//evil.example"),
        ];
        for (next, want) in kept {
            assert_eq!(local_path(next).as_deref(), Some(*want), "{next:?}");
        }
    }

    /// Whatever comes in, what comes out is a valid header value that starts with one `/`.
    #[test]
    fn every_result_is_a_header_safe_single_slash_path() {
        let samples = [
            "/a\u{0}b",
            "/a\u{7f}b",
            "/a\u{85}b",
            "/\u{2028}x",
            "/a\"b",
            "/a<b>",
            "/\u{feff}x",
        ];
        for s in samples {
            if let Some(p) = local_path(s) {
                assert!(p.starts_with('/') && !p.starts_with("//"), "{s:?} -> {p:?}");
                assert!(
                    actix_web::http::header::HeaderValue::from_str(&p).is_ok(),
                    "{s:?} -> {p:?}"
                );
                assert!(p.bytes().all(|b| b.is_ascii_graphic()), "{s:?} -> {p:?}");
            }
        }
    }
}
