use super::DomainError;

/// Stored as its text, like the states in [`super::state`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum PartnerKind {
    Reseller,
    Msp,
}

impl PartnerKind {
    pub const ALL: [PartnerKind; 2] = [PartnerKind::Msp, PartnerKind::Reseller];

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "reseller" => Ok(Self::Reseller),
            "msp" => Ok(Self::Msp),
            _ => Err(DomainError::new("error-partner-kind")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reseller => "reseller",
            Self::Msp => "msp",
        }
    }
}

impl std::fmt::Display for PartnerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A partner member's role (SPEC section 3), stored as its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Billing,
    Viewer,
}

impl Role {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "owner" => Ok(Self::Owner),
            "admin" => Ok(Self::Admin),
            "billing" => Ok(Self::Billing),
            "viewer" => Ok(Self::Viewer),
            _ => Err(DomainError::new("error-role")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Billing => "billing",
            Self::Viewer => "viewer",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An official website: an absolute http(s) URL with a host.
pub fn check_website(raw: &str) -> Result<(), DomainError> {
    if raw.is_empty() {
        return Err(DomainError::new("error-website-required"));
    }
    let bad = || DomainError::new("error-website-invalid");
    let url = url::Url::parse(raw).map_err(|_| bad())?;
    let host_ok = url.host_str().is_some_and(|h| h.contains('.'));
    if !matches!(url.scheme(), "http" | "https") || !host_ok || raw.len() > 300 {
        return Err(bad());
    }
    Ok(())
}

/// A URL slug from a company name: lower-case ASCII letters and digits joined by single dashes.
/// Uniqueness is the store's job (it appends a number on conflict).
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    let mut slug: String = trimmed.chars().take(48).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        "partner".to_string()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable_and_safe() {
        assert_eq!(slugify("Acme Cloud, Inc."), "acme-cloud-inc");
        assert_eq!(slugify("  --Ünïcode Ltd"), "n-code-ltd");
        assert_eq!(slugify("日本"), "partner");
    }

    #[test]
    fn roles_round_trip() {
        for r in ["owner", "admin", "billing", "viewer"] {
            assert_eq!(Role::parse(r).unwrap().as_str(), r);
        }
        assert!(Role::parse("root").is_err());
    }
}
