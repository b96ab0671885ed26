//! HTTP Digest authentication (RFC 7616) with `SHA-256` and `MD5`, `qop=auth`. Nonces are
//! stateless: a timestamp, random bytes and a MAC over them, so any instance sharing the key
//! accepts them and a client may reuse one (with a growing `nc`) until it expires.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::credentials::api_keys::{Algorithm, REALM};
use crate::tokens::constant_time_eq;

/// How long a nonce is good for; after that the client is told `stale=true` and retries.
pub const NONCE_SECONDS: i64 = 300;

/// The parsed `Authorization: Digest ...` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestAuth {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    pub response: String,
    pub algorithm: Algorithm,
    pub qop: String,
    pub nc: String,
    pub cnonce: String,
}

/// Parses the header's comma-separated `key=value` pairs (values quoted or not).
pub fn parse(header: &str) -> Option<DigestAuth> {
    let rest = header.trim().strip_prefix("Digest")?.trim_start();
    let mut fields = std::collections::HashMap::new();
    let mut s = rest;
    while !s.is_empty() {
        let eq = s.find('=')?;
        let key = s[..eq].trim().to_ascii_lowercase();
        s = &s[eq + 1..];
        let value;
        if let Some(q) = s.strip_prefix('"') {
            let end = q.find('"')?;
            value = q[..end].to_string();
            s = &q[end + 1..];
        } else {
            let end = s.find(',').unwrap_or(s.len());
            value = s[..end].trim().to_string();
            s = &s[end..];
        }
        fields.insert(key, value);
        s = s.trim_start().trim_start_matches(',').trim_start();
    }
    let take = |k: &str| fields.get(k).cloned();
    let algorithm = match take("algorithm").as_deref() {
        None | Some("MD5") => Algorithm::Md5,
        Some("SHA-256") => Algorithm::Sha256,
        _ => return None,
    };
    Some(DigestAuth {
        username: take("username")?,
        realm: take("realm")?,
        nonce: take("nonce")?,
        uri: take("uri")?,
        response: take("response")?.to_ascii_lowercase(),
        algorithm,
        qop: take("qop")?,
        nc: take("nc")?,
        cnonce: take("cnonce")?,
    })
}

type HmacSha256 = Hmac<Sha256>;

/// Makes and checks nonces with a key from configuration.
#[derive(Clone)]
pub struct Nonces {
    key: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceCheck {
    Fresh,
    Stale,
    Invalid,
}

impl Nonces {
    pub fn new(key: &[u8]) -> Nonces {
        Nonces { key: key.to_vec() }
    }

    fn mac(&self, stamp: &[u8]) -> Vec<u8> {
        let mut m = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        m.update(b"digest-nonce");
        m.update(stamp);
        m.finalize().into_bytes()[..16].to_vec()
    }

    /// A timestamp and 8 random bytes (so two challenges in one second differ and replays can
    /// be told apart per nonce), then the MAC over both.
    pub fn make(&self, now: i64) -> String {
        let mut raw = now.to_be_bytes().to_vec();
        raw.extend(rand::random::<[u8; 8]>());
        let mac = self.mac(&raw);
        raw.extend(mac);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    }

