use super::DomainError;

/// An e-mail address as typed (trimmed). Equality and uniqueness are case-insensitive, in the
/// store as here.
#[derive(Debug, Clone)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, DomainError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(DomainError::new("error-email-required"));
        }
        let bad = || DomainError::new("error-email-invalid");
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.rsplit_once('@').ok_or_else(bad)?;
        if local.is_empty() || local.len() > 64 || local.contains('@') {
            return Err(bad());
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels.iter().any(|l| {
                l.is_empty()
                    || l.starts_with('-')
                    || l.ends_with('-')
                    || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
        {
            return Err(bad());
        }
        Ok(Email(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lower-cased form: the key for uniqueness and per-account throttling.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }

    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(l, _)| l).unwrap_or(&self.0)
    }
}

impl PartialEq for Email {
    fn eq(&self, other: &Self) -> bool {
        self.normalized() == other.normalized()
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_trims() {
        let e = Email::parse("  Owner@Acme.example ").unwrap();
        assert_eq!(e.as_str(), "Owner@Acme.example");
        assert_eq!(e, Email::parse("owner@acme.EXAMPLE").unwrap());
        assert_eq!(e.local_part(), "Owner");
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "",
            "plain",
            "@acme.example",
            "a@",
            "a@localhost",
            "a b@x.example",
            "a@-x.example",
            "a@x..example",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(Email::parse(" ").unwrap_err().key, "error-email-required");
    }
}
