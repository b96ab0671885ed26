//! Every partner's statements (issue 24): for each closed month, what it owes the vendor, as
//! the vendor numbered it at closing, read from the closed month's bill. Every member reads
//! them (SPEC 3: billing is every member's); resellers and MSPs alike.

use super::error::{Error, Result, Thing};
use super::{Actor, Ctx, bills};
use crate::billing::bill::Totals;
use crate::billing::month::Month;
use crate::documents::Document;
use crate::documents::statement::StatementFacts;
use crate::i18n::I18n;
use crate::store::partners::{self, Partner};
use crate::store::statements::{self, StatementRow};

/// A statement with its closed bill: the partner, and each customer's totals, biggest first.
pub struct Statement {
    pub row: StatementRow,
    pub partner: Partner,
    /// (customer name, organization id, totals).
    pub customers: Vec<(String, String, Totals)>,
    pub overview: Totals,
}

impl Statement {
    /// The statement as its reader reads it, in `t`'s language, issued by `vendor`.
    pub fn document(&self, t: &I18n, vendor: &str) -> Document {
        let issued_on = self.row.issued_at.date_naive().to_string();
        Document::of_statement(
            t,
            &StatementFacts {
                number: &self.row.number,
                month: &self.row.month,
                issued_on: &issued_on,
                vendor,
                partner: &self.partner.name,
                partner_email: &self.partner.contact_email,
                customers: &self.customers,
                overview: self.overview,
            },
        )
    }
}

async fn own(ctx: Ctx<'_>, actor: &Actor) -> Result<Partner> {
    let id = actor.partner_id.ok_or(Error::NotFound(Thing::Statement))?;
    let mut c = ctx.db.acquire().await?;
    partners::find_by_id(&mut c, id)
        .await?
        .ok_or(Error::NotFound(Thing::Statement))
}

/// The partner's statements, newest first, each with what the month came to.
pub async fn list(ctx: Ctx<'_>, actor: &Actor) -> Result<Vec<(StatementRow, Totals)>> {
    let partner = own(ctx, actor).await?;
    let rows = {
        let mut c = ctx.db.acquire().await?;
        statements::list(&mut c, partner.partner_id).await?
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let month = Month::parse(&row.month).ok_or_else(|| anyhow::anyhow!("statement month"))?;
        let totals = bills::closed_bill(ctx, partner.partner_id, month)
            .await?
            .map(|b| b.overview())
            .unwrap_or_default();
        out.push((row, totals));
    }
    Ok(out)
}

/// The partner's statement of `month`; not found unless the month is closed.
pub async fn find(ctx: Ctx<'_>, actor: &Actor, month: Month) -> Result<Statement> {
    let partner = own(ctx, actor).await?;
    let m = month.to_string();
    let row = {
        let mut c = ctx.db.acquire().await?;
        statements::find(&mut c, partner.partner_id, &m).await?
    }
    .ok_or(Error::NotFound(Thing::Statement))?;
    let bill = bills::closed_bill(ctx, partner.partner_id, month)
        .await?
        .ok_or(Error::NotFound(Thing::Statement))?;
    let customers = bill
        .by_customer()
        .into_iter()
        .map(|(id, totals)| {
            let info = bill.customers.get(&id);
            let name = info.map(|i| i.name.clone()).unwrap_or_default();
            let org_id = info.map(|i| i.org_id.clone()).unwrap_or_default();
            (name, org_id, totals)
        })
        .collect();
    Ok(Statement {
        row,
        partner,
        customers,
        overview: bill.overview(),
    })
}

/// The statement as a PDF in `t`'s language, drawn off the async workers.
pub async fn pdf(
    ctx: Ctx<'_>,
    actor: &Actor,
    month: Month,
    t: I18n,
    vendor: &str,
) -> Result<Vec<u8>> {
    let doc = find(ctx, actor, month).await?.document(&t, vendor);
    let bytes = tokio::task::spawn_blocking(move || crate::documents::pdf::render(&doc))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(anyhow::Error::from)?;
    Ok(bytes)
}
