//! Billing months, `YYYY-MM`, and the window the public API allows: the running month and the
//! six before it.

use std::fmt;

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

pub const WINDOW_MONTHS: i32 = 6;

impl Month {
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        (1..=12).contains(&month).then_some(Month { year, month })
    }

    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("valid day")
    }

    pub fn next(self) -> Month {
        self.plus(1)
    }

    pub fn plus(self, months: i32) -> Month {
        let idx = self.year * 12 + self.month as i32 - 1 + months;
        Month {
            year: idx.div_euclid(12),
            month: (idx.rem_euclid(12) + 1) as u32,
        }
    }

    /// Months from `self` to `other` (positive when `other` is later).
    pub fn until(self, other: Month) -> i32 {
        (other.year * 12 + other.month as i32) - (self.year * 12 + self.month as i32)
    }

    /// Whether the public API serves this month when `current` is the running month.
    pub fn in_window(self, current: Month) -> bool {
        (0..=WINDOW_MONTHS).contains(&self.until(current))
    }

    /// The running month and the six before it, newest first.
    pub fn window(current: Month) -> Vec<Month> {
        (0..=WINDOW_MONTHS).map(|i| current.plus(-i)).collect()
    }
}

/// A day as people and files write it, `YYYY-MM-DD` (spaces around it allowed).
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Days and months written as text, for the tests of the bill maths and the offers' rules.
#[cfg(test)]
pub(crate) mod written {
    use super::Month;
    use chrono::NaiveDate;

    pub fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a test's day")
    }

    pub fn month(s: &str) -> Month {
        Month::parse(s).expect("a test's month")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_step_and_window() {
        let m = Month::parse("2026-11").unwrap();
        assert_eq!(m.to_string(), "2026-11");
        assert_eq!(m.next().to_string(), "2026-12");
        assert_eq!(m.plus(2).to_string(), "2027-01");
        assert_eq!(m.plus(-11).to_string(), "2025-12");
        assert_eq!(m.last_day(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(Month::parse("2024-02").unwrap().last_day().day(), 29);
        for bad in ["2026-13", "2026-1", "26-11", "2026/11", ""] {
            assert!(Month::parse(bad).is_none(), "{bad}");
        }
        assert!(m.plus(-6).in_window(m));
        assert!(!m.plus(-7).in_window(m));
        assert!(!m.next().in_window(m));
        assert_eq!(Month::window(m).len(), 7);
    }
}
