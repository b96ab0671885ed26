//! Who does something, for what partner, from where: what the audit log records of every
//! sensitive action, whichever surface it came through.

use chrono::{DateTime, Utc};

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

#[derive(Debug, Clone)]
pub struct Actor {
    pub by: By,
    /// The partner acted for; `None` for operators' own actions.
    pub partner_id: Option<i64>,
    /// The request's client address.
    pub address: String,
}

impl Actor {
    pub fn user(user_id: i64, partner_id: Option<i64>, address: String) -> Actor {
        Actor {
            by: By::User(user_id),
            partner_id,
            address,
        }
    }

    pub fn api_key(key_id: i64, partner_id: i64, address: String) -> Actor {
        Actor {
            by: By::ApiKey(key_id),
            partner_id: Some(partner_id),
            address,
        }
    }

    /// The console acting for `partner_id` on its own.
    pub fn system(partner_id: i64) -> Actor {
        Actor {
            by: By::System,
            partner_id: Some(partner_id),
            address: String::new(),
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
            By::System => "system".into(),
        }
    }

    /// Writes the audit event of `action` on the actor's own partner, in the use case's
    /// transaction (or on a connection, for a sign-in, which changes nothing else).
    pub async fn audit(
        &self,
        tx: &mut impl Conn,
        action: &str,
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
        action: &str,
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
            action,
            detail: &detail,
            address: &self.address,
            actor: &label,
        };
        audit::record(tx, e, now).await
    }
}
