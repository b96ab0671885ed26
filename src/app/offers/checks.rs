//! What is wrong with an offer as asked: every refusal at once, each at its field.

use crate::domain::offers::{AwsAccount, OfferRefusal, OfferRequest as Asked};
use crate::domain::{AuthorizationState, Email};
use crate::store::authorizations::Authorization;
use chrono::NaiveDate;

use super::*;

pub(super) fn refusal(r: OfferRefusal) -> Refusal {
    match r {
        OfferRefusal::NotActive => (
            OfferField::Authorization,
            "error-offer-authorization-inactive",
        ),
        OfferRefusal::UsedUp => (
            OfferField::Authorization,
            "error-offer-authorization-used-up",
        ),
        OfferRefusal::Buyer => (OfferField::BuyerAccount, "error-aws-account"),
        OfferRefusal::BuyerNotAllowed => {
            (OfferField::BuyerAccount, "error-offer-buyer-not-allowed")
        }
        OfferRefusal::Markup => (OfferField::Markup, "error-offer-markup"),
        OfferRefusal::Duration => (OfferField::Duration, "error-offer-duration"),
        OfferRefusal::Expiry => (OfferField::Expiry, "error-offer-expiry"),
    }
}

/// Everything wrong with `req` for `auth` on `today`; `existing` for a draft being edited, which
/// already holds its place and goes on under a restricted authorization.
pub(super) fn refusals(
    req: &OfferRequest,
    buyer: &str,
    auth: Option<&Authorization>,
    today: NaiveDate,
    existing: bool,
) -> Vec<Refusal> {
    let mut out = Vec::new();
    match auth {
        Some(a) => {
            let mut rules = a.rules();
            if existing {
                rules.state = AuthorizationState::Active;
                rules.offers_made = 0;
            }
            let asked = Asked {
                buyer,
                markup_bps: req.markup_bps,
                duration_months: req.duration_months,
                expires_on: req.expires_on.unwrap_or(NaiveDate::MIN),
            };
            out.extend(rules.refusals(&asked, today).into_iter().map(refusal));
        }
        None => {
            out.push((OfferField::Authorization, "error-offer-authorization"));
            if AwsAccount::parse(buyer).is_err() {
                out.push(refusal(OfferRefusal::Buyer));
            }
            if !(0..=crate::domain::offers::MAX_MARKUP_BPS).contains(&req.markup_bps) {
                out.push(refusal(OfferRefusal::Markup));
            }
        }
    }
    let company = req.buyer_company.trim();
    if company.is_empty() || company.chars().count() > MAX_COMPANY_CHARS {
        out.push((OfferField::BuyerCompany, "error-offer-company"));
    }
    if let Err(e) = Email::parse(&req.buyer_email) {
        out.push((OfferField::BuyerEmail, e.key));
    }
    out
}
