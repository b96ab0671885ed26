//! The one error of every use case. A use case says what it refuses in the application's terms
//! (which fields are wrong and why, what is missing, what the state forbids); each surface maps
//! this type once: `web::error` to a page or a form, `api::error` to the public API's JSON error.
//! Only [`Error::Store`] and [`Error::Internal`] are the server's own failures; everything else is
//! the caller's mistake and never answers 500.

use std::fmt;

pub use crate::i18n::Message;

use super::Forbidden;
use crate::store::StoreError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input refused: every field at fault, each with what is wrong with it.
    #[error("{}", FieldErrors(.0))]
    Invalid(Vec<FieldError>),
    /// Nothing of the actor's with this id: an unknown id and a foreign one answer the same.
    #[error("{}", .0.not_found())]
    NotFound(Thing),
    /// The thing exists only for the other kind of partner (signup links for MSPs, offers and
    /// authorizations for resellers).
    #[error("{}", .0.wrong_kind())]
    WrongKind(Thing),
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// A valid request that the thing's state refuses (a decided application, the last owner).
    #[error("{0}")]
    Conflict(Message),
    /// A link that once worked and no longer does (used, expired, revoked); the message says which.
    #[error("{0}")]
    Gone(Message),
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// A field of the input and what is wrong with it. `field` is the name the API's JSON gives it
/// (the forms use the same names, or map them once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: Message,
}

impl FieldError {
    pub fn new(field: &'static str, key: &'static str) -> FieldError {
        FieldError {
            field,
            message: Message::new(key),
        }
    }
}

impl Error {
    pub fn invalid(field: &'static str, key: &'static str) -> Error {
        Error::Invalid(vec![FieldError::new(field, key)])
    }

    pub fn conflict(key: &'static str) -> Error {
        Error::Conflict(Message::new(key))
    }

    pub fn gone(key: &'static str) -> Error {
        Error::Gone(Message::new(key))
    }
}

/// The fields' messages in English, for the command line and logs (the API names each field).
struct FieldErrors<'a>(&'a [FieldError]);

impl fmt::Display for FieldErrors<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{}", e.message)?;
        }
        Ok(())
    }
}

/// What was not found, or is for the other kind of partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thing {
    Partner,
    Application,
    Customer,
    Member,
    ApiKey,
    SignupLink,
    Offer,
    Authorization,
    /// A discount or a credit.
    Grant,
    PricePlan,
    Invoice,
    Statement,
    /// A link mailed to a person (activation, invitation, password reset, confirmation).
    EmailLink,
    Webhook,
    WebhookDelivery,
    Budget,
}

impl Thing {
    fn not_found(self) -> Message {
        Message::new(match self {
            Thing::Partner => "error-no-partner",
            Thing::Application => "error-no-application",
            Thing::Customer => "error-no-customer",
            Thing::Member => "error-no-member",
            Thing::ApiKey => "error-no-api-key",
            Thing::SignupLink => "error-no-signup-link",
            Thing::Offer => "error-no-offer",
            Thing::Authorization => "error-no-authorization",
            Thing::EmailLink => "error-no-email-link",
            Thing::Grant => "error-no-grant",
            Thing::PricePlan => "error-no-price-plan",
            Thing::Invoice => "error-no-invoice",
            Thing::Statement => "error-no-statement",
            Thing::Webhook => "error-no-webhook",
            Thing::WebhookDelivery => "error-no-webhook-delivery",
            Thing::Budget => "error-no-budget",
        })
    }

    fn wrong_kind(self) -> Message {
        Message::new(match self {
            Thing::SignupLink => "error-kind-signup-links",
            Thing::Offer => "error-kind-offers",
            Thing::Authorization => "error-kind-authorizations",
            _ => "error-404-text",
        })
    }
}

impl Error {
    /// What the surfaces say of a [`Error::NotFound`] or [`Error::WrongKind`].
    pub fn message(&self) -> Option<Message> {
        match self {
            Error::NotFound(t) => Some(t.not_found()),
            Error::WrongKind(t) => Some(t.wrong_kind()),
            Error::Conflict(m) | Error::Gone(m) => Some(m.clone()),
            _ => None,
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Store(e)
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Store(StoreError::Database(e))
    }
}
