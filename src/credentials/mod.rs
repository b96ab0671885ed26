//! What proves who someone is, below every use case: passwords (argon2 on its own threads), API
//! keys (the vault that keeps their Digest verifiers encrypted) and the Digest computation that
//! checks a client's answer, and
//! the second factors of sign-in (time-based one-time codes, recovery codes). Nothing here knows
//! of HTTP requests or sessions.

pub mod api_keys;
pub mod digest;
pub mod passkeys;
pub mod password;
pub mod recovery_codes;
pub mod totp;

pub use password::Passwords;
