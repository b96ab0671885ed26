//! A month's bill in the FinOps Foundation's FOCUS columns (version 1.0): each bill line
//! (customer, service, project, cluster) split over the days its usage was metered on, with
//! list, contracted, billed and effective cost, and its credits as rows of their own.
//!
//! Each amount of a line is split by largest remainder ([`super::bill::largest_remainder`]), so
//! a day's figures sum back to the line's exactly, and the file's billed cost sums to the bill's
//! amount owed (`totalCost`) to the cent:
//!
//! - `ListCost`: usage at list price (the line's `runningTotal`);
//! - `ContractedCost`: list less the discounts negotiated for the partner and customer;
//! - `BilledCost` = `EffectiveCost` of a usage row: its contracted cost (there are no
//!   commitments to amortize);
//! - a `Credit` row carries the credits used on that day's usage, negative (its list and
//!   contracted cost are its billed cost, as FOCUS says of charges unrelated to others), so
//!   usage rows' billed cost plus credit rows' is what is owed.

use chrono::NaiveDate;

use super::bill::{BillLine, largest_remainder};
use super::money::Cents;

/// The file's columns in order: the FOCUS 1.0 columns (the specification's names), then the
/// five whose names `focus-validator` 1.0.0 still checks under the 1.0 preview's spelling
/// (`InvoiceIssuer`, `Provider`, `Publisher`, `ResourceID`, and `ChargeType` for
/// `ChargeCategory`), with the same values.
pub const COLUMNS: &[&str] = &[
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "SkuId",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
    "InvoiceIssuer",
    "Provider",
    "Publisher",
    "ResourceID",
    "ChargeType",
];

/// The FOCUS version the file follows.
pub const VERSION: &str = "1.0";

/// One day of a bill line: what it cost at list price, at the contracted rates, and the
/// credits used on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCost {
    pub day: NaiveDate,
    pub list: i64,
    pub contracted: i64,
    pub credits: i64,
}

/// Splits `line` over `days` (each day's metered usage, in day order): its usage in proportion
/// to each day's, its discounts in proportion to each day's list cost, its credits in
/// proportion to each day's contracted cost. A line with no metered day (none read back, or
/// usage of nothing) lies on `first_day`. Days left with nothing are left out.
pub fn split(line: &BillLine, days: &[(NaiveDate, i64)], first_day: NaiveDate) -> Vec<DayCost> {
    let weights: Vec<i64> = days.iter().map(|(_, u)| (*u).max(0)).collect();
    if weights.iter().all(|w| *w == 0) {
        let one = DayCost {
            day: first_day,
            list: line.base.usage,
            contracted: line.base.usage - line.discounts,
            credits: line.credits,
        };
        let empty = one.list == 0 && one.contracted == 0 && one.credits == 0;
        return if empty { Vec::new() } else { vec![one] };
    }
    let list = largest_remainder(line.base.usage, &weights);
    let discounts = largest_remainder(line.discounts, &list);
    let contracted: Vec<i64> = list.iter().zip(&discounts).map(|(l, d)| l - d).collect();
    let credits = largest_remainder(line.credits, &contracted);
    days.iter()
        .enumerate()
        .map(|(i, (day, _))| DayCost {
            day: *day,
            list: list[i],
            contracted: contracted[i],
            credits: credits[i],
        })
        .filter(|d| d.list != 0 || d.credits != 0)
        .collect()
}

/// What every row of one partner's file says of the partner, the vendor and the month.
pub struct Heading<'a> {
    /// The partner: the billing account (its slug, as the API's `/me` names it).
    pub account_id: &'a str,
    pub account_name: &'a str,
    /// Who invoices the partner and provides the service.
    pub vendor: &'a str,
    pub first_day: NaiveDate,
    /// The day after the month's last: FOCUS periods end exclusive.
    pub end: NaiveDate,
}

/// The customer a row is for: its organization id and name (the sub-account).
pub struct SubAccount<'a> {
    pub id: &'a str,
    pub name: &'a str,
}

