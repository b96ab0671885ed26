//! Who does something, for what partner, from where: what the audit log records of every
//! sensitive action, whichever surface it came through.

use chrono::{DateTime, Utc};

use crate::domain::{Action, AuditAction, Role};
use crate::store::audit::{self, AuditEvent};
use crate::store::{Conn, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// A signed-in person.
    User(i64),
    /// A program with one of the partner's API keys.
    ApiKey(i64),
    /// The console itself, on its own schedule or at a read (an offer past its expiry).
    System,
}

/// How the console names itself where it acted on its own.
pub const SYSTEM: &str = "system";

#[derive(Debug, Clone)]
pub struct Actor {
    pub by: By,
    /// The partner acted for; `None` for operators' own actions.
    pub partner_id: Option<i64>,
    /// The request's client address.
    pub address: String,
    /// A partner member's role, which [`Actor::may`] reads; `None` for operators, keys and
    /// the system.
    pub role: Option<Role>,
}

/// The actor's role may not do what it asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("your role may not {0:?}")]
pub struct Forbidden(pub Action);

impl Actor {
    pub fn user(user_id: i64, partner_id: Option<i64>, address: String) -> Actor {
        Actor {
            by: By::User(user_id),
            partner_id,
            address,
            role: None,
        }
    }

    /// A member of `partner_id` with `role`: what the rights table allows it is what it may do.
    pub fn member(user_id: i64, partner_id: i64, role: Option<Role>, address: String) -> Actor {
        Actor {
            by: By::User(user_id),
            partner_id: Some(partner_id),
            address,
            role,
        }
    }

    /// Whether the actor may do `action`: a partner's member as its role allows in
    /// [`crate::domain::RIGHTS`] (none without a role); operators, API keys (which carry their
    /// partner's full rights) and the system always.
    pub fn may(&self, action: Action) -> bool {
        match (self.by, self.partner_id) {
            (By::User(_), Some(_)) => self.role.is_some_and(|r| r.can(action)),
            _ => true,
        }
    }

    /// [`Actor::may`], as an error to return.
    pub fn require(&self, action: Action) -> Result<(), Forbidden> {
        if self.may(action) {
            Ok(())
        } else {
            Err(Forbidden(action))
        }
    }

    pub fn api_key(key_id: i64, partner_id: i64, address: String) -> Actor {
        Actor {
            by: By::ApiKey(key_id),
            partner_id: Some(partner_id),
            address,
            role: None,
        }
    }

    /// The console acting for `partner_id` on its own.
    pub fn system(partner_id: i64) -> Actor {
        Actor {
            by: By::System,
            partner_id: Some(partner_id),
            address: String::new(),
            role: None,
        }
    }

    /// The person acting, if it is one.
    pub fn user_id(&self) -> Option<i64> {
        match self.by {
            By::User(id) => Some(id),
            By::ApiKey(_) | By::System => None,
        }
    }

    /// What acted when no person did: "API key 7", "system"; empty for a person.
    pub fn label(&self) -> String {
        match self.by {
            By::User(_) => String::new(),
            By::ApiKey(key) => format!("API key {key}"),
            By::System => SYSTEM.into(),
        }
    }

    /// Writes the audit event of `action` on the actor's own partner, in the use case's
    /// transaction (or on a connection, for a sign-in, which changes nothing else).
    pub async fn audit(
        &self,
        tx: &mut impl Conn,
        action: AuditAction,
        detail: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.audit_on(tx, self.partner_id, action, detail, now)
            .await
    }

    /// Writes the audit event of `action` on `partner_id` (an operator's action on a partner,
    /// say) in `tx`; a key's actions name the key in the detail.
    pub async fn audit_on(
        &self,
        tx: &mut impl Conn,
        partner_id: Option<i64>,
        action: AuditAction,
        detail: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let detail = match self.by {
            By::User(_) | By::System => detail.to_string(),
            By::ApiKey(key) => format!("{detail} by API key {key}"),
        };
        let label = match self.by {
            By::System => self.label(),
            _ => String::new(),
        };
        let e = AuditEvent {
            actor_user_id: self.user_id(),
            partner_id,
            action: action.as_str(),
            detail: &detail,
            address: &self.address,
            actor: &label,
        };
        audit::record(tx, e, now).await
    }
}
