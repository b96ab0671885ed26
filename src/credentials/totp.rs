//! Time-based one-time passwords (RFC 6238) as authenticator apps make them: HMAC-SHA-1 over
//! the count of 30-second steps since the epoch, six digits, accepted one step either side for
//! clocks that drift. A step once used is refused again (RFC 6238 section 5.2), so a code seen
//! over a shoulder cannot be replayed within its window.

use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const DIGITS: u32 = 6;
pub const STEP_SECONDS: i64 = 30;
/// Steps accepted before and after the current one.
pub const SKEW_STEPS: i64 = 1;
/// The secret's length in bytes: 160 bits, as RFC 4226 recommends for HMAC-SHA-1.
pub const SECRET_BYTES: usize = 20;

/// A shared secret, as the authenticator app holds it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    pub fn generate() -> Secret {
        let mut bytes = vec![0u8; SECRET_BYTES];
        rand::fill(&mut bytes[..]);
        Secret(bytes)
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Secret {
        Secret(bytes)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The secret as people type it into an app: base32, no padding.
    pub fn base32(&self) -> String {
        data_encoding::BASE32_NOPAD.encode(&self.0)
    }

    /// Reads a base32 secret, as an app shows it (spaces and case do not matter).
    pub fn from_base32(text: &str) -> Option<Secret> {
        let clean: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '=')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        data_encoding::BASE32_NOPAD
            .decode(clean.as_bytes())
            .ok()
            .filter(|b| !b.is_empty())
            .map(Secret)
    }

    /// The `otpauth://` URI an app reads from the QR code (Google Authenticator's key URI
    /// format): the issuer named twice, as apps old and new expect.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        // form encoding writes spaces as '+', which the label's path does not read as a space.
        let label = format!("{}:{}", enc(issuer), enc(account)).replace('+', "%20");
        format!(
            "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            self.base32(),
            enc(issuer).replace('+', "%20"),
        )
    }
}

/// The step `unix_seconds` falls in.
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// HOTP (RFC 4226) of `counter` with `digits` digits.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        // HMAC takes a key of any length; this cannot happen.
        return 0;
    };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = (h[h.len() - 1] & 0x0f) as usize;
    let binary = u32::from_be_bytes([
        h[offset] & 0x7f,
        h[offset + 1],
        h[offset + 2],
        h[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

/// The six-digit code at `unix_seconds`, as an app shows it.
pub fn code_at(secret: &Secret, unix_seconds: i64) -> String {
    let step = step_of(unix_seconds).max(0) as u64;
    format!("{:06}", hotp(secret.bytes(), step, DIGITS))
}

/// The step whose code `code` is, within [`SKEW_STEPS`] of `unix_seconds` and after
/// `last_used` (the step of the code accepted last, refused again); `None` when it is not a
/// code of now. Spaces in what was typed are ignored.
pub fn accept(
    secret: &Secret,
    code: &str,
    unix_seconds: i64,
    last_used: Option<i64>,
) -> Option<i64> {
    let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_of(unix_seconds);
    (now - SKEW_STEPS..=now + SKEW_STEPS)
        .filter(|s| *s >= 0 && last_used.is_none_or(|l| *s > l))
        .find(|s| {
            let want = format!("{:06}", hotp(secret.bytes(), *s as u64, DIGITS));
            crate::tokens::constant_time_eq(want.as_bytes(), typed.as_bytes())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, the SHA-1 rows (eight digits there; apps show the last six).
    const RFC_SECRET: &[u8] = b"12345678901234567890";
    const RFC_VECTORS: [(i64, u32); 6] = [
        (59, 94287082),
        (1111111109, 7081804),
        (1111111111, 14050471),
        (1234567890, 89005924),
        (2000000000, 69279037),
        (20000000000, 65353130),
    ];

    #[test]
    fn codes_are_rfc_6238s_own_test_vectors() {
        for (t, want) in RFC_VECTORS {
            assert_eq!(hotp(RFC_SECRET, step_of(t) as u64, 8), want, "T = {t}");
            let secret = Secret::from_bytes(RFC_SECRET.to_vec());
            assert_eq!(code_at(&secret, t), format!("{:06}", want % 1_000_000));
        }
    }

    #[test]
    fn a_code_is_taken_one_step_either_side_and_never_twice() {
        let secret = Secret::from_bytes(RFC_SECRET.to_vec());
        let t = 1111111111;
        let now = step_of(t);
        let code = code_at(&secret, t);
        assert_eq!(accept(&secret, &code, t, None), Some(now));
        assert_eq!(
            accept(&secret, &code, t + STEP_SECONDS, None),
            Some(now),
            "a step late"
        );
        assert_eq!(
            accept(&secret, &code, t - STEP_SECONDS, None),
            Some(now),
            "a step early"
        );
        assert_eq!(
            accept(&secret, &code, t + 2 * STEP_SECONDS, None),
            None,
            "two steps late"
        );
        assert_eq!(accept(&secret, &code, t, Some(now)), None, "used already");
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(accept(&secret, &spaced, t, None), Some(now));
        for wrong in ["", "12345", "1234567", "abcdef"] {
            assert_eq!(accept(&secret, wrong, t, None), None, "{wrong:?}");
        }
    }

    #[test]
    fn the_secret_reads_back_from_base32_and_names_the_issuer_in_its_uri() {
        let s = Secret::generate();
        assert_eq!(s.bytes().len(), SECRET_BYTES);
        let text = s.base32();
        assert_eq!(text.len(), 32);
        let spaced = text
            .to_lowercase()
            .chars()
            .collect::<Vec<_>>()
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(Secret::from_base32(&spaced), Some(s.clone()));
        let uri = s.otpauth_uri("Partner Console", "owner@acme.example");
        assert!(
            uri.starts_with("otpauth://totp/Partner%20Console:owner%40acme.example?secret="),
            "{uri}"
        );
        assert!(
            uri.contains("&issuer=Partner%20Console&") && uri.ends_with("&digits=6&period=30"),
            "{uri}"
        );
    }
}
