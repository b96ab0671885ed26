//! Private offers (issue 14; SPEC 2.7): a reseller records an offer made in AWS Marketplace from
//! one of its resale authorizations, releases it to the buyer, records the buyer's acceptance or
//! cancels it; an offer past its expiry lapses. Acceptance makes or links the customer and starts
//! the agreement whose terms its bills carry. The same use cases serve the console and the API.
//!
//! Choices where the issue is silent: an offer's authorization is fixed once made; a draft of an
//! authorization restricted since may still be edited and released ("existing ones go on"); an
//! offer accepted for a buyer under a running agreement takes over from it as a replacement does,
//! so exactly one agreement applies in any month whatever the order things happen in.

use chrono::{DateTime, NaiveDate, Utc};

use super::Actor;
use super::authorizations::own_reseller;
use super::error::{Error, FieldError, Message, Result, Thing};
use crate::domain::OfferState;
use crate::store::offers::{self, EventActor, Offer, Terms};
use crate::store::partners::Partner;
use crate::store::{Conn, StoreError, Tx};

mod accept;
mod checks;
mod commands;
mod expiry;
mod queries;

pub use accept::{Accepted, accept};
pub use commands::{cancel, create, release, update};
pub use expiry::sweep;
pub use queries::{OfferView, page, page_all, view, view_any};

pub const MAX_COMPANY_CHARS: usize = 120;

/// An offer as the reseller writes it. A surface that reads a value it cannot make a number or
/// date of passes one out of range (or `None`), so the field is reported the same way.
#[derive(Debug, Clone, Default)]
pub struct OfferRequest {
    pub authorization_id: i64,
    pub buyer_account: String,
    pub buyer_company: String,
    pub buyer_email: String,
    /// Basis points on the wholesale price, 0 to 10 000.
    pub markup_bps: i64,
    pub duration_months: i64,
    pub expires_on: Option<NaiveDate>,
}

/// A field of an offer, or of its acceptance, that is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferField {
    Authorization,
    BuyerAccount,
    BuyerCompany,
    BuyerEmail,
    Markup,
    Duration,
    Expiry,
    AcceptedOn,
}

impl OfferField {
    /// The field's name in forms and in the API's messages.
    pub fn name(self) -> &'static str {
        match self {
            OfferField::Authorization => "authorizationId",
            OfferField::BuyerAccount => "buyerAwsAccountId",
            OfferField::BuyerCompany => "buyerCompanyName",
            OfferField::BuyerEmail => "buyerEmail",
            OfferField::Markup => "markupBasisPoints",
            OfferField::Duration => "durationMonths",
            OfferField::Expiry => "expiresOn",
            OfferField::AcceptedOn => "acceptedOn",
        }
    }
}

/// A wrong field and the message key that says why.
pub type Refusal = (OfferField, &'static str);

/// A state change of an offer, as refusals name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Edit,
    Release,
    Accept,
    Cancel,
    Replace,
}

impl Step {
    pub fn verb(self) -> &'static str {
        match self {
            Step::Edit => "edited",
            Step::Release => "released",
            Step::Accept => "accepted",
            Step::Cancel => "cancelled",
            Step::Replace => "replaced",
        }
    }
}

/// The fields refused, by the names the API and the form give them.
pub(super) fn invalid(bad: Vec<Refusal>) -> Error {
    Error::Invalid(
        bad.into_iter()
            .map(|(field, key)| FieldError::new(field.name(), key))
            .collect(),
    )
}

/// The offer's state does not allow `step`.
pub fn refused(state: OfferState, step: Step) -> Error {
    Error::Conflict(
        Message::new("flash-offer-refused")
            .term("state", format!("offer-state-word-{state}"))
            .term("change", format!("offer-step-{}", step.verb())),
    )
}

/// Who changed an offer, for its history.
fn event_actor(actor: &Actor) -> (Option<i64>, String) {
    (actor.user_id(), actor.label())
}

async fn record(
    tx: &mut Tx,
    actor: &Actor,
    offer_id: i64,
    from: Option<OfferState>,
    to: OfferState,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (user_id, label) = event_actor(actor);
    let by = EventActor {
        user_id,
        label: &label,
        address: &actor.address,
    };
    offers::record_event(tx, offer_id, from, to, &by, now).await
}

fn terms<'a>(req: &'a OfferRequest, buyer: &'a str) -> Terms<'a> {
    Terms {
        buyer_account: buyer,
        buyer_company: req.buyer_company.trim(),
        buyer_email: req.buyer_email.trim(),
        markup_bps: req.markup_bps,
        duration_months: req.duration_months,
        expires_on: req.expires_on.unwrap_or(NaiveDate::MIN),
    }
}

/// The actor's reseller; for an MSP, offers do not exist.
async fn own(c: &mut impl Conn, actor: &Actor) -> Result<Partner> {
    own_reseller(c, actor).await.map_err(|e| match e {
        Error::WrongKind(_) => Error::WrongKind(Thing::Offer),
        other => other,
    })
}

/// One of the partner's offers as it stands at `now` (a lapsed one is expired).
async fn find_own(
    c: &mut impl Conn,
    partner: &Partner,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Offer> {
    Ok(offers::find(c, Some(partner.partner_id), id)
        .await?
        .ok_or(Error::NotFound(Thing::Offer))?
        .settled(now.date_naive()))
}
