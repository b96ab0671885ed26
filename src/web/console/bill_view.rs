//! What the billing and customer pages share: the month asked for, money for people, a row of
//! the bill tables, and the partner's bill with its errors as the pages answer them.

use serde::Deserialize;

use crate::billing::bill::Totals;
use crate::billing::month::Month;
use crate::billing::resale::Resale;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MonthQuery {
    pub month: String,
}

/// The month asked for, or the running one; `Err` carries the message for a bad or old month.
pub fn chosen_month(q: &MonthQuery, today: chrono::NaiveDate) -> Result<Month, &'static str> {
    let current = Month::of(today);
    if q.month.is_empty() {
        return Ok(current);
    }
    let m = Month::parse(&q.month).ok_or("error-month-format")?;
    if m.in_window(current) {
        Ok(m)
    } else {
        Err("error-month-window")
    }
}

pub struct Row {
    pub label: String,
    pub href: Option<String>,
    pub t: Totals,
    /// A reseller's customer price and margin for the row.
    pub resale: Option<Resale>,
}