/// Which of a day's two rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charge {
    Usage,
    Credit,
}

/// One row's cells, in [`COLUMNS`]' order: `day`'s usage or credits of `line`.
pub fn cells(
    h: &Heading<'_>,
    sub: &SubAccount<'_>,
    line: &BillLine,
    d: &DayCost,
    charge: Charge,
) -> Vec<String> {
    let money = |c: i64| Cents(c).to_string();
    let (list, contracted, billed) = match charge {
        Charge::Usage => (d.list, d.contracted, d.contracted),
        // FOCUS: a charge unrelated to others (a credit) has list and contracted cost equal to
        // its billed cost.
        Charge::Credit => (-d.credits, -d.credits, -d.credits),
    };
    let (service, project, cluster) = (
        &*line.base.service,
        &*line.base.project,
        &*line.base.cluster,
    );
    let (category, frequency, pricing, description) = match charge {
        Charge::Usage => (
            "Usage",
            "Usage-Based",
            "Standard",
            format!("{service} usage"),
        ),
        Charge::Credit => (
            "Credit",
            "One-Time",
            "",
            format!("Credit used on {service} usage"),
        ),
    };
    // A cluster is named within its customer's project: its id says all three.
    let (resource_id, resource_name, resource_type) = if cluster.is_empty() {
        (String::new(), String::new(), String::new())
    } else {
        (
            format!("{}/{project}/{cluster}", sub.id),
            cluster.to_string(),
            "Cluster".to_string(),
        )
    };
    // Each service is one SKU at one list price; a credit has neither.
    let (sku, sku_price) = match charge {
        Charge::Usage => {
            let sku = service.to_ascii_lowercase().replace(' ', "-");
            (sku.clone(), format!("{sku}:list"))
        }
        Charge::Credit => (String::new(), String::new()),
    };
    let tags = serde_json::json!({ "project": project }).to_string();
    let time = |day: NaiveDate| format!("{day}T00:00:00Z");
    let vendor = h.vendor.to_string();
    let none = String::new;
    vec![
        none(),                                  // AvailabilityZone
        money(billed),                           // BilledCost
        h.account_id.to_string(),                // BillingAccountId
        h.account_name.to_string(),              // BillingAccountName
        "USD".to_string(),                       // BillingCurrency
        time(h.end),                             // BillingPeriodEnd
        time(h.first_day),                       // BillingPeriodStart
        category.to_string(),                    // ChargeCategory
        none(),                                  // ChargeClass
        description,                             // ChargeDescription
        frequency.to_string(),                   // ChargeFrequency
        time(d.day.succ_opt().unwrap_or(d.day)), // ChargePeriodEnd
        time(d.day),                             // ChargePeriodStart
        none(),                                  // CommitmentDiscountCategory
        none(),                                  // CommitmentDiscountId
        none(),                                  // CommitmentDiscountName
        none(),                                  // CommitmentDiscountStatus
        none(),                                  // CommitmentDiscountType
        none(),                                  // ConsumedQuantity
        none(),                                  // ConsumedUnit
        money(contracted),                       // ContractedCost
        none(),                                  // ContractedUnitPrice
        money(billed),                           // EffectiveCost
        vendor.clone(),                          // InvoiceIssuerName
        money(list),                             // ListCost
        none(),                                  // ListUnitPrice
        pricing.to_string(),                     // PricingCategory
        none(),                                  // PricingQuantity
        none(),                                  // PricingUnit
        vendor.clone(),                          // ProviderName
        vendor.clone(),                          // PublisherName
        none(),                                  // RegionId
        none(),                                  // RegionName
        resource_id.clone(),                     // ResourceId
        resource_name,                           // ResourceName
        resource_type,                           // ResourceType
        service_category(service).to_string(),   // ServiceCategory
        service.to_string(),                     // ServiceName
        sku.clone(),                             // SkuId
        sku_price,                               // SkuPriceId
        sub.id.to_string(),                      // SubAccountId
        sub.name.to_string(),                    // SubAccountName
        tags,                                    // Tags
        vendor.clone(),                          // InvoiceIssuer
        vendor.clone(),                          // Provider
        vendor,                                  // Publisher
        resource_id,                             // ResourceID
        category.to_string(),                    // ChargeType
    ]
}

