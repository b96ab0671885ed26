//! Who is asking: passwords, the typed session, CSRF, sign-in throttling and the guards that keep
//! `/admin` for operators and `/console` for partner members.

pub mod api_keys;
pub mod csrf;
pub mod guard;
pub mod password;
pub mod session;
pub mod throttle;

pub use guard::{CurrentUser, Manager, Member, Operator};
pub use password::Passwords;
