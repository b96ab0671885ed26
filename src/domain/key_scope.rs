//! What an API key may do (issue 26): its scope, and what each scope lets through.

use super::DomainError;

/// A partner API key's scope, stored as its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum KeyScope {
    /// Reads only.
    Read,
    /// Reads, and what is done to invoices (send, void).
    Billing,
    /// Everything the API offers.
    Full,
}

/// What a request does, as far as a key's scope is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    Read,
    InvoiceWrite,
    OtherWrite,
}

impl KeyScope {
    pub const ALL: [KeyScope; 3] = [KeyScope::Read, KeyScope::Billing, KeyScope::Full];

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "read" => Ok(Self::Read),
            "billing" => Ok(Self::Billing),
            "full" => Ok(Self::Full),
            _ => Err(DomainError::new("error-key-scope")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Billing => "billing",
            Self::Full => "full",
        }
    }

    pub fn allows(self, used: KeyUse) -> bool {
        match self {
            Self::Full => true,
            Self::Billing => used != KeyUse::OtherWrite,
            Self::Read => used == KeyUse::Read,
        }
    }
}

impl super::Labelled for KeyScope {
    fn label_key(&self) -> String {
        format!("key-scope-{}", self.as_str())
    }
}

impl std::fmt::Display for KeyScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scope_lets_through_what_it_names_and_no_more() {
        use KeyUse::*;
        let table = [
            (KeyScope::Read, [true, false, false]),
            (KeyScope::Billing, [true, true, false]),
            (KeyScope::Full, [true, true, true]),
        ];
        for (scope, want) in table {
            let got = [Read, InvoiceWrite, OtherWrite].map(|u| scope.allows(u));
            assert_eq!(got, want, "{scope}");
        }
        for s in KeyScope::ALL {
            assert_eq!(KeyScope::parse(s.as_str()), Ok(s));
        }
        assert!(KeyScope::parse("admin").is_err());
    }
}
