//! Paths of the HTML surface, named once: `configure()` mounts them, redirects and templates link
//! to them (as `web::routes`), and so do the mails, the APIs and the application layer that put
//! links to these pages in their answers; kept at the root so that none of those reaches into
//! `web`. A path with `{param}` segments has a builder that fills them in. Templates take their
//! links from here (`{{ crate::paths::CONSOLE_BILLING }}`, `{{ crate::paths::console_customer(id)
//! }}`): a test fails on a link written out in a template.

use std::fmt::Display;

pub const HOME: &str = "/";
pub const SIGN_IN: &str = "/sign-in";
pub const SIGN_OUT: &str = "/sign-out";
pub const PASSWORD_FORGOT: &str = "/password/forgot";
pub const PASSWORD_RESET: &str = "/password/reset/{token}";
pub const HEALTHZ: &str = "/healthz";
pub const READYZ: &str = "/readyz";
pub const METRICS: &str = "/metrics";
pub const STATIC: &str = "/static/{file:.*}";

pub const APPLY: &str = "/apply";
pub const APPLY_RECEIVED: &str = "/apply/received";
pub const PARTNER_LOGO: &str = "/logos/{slug}/{mode}.svg";
pub const UPLOADED_LOGO: &str = "/logos/uploads/{key}.svg";
pub const ACTIVATE: &str = "/activate/{token}";
pub const SIGNUP: &str = "/signup/{slug}/{token}";
pub const CONFIRM_ORGANIZATION: &str = "/confirm-organization/{token}";

pub const ADMIN: &str = "/admin";
pub const ADMIN_OUTBOX: &str = "/admin/outbox";
pub const ADMIN_AUDIT: &str = "/admin/audit";
pub const ADMIN_APPLICATIONS: &str = "/admin/applications";
pub const ADMIN_APPLICATION: &str = "/admin/applications/{id}";
pub const ADMIN_APPLICATION_APPROVE: &str = "/admin/applications/{id}/approve";
pub const ADMIN_APPLICATION_REJECT: &str = "/admin/applications/{id}/reject";
pub const ADMIN_APPLICATION_LOGO: &str = "/admin/applications/{id}/logos/{mode}.svg";
pub const ADMIN_PARTNERS: &str = "/admin/partners";
pub const ADMIN_PARTNER: &str = "/admin/partners/{id}";
pub const ADMIN_PARTNER_SUSPEND: &str = "/admin/partners/{id}/suspend";
pub const ADMIN_PARTNER_REACTIVATE: &str = "/admin/partners/{id}/reactivate";
pub const ADMIN_PARTNER_RESEND_ACTIVATION: &str = "/admin/partners/{id}/resend-activation";
pub const ADMIN_PARTNER_DISCOUNTS: &str = "/admin/partners/{id}/discounts";
pub const ADMIN_PARTNER_CREDITS: &str = "/admin/partners/{id}/credits";
pub const ADMIN_CUSTOMER_SUSPEND: &str = "/admin/partners/{id}/customers/{org_id}/suspend";
pub const ADMIN_CUSTOMER_UNSUSPEND: &str = "/admin/partners/{id}/customers/{org_id}/unsuspend";
pub const ADMIN_BILLING: &str = "/admin/billing";
pub const ADMIN_BILLING_CLOSE: &str = "/admin/billing/close/{month}";

