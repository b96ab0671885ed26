//! The bill answers of both APIs, in the shapes of the vendor's MSP document (SPEC 6). This is
//! the one place where a bill's amounts take the public API's names: `runningTotal` is what was
//! consumed before anything is taken off, `totalCost` what is owed
//! (`runningTotal - discounts - credits`). Everywhere else they are `usage` and `owed`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;
use utoipa::ToSchema;

use super::formats::YearMonth;
use crate::app::bills::{CustomerInfo, PartnerBill, shares};
use crate::billing::bill::{BillLine, Totals};

mod amounts;
mod services;
mod streamed;
pub use amounts::Amounts;
pub use services::ServiceCosts;
use services::{by_service, service_costs};
pub use streamed::{
    msp_bill_stream, msp_closed_stream, partner_bill_stream, partner_closed_stream,
};

/// The month and its totals.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = BillsOverview)]
pub struct Overview {
    /// `YYYY-MM`.
    #[schema(value_type = YearMonth)]
    billed_month: String,
    #[serde(flatten)]
    amounts: Amounts,
}

/// A month's overview from its totals (a closed month's, for the `month.closed` webhook).
pub(crate) fn overview_of(month: &str, totals: Totals) -> Overview {
    Overview {
        billed_month: month.to_string(),
        amounts: totals.into(),
    }
}

fn overview(bill: &PartnerBill) -> Overview {
    Overview {
        billed_month: bill.month.to_string(),
        amounts: bill.overview().into(),
    }
}

/// A project's totals.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = BillsProjects)]
pub struct ProjectCosts {
    project_name: String,
    #[serde(flatten)]
    amounts: Amounts,
}

/// A charge outside every project (a support plan, say), by service.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = BillsOtherName)]
pub struct OtherCharge {
    /// The service charged (`Support Plan`).
    charge_name: String,
    /// The same as `chargeName`: the vendor's billing API writes this name.
    other_name: String,
    #[serde(flatten)]
    amounts: Amounts,
}

/// The bill by project; what belongs to no project is in `otherCharges`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = SummaryByProject)]
pub struct ByProject {
    projects: Vec<ProjectCosts>,
    other_charges: Vec<OtherCharge>,
}

fn by_project(bill: &PartnerBill) -> ByProject {
    let (outside, inside): (Vec<&BillLine>, Vec<&BillLine>) =
        bill.lines.iter().partition(|l| l.base.project.is_empty());
    ByProject {
        projects: summarize_refs(&inside, |l| l.base.project.to_string())
            .into_iter()
            .map(|(project_name, t)| ProjectCosts {
                project_name,
                amounts: t.into(),
            })
            .collect(),
        other_charges: summarize_refs(&outside, |l| l.base.service.to_string())
            .into_iter()
            .map(|(service, t)| OtherCharge {
                charge_name: service.clone(),
                other_name: service,
                amounts: t.into(),
            })
            .collect(),
    }
}

fn summarize_refs(lines: &[&BillLine], key: impl Fn(&BillLine) -> String) -> Vec<(String, Totals)> {
    let mut out: BTreeMap<String, Totals> = BTreeMap::new();
    for l in lines {
        out.entry(key(l)).or_default().add(l);
    }
    out.into_iter().collect()
}

/// One customer's bill for a month (the vendor's `BillsExplorer`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = BillsExplorer)]
pub struct CustomerBill {
    overview: Overview,
    summary_by_project: ByProject,
    summary_by_service: Vec<ServiceCosts>,
}

/// `bill` is one customer's share of its partner's bill ([`PartnerBill::for_customer`]).
pub fn customer_bill(bill: &PartnerBill) -> CustomerBill {
    CustomerBill {
        overview: overview(bill),
        summary_by_project: by_project(bill),
        summary_by_service: by_service(bill),
    }
}

/// A customer's part of an MSP's bill: its whole bill, under its organization id.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = SummaryByCustomer)]
pub struct CustomerEntry {
    /// The customer's organization id as a JSON integer (below 2^63).
    #[serde(rename = "customerID")]
    customer_id: i64,
    /// The customer's bill, the same as `GET /mspCustomerBills/{billedMonth}/mspCustomers/{id}`
    /// answers.
    msp_customer_bills: CustomerBill,
    /// The organization id as a string, for clients whose numbers lose digits above 2^53.
    customer_org_id: String,
    org_name: String,
}

/// The MSP's bill for a month (the vendor's `MspBills`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = MspBills)]
pub struct MspBill {
    overview: Overview,
    /// Every customer's bill, biggest `runningTotal` first; they add up to the overview.
    summary_by_customer: Vec<CustomerEntry>,
    summary_by_service: Vec<ServiceCosts>,
}

/// An organization id that does not fit the JSON integer the MSP document asks for.
#[derive(Debug, thiserror::Error)]
#[error("organization id {0:?} is not a number below 2^63")]
pub struct OrgIdOutOfRange(pub String);

pub fn msp_bill(bill: &PartnerBill) -> Result<MspBill, OrgIdOutOfRange> {
    let summary_by_customer = shares(bill)
        .map(|(id, share)| customer_entry(&bill.customers, id, &share))
        .collect::<Result<_, _>>()?;
    Ok(MspBill {
        overview: overview(bill),
        summary_by_customer,
        summary_by_service: by_service(bill),
    })
}

