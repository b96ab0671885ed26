//! Opaque page tokens of the APIs' lists: the keyset id a page ends at, tagged with what it
//! pages through (`c` customers, `o` offers), so a token of one list is refused by another.

use base64::Engine;

pub fn encode(tag: char, id: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{tag}:{id}"))
}

/// The id in a token this API gave out for the list `tag`; `None` for anything else.
pub fn decode(tag: char, t: &str) -> Option<i64> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(t)
        .ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix(&format!("{tag}:"))?
        .parse()
        .ok()
}

/// A list's `pageSize`: 100 when absent, else a whole number from 1 to `max` (an empty value is
/// no number, as the documents' `integer` says).
pub fn page_size(raw: Option<&str>, max: usize) -> Result<usize, super::error::ApiError> {
    match raw.map(str::trim) {
        None => Ok(100),
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                super::error::ApiError::BadRequest(format!(
                    "pageSize must be a whole number from 1 to {max}"
                ))
            }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_token_reads_back_only_in_its_own_list() {
        let t = super::encode('o', 42);
        assert_eq!(super::decode('o', &t), Some(42));
        assert_eq!(super::decode('c', &t), None);
        assert_eq!(super::decode('o', "not a token"), None);
    }
}
