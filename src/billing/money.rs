//! Money: integer US cents. Parsed from and printed as decimal strings with two decimals
//! ("1234.50"), exactly, never through a float.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cents(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not an amount: {0:?} (write it like 12.34)")]
    Malformed(String),
    #[error("more than two decimals in {0:?}")]
    TooPrecise(String),
    #[error("amount {0:?} is too large")]
    TooLarge(String),
}

impl Cents {
    /// Parses "12", "12.3", "12.34", "-0.50"; refuses more than two decimals, exponents,
    /// thousands separators and anything else.
    pub fn parse(s: &str) -> Result<Cents, MoneyError> {
        let t = s.trim();
        let bad = || MoneyError::Malformed(s.to_string());
        let (neg, digits) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        if digits.ends_with('.') {
            return Err(bad());
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooPrecise(s.to_string()));
        }
        let too_large = || MoneyError::TooLarge(s.to_string());
        let whole: i64 = whole.parse().map_err(|_| too_large())?;
        let frac_cents: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
            _ => frac.parse::<i64>().map_err(|_| bad())?,
        };
        let cents = whole
            .checked_mul(100)
            .and_then(|c| c.checked_add(frac_cents))
            .ok_or_else(too_large)?;
        Ok(Cents(if neg { -cents } else { cents }))
    }

    pub fn value(self) -> i64 {
        self.0
    }

    /// For people: thousands grouped, "12,345.60". Files and the API use [`Display`].
    pub fn grouped(self) -> String {
        let plain = self.to_string();
        let (sign, rest) = plain
            .strip_prefix('-')
            .map_or(("", plain.as_str()), |r| ("-", r));
        let (whole, frac) = rest.split_once('.').unwrap_or((rest, "00"));
        let mut out = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        format!("{sign}{out}.{frac}")
    }
}

impl fmt::Display for Cents {
    /// "1234.50", "-0.05", "0.00".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(Cents::parse("12.34"), Ok(Cents(1234)));
        assert_eq!(Cents::parse("12.3"), Ok(Cents(1230)));
        assert_eq!(Cents::parse("12"), Ok(Cents(1200)));
        assert_eq!(Cents::parse("0.01"), Ok(Cents(1)));
        assert_eq!(Cents::parse("-0.50"), Ok(Cents(-50)));
        // 0.1 + 0.2 style float traps do not exist here.
        assert_eq!(
            Cents::parse("0.29").unwrap().0 + Cents::parse("0.01").unwrap().0,
            30
        );
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for bad in [
            "", "abc", "1,000.00", "1e3", "12.", ".5", "1.2.3", "--1", " - 1",
        ] {
            assert!(Cents::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Cents::parse("1.234"),
            Err(MoneyError::TooPrecise("1.234".into()))
        );
        assert!(matches!(
            Cents::parse("99999999999999999999"),
            Err(MoneyError::TooLarge(_))
        ));
    }

    #[test]
    fn groups_thousands_for_people() {
        assert_eq!(Cents(2006355).grouped(), "20,063.55");
        assert_eq!(Cents(99).grouped(), "0.99");
        assert_eq!(Cents(-123456789).grouped(), "-1,234,567.89");
        assert_eq!(Cents(100000).grouped(), "1,000.00");
    }

    #[test]
    fn prints_two_decimals() {
        assert_eq!(Cents(123450).to_string(), "1234.50");
        assert_eq!(Cents(5).to_string(), "0.05");
        assert_eq!(Cents(-5).to_string(), "-0.05");
        assert_eq!(Cents(0).to_string(), "0.00");
        for s in ["0.00", "1.05", "99.99", "123456.78"] {
            assert_eq!(Cents::parse(s).unwrap().to_string(), s);
        }
    }
}
