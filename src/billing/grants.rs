//! What a partner reads of a credit or discount: its status on a day, the instants it starts and
//! stops applying, and its rate as people write it. The bill maths is in [`super::bill`]; this
//! is how the same grants are described.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::month::Month;

/// The first instant of `day`, UTC.
pub fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditStatus {
    /// Not effective yet.
    Upcoming,
    /// Effective, with something left.
    Active,
    /// Nothing left.
    Used,
    /// Past its last day with something left unused.
    Expired,
}

impl CreditStatus {
    pub const ALL: [CreditStatus; 4] = [
        CreditStatus::Active,
        CreditStatus::Expired,
        CreditStatus::Used,
        CreditStatus::Upcoming,
    ];

    /// The status of a credit effective `effective_on` through `expires_on` (both whole days)
    /// with `left` cents of it unused, on `today`.
    pub fn of(effective_on: NaiveDate, expires_on: NaiveDate, left: i64, today: NaiveDate) -> Self {
        if left <= 0 {
            CreditStatus::Used
        } else if today > expires_on {
            CreditStatus::Expired
        } else if today < effective_on {
            CreditStatus::Upcoming
        } else {
            CreditStatus::Active
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CreditStatus::Upcoming => "upcoming",
            CreditStatus::Active => "active",
            CreditStatus::Used => "used",
            CreditStatus::Expired => "expired",
        }
    }
}

/// The instants a credit covering `effective_on` through `expires_on` starts and stops applying.
pub fn credit_period(
    effective_on: NaiveDate,
    expires_on: NaiveDate,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let stop = expires_on.succ_opt().unwrap_or(expires_on);
    (start_of(effective_on), start_of(stop))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountStatus {
    Upcoming,
    /// Applies to the running month.
    Valid,
    Expired,
}

impl DiscountStatus {
    pub const ALL: [DiscountStatus; 3] = [
        DiscountStatus::Valid,
        DiscountStatus::Expired,
        DiscountStatus::Upcoming,
    ];

    /// The status of a discount for `start` through `end` (open-ended when `None`), as of the
    /// running month `current`.
    pub fn of(start: Month, end: Option<Month>, current: Month) -> Self {
        if current < start {
            DiscountStatus::Upcoming
        } else if end.is_some_and(|e| e < current) {
            DiscountStatus::Expired
        } else {
            DiscountStatus::Valid
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DiscountStatus::Upcoming => "upcoming",
            DiscountStatus::Valid => "valid",
            DiscountStatus::Expired => "expired",
        }
    }
}

/// The instants a discount for `start` through `end` starts and stops applying; no stop for an
/// open-ended one.
pub fn discount_period(start: Month, end: Option<Month>) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
    (
        start_of(start.first_day()),
        end.map(|e| start_of(e.next().first_day())),
    )
}

/// A rate in basis points as a percentage without trailing zeros: `"20%"`, `"12.5%"`, `"0.01%"`.
/// A percentage as a form writes it ("20", "12.5", "12.5%", at most two decimals), in basis
/// points; `None` for anything else.
pub fn parse_percent(s: &str) -> Option<i64> {
    super::money::Cents::parse(s.trim().trim_end_matches('%'))
        .ok()
        .map(|c| c.value())
}

/// Basis points as a form writes them back: "12.5" for 1 250.
pub fn percent_number(bps: i64) -> String {
    percent(bps).trim_end_matches('%').to_string()
}

pub fn percent(bps: i64) -> String {
    let (whole, frac) = (bps / 100, (bps % 100).abs());
    match frac {
        0 => format!("{whole}%"),
        f if f % 10 == 0 => format!("{whole}.{}%", f / 10),
        f => format!("{whole}.{f:02}%"),
    }
}

/// The last month a discount for `start` through `end` applies to once an operator ends it
/// during `current`: it keeps the running month (its estimate, and every month before it, is
/// what partners have seen) and no month after. `None` when it ends by then already. One that
/// has not started ends before its start, so it applies to no month at all.
pub fn discount_ended(start: Month, end: Option<Month>, current: Month) -> Option<Month> {
    if end.is_some_and(|e| e <= current) {
        None
    } else if start > current {
        Some(start.plus(-1))
    } else {
        Some(current)
    }
}

