use secrecy::{ExposeSecret, SecretString};

use super::{DomainError, Email};

/// A password someone chose, checked against the policy of SPEC section 7: at least 12
/// characters, not built from the e-mail address, not on a short list of common passwords.
pub struct NewPassword(SecretString);

pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_CHARS: usize = 256;

/// Common passwords of 12 or more characters (shorter ones fail on length already).
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "1q2w3e4r5t6y",
    "aaaaaaaaaaaa",
    "abc123abc123",
    "abcdefghijkl",
    "administrator",
    "changeme1234",
    "iloveyou1234",
    "letmein12345",
    "password1234",
    "password12345",
    "password123!",
    "passwordpassword",
    "qwerty123456",
    "qwertyqwerty",
    "qwertyuiopas",
    "welcome12345",
    "welcome123!!",
];

impl NewPassword {
    /// A new password typed twice, for the user with e-mail `email` (as stored): the two must
    /// agree, then [`NewPassword::parse`] decides.
    pub fn confirmed(raw: &str, again: &str, email: &str) -> Result<NewPassword, DomainError> {
        if raw != again {
            return Err(DomainError::new("error-password-mismatch"));
        }
        NewPassword::parse(raw, Email::parse(email).ok().as_ref())
    }

    pub fn parse(raw: &str, email: Option<&Email>) -> Result<NewPassword, DomainError> {
        let n = raw.chars().count();
        if n < MIN_PASSWORD_CHARS {
            return Err(DomainError::new("error-password-short"));
        }
        if n > MAX_PASSWORD_CHARS {
            return Err(DomainError::new("error-password-long"));
        }
        let lower = raw.to_lowercase();
        let first = raw.chars().next();
        if COMMON.contains(&lower.as_str()) || raw.chars().all(|c| Some(c) == first) {
            return Err(DomainError::new("error-password-common"));
        }
        if let Some(email) = email {
            let local = email.local_part().to_lowercase();
            if lower.contains(&email.normalized())
                || (local.chars().count() >= 4 && lower.contains(&local))
            {
                return Err(DomainError::new("error-password-email"));
            }
        }
        Ok(NewPassword(SecretString::from(raw.to_string())))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        let email = Email::parse("jane.doe@acme.example").unwrap();
        assert_eq!(
            NewPassword::parse("short", None).err().unwrap().key,
            "error-password-short"
        );
        assert_eq!(
            NewPassword::parse("Password1234", None).err().unwrap().key,
            "error-password-common"
        );
        assert_eq!(
            NewPassword::parse("xx-jane.doe-2026", Some(&email))
                .err()
                .unwrap()
                .key,
            "error-password-email"
        );
        assert!(NewPassword::parse("correct horse battery", Some(&email)).is_ok());
        // Length counts characters, not bytes.
        assert!(NewPassword::parse("ääääääääääb", None).is_err());
    }
}