fn customer_entry(
    customers: &HashMap<i64, CustomerInfo>,
    id: i64,
    share: &PartnerBill,
) -> Result<CustomerEntry, OrgIdOutOfRange> {
    let (org_id, org_name) = customers
        .get(&id)
        .map(|i| (i.org_id.clone(), i.name.clone()))
        .unwrap_or_default();
    Ok(CustomerEntry {
        customer_id: org_id
            .parse()
            .map_err(|_| OrgIdOutOfRange(org_id.clone()))?,
        msp_customer_bills: customer_bill(share),
        customer_org_id: org_id,
        org_name,
    })
}

/// A customer's totals in the Partner Management API's bill.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CustomerTotals)]
pub struct CustomerTotals {
    customer_org_id: String,
    org_name: String,
    #[serde(flatten)]
    amounts: Amounts,
}

/// The partner's bill in the Partner Management API: like the MSP API's, with each customer's
/// totals rather than its whole bill (`GET /customers/{customerOrgId}/bills/{billedMonth}` has
/// that).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = PartnerBill)]
pub struct PartnerBillJson {
    overview: Overview,
    /// Biggest `runningTotal` first; they add up to the overview.
    summary_by_customer: Vec<CustomerTotals>,
    summary_by_service: Vec<ServiceCosts>,
}

pub fn partner_bill(bill: &PartnerBill) -> PartnerBillJson {
    PartnerBillJson {
        overview: overview(bill),
        summary_by_customer: customer_totals(bill).collect(),
        summary_by_service: by_service(bill),
    }
}

fn customer_totals(bill: &PartnerBill) -> impl Iterator<Item = CustomerTotals> + use<> {
    let customers = Arc::clone(&bill.customers);
    bill.by_customer().into_iter().map(move |(id, t)| {
        let info = customers.get(&id);
        CustomerTotals {
            customer_org_id: info.map(|i| i.org_id.clone()).unwrap_or_default(),
            org_name: info.map(|i| i.name.clone()).unwrap_or_default(),
            amounts: t.into(),
        }
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::*;
    use crate::app::bills::CustomerInfo;
    use crate::billing::bill::{BaseLine, Credit, Discount, DiscountKind, Scope, compute};
    use crate::billing::month::Month;

    fn line(customer: i64, service: &str, project: &str, cluster: &str, usage: i64) -> BaseLine {
        BaseLine {
            customer_id: customer,
            service: service.into(),
            project: project.into(),
            cluster: cluster.into(),
            usage,
        }
    }

    pub(super) fn bill() -> PartnerBill {
        let (lines, credit_uses) = compute(
            vec![
                line(1, "TiDB Dedicated", "web", "prod", 100_000),
                line(1, "Support Plan", "", "", 20_000),
                line(2, "TiDB Dedicated", "api", "eu", 50_000),
            ],
            &[Discount {
                id: 1,
                scope: Scope::Partner,
                service: Some("TiDB Dedicated".into()),
                kind: DiscountKind::Rate(1000),
            }],
            &[Credit {
                id: 1,
                scope: Scope::Customer(2),
                remaining: 5_000,
                expires_on: chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
            }],
        );
        let customers = [
            (1, "1000000000000000001", "One"),
            (2, "1000000000000000002", "Two"),
        ]
        .into_iter()
        .map(|(id, org, name)| {
            (
                id,
                CustomerInfo {
                    org_id: org.into(),
                    name: name.into(),
                },
            )
        })
        .collect::<HashMap<_, _>>();
        PartnerBill {
            month: Month::parse("2026-10").unwrap(),
            estimate: false,
            lines,
            credit_uses,
            credits_left: HashMap::new(),
            customers: Arc::new(customers),
            terms: Arc::default(),
            plans: None,
        }
    }

    #[test]
    fn running_total_is_usage_and_total_cost_is_owed() {
        let v = serde_json::to_value(msp_bill(&bill()).unwrap()).unwrap();
        let o = &v["overview"];
        assert_eq!(o["runningTotal"], "1700.00");
        assert_eq!(o["discounts"], "150.00");
        assert_eq!(o["credits"], "50.00");
        assert_eq!(o["totalCost"], "1500.00");
    }

    #[test]
    fn the_msp_bill_holds_each_customers_whole_bill() {
        let b = bill();
        let v = serde_json::to_value(msp_bill(&b).unwrap()).unwrap();
        let first = &v["summaryByCustomer"][0];
        assert_eq!(
            first["customerID"],
            serde_json::json!(1_000_000_000_000_000_001i64)
        );
        assert_eq!(first["customerOrgId"], "1000000000000000001");
        let alone = serde_json::to_value(customer_bill(&b.for_customer(1))).unwrap();
        assert_eq!(first["mspCustomerBills"], alone);
        let support = &alone["summaryByProject"]["otherCharges"][0];
        assert_eq!(
            (
                &support["chargeName"],
                &support["otherName"],
                &support["totalCost"]
            ),
            (
                &"Support Plan".into(),
                &"Support Plan".into(),
                &"200.00".into()
            )
        );
        let dedicated = &alone["summaryByService"][1];
        assert_eq!(dedicated["serviceName"], "TiDB Dedicated");
        let l = &dedicated["serviceCosts"][0];
        assert_eq!(l["serviceName"], "web / prod");
        assert_eq!(
            (&l["projectName"], &l["clusterName"]),
            (&"web".into(), &"prod".into())
        );
        assert_eq!(l["serviceCosts"], serde_json::json!([]));
        assert!(dedicated.get("projectName").is_none());
    }

    #[test]
    fn an_org_id_above_2_63_is_refused_not_rounded() {
        let mut b = bill();
        let mut infos = (*b.customers).clone();
        infos.get_mut(&1).unwrap().org_id = "9300000000000000000".into();
        b.customers = Arc::new(infos);
        assert!(msp_bill(&b).is_err());
    }
}
