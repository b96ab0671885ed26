//! Resale authorizations (issue 14): operators create them for a reseller, edit them while
//! drafts, activate and restrict them; the reseller reads its own. Nothing here calls AWS: the
//! console keeps the record of what was granted in AWS Marketplace.

use super::error::{Error, FieldError, Message, Result, Thing};
use crate::domain::AuditAction;
use chrono::NaiveDate;

use super::{Actor, Ctx};
use crate::domain::AuthorizationState;
use crate::domain::offers::{self, join_list};
use crate::store::authorizations::{self, Authorization, Terms};
use crate::store::partners::{self, Partner};
use crate::store::{Conn, StoreError, Tx};

pub const MAX_PRODUCT_CHARS: usize = 80;
/// The most offers one authorization may back.
pub const MAX_OFFERS: i64 = 1_000;

/// An authorization's terms as an operator writes them. A surface that reads a value it cannot
/// make a number or date of passes one out of range, so the field is reported the same way.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub product: String,
    /// The wholesale price as a discount off the list price, in basis points (0 to 9 999).
    pub wholesale_bps: i64,
    pub available_until: Option<NaiveDate>,
    /// Buyer accounts as written; empty for any buyer.
    pub buyers: String,
    pub max_offers: i64,
    /// Agreement durations in months as written ("12, 24, 36").
    pub durations: String,
    /// `standard` or `custom`.
    pub eula: String,
    /// Where a custom EULA is; empty for the standard one.
    pub eula_url: String,
}

/// A field of [`AuthorizationRequest`] that is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizationField {
    Partner,
    Product,
    Wholesale,
    AvailableUntil,
    Buyers,
    MaxOffers,
    Durations,
    Eula,
}

impl AuthorizationField {
    /// The field as the operator's form names it, with what is wrong with it.
    fn error(self) -> FieldError {
        use AuthorizationField as F;
        let (field, key) = match self {
            F::Partner => ("partner", "error-authorization-partner"),
            F::Product => ("product", "error-authorization-product"),
            F::Wholesale => ("wholesale", "error-authorization-wholesale"),
            F::AvailableUntil => ("available_until", "error-authorization-until"),
            F::Buyers => ("buyers", "error-authorization-buyers"),
            F::MaxOffers => ("max_offers", "error-authorization-max-offers"),
            F::Durations => ("durations", "error-authorization-durations"),
            F::Eula => ("eula_url", "error-authorization-eula"),
        };
        FieldError::new(field, key)
    }
}

/// Terms checked and in the store's form.
struct Checked {
    buyers: String,
    durations: String,
    available_until: NaiveDate,
}

impl AuthorizationRequest {
    fn check(&self, today: NaiveDate) -> Result<Checked> {
        use AuthorizationField as F;
        let mut bad = Vec::new();
        let product = self.product.trim();
        if product.is_empty() || product.chars().count() > MAX_PRODUCT_CHARS {
            bad.push(F::Product);
        }
        if !(0..10_000).contains(&self.wholesale_bps) {
            bad.push(F::Wholesale);
        }
        let until = self.available_until.filter(|d| *d >= today);
        if until.is_none() {
            bad.push(F::AvailableUntil);
        }
        let buyers = offers::parse_buyers(&self.buyers);
        if buyers.is_err() {
            bad.push(F::Buyers);
        }
        if !(1..=MAX_OFFERS).contains(&self.max_offers) {
            bad.push(F::MaxOffers);
        }
        let durations = offers::parse_durations(&self.durations);
        if durations.is_err() {
            bad.push(F::Durations);
        }
        let eula_ok = match self.eula.as_str() {
            "standard" => self.eula_url.trim().is_empty(),
            "custom" => {
                let u = self.eula_url.trim();
                u.starts_with("https://") && u.len() > 8 && u.len() <= 500
            }
            _ => false,
        };
        if !eula_ok {
            bad.push(F::Eula);
        }
        match (bad.is_empty(), buyers, durations, until) {
            (true, Ok(b), Ok(d), Some(until)) => Ok(Checked {
                buyers: join_list(&b),
                durations: join_list(&d),
                available_until: until,
            }),
            _ => Err(Error::Invalid(
                bad.into_iter().map(AuthorizationField::error).collect(),
            )),
        }
    }

    fn terms<'a>(&'a self, c: &'a Checked) -> Terms<'a> {
        Terms {
            product: self.product.trim(),
            wholesale_bps: self.wholesale_bps,
            available_until: c.available_until,
            buyers: &c.buyers,
            max_offers: self.max_offers,
            durations: &c.durations,
            eula: &self.eula,
            eula_url: self.eula_url.trim(),
        }
    }
}

async fn reseller(c: &mut impl Conn, partner_id: i64) -> Result<Partner> {
    match partners::find_by_id(c, partner_id).await? {
        Some(p) if !p.is_msp() => Ok(p),
        Some(_) => Err(Error::WrongKind(Thing::Authorization)),
        None => Err(Error::NotFound(Thing::Partner)),
    }
}

/// An operator creates a draft authorization for a reseller.
pub async fn create(
    ctx: Ctx<'_>,
    actor: &Actor,
    partner_id: i64,
    req: &AuthorizationRequest,
) -> Result<Authorization> {
    let checked = req.check(ctx.now.date_naive());
    let mut tx = ctx.db.begin().await?;
    let p = match reseller(&mut tx, partner_id).await {
        // The terms' own faults are told with the reseller's, all at once.
        Err(Error::WrongKind(_) | Error::NotFound(_)) => {
            let mut bad = vec![AuthorizationField::Partner.error()];
            if let Err(Error::Invalid(more)) = checked {
                bad.extend(more);
            }
            return Err(Error::Invalid(bad));
        }
        other => other?,
    };
    let checked = checked?;
    let id = authorizations::insert(
        &mut tx,
        p.partner_id,
        &req.terms(&checked),
        actor.user_id(),
        ctx.now,
    )
    .await?;
    actor
        .audit_on(
            &mut tx,
            Some(p.partner_id),
            AuditAction::AuthorizationCreated,
            &format!(
                "authorization {id} {} wholesale {}",
                req.product.trim(),
                crate::billing::grants::percent(req.wholesale_bps)
            ),
            ctx.now,
        )
        .await?;
    committed(tx, id).await
}

