//! The rules of authorizations and offers on hand-checked cases.

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
    for bad in ["12345678901", "1234567890123", "12345678901a", ""] {
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
fn accounts_are_read_as_aws_shows_them_and_kept_as_twelve_digits() {
    for written in [
        "123456789012",
        "1234-5678-9012",
        " 1234 5678 9012 ",
        "1234-5678 9012",
    ] {
        assert_eq!(
            AwsAccount::parse(written).map(|a| a.as_str().to_string()),
            Ok("123456789012".to_string()),
            "{written:?}"
        );
    }
    for wrong in [
        "12345678901",
        "1234-5678-90123",
        "1234_5678_9012",
        "12345678901a",
        "",
    ] {
        assert!(AwsAccount::parse(wrong).is_err(), "{wrong:?}");
    }
    assert_eq!(
        parse_buyers("1234-5678-9012, 2222 3333 4444\n555555555555 666666666666"),
        Ok(vec![
            "123456789012".to_string(),
            "222233334444".to_string(),
            "555555555555".to_string(),
            "666666666666".to_string(),
        ])
    );
    assert!(parse_buyers("1234-5678-9012, 1234").is_err());
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
