//! Paths of the HTML surface, named once and used by handlers, redirects, templates and tests.

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
