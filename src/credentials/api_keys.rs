//! API keys for the management API's HTTP Digest authentication (RFC 7616). A key is a public
//! key (the digest user name) and a private key (the password). The server keeps only the HA1
//! values, `H(public:realm:private)` for SHA-256 and MD5, which are as good as the private key
//! for this API, so they are stored encrypted (XChaCha20-Poly1305, key from configuration, the
//! public key and algorithm as associated data so rows cannot be swapped).

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use md5::Md5;
use sha2::{Digest, Sha256};

/// The digest realm. It is part of every stored HA1: changing it invalidates every key.
pub const REALM: &str = "partner-console";

#[derive(Clone)]
pub struct KeyVault {
    cipher: XChaCha20Poly1305,
}

/// A newly made key: the private half exists only in this value, shown once.
pub struct IssuedKey {
    pub public_key: String,
    pub private_key: String,
    pub ha1_sha256_enc: String,
    pub ha1_md5_enc: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha256,
    Md5,
}

impl Algorithm {
    fn label(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Md5 => "MD5",
        }
    }

    pub fn hash_hex(self, input: &str) -> String {
        match self {
            Algorithm::Sha256 => hex::encode(Sha256::digest(input.as_bytes())),
            Algorithm::Md5 => hex::encode(Md5::digest(input.as_bytes())),
        }
    }
}

const PUBLIC_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

impl KeyVault {
    pub fn new(secret: &[u8]) -> anyhow::Result<KeyVault> {
        let cipher = XChaCha20Poly1305::new_from_slice(secret)
            .map_err(|_| anyhow::anyhow!("API key secret must be 32 bytes"))?;
        Ok(KeyVault { cipher })
    }

    /// Makes a fresh key pair and its encrypted verifiers.
    pub fn issue(&self) -> anyhow::Result<IssuedKey> {
        let public_key: String = (0..16)
            .map(|_| PUBLIC_ALPHABET[rand::random_range(0..PUBLIC_ALPHABET.len())] as char)
            .collect();
        let private_key =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 24]>());
        let ha1 = |alg: Algorithm| alg.hash_hex(&format!("{public_key}:{REALM}:{private_key}"));
        Ok(IssuedKey {
            ha1_sha256_enc: self.seal(&public_key, Algorithm::Sha256, &ha1(Algorithm::Sha256))?,
            ha1_md5_enc: self.seal(&public_key, Algorithm::Md5, &ha1(Algorithm::Md5))?,
            public_key,
            private_key,
        })
    }

    fn seal(&self, public_key: &str, alg: Algorithm, ha1: &str) -> anyhow::Result<String> {
        self.seal_bytes(&format!("{public_key}/{}", alg.label()), ha1.as_bytes())
    }

    /// The HA1 of `public_key` for `alg`, or None if the stored value does not decrypt (another
    /// secret, or a row that was tampered with).
    pub fn open(&self, public_key: &str, alg: Algorithm, sealed: &str) -> Option<String> {
        let plain = self.open_bytes(&format!("{public_key}/{}", alg.label()), sealed)?;
        String::from_utf8(plain).ok()
    }

    /// Encrypts `plain` bound to `context` (which row and what it is): the same value sealed
    /// for one context does not open for another, so stored rows cannot be swapped. Also keeps
    /// the two-factor secrets.
    pub fn seal_bytes(&self, context: &str, plain: &[u8]) -> anyhow::Result<String> {
        let nonce_bytes: [u8; 24] = rand::random();
        let ct = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce_bytes),
                Payload {
                    msg: plain,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ct);
        Ok(base64::engine::general_purpose::STANDARD.encode(out))
    }

    /// What [`KeyVault::seal_bytes`] sealed for `context`, or None.
    pub fn open_bytes(&self, context: &str, sealed: &str) -> Option<Vec<u8>> {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .ok()?;
        if raw.len() < 24 {
            return None;
        }
        let (nonce, ct) = raw.split_at(24);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_keys_verify_and_are_bound_to_their_public_key() {
        let vault = KeyVault::new(&[7u8; 32]).unwrap();
        let k = vault.issue().unwrap();
        assert_eq!(k.public_key.len(), 16);
        assert!(k.private_key.len() >= 32);
        assert!(!k.ha1_sha256_enc.contains(&k.private_key));
        let expected =
            Algorithm::Sha256.hash_hex(&format!("{}:{REALM}:{}", k.public_key, k.private_key));
        assert_eq!(
            vault.open(&k.public_key, Algorithm::Sha256, &k.ha1_sha256_enc),
            Some(expected)
        );
        let md5 = Algorithm::Md5.hash_hex(&format!("{}:{REALM}:{}", k.public_key, k.private_key));
        assert_eq!(
            vault.open(&k.public_key, Algorithm::Md5, &k.ha1_md5_enc),
            Some(md5)
        );
        // Swapped rows or algorithms, or another secret, do not open.
        assert_eq!(
            vault.open("OTHERPUBLICKEY00", Algorithm::Sha256, &k.ha1_sha256_enc),
            None
        );
        assert_eq!(
            vault.open(&k.public_key, Algorithm::Md5, &k.ha1_sha256_enc),
            None
        );
        assert_eq!(
            KeyVault::new(&[8u8; 32]).unwrap().open(
                &k.public_key,
                Algorithm::Sha256,
                &k.ha1_sha256_enc
            ),
            None
        );
    }
}
