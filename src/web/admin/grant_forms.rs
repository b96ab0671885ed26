//! The discount and credit forms of an operator's partner page: shown by `partners`,
//! posted to `grants`, which shows the page again with the values and every error.

use serde::Deserialize;

pub use crate::web::page::FormErrors as Errors;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct DiscountForm {
    pub org_id: String,
    pub service: String,
    pub kind: String,
    pub value: String,
    pub start_month: String,
    pub end_month: String,
    pub note: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct CreditForm {
    pub org_id: String,
    pub amount: String,
    pub effective_on: String,
    pub expires_on: String,
    pub note: String,
}

/// The grant forms' values and errors, kept when the page is shown again after a mistake.
#[derive(Debug, Default)]
pub struct GrantForms {
    pub discount: DiscountForm,
    pub credit: CreditForm,
    pub discount_errors: Errors,
    pub credit_errors: Errors,
}