/// What FinOps tools group services by, from the vendor's service names.
pub fn service_category(service: &str) -> &'static str {
    let s = service.to_ascii_lowercase();
    if s.contains("storage") || s.contains("backup") {
        "Storage"
    } else if s.contains("transfer") || s.contains("network") {
        "Networking"
    } else if s.contains("support") {
        "Other"
    } else {
        "Databases"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::bill::BaseLine;

    fn line(usage: i64, discounts: i64, credits: i64) -> BillLine {
        BillLine {
            base: BaseLine {
                customer_id: 1,
                service: "TiDB Dedicated".into(),
                project: "p".into(),
                cluster: "c".into(),
                usage,
            },
            discounts,
            credits,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn a_lines_days_sum_back_to_each_of_its_amounts_to_the_cent() {
        let l = line(1_000, 333, 101);
        let days = [(day(1), 1), (day(2), 1), (day(3), 1)];
        let split = split(&l, &days, day(1));
        assert_eq!(split.iter().map(|d| d.list).sum::<i64>(), 1_000);
        assert_eq!(split.iter().map(|d| d.contracted).sum::<i64>(), 667);
        assert_eq!(split.iter().map(|d| d.credits).sum::<i64>(), 101);
        assert_eq!(
            split.iter().map(|d| d.contracted - d.credits).sum::<i64>(),
            l.owed()
        );
        // 1 000 over three equal days: 334, 333, 333 (the first remainder wins the tie).
        assert_eq!(
            split.iter().map(|d| d.list).collect::<Vec<_>>(),
            [334, 333, 333]
        );
    }

    #[test]
    fn credits_never_take_a_day_below_zero() {
        // Everything owed is paid by credits: each day's credit is its whole contracted cost.
        let l = line(900, 100, 800);
        let days = [(day(1), 700), (day(2), 199), (day(3), 1)];
        for d in split(&l, &days, day(1)) {
            assert!(d.credits <= d.contracted, "{d:?}");
            assert_eq!(d.credits, d.contracted, "{d:?}");
        }
    }

    #[test]
    fn usage_on_days_in_another_proportion_than_the_line_is_still_the_lines() {
        // Weights read back from the records (here 2:1) split the line's own amount.
        let l = line(301, 0, 0);
        let split = split(&l, &[(day(4), 20), (day(9), 10)], day(1));
        assert_eq!(
            split.iter().map(|d| (d.day, d.list)).collect::<Vec<_>>(),
            [(day(4), 201), (day(9), 100)]
        );
    }

    #[test]
    fn a_line_without_metered_days_lies_on_the_first_and_an_empty_one_is_left_out() {
        let split_none = split(&line(50, 10, 0), &[], day(1));
        assert_eq!(
            split_none,
            [DayCost {
                day: day(1),
                list: 50,
                contracted: 40,
                credits: 0
            }]
        );
        assert!(split(&line(0, 0, 0), &[(day(2), 0)], day(1)).is_empty());
        // A day of nothing beside days of something is left out.
        let s = split(&line(10, 0, 0), &[(day(2), 0), (day(3), 5)], day(1));
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].day, day(3));
    }

    #[test]
    fn services_fall_in_focus_categories() {
        assert_eq!(service_category("TiDB Dedicated"), "Databases");
        assert_eq!(service_category("TiDB Starter"), "Databases");
        assert_eq!(service_category("Backup Storage"), "Storage");
        assert_eq!(service_category("Data Transfer"), "Networking");
        assert_eq!(service_category("Support Plan"), "Other");
    }
}