pub const CONSOLE: &str = "/console";
pub const CONSOLE_BILLING: &str = "/console/billing";
pub const CONSOLE_BILLING_CSV: &str = "/console/billing.csv";
pub const CONSOLE_CREDITS: &str = "/console/credits";
pub const CONSOLE_DISCOUNTS: &str = "/console/discounts";
pub const CONSOLE_CUSTOMERS: &str = "/console/customers";
pub const CONSOLE_CUSTOMERS_CSV: &str = "/console/customers.csv";
pub const CONSOLE_CUSTOMER: &str = "/console/customers/{org_id}";
pub const CONSOLE_CUSTOMER_EXPIRE: &str = "/console/customers/{org_id}/expire";
pub const CONSOLE_SIGNUP_LINKS: &str = "/console/signup-links";
pub const CONSOLE_SIGNUP_LINK_REVOKE: &str = "/console/signup-links/{id}/revoke";
pub const CONSOLE_BRANDING: &str = "/console/branding";
pub const CONSOLE_BRANDING_PREVIEW: &str = "/console/branding/preview";
pub const CONSOLE_BRANDING_LOGO: &str = "/console/branding/{mode}";
pub const CONSOLE_API_KEYS: &str = "/console/api-keys";
pub const CONSOLE_API_KEY_REVOKE: &str = "/console/api-keys/{id}/revoke";
pub const CONSOLE_SUPPORT: &str = "/console/support";

/// The APIs' bases (their own paths are in their OpenAPI documents).
pub const MSP_API: &str = "/v1beta1/msp";
pub const PARTNER_API: &str = "/api/v1";

/// The one-paste example for a partner's first call: the MSP API's customer list for MSPs, who
/// are what it serves, and `/api/v1/me` for resellers.
pub fn first_api_call(base_url: &str, user: &str, is_msp: bool) -> String {
    let path = if is_msp {
        "/v1beta1/msp/mspCustomers"
    } else {
        "/api/v1/me"
    };
    format!("curl --digest --user '{user}' {base_url}{path}")
}

