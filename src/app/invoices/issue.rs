//! Issuing an MSP's invoices: at a month's close, in its transaction, one per customer with
//! anything to pay; and a corrected one after a void. The maths is `billing::invoice`.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Utc};

use crate::app::error::Result;
use crate::billing::bill::BillLine;
use crate::billing::invoice::{self, Draft};
use crate::billing::month::Month;
use crate::billing::plans::{PlanTerms, Plans};
use crate::store::customers::InvoiceContact;
use crate::store::invoice_settings::{self, InvoiceSettings};
use crate::store::invoices::{self, LineRow, NewInvoice};
use crate::store::partners::Partner;
use crate::store::price_plans::{self, PricePlan};
use crate::store::{Conn, closed};

/// An MSP's plans and which customer has which, as issuing needs them: names and fee labels
/// with the terms.
pub struct PartnerPlans {
    plans: Vec<PricePlan>,
    own: HashMap<i64, i64>,
}

impl PartnerPlans {
    pub async fn load(c: &mut impl Conn, partner_id: i64) -> Result<PartnerPlans> {
        Ok(PartnerPlans {
            plans: price_plans::list(c, partner_id).await?,
            own: price_plans::customer_plans(c, partner_id)
                .await?
                .into_iter()
                .collect(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.plans.is_empty()
    }

    /// The customer's plan: its own, else the default; `None` (list price) without either.
    pub fn of(&self, customer_id: i64) -> Option<&PricePlan> {
        let own = self.own.get(&customer_id);
        self.plans
            .iter()
            .find(|p| Some(&p.plan_id) == own)
            .or_else(|| self.plans.iter().find(|p| p.is_default))
    }

    /// The plans as bills price with them.
    pub fn pricing(&self) -> Plans {
        let by_id: HashMap<i64, PlanTerms> =
            self.plans.iter().map(|p| (p.plan_id, p.terms())).collect();
        Plans {
            default: self.plans.iter().find(|p| p.is_default).map(|p| p.terms()),
            own: self
                .own
                .iter()
                .filter_map(|(customer, plan)| by_id.get(plan).map(|t| (*customer, t.clone())))
                .collect(),
        }
    }
}

/// What issuing needs of the partner, read once per partner.
pub struct Issuer {
    pub partner: Partner,
    pub settings: InvoiceSettings,
    pub plans: PartnerPlans,
}

impl Issuer {
    pub async fn load(c: &mut impl Conn, partner: Partner) -> Result<Issuer> {
        let settings = invoice_settings::find(c, partner.partner_id)
            .await?
            .unwrap_or_else(|| InvoiceSettings::defaults(&partner.name));
        let plans = PartnerPlans::load(c, partner.partner_id).await?;
        Ok(Issuer {
            partner,
            settings,
            plans,
        })
    }
}

/// The late usage of a customer loaded in (`after`, `until`], summed per base line (month,
/// service, project, cluster), so each is priced once.
async fn late_lines(
    c: &mut impl Conn,
    customer_id: i64,
    after: Option<DateTime<Utc>>,
    until: DateTime<Utc>,
) -> Result<Vec<(Month, String, i64)>> {
    Ok(summed(
        invoices::late_usage(c, customer_id, after, until).await?,
    ))
}

/// Late usage records summed per base line (month, service, project, cluster).
fn summed(records: Vec<invoices::LateRecord>) -> Vec<(Month, String, i64)> {
    let mut by: BTreeMap<(Month, String, String, String), i64> = BTreeMap::new();
    for (day, service, project, cluster, cost) in records {
        *by.entry((Month::of(day), service, project, cluster))
            .or_default() += cost;
    }
    by.into_iter()
        .map(|((m, service, _, _), usage)| (m, service, usage))
        .collect()
}

/// Writes the closed month's plan of each customer with lines, then issues the invoices of
/// `month` for every customer of the MSP with anything to pay, in the caller's transaction.
/// Returns the numbers issued.
pub async fn at_close(
    tx: &mut impl Conn,
    issuer: &Issuer,
    month: Month,
    lines: &[BillLine],
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let partner_id = issuer.partner.partner_id;
    let m = month.to_string();
    let mut by_customer: BTreeMap<i64, Vec<(&str, i64)>> = BTreeMap::new();
    for l in lines {
        by_customer
            .entry(l.base.customer_id)
            .or_default()
            .push((&*l.base.service, l.base.usage));
    }
    let plans: Vec<closed::ClosedPlan> = by_customer
        .keys()
        .map(|&customer_id| closed_plan(issuer, customer_id))
        .collect();
    closed::insert_plans(tx, &m, partner_id, &plans).await?;
    // Each customer's late usage since its last invoice, read for every customer at once.
    let late_through = invoices::late_through_by_customer(tx, partner_id).await?;
    let mut late_of: HashMap<i64, Vec<invoices::LateRecord>> = HashMap::new();
    for (customer, loaded_at, r) in invoices::late_usage_of_partner(tx, partner_id, now).await? {
        if late_through
            .get(&customer)
            .is_none_or(|after| loaded_at > *after)
        {
            late_of.entry(customer).or_default().push(r);
        }
    }
    let mut numbers = Vec::new();
    for contact in crate::store::customers::invoice_contacts(tx, partner_id).await? {
        let usage = by_customer
            .get(&contact.customer_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let late = summed(late_of.remove(&contact.customer_id).unwrap_or_default());
        if usage.is_empty() && late.is_empty() {
            continue;
        }
        let d = draft(issuer, contact.customer_id, month, usage, &late);
        if d.is_due() {
            let n = write(tx, issuer, &contact, month, &d, (now, now), None).await?;
            numbers.push(n);
        }
    }
    Ok(numbers)
}

/// The customer's plan as a closed month keeps it: its own, the default, or list price.
fn closed_plan(issuer: &Issuer, customer_id: i64) -> closed::ClosedPlan<'_> {
    let plan = issuer.plans.of(customer_id);
    closed::ClosedPlan {
        customer_id,
        plan_name: plan.map_or("", |p| p.name.as_str()),
        terms: plan.map(|p| p.terms()).unwrap_or_default(),
        fee_label: plan.map_or("", |p| p.fee_label.as_str()),
    }
}

/// Writes the customer's closed month priced with `terms` (its plan as it is now) into the month's
/// stored sums, as the plan kept with them: Billing shows the invoice in force.
async fn reprice(
    tx: &mut impl Conn,
    issuer: &Issuer,
    month: &str,
    (customer_id, terms): (i64, PlanTerms),
    lines: &[BillLine],
) -> Result<()> {
    let plans = Plans {
        default: None,
        own: HashMap::from([(customer_id, terms)]),
    };
    let own: Vec<BillLine> = lines
        .iter()
        .filter(|l| l.base.customer_id == customer_id)
        .cloned()
        .collect();
    if let Some(r) = plans.price_by_customer(&own).get(&customer_id) {
        let partner_id = issuer.partner.partner_id;
        closed::summaries::set_customer_resale(tx, month, partner_id, customer_id, *r).await?;
    }
    Ok(())
}

fn draft(
    issuer: &Issuer,
    customer_id: i64,
    month: Month,
    usage: &[(&str, i64)],
    late: &[(Month, String, i64)],
) -> Draft {
    let plan = issuer.plans.of(customer_id);
    let terms = plan.map(|p| p.terms()).unwrap_or_default();
    let fee_label = match plan {
        Some(p) if !p.fee_label.is_empty() => p.fee_label.as_str(),
        Some(p) => p.name.as_str(),
        None => "",
    };
    invoice::draft(
        month,
        usage.iter().copied(),
        late.iter().map(|(m, s, u)| (*m, (s.as_str(), *u))),
        &terms,
        fee_label,
        issuer.settings.tax_rate_bps,
    )
}

/// Issues a corrected invoice for a voided one: the month's closed lines and the late usage
/// the voided one held, priced with the customer's plan and the partner's details as they are
/// now; the closed month's plan of the customer becomes the one priced with, so Billing
/// agrees with the invoice in force.
pub async fn corrected(
    tx: &mut impl Conn,
    issuer: &Issuer,
    voided: &invoices::Invoice,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let month = Month::parse(&voided.month).ok_or_else(|| anyhow::anyhow!("invoice month"))?;
    let lines = closed::lines(tx, &voided.month, issuer.partner.partner_id).await?;
    let usage: Vec<(&str, i64)> = lines
        .iter()
        .filter(|l| l.base.customer_id == voided.customer_id)
        .map(|l| (&*l.base.service, l.base.usage))
        .collect();
    let after = invoices::late_through_before(tx, voided.customer_id, voided.late_through).await?;
    let late = late_lines(tx, voided.customer_id, after, voided.late_through).await?;
    let contact = crate::store::customers::invoice_contacts(tx, issuer.partner.partner_id)
        .await?
        .into_iter()
        .find(|c| c.customer_id == voided.customer_id)
        .ok_or_else(|| anyhow::anyhow!("an invoice's customer is gone"))?;
    if !usage.is_empty() {
        // The closed month's plan of the customer becomes the one priced with.
        let plan = closed_plan(issuer, voided.customer_id);
        closed::replace_plan(tx, &voided.month, issuer.partner.partner_id, &plan).await?;
        reprice(
            tx,
            issuer,
            &voided.month,
            (voided.customer_id, plan.terms),
            &lines,
        )
        .await?;
    }
    let d = draft(issuer, voided.customer_id, month, &usage, &late);
    if !d.is_due() {
        return Ok(None);
    }
    let times = (now, voided.late_through);
    let number = write(
        tx,
        issuer,
        &contact,
        month,
        &d,
        times,
        Some(voided.invoice_id),
    )
    .await?;
    Ok(Some(number))
}

/// Numbers and stores an invoice; `(issued_at, late_through)`.
async fn write(
    tx: &mut impl Conn,
    issuer: &Issuer,
    contact: &InvoiceContact,
    month: Month,
    d: &Draft,
    (now, late_through): (DateTime<Utc>, DateTime<Utc>),
    replaces_id: Option<i64>,
) -> Result<String> {
    let (p, s) = (&issuer.partner, &issuer.settings);
    let year = now.year();
    let seq = invoices::next_seq(tx, p.partner_id, year).await?;
    let number = invoice::number(&s.number_prefix, year, seq);
    let due_date = now.date_naive() + chrono::Days::new(s.payment_terms_days.max(0) as u64);
    let language = contact
        .invoice_language
        .clone()
        .unwrap_or_else(|| s.language.clone());
    let m = month.to_string();
    let new = NewInvoice {
        partner_id: p.partner_id,
        customer_id: contact.customer_id,
        month: &m,
        number: &number,
        language: &language,
        issued_at: now,
        due_date,
        subtotal: d.subtotal,
        tax_rate_bps: d.tax.rate_bps,
        tax: d.tax.tax,
        total: d.total,
        late_through,
        issuer_name: &s.legal_name,
        issuer_address: &s.address,
        issuer_email: &p.contact_email,
        issuer_website: &p.website_url,
        issuer_tax_id: &s.tax_registration,
        issuer_logo_id: p.logo_light_id,
        footer: &s.footer,
        customer_name: &contact.org_name,
        customer_org_id: &contact.org_id,
        customer_email: &contact.email,
        replaces_id,
    };
    let rows: Vec<LineRow> = d
        .lines
        .iter()
        .map(|l| LineRow {
            kind: l.kind.as_str().into(),
            label: l.label.clone(),
            month: l.month.to_string(),
            usage: l.usage,
            amount: l.amount,
        })
        .collect();
    invoices::insert(tx, &new, &rows).await?;
    Ok(number)
}
