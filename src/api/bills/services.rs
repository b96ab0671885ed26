//! A bill by service, each with its lines by project and cluster (`summaryByService`).

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::amounts::Amounts;
use crate::app::bills::PartnerBill;
use crate::billing::bill::Totals;

/// A service's totals with one line per project and cluster in `serviceCosts`; a line has the
/// same shape, with `serviceName` `project / cluster`, its own `projectName` and
/// `clusterName`, and an empty `serviceCosts`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = BillsServiceCosts)]
pub struct ServiceCosts {
    /// The service (`TiDB Dedicated`), or on a line `project / cluster`.
    service_name: String,
    #[serde(flatten)]
    amounts: Amounts,
    #[schema(no_recursion)]
    service_costs: Vec<ServiceCosts>,
    /// On a line only: its project (`""` for charges outside projects).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, required = false)]
    project_name: Option<String>,
    /// On a line only: its cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, required = false)]
    cluster_name: Option<String>,
}

/// A line's name in `serviceCosts`: its project and cluster, whichever it has.
fn line_name(service: &str, project: &str, cluster: &str) -> String {
    match (project.is_empty(), cluster.is_empty()) {
        (false, false) => format!("{project} / {cluster}"),
        (false, true) => project.to_string(),
        (true, false) => cluster.to_string(),
        (true, true) => service.to_string(),
    }
}

pub(super) fn by_service(bill: &PartnerBill) -> Vec<ServiceCosts> {
    let mut lines: BTreeMap<(&str, &str, &str), Totals> = BTreeMap::new();
    for l in &bill.lines {
        lines
            .entry((&l.base.service, &l.base.project, &l.base.cluster))
            .or_default()
            .add(l);
    }
    service_costs(lines.into_iter().map(|((s, p, c), t)| (s, p, c, t)))
}

/// Each service with its totals and its lines': `rows` are (service, project, cluster, totals)
/// by service, project and cluster.
pub(super) fn service_costs<'a>(
    rows: impl IntoIterator<Item = (&'a str, &'a str, &'a str, Totals)>,
) -> Vec<ServiceCosts> {
    let mut out: Vec<ServiceCosts> = Vec::new();
    let mut totals: Vec<Totals> = Vec::new();
    for (service, project, cluster, t) in rows {
        if out.last().is_none_or(|s| s.service_name != service) {
            out.push(ServiceCosts {
                service_name: service.to_string(),
                amounts: Totals::default().into(),
                service_costs: Vec::new(),
                project_name: None,
                cluster_name: None,
            });
            totals.push(Totals::default());
        }
        if let (Some(s), Some(sum)) = (out.last_mut(), totals.last_mut()) {
            *sum = sum.plus(t);
            s.service_costs.push(ServiceCosts {
                service_name: line_name(service, project, cluster),
                amounts: t.into(),
                service_costs: Vec::new(),
                project_name: Some(project.to_string()),
                cluster_name: Some(cluster.to_string()),
            });
        }
    }
    for (s, t) in out.iter_mut().zip(totals) {
        s.amounts = t.into();
    }
    out
}
