//! Budgets (issue 27): a monthly amount, the shares of it that alert, and the figure judged
//! against them: the running month's amount owed so far, or its straight-line forecast to the
//! month's end.

use chrono::{Datelike, NaiveDate};

use super::month::Month;

/// The thresholds a budget gets when none are given.
pub const DEFAULT_THRESHOLDS: [u32; 3] = [50, 80, 100];

/// The most thresholds one budget has, and the largest share one may be (ten times over).
pub const MAX_THRESHOLDS: usize = 10;
pub const MAX_PERCENT: u32 = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdError {
    #[error("not a whole percentage: {0:?}")]
    NotANumber(String),
    #[error("a threshold is between 1 and {MAX_PERCENT} %")]
    OutOfRange,
    #[error("at most {MAX_THRESHOLDS} thresholds")]
    TooMany,
}

/// Parses "50, 80,100" (a `%` after a number is allowed) into ascending distinct
/// percentages; an empty text is the defaults.
pub fn parse_thresholds(text: &str) -> Result<Vec<u32>, ThresholdError> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let digits = part.strip_suffix('%').unwrap_or(part).trim();
        let n: u32 = digits
            .parse()
            .map_err(|_| ThresholdError::NotANumber(part.to_string()))?;
        if n == 0 || n > MAX_PERCENT {
            return Err(ThresholdError::OutOfRange);
        }
        out.push(n);
    }
    if out.is_empty() {
        return Ok(DEFAULT_THRESHOLDS.to_vec());
    }
    // Counted as given, as the API documents the list's length.
    if out.len() > MAX_THRESHOLDS {
        return Err(ThresholdError::TooMany);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The thresholds as stored and shown: "50,80,100".
pub fn thresholds_text(t: &[u32]) -> String {
    t.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

/// What `owed` on `today` comes to by the end of `today`'s month at the same pace: `owed`
/// × days in the month ÷ days so far (today counted), rounded half up.
pub fn forecast(owed: i64, today: NaiveDate) -> i64 {
    let month = Month::of(today);
    let days = i128::from(month.last_day().day());
    let so_far = i128::from(today.day());
    let n = i128::from(owed) * days;
    ((n * 2 + so_far) / (so_far * 2)) as i64
}

/// The thresholds `figure` has reached of `amount`: those with `figure` ≥ `amount` × t %.
pub fn reached(amount: i64, figure: i64, thresholds: &[u32]) -> Vec<u32> {
    thresholds
        .iter()
        .copied()
        .filter(|t| i128::from(figure) * 100 >= i128::from(amount) * i128::from(*t))
        .collect()
}

/// `figure` as a whole percentage of `amount`, rounded down (for the Budgets page).
pub fn percent_of(amount: i64, figure: i64) -> i64 {
    if amount <= 0 {
        return 0;
    }
    (i128::from(figure) * 100 / i128::from(amount)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_whole_percentages_in_order_or_the_defaults() {
        assert_eq!(parse_thresholds("").unwrap(), [50, 80, 100]);
        assert_eq!(parse_thresholds(" 100, 50 %,80,80").unwrap(), [50, 80, 100]);
        assert_eq!(parse_thresholds("120").unwrap(), [120]);
        assert!(matches!(
            parse_thresholds("half"),
            Err(ThresholdError::NotANumber(_))
        ));
        assert_eq!(parse_thresholds("0"), Err(ThresholdError::OutOfRange));
        assert_eq!(parse_thresholds("1001"), Err(ThresholdError::OutOfRange));
        assert_eq!(
            parse_thresholds("-5"),
            Err(ThresholdError::NotANumber("-5".into()))
        );
        let many = (1..=11)
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(parse_thresholds(&many), Err(ThresholdError::TooMany));
        assert_eq!(thresholds_text(&[50, 80, 100]), "50,80,100");
    }

    #[test]
    fn a_forecast_is_the_pace_so_far_to_the_months_end() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        // $100 in 10 of November's 30 days: $300 by the end.
        assert_eq!(forecast(10_000, day(10)), 30_000);
        // On the last day the forecast is what is owed.
        assert_eq!(forecast(12_345, day(30)), 12_345);
        // 1 cent × 30 / 7 = 4.29 → 4; 5 × 30 / 4 = 37.5 → 38 (half up).
        assert_eq!(forecast(1, day(7)), 4);
        assert_eq!(forecast(5, day(4)), 38);
    }

    #[test]
    fn a_threshold_is_reached_at_its_exact_share() {
        assert_eq!(reached(10_000, 4_999, &[50, 80, 100]), Vec::<u32>::new());
        assert_eq!(reached(10_000, 5_000, &[50, 80, 100]), [50]);
        assert_eq!(reached(10_000, 10_000, &[50, 80, 100]), [50, 80, 100]);
        // 1/3 of a cent short of 80 % of $0.03.
        assert_eq!(reached(3, 2, &[50, 80]), [50]);
        assert_eq!(percent_of(10_000, 8_099), 80);
    }
}
