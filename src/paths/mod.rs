//! Paths of the HTML surface, named once: `configure()` mounts them, redirects and templates link
//! to them (as `web::routes`), and so do the mails, the APIs and the application layer that put
//! links to these pages in their answers; kept at the root so that none of those reaches into
//! `web`. A path with `{param}` segments has a builder that fills them in. Templates take their
//! links from here (`{{ crate::paths::CONSOLE_BILLING }}`, `{{ crate::paths::console_customer(id)
//! }}`): a test fails on a link written out in a template.

/// Defines each page path as a constant, and [`PAGES`] as the list of them all (name, path): a
/// path cannot be named without being listed.
macro_rules! pages {
    ($($name:ident = $path:literal;)*) => {
        $(pub const $name: &str = $path;)*
        /// Every page path above, with its name.
        pub const PAGES: &[(&str, &str)] = &[$((stringify!($name), $name)),*];
    };
}

pages! {
    HOME = "/";
    SIGN_IN = "/sign-in";
    SIGN_IN_CODE = "/sign-in/code";
    SIGN_IN_CODE_PASSKEY_OPTIONS = "/sign-in/code/passkey/options";
    SIGN_IN_CODE_PASSKEY = "/sign-in/code/passkey";
    SIGN_IN_PASSKEY_OPTIONS = "/sign-in/passkey/options";
    SIGN_IN_PASSKEY = "/sign-in/passkey";
    SIGN_OUT = "/sign-out";
    ACCOUNT_SECURITY = "/account/security";
    ACCOUNT_TWO_FACTOR_START = "/account/security/two-factor/start";
    ACCOUNT_TWO_FACTOR_CONFIRM = "/account/security/two-factor/confirm";
    ACCOUNT_TWO_FACTOR_OFF = "/account/security/two-factor/off";
    ACCOUNT_RECOVERY_CODES = "/account/security/recovery-codes";
    ACCOUNT_SESSIONS = "/account/security/sessions";
    ACCOUNT_PASSKEY_OPTIONS = "/account/security/passkeys/options";
    ACCOUNT_PASSKEYS = "/account/security/passkeys";
    ACCOUNT_PASSKEY_REMOVE = "/account/security/passkeys/{id}/remove";
    PASSWORD_FORGOT = "/password/forgot";
    PASSWORD_RESET = "/password/reset/{token}";
    HEALTHZ = "/healthz";
    READYZ = "/readyz";
    METRICS = "/metrics";
    STATIC = "/static/{file:.*}";
    LANGUAGE = "/language";
    APPLY = "/apply";
    APPLY_RECEIVED = "/apply/received";
    PARTNER_LOGO = "/logos/{slug}/{mode}.svg";
    UPLOADED_LOGO = "/logos/uploads/{key}.svg";
    ACTIVATE = "/activate/{token}";
    INVITATION = "/invitation/{token}";
    SIGNUP = "/signup/{slug}/{token}";
    CONFIRM_ORGANIZATION = "/confirm-organization/{token}";
    ADMIN = "/admin";
    ADMIN_OUTBOX = "/admin/outbox";
    ADMIN_AUDIT = "/admin/audit";
    ADMIN_AUDIT_CSV = "/admin/audit.csv";
    ADMIN_APPLICATIONS = "/admin/applications";
    ADMIN_APPLICATION = "/admin/applications/{id}";
    ADMIN_APPLICATION_APPROVE = "/admin/applications/{id}/approve";
    ADMIN_APPLICATION_REJECT = "/admin/applications/{id}/reject";
    ADMIN_APPLICATION_LOGO = "/admin/applications/{id}/logos/{mode}.svg";
    ADMIN_PARTNERS = "/admin/partners";
    ADMIN_PARTNER = "/admin/partners/{id}";
    ADMIN_PARTNER_SUSPEND = "/admin/partners/{id}/suspend";
    ADMIN_PARTNER_REACTIVATE = "/admin/partners/{id}/reactivate";
    ADMIN_PARTNER_RESEND_ACTIVATION = "/admin/partners/{id}/resend-activation";
    ADMIN_PARTNER_DISCOUNTS = "/admin/partners/{id}/discounts";
    ADMIN_PARTNER_CREDITS = "/admin/partners/{id}/credits";
    ADMIN_DISCOUNT_END = "/admin/partners/{id}/discounts/{grant}/end";
    ADMIN_CREDIT_END = "/admin/partners/{id}/credits/{grant}/end";
    ADMIN_CUSTOMER_SUSPEND = "/admin/partners/{id}/customers/{org_id}/suspend";
    ADMIN_CUSTOMER_UNSUSPEND = "/admin/partners/{id}/customers/{org_id}/unsuspend";
    ADMIN_AUTHORIZATIONS = "/admin/authorizations";
    ADMIN_AUTHORIZATION = "/admin/authorizations/{id}";
    ADMIN_AUTHORIZATION_ACTIVATE = "/admin/authorizations/{id}/activate";
    ADMIN_AUTHORIZATION_RESTRICT = "/admin/authorizations/{id}/restrict";
    ADMIN_OFFERS = "/admin/offers";
    ADMIN_OFFER = "/admin/offers/{id}";
    ADMIN_BILLING = "/admin/billing";
    ADMIN_BILLING_CLOSE = "/admin/billing/close/{month}";
    CONSOLE = "/console";
    CONSOLE_BILLING = "/console/billing";
    CONSOLE_BILLING_CSV = "/console/billing.csv";
    CONSOLE_BILLING_FOCUS = "/console/billing/focus.csv";
    CONSOLE_BUDGETS = "/console/budgets";
    CONSOLE_BUDGET_DELETE = "/console/budgets/{id}/delete";
    CONSOLE_BUDGET_ALERTS = "/console/budgets/alerts";
    CONSOLE_CREDITS = "/console/credits";
    CONSOLE_DISCOUNTS = "/console/discounts";
    CONSOLE_STATEMENTS = "/console/statements";
    CONSOLE_STATEMENT = "/console/statements/{month}";
    CONSOLE_STATEMENT_PDF = "/console/statements/{month}/pdf";
    CONSOLE_STATEMENT_CSV = "/console/statements/{month}/csv";
    CONSOLE_CUSTOMERS = "/console/customers";
    CONSOLE_CUSTOMERS_CSV = "/console/customers.csv";
    CONSOLE_CUSTOMER = "/console/customers/{org_id}";
    CONSOLE_CUSTOMER_EXPIRE = "/console/customers/{org_id}/expire";
    CONSOLE_CUSTOMER_PLAN = "/console/customers/{org_id}/plan";
    CONSOLE_CUSTOMER_INVOICE_LANGUAGE = "/console/customers/{org_id}/invoice-language";
    CONSOLE_INVOICES = "/console/invoices";
    CONSOLE_INVOICES_CSV = "/console/invoices.csv";
    CONSOLE_INVOICE_DETAILS = "/console/invoices/details";
    CONSOLE_INVOICES_SEND = "/console/invoices/send-all";
    CONSOLE_INVOICE = "/console/invoices/{number}";
    CONSOLE_INVOICE_PDF = "/console/invoices/{number}/pdf";
    CONSOLE_INVOICE_VOID = "/console/invoices/{number}/void";
    CONSOLE_INVOICE_CORRECT = "/console/invoices/{number}/correct";
    CONSOLE_INVOICE_SEND = "/console/invoices/{number}/send";
    CONSOLE_PLANS = "/console/price-plans";
    CONSOLE_PLAN = "/console/price-plans/{id}";
    CONSOLE_PLAN_DEFAULT = "/console/price-plans/{id}/default";
    CONSOLE_PLAN_DELETE = "/console/price-plans/{id}/delete";
    CONSOLE_SIGNUP_LINKS = "/console/signup-links";
    CONSOLE_SIGNUP_LINK_REVOKE = "/console/signup-links/{id}/revoke";
    CONSOLE_AUTHORIZATIONS = "/console/authorizations";
    CONSOLE_OFFERS = "/console/offers";
    CONSOLE_OFFER_NEW = "/console/offers/new";
    CONSOLE_OFFER = "/console/offers/{id}";
    CONSOLE_OFFER_EDIT = "/console/offers/{id}/edit";
    CONSOLE_OFFER_RELEASE = "/console/offers/{id}/release";
    CONSOLE_OFFER_ACCEPT = "/console/offers/{id}/accept";
    CONSOLE_OFFER_CANCEL = "/console/offers/{id}/cancel";
    CONSOLE_BRANDING = "/console/branding";
    CONSOLE_BRANDING_PREVIEW = "/console/branding/preview";
    CONSOLE_BRANDING_LOGO = "/console/branding/{mode}";
    CONSOLE_API_KEYS = "/console/api-keys";
    CONSOLE_API_KEY_REVOKE = "/console/api-keys/{id}/revoke";
    CONSOLE_API_KEY_ROTATE = "/console/api-keys/{id}/rotate";
    CONSOLE_WEBHOOKS = "/console/webhooks";
    CONSOLE_WEBHOOK = "/console/webhooks/{id}";
    CONSOLE_WEBHOOK_TEST = "/console/webhooks/{id}/test";
    CONSOLE_WEBHOOK_ROTATE = "/console/webhooks/{id}/rotate";
    CONSOLE_WEBHOOK_DELETE = "/console/webhooks/{id}/delete";
    CONSOLE_WEBHOOK_RETRY = "/console/webhooks/{id}/deliveries/{delivery}/retry";
    CONSOLE_SUPPORT = "/console/support";
    CONSOLE_AUDIT = "/console/audit";
    CONSOLE_AUDIT_CSV = "/console/audit.csv";
    CONSOLE_SETTINGS = "/console/settings";
    CONSOLE_SETTINGS_PROFILE = "/console/settings/profile";
    CONSOLE_SETTINGS_PASSWORD = "/console/settings/password";
    CONSOLE_SETTINGS_PARTNER = "/console/settings/partner";
    CONSOLE_SETTINGS_TWO_FACTOR = "/console/settings/two-factor";
    CONSOLE_TEAM = "/console/team";
    CONSOLE_TEAM_INVITE = "/console/team/invite";
    CONSOLE_TEAM_ROLE = "/console/team/{id}/role";
    CONSOLE_TEAM_REMOVE = "/console/team/{id}/remove";
    CONSOLE_TEAM_RESEND = "/console/team/{id}/resend";
    CONSOLE_TEAM_CANCEL = "/console/team/{id}/cancel";
}

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

mod builders;
pub use builders::*;

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

    /// Every HTML template under `templates/` and its folders.
    fn template_files() -> Vec<std::path::PathBuf> {
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
        files
    }

    /// The links and form targets written out in the templates (`href`, `action`, `src` values
    /// that start with `/`), with every `{{ ... }}` as one segment's worth of text.
    fn template_links() -> Vec<(String, String)> {
        let mut links = Vec::new();
        for f in template_files() {
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
        let taken = template_files()
            .iter()
            .filter(|f| {
                f.components()
                    .any(|c| c.as_os_str() == "console" || c.as_os_str() == "admin")
            })
            .map(|f| std::fs::read_to_string(f).unwrap_or_default())
            .map(|t| t.matches("{{ crate::paths::").count())
            .sum::<usize>();
        assert!(
            taken > 40,
            "the console's and admin's links come from here: {taken}"
        );
    }
}
