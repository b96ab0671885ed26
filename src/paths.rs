//! Paths of the HTML surface, named once: the web handlers, redirects and templates use them
//! (as `web::routes`), and so do the mails, the APIs and the application layer that put links to
//! these pages in their answers; kept at the root so that none of those reaches into `web`.

pub const HOME: &str = "/";
pub const SIGN_IN: &str = "/sign-in";
pub const SIGN_OUT: &str = "/sign-out";
pub const PASSWORD_FORGOT: &str = "/password/forgot";
pub const PASSWORD_RESET: &str = "/password/reset/{token}";
pub const ADMIN: &str = "/admin";
pub const ADMIN_OUTBOX: &str = "/admin/outbox";
pub const ADMIN_AUDIT: &str = "/admin/audit";
pub const CONSOLE: &str = "/console";
pub const HEALTHZ: &str = "/healthz";
pub const READYZ: &str = "/readyz";
pub const METRICS: &str = "/metrics";
pub const STATIC: &str = "/static/{file:.*}";

pub fn password_reset(token: &str) -> String {
    PASSWORD_RESET.replace("{token}", token)
}

pub const APPLY: &str = "/apply";
pub const APPLY_RECEIVED: &str = "/apply/received";
pub const PARTNER_LOGO: &str = "/logos/{slug}/{mode}.svg";
pub const UPLOADED_LOGO: &str = "/logos/uploads/{key}.svg";
pub const ACTIVATE: &str = "/activate/{token}";
pub const ADMIN_APPLICATIONS: &str = "/admin/applications";
pub const ADMIN_PARTNERS: &str = "/admin/partners";
pub const CONSOLE_BRANDING: &str = "/console/branding";
pub const CONSOLE_API_KEYS: &str = "/console/api-keys";
pub const CONSOLE_SUPPORT: &str = "/console/support";

pub fn activate(token: &str) -> String {
    ACTIVATE.replace("{token}", token)
}

pub fn uploaded_logo(key: &str) -> String {
    UPLOADED_LOGO.replace("{key}", key)
}

pub const SIGNUP: &str = "/signup/{slug}/{token}";
pub const CONFIRM_ORGANIZATION: &str = "/confirm-organization/{token}";
pub const CONSOLE_CUSTOMERS: &str = "/console/customers";
pub const CONSOLE_SIGNUP_LINKS: &str = "/console/signup-links";

pub fn signup(slug: &str, token: &str) -> String {
    format!("/signup/{slug}/{token}")
}

pub fn confirm_organization(token: &str) -> String {
    CONFIRM_ORGANIZATION.replace("{token}", token)
}
pub const CONSOLE_BILLING: &str = "/console/billing";
pub const ADMIN_BILLING: &str = "/admin/billing";
