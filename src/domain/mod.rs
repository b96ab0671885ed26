//! Domain values parsed at the edge: once a handler holds one of these, it is valid.

mod audit;
mod email;
mod key_scope;
pub mod offers;
mod partner;
mod password;
mod rights;
mod state;
mod svg_logo;

pub use audit::AuditAction;
pub use email::Email;
pub use key_scope::{KeyScope, KeyUse};
pub use partner::{PartnerKind, Role, check_website, slugify};
pub use password::NewPassword;
pub use rights::{Action, RIGHTS};
pub use state::{
    ApplicationState, AuthorizationState, CustomerState, Labelled, MailState, OfferState,
    PartnerState,
};
pub use svg_logo::{MAX_LOGO_BYTES, SvgLogo};

/// Why a value was refused; `key` names the translated message shown beside the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}")]
pub struct DomainError {
    pub key: &'static str,
}

impl DomainError {
    pub const fn new(key: &'static str) -> Self {
        DomainError { key }
    }
}
