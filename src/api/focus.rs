//! A month's costs in FOCUS 1.0 columns in `/api/v1` (issue 27), resellers and MSPs alike: the
//! same file as the console's Billing page downloads, streamed as CSV.

use actix_web::{HttpResponse, web};

use super::auth::PartnerKey;
use super::bill_reads::month_param;
use super::error::{ApiError, ErrorBody};
use super::formats::YearMonth;
use crate::app::focus;
use crate::state::AppState;

pub fn configure(scope: actix_web::Scope) -> actix_web::Scope {
    scope.route("/focus/{billedMonth}", web::get().to(get_focus))
}

/// Get a month's costs as a FOCUS 1.0 file.
///
/// CSV in the FinOps Foundation's FOCUS 1.0 columns: one `Usage` row per customer, day,
/// service, project and cluster (`ListCost` at list price, `ContractedCost` after discounts,
/// `BilledCost` and `EffectiveCost` what is charged), and a `Credit` row with the credits used on
/// it, negative. You are the billing account (`BillingAccountId` is your slug), each customer a
/// sub-account (its organization id), each cluster a resource. The month's `BilledCost` adds up
/// to the bill's `totalCost` exactly. The running month is an estimate, as its bill is.
#[utoipa::path(get, path = "/focus/{billedMonth}", tag = "Billing", operation_id = "getFocusCosts",
    params(("billedMonth" = YearMonth, Path, description = "`YYYY-MM`: the running month or one of the six before it")),
    responses(
        (status = 200, description = "The FOCUS file", content_type = "text/csv", body = String),
        (status = 400, description = "A month that is not `YYYY-MM` or outside the window", body = ErrorBody),
    ))]
pub(super) async fn get_focus(
    key: PartnerKey,
    state: web::Data<AppState>,
    billed_month: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let month = month_param(&billed_month)?;
    let vendor = &state.settings.vendor_name;
    let export = focus::export(state.app(), &key.actor(), month, vendor).await?;
    let rows = focus::rows(export, state.db.clone());
    Ok(crate::http::csv::streamed(
        &format!("focus-{month}.csv"),
        crate::billing::focus::COLUMNS,
        rows,
    ))
}
