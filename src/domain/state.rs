//! The states of the things the console keeps (SPEC 3), as enums. The store keeps each as its
//! lower-case text (`sqlx::Type` over a TEXT column, the same on SQLite and PostgreSQL); pages,
//! answers and the OpenAPI schemas read `as_str` and `ALL`, so a value is written once.

use std::fmt;

/// Defines a state enum stored and shown as lower-case text.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident ($label:literal) { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type)]
        #[sqlx(type_name = "text", rename_all = "lowercase")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Labelled for $name {
            fn label_key(&self) -> String {
                format!("{}-{}", $label, self.as_str())
            }
        }
    };
}

/// A value people read in their language: the catalogue key of its label.
pub trait Labelled {
    fn label_key(&self) -> String;
}

impl<T: Labelled> Labelled for &T {
    fn label_key(&self) -> String {
        (*self).label_key()
    }
}

text_enum! {
    /// A partner's state: a suspended partner's people cannot sign in and its keys are refused.
    PartnerState ("state") {
        Active => "active",
        Suspended => "suspended",
    }
}

text_enum! {
    /// A customer organization's state.
    CustomerState ("customer-state") {
        /// Signed up, e-mail not confirmed yet.
        Pending => "pending",
        Active => "active",
        /// Suspended by the vendor.
        Suspended => "suspended",
        /// Its contract has ended.
        Expired => "expired",
    }
}

text_enum! {
    /// An outbox mail's state: waiting (perhaps after failed tries), claimed by a worker, sent
    /// over SMTP, written as an `.eml` file (no SMTP configured), or given up on.
    MailState ("outbox-state") {
        Pending => "pending",
        Sending => "sending",
        Sent => "sent",
        Written => "written",
        Failed => "failed",
    }
}

text_enum! {
    /// A partner application's state.
    ApplicationState ("application-state") {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
    }
}

text_enum! {
    /// A resale authorization's state (AWS Marketplace's): a `restricted` one backs no new offer,
    /// while the offers made from it go on.
    AuthorizationState ("authorization-state") {
        Draft => "draft",
        Active => "active",
        Restricted => "restricted",
    }
}

text_enum! {
    /// A private offer's state.
    OfferState ("offer-state") {
        /// Being prepared by the reseller; the buyer has not seen it.
        Draft => "draft",
        /// Sent to the buyer.
        Released => "released",
        /// Accepted by the buyer: an agreement.
        Accepted => "accepted",
        /// Past its expiry without acceptance.
        Expired => "expired",
        Cancelled => "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_back_as_they_are_written() {
        for s in CustomerState::ALL {
            assert_eq!(CustomerState::parse(s.as_str()), Some(*s));
        }
        for s in PartnerState::ALL {
            assert_eq!(PartnerState::parse(&s.to_string()), Some(*s));
        }
        for s in ApplicationState::ALL {
            assert_eq!(ApplicationState::parse(s.as_str()), Some(*s));
        }
        assert_eq!(CustomerState::parse("ended"), None);
    }
}