/// `template` with its `{param}` segments replaced by `values`, in order.
pub fn fill(template: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    let mut values = values.iter();
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        out.push_str(values.next().copied().unwrap_or_default());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `full`, a path under `scope`, as a scope's `configure()` mounts it.
pub fn within(scope: &str, full: &'static str) -> &'static str {
    match full.strip_prefix(scope) {
        Some(rest) => rest,
        None => panic!("{full} is not under {scope}"),
    }
}

pub fn password_reset(token: &str) -> String {
    fill(PASSWORD_RESET, &[token])
}

pub fn activate(token: &str) -> String {
    fill(ACTIVATE, &[token])
}

pub fn uploaded_logo(key: &str) -> String {
    fill(UPLOADED_LOGO, &[key])
}

pub fn signup(slug: &str, token: &str) -> String {
    fill(SIGNUP, &[slug, token])
}

pub fn confirm_organization(token: &str) -> String {
    fill(CONFIRM_ORGANIZATION, &[token])
}

pub fn partner_logo(slug: &str, mode: &str) -> String {
    fill(PARTNER_LOGO, &[slug, mode])
}

pub fn admin_application(id: impl Display) -> String {
    fill(ADMIN_APPLICATION, &[&id.to_string()])
}

pub fn admin_partner(id: impl Display) -> String {
    fill(ADMIN_PARTNER, &[&id.to_string()])
}

pub fn console_customer(org_id: impl Display) -> String {
    fill(CONSOLE_CUSTOMER, &[&org_id.to_string()])
}

pub fn admin_application_approve(id: impl Display) -> String {
    fill(ADMIN_APPLICATION_APPROVE, &[&id.to_string()])
}

pub fn admin_application_logo(id: impl Display, mode: impl Display) -> String {
    fill(
        ADMIN_APPLICATION_LOGO,
        &[&id.to_string(), &mode.to_string()],
    )
}

pub fn admin_application_reject(id: impl Display) -> String {
    fill(ADMIN_APPLICATION_REJECT, &[&id.to_string()])
}

pub fn admin_billing_close(month: impl Display) -> String {
    fill(ADMIN_BILLING_CLOSE, &[&month.to_string()])
}

pub fn admin_customer_suspend(id: impl Display, org_id: impl Display) -> String {
    fill(
        ADMIN_CUSTOMER_SUSPEND,
        &[&id.to_string(), &org_id.to_string()],
    )
}

pub fn admin_customer_unsuspend(id: impl Display, org_id: impl Display) -> String {
    fill(
        ADMIN_CUSTOMER_UNSUSPEND,
        &[&id.to_string(), &org_id.to_string()],
    )
}

pub fn admin_partner_credits(id: impl Display) -> String {
    fill(ADMIN_PARTNER_CREDITS, &[&id.to_string()])
}

pub fn admin_partner_discounts(id: impl Display) -> String {
    fill(ADMIN_PARTNER_DISCOUNTS, &[&id.to_string()])
}

pub fn admin_partner_reactivate(id: impl Display) -> String {
    fill(ADMIN_PARTNER_REACTIVATE, &[&id.to_string()])
}

pub fn admin_partner_resend_activation(id: impl Display) -> String {
    fill(ADMIN_PARTNER_RESEND_ACTIVATION, &[&id.to_string()])
}

pub fn admin_partner_suspend(id: impl Display) -> String {
    fill(ADMIN_PARTNER_SUSPEND, &[&id.to_string()])
}

pub fn console_api_key_revoke(id: impl Display) -> String {
    fill(CONSOLE_API_KEY_REVOKE, &[&id.to_string()])
}

pub fn console_branding_logo(mode: impl Display) -> String {
    fill(CONSOLE_BRANDING_LOGO, &[&mode.to_string()])
}

pub fn console_customer_expire(org_id: impl Display) -> String {
    fill(CONSOLE_CUSTOMER_EXPIRE, &[&org_id.to_string()])
}

pub fn console_signup_link_revoke(id: impl Display) -> String {
    fill(CONSOLE_SIGNUP_LINK_REVOKE, &[&id.to_string()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_fill_the_named_paths() {
        assert_eq!(signup("acme", "t0k"), "/signup/acme/t0k");
        assert_eq!(
            fill(ADMIN_CUSTOMER_SUSPEND, &["3", "123"]),
            "/admin/partners/3/customers/123/suspend"
        );
        assert_eq!(admin_partner(7), "/admin/partners/7");
        assert_eq!(
            admin_application_logo(4, "dark"),
            "/admin/applications/4/logos/dark.svg"
        );
        assert_eq!(console_customer("123"), "/console/customers/123");
        assert_eq!(within(CONSOLE, CONSOLE_BILLING), "/billing");
        assert_eq!(within(CONSOLE, CONSOLE), "");
    }

    /// The links and form targets written out in the templates (`href`, `action`, `src` values
    /// that start with `/`), with every `{{ ... }}` as one segment's worth of text.
    fn template_links() -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "html") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"),
            &mut files,
        );
        let mut links = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for attr in ["href=\"", "action=\"", "src=\""] {
                for part in text.split(attr).skip(1) {
                    let value = part.split('"').next().unwrap_or_default();
                    if !value.starts_with('/') || value.starts_with("//") {
                        continue;
                    }
                    let mut path = String::new();
                    let mut rest = value;
                    while let Some(i) = rest.find("{{") {
                        path.push_str(&rest[..i]);
                        path.push('x');
                        rest = rest[i..].split_once("}}").map_or("", |(_, r)| r);
                    }
                    path.push_str(rest);
                    let path = path
                        .split(['?', '#'])
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    links.push((f.display().to_string(), path));
                }
            }
        }
        links
    }

    #[test]
    fn every_link_in_the_templates_comes_from_this_table() {
        let written: Vec<_> = template_links();
        assert!(
            written.is_empty(),
            "links written out instead of taken from crate::paths: {written:?}"
        );
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let taken = std::fs::read_dir(root.join("console"))
            .unwrap()
            .chain(std::fs::read_dir(root.join("admin")).unwrap())
            .flatten()
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .map(|t| t.matches("{{ crate::paths::").count())
            .sum::<usize>();
        assert!(
            taken > 40,
            "the console's and admin's links come from here: {taken}"
        );
    }
}
