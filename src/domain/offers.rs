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
    pub fn parse(s: &str) -> Result<AwsAccount, DomainError> {
        let s = s.trim();
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(AwsAccount(s.to_string()))
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

/// A list of buyer accounts as written (separated by commas, spaces or lines): each a 12-digit
/// account, at most [`MAX_BUYERS`], repeats dropped; empty for any buyer.
pub fn parse_buyers(s: &str) -> Result<Vec<String>, DomainError> {
    let mut out: Vec<String> = Vec::new();
    for part in s
        .split([',', ' ', '\n', '\r', '\t'])
        .filter(|p| !p.is_empty())
    {
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
mod tests {
    use super::*;
    use crate::billing::month::written::{day, month};

    fn authorization() -> Authorization {
        Authorization {
            state: AuthorizationState::Active,
            available_until: day("2027-06-30"),
            buyers: vec!["123456789012".into()],
            max_offers: 1,
            durations: vec![12, 24, 36],
            offers_made: 0,
        }
    }

    fn request(buyer: &str) -> OfferRequest<'_> {
        OfferRequest {
            buyer,
            markup_bps: 1_500,
            duration_months: 12,
            expires_on: day("2027-01-31"),
        }
    }

    #[test]
    fn buyer_and_duration_lists_read_as_written() {
        assert_eq!(
            parse_buyers("123456789012, 210987654321\n123456789012").unwrap(),
            vec!["123456789012", "210987654321"]
        );
        assert_eq!(parse_buyers(" ").unwrap(), Vec::<String>::new());
        assert!(parse_buyers("123456789012,12345").is_err());
        let many: Vec<String> = (0..26).map(|i| format!("1000000000{i:02}")).collect();
        assert!(parse_buyers(&many.join(",")).is_err());
        assert_eq!(parse_durations("36, 12,24,12").unwrap(), vec![12, 24, 36]);
        for bad in ["", "0", "61", "12,x"] {
            assert!(parse_durations(bad).is_err(), "{bad:?}");
        }
        assert_eq!(join_list(&[12, 24]), "12,24");
    }

    #[test]
    fn aws_accounts_are_twelve_digits() {
        assert!(AwsAccount::parse("123456789012").is_ok());
        assert!(AwsAccount::parse(" 123456789012 ").is_ok());
        for bad in [
            "12345678901",
            "1234567890123",
            "12345678901a",
            "",
            "1234 5678 9012",
        ] {
            assert!(AwsAccount::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_authorization_refuses_what_it_does_not_allow() {
        let today = day("2026-12-01");
        let a = authorization();
        assert_eq!(a.refusals(&request("123456789012"), today), vec![]);
        assert_eq!(
            a.refusals(&request("999999999999"), today),
            vec![OfferRefusal::BuyerNotAllowed]
        );
        assert_eq!(
            a.refusals(&request("12345678901"), today),
            vec![OfferRefusal::Buyer]
        );
        let mut r = request("123456789012");
        r.duration_months = 18;
        r.markup_bps = 10_001;
        r.expires_on = day("2027-07-01");
        assert_eq!(
            a.refusals(&r, today),
            vec![
                OfferRefusal::Markup,
                OfferRefusal::Duration,
                OfferRefusal::Expiry
            ]
        );
        r = request("123456789012");
        r.expires_on = day("2026-11-30");
        assert_eq!(a.refusals(&r, today), vec![OfferRefusal::Expiry]);
        let used = Authorization {
            offers_made: 1,
            ..authorization()
        };
        assert_eq!(
            used.refusals(&request("123456789012"), today),
            vec![OfferRefusal::UsedUp],
            "a one-time authorization backs one offer"
        );
        let restricted = Authorization {
            state: AuthorizationState::Restricted,
            ..authorization()
        };
        assert_eq!(
            restricted.refusals(&request("123456789012"), today),
            vec![OfferRefusal::NotActive]
        );
        let any_buyer = Authorization {
            buyers: vec![],
            ..authorization()
        };
        assert!(
            any_buyer
                .refusals(&request("999999999999"), today)
                .is_empty()
        );
    }

    #[test]
    fn only_a_draft_cancelled_unreleased_gives_its_offer_back() {
        assert!(!counts_against(OfferState::Cancelled, false));
        assert!(counts_against(OfferState::Cancelled, true));
        for s in [
            OfferState::Draft,
            OfferState::Released,
            OfferState::Accepted,
            OfferState::Expired,
        ] {
            assert!(counts_against(s, false) && counts_against(s, true), "{s}");
        }
    }

    #[test]
    fn offers_move_only_the_documented_ways() {
        use Change::*;
        use OfferState::*;
        assert_eq!(Draft.after(Release), Some(Released));
        assert_eq!(Released.after(Accept), Some(Accepted));
        assert_eq!(
            Draft.after(Accept),
            None,
            "a draft is not seen by the buyer"
        );
        assert_eq!(Released.after(Cancel), Some(Cancelled));
        assert_eq!(Draft.after(Expire), Some(Expired));
        for end in [Accepted, Expired, Cancelled] {
            for c in [Release, Accept, Cancel, Expire] {
                assert_eq!(end.after(c), None, "{end} is final");
            }
        }
        assert!(!Released.lapsed(day("2027-01-31"), day("2027-01-31")));
        assert!(Released.lapsed(day("2027-01-31"), day("2027-02-01")));
        assert!(!Accepted.lapsed(day("2027-01-31"), day("2027-02-01")));
    }

    #[test]
    fn acceptance_is_dated_between_release_and_the_earlier_of_today_and_expiry() {
        let (released, expires) = (day("2026-11-10"), day("2026-11-30"));
        let ok = |on, today| acceptance_date_ok(day(on), released, expires, day(today));
        assert!(ok("2026-11-10", "2026-12-05"));
        assert!(ok("2026-11-30", "2026-12-05"));
        assert!(!ok("2026-12-01", "2026-12-05"), "after the expiry");
        assert!(!ok("2026-11-09", "2026-12-05"), "before the release");
        assert!(!ok("2026-11-20", "2026-11-15"), "in the future");
    }

    #[test]
    fn agreements_start_the_month_after_and_replacements_take_over_without_overlap() {
        let a = Agreement::accepted(day("2026-11-20"), 12);
        assert_eq!((a.first, a.last), (month("2026-12"), month("2027-11")));
        assert!(!a.covers(month("2026-11")) && a.covers(month("2027-11")));
        // Renewed in its tenth month for 24 months: the replacement starts the month after,
        // the old agreement ends the month before that.
        let r = Agreement::accepted(day("2027-09-14"), 24);
        let old = a.ended_before(r.first);
        assert_eq!((r.first, r.last), (month("2027-10"), month("2029-09")));
        assert_eq!((old.first, old.last), (month("2026-12"), month("2027-09")));
        for m in [month("2027-09"), month("2027-10"), month("2027-11")] {
            assert_eq!(
                [old, r].iter().filter(|x| x.covers(m)).count(),
                1,
                "exactly one agreement in {m}"
            );
        }
        // One that ended before the replacement is left as it was.
        assert_eq!(a.ended_before(month("2028-03")), a);
        // One that had not begun covers nothing.
        let unstarted = Agreement::accepted(day("2026-11-30"), 12).ended_before(month("2026-12"));
        assert!((0..24).all(|i| !unstarted.covers(month("2026-06").plus(i))));
    }
}
