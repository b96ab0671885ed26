//! What both HTTP surfaces (the pages in `web`, the JSON APIs in `api`) read of a request the same
//! way, and how both write what they stream.

pub mod csv;

use actix_web::HttpRequest;

use crate::config::Settings;

/// The client's address for throttling and the audit log. `X-Forwarded-For` is believed only
/// when configured to sit behind a proxy; otherwise anyone could choose their own address.
pub fn client_addr(req: &HttpRequest, settings: &Settings) -> String {
    if settings.trust_proxy
        && let Some(ip) = req.connection_info().realip_remote_addr()
    {
        return ip.to_string();
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Where a new session comes from: the client's address and its browser, as the person's list
/// of sessions will show them.
pub fn session_origin(req: &HttpRequest, settings: &Settings) -> crate::store::sessions::Origin {
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(crate::store::sessions::USER_AGENT_MAX)
        .collect();
    crate::store::sessions::Origin {
        address: client_addr(req, settings),
        user_agent,
    }
}

/// A body part of an answer written as it is produced.
pub type Chunk = Result<actix_web::web::Bytes, std::io::Error>;

/// Bytes a streamed answer gathers before handing them to the connection.
const CHUNK_BYTES: usize = 64 * 1024;

/// A JSON object with one long array, written as the client reads it and byte for byte as
/// `serde_json::to_vec` writes the whole object: `shape` is the object with that array (under
/// `key`) empty, `items` its elements, produced one at a time. The array is found as
/// `"key":[]`, which no string inside the JSON can hold (its quotes are escaped).
pub fn json_with_array<S, T, I>(
    shape: &S,
    key: &str,
    items: I,
) -> Result<impl futures_util::Stream<Item = Chunk> + 'static + use<S, T, I>, serde_json::Error>
where
    S: serde::Serialize,
    T: serde::Serialize,
    I: Iterator<Item = T> + 'static,
{
    use actix_web::web::Bytes;
    let (head, tail) = around_array(shape, key)?;
    let mut items = items.peekable();
    let mut first = true;
    let elements = std::iter::from_fn(move || {
        items.peek()?;
        let mut buf = Vec::with_capacity(CHUNK_BYTES + 4096);
        while buf.len() < CHUNK_BYTES {
            let Some(item) = items.next() else { break };
            if !first {
                buf.push(b',');
            }
            first = false;
            if let Err(e) = serde_json::to_writer(&mut buf, &item) {
                return Some(Err(std::io::Error::other(e)));
            }
        }
        Some(Ok(Bytes::from(buf)))
    });
    let parts = std::iter::once(Ok(head))
        .chain(elements)
        .chain(std::iter::once(Ok(tail)));
    Ok(futures_util::stream::iter(parts))
}

/// `shape` written whole, cut where its empty array `key` is to be filled: (up to and with
/// the `[`, from the `]` on).
fn around_array<S: serde::Serialize>(
    shape: &S,
    key: &str,
) -> Result<(actix_web::web::Bytes, actix_web::web::Bytes), serde_json::Error> {
    use actix_web::web::Bytes;
    let whole = serde_json::to_vec(shape)?;
    let marker = format!("\"{key}\":[]");
    let at = whole
        .windows(marker.len())
        .position(|w| w == marker.as_bytes())
        .map(|i| i + marker.len() - 1)
        .ok_or_else(|| serde::ser::Error::custom(format!("no empty array {key} to fill")))?;
    Ok((
        Bytes::copy_from_slice(&whole[..at]),
        Bytes::copy_from_slice(&whole[at..]),
    ))
}

/// [`json_with_array`] whose elements come in parts from a stream (each part read from the
/// database when the client has taken the one before): the same bytes. A part that fails ends
/// the answer with an error, and the client sees a broken body, never a short valid one.
pub fn json_with_parts<S, T, E, P>(
    shape: &S,
    key: &str,
    parts: P,
) -> Result<impl futures_util::Stream<Item = Chunk> + 'static + use<S, T, E, P>, serde_json::Error>
where
    S: serde::Serialize,
    T: serde::Serialize,
    E: std::fmt::Display,
    P: futures_util::Stream<Item = Result<Vec<T>, E>> + 'static,
{
    use futures_util::StreamExt;
    let (head, tail) = around_array(shape, key)?;
    let mut first = true;
    let elements = parts.map(move |part| {
        let part = part.map_err(|e| std::io::Error::other(e.to_string()))?;
        let mut buf = Vec::with_capacity(CHUNK_BYTES);
        for item in part {
            if !first {
                buf.push(b',');
            }
            first = false;
            serde_json::to_writer(&mut buf, &item).map_err(std::io::Error::other)?;
        }
        Ok(actix_web::web::Bytes::from(buf))
    });
    Ok(futures_util::stream::once(async move { Ok(head) })
        .chain(elements)
        .chain(futures_util::stream::once(async move { Ok(tail) })))
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    #[derive(serde::Serialize)]
    struct Shape {
        before: &'static str,
        items: Vec<String>,
        after: u32,
    }

    #[tokio::test]
    async fn a_streamed_array_is_the_same_bytes_as_the_whole_object() {
        for n in [0usize, 1, 3, 20_000] {
            let items: Vec<String> = (0..n)
                .map(|i| format!("item \"{i}\" \"items\":[]"))
                .collect();
            let whole = Shape {
                before: "\"items\":[]",
                items: items.clone(),
                after: 7,
            };
            let shape = Shape {
                items: Vec::new(),
                ..whole
            };
            let stream = super::json_with_array(&shape, "items", items.into_iter()).unwrap();
            let parts: Vec<_> = stream.collect::<Vec<_>>().await;
            let streamed: Vec<u8> = parts
                .into_iter()
                .flat_map(|p| p.unwrap().to_vec())
                .collect();
            let expected = serde_json::to_vec(&Shape {
                items: (0..n)
                    .map(|i| format!("item \"{i}\" \"items\":[]"))
                    .collect(),
                ..shape
            })
            .unwrap();
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(expected).unwrap(),
                "{n} items"
            );
        }
    }
}
