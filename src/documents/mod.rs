//! Documents the console hands to people outside it, each as one model for the HTML page and
//! the PDF alike, so both say the same: an MSP's invoice as its customer reads it (`invoice`),
//! a partner's statement of what it owes the vendor for a closed month (`statement`), and their
//! PDFs (`pdf`). Every label and figure is text here, in the document's language. No HTTP, no
//! SQL.

pub mod invoice;
pub mod pdf;
pub mod statement;

use crate::billing::money::Cents;

fn usd(cents: i64) -> String {
    format!("${}", Cents(cents).grouped())
}

/// A row of the document's table: a description, a second text column (an invoice's period,
/// a statement's organization id) and two amounts.
pub struct DocLine {
    pub description: String,
    pub period: String,
    pub usage: String,
    pub amount: String,
}

/// The rows under the lines: a label and an amount (subtotal, the tax of each rate, total).
pub struct DocSum {
    pub label: String,
    pub amount: String,
}

pub struct Document {
    pub lang: String,
    pub title: String,
    /// "VOID: reason" on a voided invoice.
    pub void_note: Option<String>,
    pub replaces_note: Option<String>,
    pub issuer_name: String,
    /// The issuer's address, e-mail, website and registration number, a line each.
    pub issuer_lines: Vec<String>,
    pub logo_svg: Option<String>,
    pub bill_to_label: String,
    /// The customer's name, organization id and e-mail, a line each.
    pub customer_lines: Vec<String>,
    /// Number, dates and month: (label, value).
    pub facts: Vec<(String, String)>,
    /// The lines' column heads: description, period, list usage, amount.
    pub heads: [String; 4],
    pub lines: Vec<DocLine>,
    pub sums: Vec<DocSum>,
    /// The total to pay, as its row says it.
    pub total: DocSum,
    pub currency_note: String,
    pub footer: String,
}
