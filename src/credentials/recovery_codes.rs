//! Recovery codes: ten single-use codes that stand in for the authenticator when it is lost.
//! Each is 10 characters from a 32-letter alphabet without look-alikes (50 random bits), shown
//! as `abcde-fghjk`; only their SHA-256 is kept.

use crate::tokens::hash_token;

pub const COUNT: usize = 10;
const LEN: usize = 10;
const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";

/// A fresh set, as shown to the person once.
pub fn generate() -> Vec<String> {
    (0..COUNT)
        .map(|_| {
            let raw: String = (0..LEN)
                .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
                .collect();
            format!("{}-{}", &raw[..LEN / 2], &raw[LEN / 2..])
        })
        .collect()
}

/// The hash a code is kept under, whatever its case, spaces or dash as typed; None for
/// something that cannot be a recovery code.
pub fn hash_of(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then(|| hash_token(&code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_ten_distinct_and_read_back_however_typed() {
        let codes = generate();
        assert_eq!(codes.len(), 10);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), 10);
        let c = &codes[0];
        assert_eq!(c.len(), 11);
        assert_eq!(&c[5..6], "-");
        let h = hash_of(c).unwrap();
        assert_eq!(hash_of(&c.to_uppercase()), Some(h.clone()));
        assert_eq!(hash_of(&format!(" {} ", c.replace('-', " "))), Some(h));
        assert_eq!(hash_of("123456"), None);
        assert_eq!(hash_of("abcde-fghjl"), None, "l is not in the alphabet");
    }
}