    pub fn check(&self, nonce: &str, now: i64) -> NonceCheck {
        let Ok(raw) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(nonce) else {
            return NonceCheck::Invalid;
        };
        if raw.len() != 32 {
            return NonceCheck::Invalid;
        }
        let ts = i64::from_be_bytes(raw[..8].try_into().expect("8 bytes"));
        if !constant_time_eq(&raw[16..], &self.mac(&raw[..16])) {
            return NonceCheck::Invalid;
        }
        if now - ts > NONCE_SECONDS || ts > now + 60 {
            NonceCheck::Stale
        } else {
            NonceCheck::Fresh
        }
    }
}

/// The `WWW-Authenticate` values: SHA-256 first (curl answers the first it understands), then
/// MD5 for older clients.
pub fn challenges(nonce: &str, stale: bool) -> [String; 2] {
    let stale = if stale { ", stale=true" } else { "" };
    [Algorithm::Sha256, Algorithm::Md5].map(|a| {
        let name = if a == Algorithm::Sha256 { "SHA-256" } else { "MD5" };
        format!("Digest realm=\"{REALM}\", qop=\"auth\", algorithm={name}, nonce=\"{nonce}\", opaque=\"pc\"{stale}")
    })
}

/// Checks the client's response against the stored HA1 for `method` and the request target.
pub fn verify(auth: &DigestAuth, ha1: &str, method: &str, target: &str) -> bool {
    if auth.realm != REALM || auth.qop != "auth" || auth.uri != target {
        return false;
    }
    let ha2 = auth.algorithm.hash_hex(&format!("{method}:{}", auth.uri));
    let expected = auth.algorithm.hash_hex(&format!(
        "{ha1}:{}:{}:{}:{}:{ha2}",
        auth.nonce, auth.nc, auth.cnonce, auth.qop
    ));
    constant_time_eq(expected.as_bytes(), auth.response.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(
        alg: Algorithm,
        user: &str,
        password: &str,
        nonce: &str,
        method: &str,
        uri: &str,
    ) -> String {
        let name = if alg == Algorithm::Sha256 {
            "SHA-256"
        } else {
            "MD5"
        };
        let ha1 = alg.hash_hex(&format!("{user}:{REALM}:{password}"));
        let ha2 = alg.hash_hex(&format!("{method}:{uri}"));
        let response = alg.hash_hex(&format!("{ha1}:{nonce}:00000001:abc:auth:{ha2}"));
        format!(
            "Digest username=\"{user}\", realm=\"{REALM}\", nonce=\"{nonce}\", uri=\"{uri}\", algorithm={name}, response=\"{response}\", qop=auth, nc=00000001, cnonce=\"abc\""
        )
    }

    #[test]
    fn a_correct_answer_verifies_for_both_algorithms_and_nothing_else_does() {
        let nonces = Nonces::new(b"k");
        let nonce = nonces.make(1000);
        for alg in [Algorithm::Sha256, Algorithm::Md5] {
            let header = answer(
                alg,
                "PUB",
                "secret",
                &nonce,
                "GET",
                "/v1beta1/msp/mspCustomers?pageSize=1",
            );
            let auth = parse(&header).unwrap();
            let ha1 = alg.hash_hex(&format!("PUB:{REALM}:secret"));
            assert!(verify(
                &auth,
                &ha1,
                "GET",
                "/v1beta1/msp/mspCustomers?pageSize=1"
            ));
            assert!(
                !verify(&auth, &ha1, "POST", "/v1beta1/msp/mspCustomers?pageSize=1"),
                "method is covered"
            );
            assert!(
                !verify(&auth, &ha1, "GET", "/v1beta1/msp/mspCustomers"),
                "uri must be the request's own"
            );
            let wrong = alg.hash_hex(&format!("PUB:{REALM}:other"));
            assert!(!verify(
                &auth,
                &wrong,
                "GET",
                "/v1beta1/msp/mspCustomers?pageSize=1"
            ));
        }
    }

    #[test]
    fn nonces_are_stateless_and_expire() {
        let nonces = Nonces::new(b"key");
        let n = nonces.make(10_000);
        assert_eq!(nonces.check(&n, 10_010), NonceCheck::Fresh);
        assert_eq!(
            nonces.check(&n, 10_000 + NONCE_SECONDS + 1),
            NonceCheck::Stale
        );
        assert_eq!(Nonces::new(b"other").check(&n, 10_010), NonceCheck::Invalid);
        assert_eq!(nonces.check("garbage", 10_010), NonceCheck::Invalid);
    }

    #[test]
    fn challenges_offer_sha256_first() {
        let [first, second] = challenges("n", false);
        assert!(first.contains("algorithm=SHA-256") && second.contains("algorithm=MD5"));
        assert!(challenges("n", true)[0].ends_with("stale=true"));
    }
}