/// Commits the command's transaction and returns the authorization as it left it.
async fn committed(mut tx: Tx, id: i64) -> Result<Authorization> {
    let a = authorizations::find(&mut tx, None, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(a)
}

/// An operator rewrites a draft's terms.
pub async fn update(
    ctx: Ctx<'_>,
    actor: &Actor,
    id: i64,
    req: &AuthorizationRequest,
) -> Result<Authorization> {
    let mut tx = ctx.db.begin().await?;
    let a = authorizations::find(&mut tx, None, id)
        .await?
        .ok_or(Error::NotFound(Thing::Authorization))?;
    if a.state != AuthorizationState::Draft {
        return Err(not_draft(a.state));
    }
    let checked = req.check(ctx.now.date_naive())?;
    if !authorizations::update_draft(&mut tx, id, &req.terms(&checked), ctx.now).await? {
        return Err(not_draft(a.state));
    }
    actor
        .audit_on(
            &mut tx,
            Some(a.partner_id),
            AuditAction::AuthorizationEdited,
            &format!("authorization {id}"),
            ctx.now,
        )
        .await?;
    committed(tx, id).await
}

/// What an operator does to an authorization's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// From draft (or restricted, to lift the restriction): offers may be made from it.
    Activate,
    /// No new offers; the offers made from it go on.
    Restrict,
}

impl Move {
    fn from(self) -> &'static [AuthorizationState] {
        match self {
            Move::Activate => &[AuthorizationState::Draft, AuthorizationState::Restricted],
            Move::Restrict => &[AuthorizationState::Active],
        }
    }

    fn to(self) -> AuthorizationState {
        match self {
            Move::Activate => AuthorizationState::Active,
            Move::Restrict => AuthorizationState::Restricted,
        }
    }

    fn audit_action(self) -> AuditAction {
        match self {
            Move::Activate => AuditAction::AuthorizationActivated,
            Move::Restrict => AuditAction::AuthorizationRestricted,
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Move::Activate => "activated",
            Move::Restrict => "restricted",
        }
    }
}

pub async fn change_state(ctx: Ctx<'_>, actor: &Actor, id: i64, m: Move) -> Result<Authorization> {
    let mut tx = ctx.db.begin().await?;
    let a = authorizations::find(&mut tx, None, id)
        .await?
        .ok_or(Error::NotFound(Thing::Authorization))?;
    if !m.from().contains(&a.state)
        || !authorizations::set_state(&mut tx, id, a.state, m.to(), ctx.now).await?
    {
        return Err(Error::Conflict(
            Message::new("flash-authorization-transition")
                .text("state", a.state)
                .text("change", m.verb()),
        ));
    }
    actor
        .audit_on(
            &mut tx,
            Some(a.partner_id),
            m.audit_action(),
            &format!("authorization {id} {} → {}", a.state, m.to()),
            ctx.now,
        )
        .await?;
    committed(tx, id).await
}

/// Every reseller's authorizations, for operators; of one reseller and in one state when given.
pub async fn list_all(
    ctx: Ctx<'_>,
    partner_id: Option<i64>,
    state: Option<AuthorizationState>,
) -> Result<Vec<Authorization>> {
    let mut c = ctx.db.acquire().await?;
    Ok(authorizations::list(&mut c, partner_id, state).await?)
}

pub async fn find_any(ctx: Ctx<'_>, id: i64) -> Result<Authorization> {
    let mut c = ctx.db.acquire().await?;
    authorizations::find(&mut c, None, id)
        .await?
        .ok_or(Error::NotFound(Thing::Authorization))
}

/// The actor's partner, which must be a reseller.
pub(super) async fn own_reseller(c: &mut impl Conn, actor: &Actor) -> Result<Partner> {
    let id = actor
        .partner_id
        .ok_or(Error::WrongKind(Thing::Authorization))?;
    reseller(c, id).await
}

/// The authorizations the actor's reseller holds, drafts left out: a draft is the vendor's
/// work in progress.
pub async fn held(ctx: Ctx<'_>, actor: &Actor) -> Result<Vec<Authorization>> {
    let mut c = ctx.db.acquire().await?;
    let p = own_reseller(&mut c, actor).await?;
    Ok(authorizations::list(&mut c, Some(p.partner_id), None)
        .await?
        .into_iter()
        .filter(|a| a.state != AuthorizationState::Draft)
        .collect())
}

/// One authorization the actor's reseller holds.
pub async fn held_one(ctx: Ctx<'_>, actor: &Actor, id: i64) -> Result<Authorization> {
    let mut c = ctx.db.acquire().await?;
    let p = own_reseller(&mut c, actor).await?;
    authorizations::find(&mut c, Some(p.partner_id), id)
        .await?
        .filter(|a| a.state != AuthorizationState::Draft)
        .ok_or(Error::NotFound(Thing::Authorization))
}

/// Only a draft's terms may change.
fn not_draft(state: AuthorizationState) -> Error {
    Error::Conflict(Message::new("flash-authorization-not-draft").text("state", state))
}
