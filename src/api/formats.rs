//! The public API's string formats as schema components. A field that carries one names it
//! (`#[schema(value_type = Amount)]`), so its pattern is written once and the documents, the
//! tests' validation and the Support page all say the same thing.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::billing::grants::{CreditStatus, DiscountStatus};
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

/// A UTC instant in RFC 3339 (`2026-11-01T00:00:00Z`), or `""` when there is none: the start
/// and stop of credits and discounts, as the vendor's document writes them.
#[derive(ToSchema)]
#[schema(
    pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?$",
    example = "2026-11-01T00:00:00Z"
)]
pub struct Instant(pub String);

pub fn instant(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// USD as a JSON number (`5000`, `1234.5`), where the vendor's document types an amount as a
/// number: credits. Written digit by digit from integer cents, never through a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dollars(pub i64);

impl Dollars {
    /// The JSON number's text: whole dollars, then at most two decimals without trailing zeros.
    pub fn text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let (whole, cents) = (self.0.unsigned_abs() / 100, self.0.unsigned_abs() % 100);
        match cents {
            0 => format!("{sign}{whole}"),
            c if c % 10 == 0 => format!("{sign}{whole}.{}", c / 10),
            c => format!("{sign}{whole}.{c:02}"),
        }
    }
}

impl Serialize for Dollars {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RawValue::from_string(self.text())
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

impl PartialSchema for Dollars {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .description(Some(
                "USD as a JSON number, at most two decimals (`5000`, `1234.5`).",
            ))
            .examples([serde_json::json!(1234.5)])
            .into()
    }
}

impl ToSchema for Dollars {}

/// A string schema that takes only `values`.
fn one_of(values: impl IntoIterator<Item = &'static str>, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .description(Some(description))
        .into()
}

/// A customer organization's state.
pub struct CustomerState;

impl PartialSchema for CustomerState {
    fn schema() -> RefOr<Schema> {
        one_of(
            crate::domain::CustomerState::ALL.iter().map(|s| s.as_str()),
            "`pending` until the customer confirms its e-mail, `active`, `suspended` by the \
             vendor, or `expired` once its contract has ended.",
        )
    }
}

impl ToSchema for CustomerState {}

/// A partner's kind.
pub struct PartnerKind;

impl PartialSchema for PartnerKind {
    fn schema() -> RefOr<Schema> {
        one_of(
            crate::domain::PartnerKind::ALL.map(|k| k.as_str()),
            "`msp` (a managed service provider) or `reseller`.",
        )
    }
}

impl ToSchema for PartnerKind {}

/// A partner's state.
pub struct PartnerState;

impl PartialSchema for PartnerState {
    fn schema() -> RefOr<Schema> {
        one_of(
            crate::domain::PartnerState::ALL.iter().map(|s| s.as_str()),
            "`active`, or `suspended` (its people cannot sign in and its keys are refused).",
        )
    }
}

impl ToSchema for PartnerState {}

/// A signup link's state.
pub struct LinkState;

impl PartialSchema for LinkState {
    fn schema() -> RefOr<Schema> {
        one_of(
            crate::store::signup_links::LinkState::ALL.map(|s| s.as_str()),
            "`active`, `expired`, `used-up` (its signups are all taken) or `revoked`.",
        )
    }
}

impl ToSchema for LinkState {}

/// A credit's status.
pub struct CreditState;

impl PartialSchema for CreditState {
    fn schema() -> RefOr<Schema> {
        one_of(
            CreditStatus::ALL.map(CreditStatus::as_str),
            "`active` (effective, with something left), `expired` (past its last day), `used` \
             (nothing left) or `upcoming` (not effective yet).",
        )
    }
}

impl ToSchema for CreditState {}

/// A discount's status.
pub struct DiscountState;

impl PartialSchema for DiscountState {
    fn schema() -> RefOr<Schema> {
        one_of(
            DiscountStatus::ALL.map(DiscountStatus::as_str),
            "`valid` (applies to the running month), `expired` or `upcoming`.",
        )
    }
}

impl ToSchema for DiscountState {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_are_json_numbers_written_from_cents() {
        let text = |c| serde_json::to_string(&Dollars(c)).unwrap();
        assert_eq!(text(500_000), "5000");
        assert_eq!(text(123_450), "1234.5");
        assert_eq!(text(123_456), "1234.56");
        assert_eq!(text(5), "0.05");
        assert_eq!(text(0), "0");
        assert_eq!(text(-150), "-1.5");
        // Cents past 2^53, where a float would have lost the last digits.
        assert_eq!(text(9_007_199_254_740_993), "90071992547409.93");
        let v: serde_json::Value = serde_json::from_str(&text(123_450)).unwrap();
        assert!(v.is_number());
    }

    #[test]
    fn instants_are_rfc_3339_utc() {
        let t = chrono::NaiveDate::from_ymd_opt(2023, 12, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        assert_eq!(instant(Some(t)), "2023-12-01T00:00:00Z");
        assert_eq!(instant(None), "");
    }
}

/// A day as `YYYY-MM-DD`, or `""` when there is none.
#[derive(ToSchema)]
#[schema(pattern = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$", example = "2027-01-31")]
pub struct Day(pub String);

pub fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// A resale authorization's state.
pub struct AuthorizationState;

impl PartialSchema for AuthorizationState {
    fn schema() -> RefOr<Schema> {
        one_of(
            crate::domain::AuthorizationState::ALL
                .iter()
                .filter(|s| **s != crate::domain::AuthorizationState::Draft)
                .map(|s| s.as_str()),
            "`active` (backs new offers) or `restricted` (backs no new offers; those made from it \
             go on). Drafts are the vendor's and not shown.",
        )
    }
}

impl ToSchema for AuthorizationState {}

/// A private offer's state.
pub struct OfferState;

impl PartialSchema for OfferState {
    fn schema() -> RefOr<Schema> {
        one_of(
            crate::domain::OfferState::ALL.iter().map(|s| s.as_str()),
            "`draft` (the buyer has not seen it), `released` (sent to the buyer), `accepted` (an \
             agreement), `expired` (past its expiry without acceptance) or `cancelled`.",
        )
    }
}

impl ToSchema for OfferState {}