/// A credit's last day once an operator ends it during `current`, by the same rule as
/// [`discount_ended`]: usable through the running month and no later.
pub fn credit_ended(
    effective_on: NaiveDate,
    expires_on: NaiveDate,
    current: Month,
) -> Option<NaiveDate> {
    let last = current.last_day();
    if expires_on <= last {
        None
    } else if effective_on > last {
        effective_on.pred_opt()
    } else {
        Some(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::month::written::{day, month};

    #[test]
    fn an_ended_grant_keeps_the_running_month_and_no_later_one() {
        let dec = month("2026-12");
        assert_eq!(discount_ended(month("2026-01"), None, dec), Some(dec));
        assert_eq!(
            discount_ended(month("2026-01"), Some(month("2027-06")), dec),
            Some(dec)
        );
        assert_eq!(
            discount_ended(month("2026-01"), Some(dec), dec),
            None,
            "ends this month already"
        );
        assert_eq!(
            discount_ended(month("2027-03"), None, dec),
            Some(month("2027-02")),
            "not started: applies to no month"
        );
        assert_eq!(
            credit_ended(day("2026-06-01"), day("2027-05-31"), dec),
            Some(day("2026-12-31"))
        );
        assert_eq!(
            credit_ended(day("2026-06-01"), day("2026-12-31"), dec),
            None
        );
        assert_eq!(
            credit_ended(day("2027-02-01"), day("2027-05-31"), dec),
            Some(day("2027-01-31"))
        );
    }

    #[test]
    fn percentages_have_no_trailing_zeros() {
        assert_eq!(percent(2000), "20%");
        assert_eq!(percent(1250), "12.5%");
        assert_eq!(percent(1), "0.01%");
        assert_eq!(percent(1005), "10.05%");
        assert_eq!(percent(10_000), "100%");
    }

    #[test]
    fn a_credit_stops_applying_the_instant_after_its_last_day() {
        let (start, stop) = credit_period(day("2026-11-01"), day("2026-12-31"));
        assert_eq!(start.to_rfc3339(), "2026-11-01T00:00:00+00:00");
        assert_eq!(stop.to_rfc3339(), "2027-01-01T00:00:00+00:00");
    }

    #[test]
    fn credit_status_follows_the_day_and_what_is_left() {
        let (from, to) = (day("2026-06-01"), day("2026-12-31"));
        let s = |left, today| CreditStatus::of(from, to, left, day(today));
        assert_eq!(s(100, "2026-05-31"), CreditStatus::Upcoming);
        assert_eq!(s(100, "2026-06-01"), CreditStatus::Active);
        assert_eq!(s(100, "2026-12-31"), CreditStatus::Active);
        assert_eq!(s(100, "2027-01-01"), CreditStatus::Expired);
        assert_eq!(s(0, "2026-07-01"), CreditStatus::Used);
        assert_eq!(s(0, "2027-07-01"), CreditStatus::Used);
    }

    #[test]
    fn a_discount_through_october_ends_on_the_first_of_november() {
        let (start, stop) = discount_period(month("2026-05"), Some(month("2026-10")));
        assert_eq!(start.to_rfc3339(), "2026-05-01T00:00:00+00:00");
        assert_eq!(stop.unwrap().to_rfc3339(), "2026-11-01T00:00:00+00:00");
        assert_eq!(discount_period(month("2026-05"), None).1, None);
        let s = |now| DiscountStatus::of(month("2026-05"), Some(month("2026-10")), month(now));
        assert_eq!(s("2026-04"), DiscountStatus::Upcoming);
        assert_eq!(s("2026-05"), DiscountStatus::Valid);
        assert_eq!(s("2026-10"), DiscountStatus::Valid);
        assert_eq!(s("2026-11"), DiscountStatus::Expired);
        assert_eq!(
            DiscountStatus::of(month("2026-05"), None, month("2030-01")),
            DiscountStatus::Valid
        );
    }
}
