//! The public API's string formats as schema components. A field that carries one names it
//! (`#[schema(value_type = Amount)]`), so its pattern is written once and the documents, the
//! tests' validation and the Support page all say the same thing.

use chrono::{DateTime, Utc};
use utoipa::ToSchema;

use crate::billing::money::Cents;

/// USD as a string with exactly two decimals: `"1234.50"`.
#[derive(ToSchema)]
#[schema(pattern = r"^-?[0-9]+\.[0-9]{2}$", example = "1234.50")]
pub struct Amount(pub String);

/// A UTC time as `YYYY-MM-DD hh:mm:ss`, or `""` when unset.
#[derive(ToSchema)]
#[schema(
    pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2})?$",
    example = "2026-11-26 09:30:00"
)]
pub struct Time(pub String);

/// A month as `YYYY-MM`.
#[derive(ToSchema)]
#[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2026-11")]
pub struct YearMonth(pub String);

pub fn amount(c: i64) -> String {
    Cents(c).to_string()
}

pub fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}
