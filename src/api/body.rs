//! Optional JSON request bodies: none, whitespace or `null` take every default; otherwise the
//! body must be a JSON object of the documented fields. serde alone would also take an array
//! for a struct (`[]` as "every field absent"), which no document allows.

use serde::de::DeserializeOwned;

/// The body as `T`, or `None` when there is none; `Err` says what is wrong, for a person.
pub fn optional_object<T: DeserializeOwned>(raw: &[u8]) -> Result<Option<T>, String> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    match serde_json::from_slice::<serde_json::Value>(raw).map_err(|e| e.to_string())? {
        serde_json::Value::Null => Ok(None),
        v @ serde_json::Value::Object(_) => serde_json::from_value(v).map_err(|e| e.to_string()),
        _ => Err("a JSON object is expected".into()),
    }
}

/// A JSON number that is a whole number (`30` and `30.0` alike, as JSON Schema's `integer` reads
/// them); `Err` for one that is not.
pub(super) fn whole(n: Option<&serde_json::Number>) -> Result<Option<i64>, ()> {
    let Some(n) = n else { return Ok(None) };
    n.as_i64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        })
        .map(Some)
        .ok_or(())
}

/// An id in a path: one that is no number is no record of yours (ids start at 1).
pub fn path_id(s: &str) -> i64 {
    s.parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Body {
        #[serde(default)]
        name: Option<String>,
    }

    #[test]
    fn nothing_null_or_an_object_and_never_an_array() {
        assert_eq!(optional_object::<Body>(b""), Ok(None));
        assert_eq!(optional_object::<Body>(b" \n"), Ok(None));
        assert_eq!(optional_object::<Body>(b"null"), Ok(None));
        assert_eq!(
            optional_object::<Body>(b"{}"),
            Ok(Some(Body { name: None }))
        );
        assert_eq!(
            optional_object::<Body>(br#"{"name":"x"}"#),
            Ok(Some(Body {
                name: Some("x".into())
            }))
        );
        for bad in [
            &b"[]"[..],
            b"[\"x\"]",
            b"1",
            b"\"x\"",
            b"{",
            br#"{"other":1}"#,
        ] {
            assert!(
                optional_object::<Body>(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
