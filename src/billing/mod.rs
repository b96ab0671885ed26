//! Billing (SPEC sections 4 and 5): money in integer cents, and the pure maths that turns a
//! month's base lines, discounts and credits into bills. No SQL and no HTTP here, so the maths
//! can be tested on its own with generated data.

pub mod bill;
pub mod budget;
pub mod focus;
#[cfg(test)]
pub mod generated;
pub mod grants;
pub mod invoice;
pub mod money;
pub mod month;
pub mod plans;
pub mod resale;
pub mod usage_file;

pub use bill::{
    BaseLine, BillLine, Credit, CreditUse, Discount, DiscountKind, Scope, Totals, compute,
    summarize,
};
pub use money::{Cents, MoneyError};
