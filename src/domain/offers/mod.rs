//! The rules of AWS Marketplace channel partner private offers (CPPO) as the console keeps them
//! (issue 14; SPEC 1, 2.7): which offers a resale authorization may back, how an offer moves
//! between its states, when its acceptance may be dated, and the months its agreement covers.
//! Pure: the store and the application layer apply them.

use chrono::NaiveDate;

use super::DomainError;
use super::state::{AuthorizationState, OfferState};
use crate::billing::month::Month;

/// A buyer's AWS account id: exactly 12 digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsAccount(String);

impl AwsAccount {
    /// An account as AWS shows it (`1234-5678-9012`) or as its 12 digits; dashes and spaces
    /// between the digits are dropped.
    pub fn parse(s: &str) -> Result<AwsAccount, DomainError> {
        let digits: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .collect();
        if digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(AwsAccount(digits))
        } else {
            Err(DomainError::new("error-aws-account"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The most buyer accounts an authorization may list (AWS Marketplace's limit).
pub const MAX_BUYERS: usize = 25;
/// The longest agreement an authorization may allow, in months.
pub const MAX_DURATION_MONTHS: i64 = 60;

/// A list of buyer accounts as written (separated by commas, lines or spaces): each a 12-digit
/// account as [`AwsAccount::parse`] reads it, at most [`MAX_BUYERS`], repeats dropped; empty for
/// any buyer. A part with spaces is one account when it reads as one (`1234 5678 9012`), else
/// accounts separated by spaces.
pub fn parse_buyers(s: &str) -> Result<Vec<String>, DomainError> {
    let mut out: Vec<String> = Vec::new();
    let parts = s
        .split([',', ';', '\n', '\r', '\t'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .flat_map(|p| match AwsAccount::parse(p) {
            Ok(_) => vec![p],
            Err(_) => p.split(' ').filter(|w| !w.is_empty()).collect(),
        });
    for part in parts {
        let a = AwsAccount::parse(part)?;
        if !out.iter().any(|b| b == a.as_str()) {
            out.push(a.0);
        }
    }
    if out.len() > MAX_BUYERS {
        return Err(DomainError::new("error-authorization-buyers"));
    }
    Ok(out)
}

/// A list of agreement durations in months (separated by commas or spaces): at least one, each
/// 1 to [`MAX_DURATION_MONTHS`], sorted, repeats dropped.
pub fn parse_durations(s: &str) -> Result<Vec<i64>, DomainError> {
    let mut out = Vec::new();
    for part in s.split([',', ' ']).filter(|p| !p.is_empty()) {
        match part.parse::<i64>() {
            Ok(n) if (1..=MAX_DURATION_MONTHS).contains(&n) => out.push(n),
            _ => return Err(DomainError::new("error-authorization-durations")),
        }
    }
    out.sort_unstable();
    out.dedup();
    if out.is_empty() {
        return Err(DomainError::new("error-authorization-durations"));
    }
    Ok(out)
}

/// A list as the store keeps it: comma-separated.
pub fn join_list<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// A reseller's markup on the wholesale price, in basis points: 0 to 10 000 (0 % to 100 %).
pub const MAX_MARKUP_BPS: i64 = 10_000;

/// What an authorization says about the offers it may back.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub state: AuthorizationState,
    /// The last day offers made from it may be open.
    pub available_until: NaiveDate,
    /// The buyer accounts it may be used for; empty for any.
    pub buyers: Vec<String>,
    /// How many offers it may back (AWS's one-time use is 1).
    pub max_offers: i64,
    /// The agreement durations it allows, in months.
    pub durations: Vec<i64>,
    /// Offers made from it so far, as [`counts_against`] counts them.
    pub offers_made: i64,
}

/// Whether an offer in `state`, once released or not, uses up one of its authorization's
/// offers: every offer does, but one cancelled while still a draft.
pub fn counts_against(state: OfferState, was_released: bool) -> bool {
    state != OfferState::Cancelled || was_released
}

/// A new offer as the reseller asks for it.
#[derive(Debug, Clone)]
pub struct OfferRequest<'a> {
    pub buyer: &'a str,
    pub markup_bps: i64,
    pub duration_months: i64,
    pub expires_on: NaiveDate,
}

/// A field of an [`OfferRequest`] that the authorization refuses, or the authorization itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferRefusal {
    /// Not active: a draft, or restricted (no new offers).
    NotActive,
    /// Every offer it may back is made.
    UsedUp,
    /// Not a 12-digit AWS account.
    Buyer,
    /// A buyer account the authorization does not list.
    BuyerNotAllowed,
    Markup,
    Duration,
    /// An expiry in the past or after the authorization's end.
    Expiry,
}

impl Authorization {
    /// What refuses `req` on `today`; empty when the offer may be made.
    pub fn refusals(&self, req: &OfferRequest<'_>, today: NaiveDate) -> Vec<OfferRefusal> {
        let mut out = Vec::new();
        if self.state != AuthorizationState::Active {
            out.push(OfferRefusal::NotActive);
        } else if self.offers_made >= self.max_offers {
            out.push(OfferRefusal::UsedUp);
        }
        match AwsAccount::parse(req.buyer) {
            Err(_) => out.push(OfferRefusal::Buyer),
            Ok(a) if !self.buyers.is_empty() && !self.buyers.iter().any(|b| b == a.as_str()) => {
                out.push(OfferRefusal::BuyerNotAllowed)
            }
            Ok(_) => {}
        }
        if !(0..=MAX_MARKUP_BPS).contains(&req.markup_bps) {
            out.push(OfferRefusal::Markup);
        }
        if !self.durations.contains(&req.duration_months) {
            out.push(OfferRefusal::Duration);
        }
        if req.expires_on < today || req.expires_on > self.available_until {
            out.push(OfferRefusal::Expiry);
        }
        out
    }
}

/// A change of an offer's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Release,
    Accept,
    Cancel,
    Expire,
}

impl OfferState {
    /// The state `change` leads to from this one, if it may happen.
    pub fn after(self, change: Change) -> Option<OfferState> {
        use OfferState::*;
        match (self, change) {
            (Draft, Change::Release) => Some(Released),
            (Released, Change::Accept) => Some(Accepted),
            (Draft | Released, Change::Cancel) => Some(Cancelled),
            (Draft | Released, Change::Expire) => Some(Expired),
            _ => None,
        }
    }

    /// Whether an offer in this state with `expires_on` has expired by `today` (it is open on
    /// its expiry day itself).
    pub fn lapsed(self, expires_on: NaiveDate, today: NaiveDate) -> bool {
        self.after(Change::Expire).is_some() && today > expires_on
    }
}

/// Whether an acceptance may be dated `on`: between the release and the earlier of today and the
/// offer's expiry, both days included.
pub fn acceptance_date_ok(
    on: NaiveDate,
    released_on: NaiveDate,
    expires_on: NaiveDate,
    today: NaiveDate,
) -> bool {
    released_on <= on && on <= today.min(expires_on)
}

/// The months an agreement covers, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreement {
    pub first: Month,
    pub last: Month,
}

impl Agreement {
    /// An agreement accepted `on`: from the first day of the next month, for `months` whole
    /// months (the vendor moves an organization to a partner "from the first day of a future
    /// month").
    pub fn accepted(on: NaiveDate, months: i64) -> Agreement {
        let first = Month::of(on).next();
        Agreement {
            first,
            last: first.plus(months.max(1) as i32 - 1),
        }
    }

    /// `self` as it stands once another agreement for the same customer starts in `first`: it
    /// ends with the month before (a replacement "takes over from the old agreement when
    /// accepted"), so exactly one agreement applies in any month. One that had not begun by then
    /// covers no month at all.
    pub fn ended_before(self, first: Month) -> Agreement {
        Agreement {
            first: self.first,
            last: self.last.min(first.plus(-1)),
        }
    }

    pub fn covers(&self, m: Month) -> bool {
        self.first <= m && m <= self.last
    }
}

#[cfg(test)]
mod tests;
