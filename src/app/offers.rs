//! Private offers (issue 14; SPEC 2.7): a reseller records an offer made in AWS Marketplace from
//! one of its resale authorizations, releases it to the buyer, records the buyer's acceptance or
//! cancels it; an offer past its expiry lapses. Acceptance makes or links the customer and starts
//! the agreement whose terms its bills carry. The same use cases serve the console and the API.
//!
//! Choices where the issue is silent: an offer's authorization is fixed once made; a draft of an
//! authorization restricted since may still be edited and released ("existing ones go on"); an
//! offer accepted for a buyer under a running agreement takes over from it as a replacement does,
//! so exactly one agreement applies in any month whatever the order things happen in.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::authorizations::{AuthorizationError, own_reseller};
use super::customers::new_org_id;
use super::{Actor, Ctx};
use crate::billing::month::Month;
use crate::domain::offers::{Agreement, AwsAccount, OfferRefusal, OfferRequest as Asked};
use crate::domain::{Action, AuthorizationState, CustomerState, Email, OfferState};
use crate::store::agreements::{self, AgreementRow, NewAgreement};
use crate::store::authorizations::{self, Authorization};
use crate::store::customers::{self, NewCustomer};
use crate::store::offers::{self, EventActor, Filter, Offer, OfferEvent, Terms};
use crate::store::partners::Partner;
use crate::store::{Conn, StoreError, Tx};

pub const MAX_COMPANY_CHARS: usize = 120;

/// An offer as the reseller writes it. A surface that reads a value it cannot make a number or
/// date of passes one out of range (or `None`), so the field is reported the same way.
#[derive(Debug, Clone, Default)]
pub struct OfferRequest {
    pub authorization_id: i64,
    pub buyer_account: String,
    pub buyer_company: String,
    pub buyer_email: String,
    /// Basis points on the wholesale price, 0 to 10 000.
    pub markup_bps: i64,
    pub duration_months: i64,
    pub expires_on: Option<NaiveDate>,
}

/// A field of an offer, or of its acceptance, that is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferField {
    Authorization,
    BuyerAccount,
    BuyerCompany,
    BuyerEmail,
    Markup,
    Duration,
    Expiry,
    AcceptedOn,
}

impl OfferField {
    /// The field's name in forms and in the API's messages.
    pub fn name(self) -> &'static str {
        match self {
            OfferField::Authorization => "authorizationId",
            OfferField::BuyerAccount => "buyerAwsAccountId",
            OfferField::BuyerCompany => "buyerCompanyName",
            OfferField::BuyerEmail => "buyerEmail",
            OfferField::Markup => "markupBasisPoints",
            OfferField::Duration => "durationMonths",
            OfferField::Expiry => "expiresOn",
            OfferField::AcceptedOn => "acceptedOn",
        }
    }
}

/// A wrong field and the message key that says why.
pub type Refusal = (OfferField, &'static str);

/// A state change of an offer, as refusals name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Edit,
    Release,
    Accept,
    Cancel,
    Replace,
}

impl Step {
    pub fn verb(self) -> &'static str {
        match self {
            Step::Edit => "edited",
            Step::Release => "released",
            Step::Accept => "accepted",
            Step::Cancel => "cancelled",
            Step::Replace => "replaced",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OfferError {
    #[error("private offers are for resellers")]
    NotReseller,
    #[error("no such private offer")]
    NotFound,
    #[error("fields refused: {0:?}")]
    Invalid(Vec<Refusal>),
    #[error("the offer is {0} and cannot be {verb}", verb = .1.verb())]
    State(OfferState, Step),
    #[error("offer {0} already replaces this offer")]
    Replaced(i64),
    #[error(transparent)]
    Forbidden(#[from] crate::app::Forbidden),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<AuthorizationError> for OfferError {
    fn from(e: AuthorizationError) -> Self {
        match e {
            AuthorizationError::NotReseller => OfferError::NotReseller,
            AuthorizationError::Store(s) => OfferError::Store(s),
            _ => OfferError::NotFound,
        }
    }
}

/// Who changed an offer, for its history.
fn event_actor(actor: &Actor) -> (Option<i64>, String) {
    (actor.user_id(), actor.label())
}

async fn record(
    tx: &mut Tx,
    actor: &Actor,
    offer_id: i64,
    from: Option<OfferState>,
    to: OfferState,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (user_id, label) = event_actor(actor);
    let by = EventActor {
        user_id,
        label: &label,
        address: &actor.address,
    };
    offers::record_event(tx, offer_id, from, to, &by, now).await
}

fn refusal(r: OfferRefusal) -> Refusal {
    match r {
        OfferRefusal::NotActive => (
            OfferField::Authorization,
            "error-offer-authorization-inactive",
        ),
        OfferRefusal::UsedUp => (
            OfferField::Authorization,
            "error-offer-authorization-used-up",
        ),
        OfferRefusal::Buyer => (OfferField::BuyerAccount, "error-aws-account"),
        OfferRefusal::BuyerNotAllowed => {
            (OfferField::BuyerAccount, "error-offer-buyer-not-allowed")
        }
        OfferRefusal::Markup => (OfferField::Markup, "error-offer-markup"),
        OfferRefusal::Duration => (OfferField::Duration, "error-offer-duration"),
        OfferRefusal::Expiry => (OfferField::Expiry, "error-offer-expiry"),
    }
}

/// Everything wrong with `req` for `auth` on `today`; `existing` for a draft being edited, which
/// already holds its place and goes on under a restricted authorization.
fn refusals(
    req: &OfferRequest,
    buyer: &str,
    auth: Option<&Authorization>,
    today: NaiveDate,
    existing: bool,
) -> Vec<Refusal> {
    let mut out = Vec::new();
    match auth {
        Some(a) => {
            let mut rules = a.rules();
            if existing {
                rules.state = AuthorizationState::Active;
                rules.offers_made = 0;
            }
            let asked = Asked {
                buyer,
                markup_bps: req.markup_bps,
                duration_months: req.duration_months,
                expires_on: req.expires_on.unwrap_or(NaiveDate::MIN),
            };
            out.extend(rules.refusals(&asked, today).into_iter().map(refusal));
        }
        None => {
            out.push((OfferField::Authorization, "error-offer-authorization"));
            if AwsAccount::parse(buyer).is_err() {
                out.push(refusal(OfferRefusal::Buyer));
            }
            if !(0..=crate::domain::offers::MAX_MARKUP_BPS).contains(&req.markup_bps) {
                out.push(refusal(OfferRefusal::Markup));
            }
        }
    }
    let company = req.buyer_company.trim();
    if company.is_empty() || company.chars().count() > MAX_COMPANY_CHARS {
        out.push((OfferField::BuyerCompany, "error-offer-company"));
    }
    if let Err(e) = Email::parse(&req.buyer_email) {
        out.push((OfferField::BuyerEmail, e.key));
    }
    out
}

fn terms<'a>(req: &'a OfferRequest, buyer: &'a str) -> Terms<'a> {
    Terms {
        buyer_account: buyer,
        buyer_company: req.buyer_company.trim(),
        buyer_email: req.buyer_email.trim(),
        markup_bps: req.markup_bps,
        duration_months: req.duration_months,
        expires_on: req.expires_on.unwrap_or(NaiveDate::MIN),
    }
}

async fn own(c: &mut impl Conn, actor: &Actor) -> Result<Partner, OfferError> {
    Ok(own_reseller(c, actor).await?)
}

async fn find_own(c: &mut impl Conn, partner: &Partner, id: i64) -> Result<Offer, OfferError> {
    offers::find(c, Some(partner.partner_id), id)
        .await?
        .ok_or(OfferError::NotFound)
}

/// Makes a draft offer from one of the actor's authorizations; with `replaces`, a replacement of
/// that accepted offer for the same buyer.
pub async fn create(
    ctx: Ctx<'_>,
    actor: &Actor,
    req: &OfferRequest,
    replaces: Option<i64>,
) -> Result<Offer, OfferError> {
    actor.require(Action::ManageCustomers)?;
    let today = ctx.now.date_naive();
    sweep(ctx, actor.partner_id).await?;
    let mut tx = ctx.db.begin().await?;
    let p = own(&mut tx, actor).await?;
    let old = match replaces {
        None => None,
        Some(id) => {
            let o = find_own(&mut tx, &p, id).await?;
            if o.state != OfferState::Accepted {
                return Err(OfferError::State(o.state, Step::Replace));
            }
            if let Some(r) = offers::live_replacement(&mut tx, id).await? {
                return Err(OfferError::Replaced(r));
            }
            Some(o)
        }
    };
    let buyer = match &old {
        Some(o) => o.buyer_account.clone(),
        None => req.buyer_account.trim().to_string(),
    };
    let auth = authorizations::find(&mut tx, Some(p.partner_id), req.authorization_id)
        .await?
        .filter(|a| a.state != AuthorizationState::Draft);
    let bad = refusals(req, &buyer, auth.as_ref(), today, false);
    let Some(auth) = auth.filter(|_| bad.is_empty()) else {
        return Err(OfferError::Invalid(bad));
    };
    // Two requests at once see the same count; only one claims the last offer.
    if !authorizations::claim_offer(&mut tx, auth.authorization_id, ctx.now).await? {
        return Err(OfferError::Invalid(vec![refusal(OfferRefusal::UsedUp)]));
    }
    let id = offers::insert(
        &mut tx,
        p.partner_id,
        auth.authorization_id,
        &terms(req, &buyer),
        replaces,
        actor.user_id(),
        ctx.now,
    )
    .await?;
    record(&mut tx, actor, id, None, OfferState::Draft, ctx.now).await?;
    let replacing = replaces.map_or(String::new(), |r| format!(", replacing offer {r}"));
    actor
        .audit(
            &mut tx,
            "offer_created",
            &format!(
                "offer {id} for {buyer} {} from authorization {}{replacing}",
                req.buyer_company.trim(),
                auth.authorization_id
            ),
            ctx.now,
        )
        .await?;
    let offer = find_own(&mut tx, &p, id).await?;
    tx.commit().await?;
    Ok(offer)
}

/// Rewrites a draft's terms (its authorization stays; a replacement's buyer too).
pub async fn update(
    ctx: Ctx<'_>,
    actor: &Actor,
    id: i64,
    req: &OfferRequest,
) -> Result<Offer, OfferError> {
    actor.require(Action::ManageCustomers)?;
    let today = ctx.now.date_naive();
    sweep(ctx, actor.partner_id).await?;
    let mut tx = ctx.db.begin().await?;
    let p = own(&mut tx, actor).await?;
    let o = find_own(&mut tx, &p, id).await?;
    if o.state != OfferState::Draft {
        return Err(OfferError::State(o.state, Step::Edit));
    }
    let buyer = if o.replaces_offer_id.is_some() {
        o.buyer_account.clone()
    } else {
        req.buyer_account.trim().to_string()
    };
    let auth = authorizations::find(&mut tx, Some(p.partner_id), o.authorization_id).await?;
    let bad = refusals(req, &buyer, auth.as_ref(), today, true);
    if !bad.is_empty() {
        return Err(OfferError::Invalid(bad));
    }
    if !offers::update_draft(&mut tx, id, &terms(req, &buyer), ctx.now).await? {
        return Err(OfferError::State(o.state, Step::Edit));
    }
    actor
        .audit(&mut tx, "offer_edited", &format!("offer {id}"), ctx.now)
        .await?;
    let offer = find_own(&mut tx, &p, id).await?;
    tx.commit().await?;
    Ok(offer)
}

/// Moves an offer `from` → `to` as one write-first claim, with its history and audit rows.
async fn step(
    tx: &mut Tx,
    actor: &Actor,
    o: &Offer,
    to: OfferState,
    day: NaiveDate,
    s: Step,
    now: DateTime<Utc>,
) -> Result<(), OfferError> {
    if o.state.after(change_of(s)) != Some(to)
        || !offers::change_state(tx, o.offer_id, o.state, to, day, now).await?
    {
        let state = offers::find(tx, Some(o.partner_id), o.offer_id)
            .await?
            .map_or(o.state, |x| x.state);
        return Err(OfferError::State(state, s));
    }
    record(tx, actor, o.offer_id, Some(o.state), to, now).await?;
    Ok(())
}

fn change_of(s: Step) -> crate::domain::offers::Change {
    use crate::domain::offers::Change;
    match s {
        Step::Release => Change::Release,
        Step::Accept => Change::Accept,
        // Editing and replacing change no state; cancelling is the only other move.
        Step::Cancel | Step::Edit | Step::Replace => Change::Cancel,
    }
}

/// Releases a draft to its buyer, today.
pub async fn release(ctx: Ctx<'_>, actor: &Actor, id: i64) -> Result<Offer, OfferError> {
    actor.require(Action::ManageCustomers)?;
    sweep(ctx, actor.partner_id).await?;
    let mut tx = ctx.db.begin().await?;
    let p = own(&mut tx, actor).await?;
    let o = find_own(&mut tx, &p, id).await?;
    let today = ctx.now.date_naive();
    step(
        &mut tx,
        actor,
        &o,
        OfferState::Released,
        today,
        Step::Release,
        ctx.now,
    )
    .await?;
    actor
        .audit(
            &mut tx,
            "offer_released",
            &format!("offer {id} draft → released"),
            ctx.now,
        )
        .await?;
    let offer = find_own(&mut tx, &p, id).await?;
    tx.commit().await?;
    Ok(offer)
}

/// Cancels a draft or a released offer. A draft cancelled gives its authorization's offer back.
pub async fn cancel(ctx: Ctx<'_>, actor: &Actor, id: i64) -> Result<Offer, OfferError> {
    actor.require(Action::ManageCustomers)?;
    sweep(ctx, actor.partner_id).await?;
    let mut tx = ctx.db.begin().await?;
    let p = own(&mut tx, actor).await?;
    let o = find_own(&mut tx, &p, id).await?;
    let today = ctx.now.date_naive();
    step(
        &mut tx,
        actor,
        &o,
        OfferState::Cancelled,
        today,
        Step::Cancel,
        ctx.now,
    )
    .await?;
    if !crate::domain::offers::counts_against(OfferState::Cancelled, o.released_on.is_some()) {
        authorizations::give_back_offer(&mut tx, o.authorization_id, ctx.now).await?;
    }
    actor
        .audit(
            &mut tx,
            "offer_cancelled",
            &format!("offer {id} {} → cancelled", o.state),
            ctx.now,
        )
        .await?;
    let offer = find_own(&mut tx, &p, id).await?;
    tx.commit().await?;
    Ok(offer)
}

/// What an acceptance made.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub offer: Offer,
    pub org_id: String,
    pub agreement: Agreement,
}

fn month_start(m: Month) -> DateTime<Utc> {
    m.first_day().and_time(NaiveTime::MIN).and_utc()
}

/// Records the buyer's acceptance on `on`: the customer (made, or the reseller's one with the
/// same AWS account, active again) and its agreement from the month after. Accepting twice, or
/// from two requests at once, makes one customer: the acceptance is claimed write-first.
pub async fn accept(
    ctx: Ctx<'_>,
    actor: &Actor,
    id: i64,
    on: Option<NaiveDate>,
) -> Result<Accepted, OfferError> {
    actor.require(Action::ManageCustomers)?;
    sweep(ctx, actor.partner_id).await?;
    let today = ctx.now.date_naive();
    let mut tx = ctx.db.begin().await?;
    let p = own(&mut tx, actor).await?;
    let o = find_own(&mut tx, &p, id).await?;
    if o.state != OfferState::Released {
        return Err(OfferError::State(o.state, Step::Accept));
    }
    let on = on
        .filter(|d| {
            o.released_on.is_some_and(|r| {
                crate::domain::offers::acceptance_date_ok(*d, r, o.expires_on, today)
            })
        })
        .ok_or(OfferError::Invalid(vec![(
            OfferField::AcceptedOn,
            "error-offer-accepted-on",
        )]))?;
    step(
        &mut tx,
        actor,
        &o,
        OfferState::Accepted,
        on,
        Step::Accept,
        ctx.now,
    )
    .await?;
    let months = Agreement::accepted(on, o.duration_months);
    let effective = month_start(months.first);
    let customer =
        match customers::find_by_aws_account(&mut tx, p.partner_id, &o.buyer_account).await? {
            Some(c) => {
                customers::reactivate(&mut tx, c.customer_id, effective).await?;
                c
            }
            None => {
                let org_id = new_org_id();
                let new = NewCustomer {
                    partner_id: p.partner_id,
                    org_id: &org_id,
                    org_name: &o.buyer_company,
                    email: &o.buyer_email,
                    // The buyer signs in to the vendor's cloud through AWS, never here.
                    password_hash: "",
                    state: CustomerState::Active,
                    signup_link_id: None,
                    effected_at: Some(effective),
                    aws_account: Some(&o.buyer_account),
                };
                let cid = match customers::insert(&mut tx, new, ctx.now).await {
                    Err(StoreError::Conflict("e-mail address")) => {
                        return Err(OfferError::Invalid(vec![(
                            OfferField::BuyerEmail,
                            "error-offer-email-taken",
                        )]));
                    }
                    other => other?,
                };
                customers::find_by_id(&mut tx, cid)
                    .await?
                    .ok_or(StoreError::NotFound)?
            }
        };
    for a in agreements::of_customer(&mut tx, customer.customer_id).await? {
        if let Some(m) = a.months() {
            let ended = m.ended_before(months.first);
            if ended != m {
                agreements::set_last_month(&mut tx, a.agreement_id, ended.last).await?;
            }
        }
    }
    agreements::insert(
        &mut tx,
        &NewAgreement {
            partner_id: p.partner_id,
            customer_id: customer.customer_id,
            offer_id: id,
            months,
            wholesale_bps: o.wholesale_bps,
            markup_bps: o.markup_bps,
        },
        ctx.now,
    )
    .await?;
    offers::set_customer(&mut tx, id, customer.customer_id).await?;
    actor
        .audit(
            &mut tx,
            "offer_accepted",
            &format!(
                "offer {id} released → accepted on {on}: customer {}, agreement {} to {}",
                customer.org_id, months.first, months.last
            ),
            ctx.now,
        )
        .await?;
    let offer = find_own(&mut tx, &p, id).await?;
    tx.commit().await?;
    Ok(Accepted {
        offer,
        org_id: customer.org_id,
        agreement: months,
    })
}

/// Expires what has run out by `ctx.now`, as the actor `system`: offers past their expiry, and
/// customers whose last agreement has ended. Of one partner (at a read of its offers) or all
/// (the periodic sweep). Returns how many things changed.
pub async fn sweep(ctx: Ctx<'_>, partner_id: Option<i64>) -> Result<usize, StoreError> {
    let today = ctx.now.date_naive();
    let current = Month::of(today);
    let (lapsed, ended) = {
        let mut c = ctx.db.acquire().await?;
        (
            offers::lapsed(&mut c, partner_id, today).await?,
            agreements::ended(&mut c, partner_id, current).await?,
        )
    };
    if lapsed.is_empty() && ended.is_empty() {
        return Ok(0);
    }
    let mut tx = ctx.db.begin().await?;
    let mut changed = 0;
    for (id, pid, from) in lapsed {
        if offers::change_state(&mut tx, id, from, OfferState::Expired, today, ctx.now).await? {
            let system = Actor::system(pid);
            record(
                &mut tx,
                &system,
                id,
                Some(from),
                OfferState::Expired,
                ctx.now,
            )
            .await?;
            system
                .audit(
                    &mut tx,
                    "offer_expired",
                    &format!("offer {id} {from} → expired"),
                    ctx.now,
                )
                .await?;
            changed += 1;
        }
    }
    for (cid, pid, last) in ended {
        let Some(last) = Month::parse(&last) else {
            continue;
        };
        let at = month_start(last.next());
        if customers::set_state(&mut tx, pid, cid, CustomerState::Expired, Some(at)).await? {
            let org = customers::find_by_id(&mut tx, cid).await?.map(|c| c.org_id);
            Actor::system(pid)
                .audit(
                    &mut tx,
                    "customer_expired",
                    &format!(
                        "customer {} active → expired: its agreement ended with {last}",
                        org.unwrap_or_default()
                    ),
                    ctx.now,
                )
                .await?;
            changed += 1;
        }
    }
    tx.commit().await?;
    Ok(changed)
}

/// One page of the actor's offers, newest first, after `before`; `limit` rows.
pub async fn page(
    ctx: Ctx<'_>,
    actor: &Actor,
    state: Option<OfferState>,
    query: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Offer>, OfferError> {
    sweep(ctx, actor.partner_id).await?;
    let mut c = ctx.db.acquire().await?;
    let p = own(&mut c, actor).await?;
    let f = Filter {
        partner_id: Some(p.partner_id),
        state,
        query,
        ..Default::default()
    };
    Ok(offers::page(&mut c, &f, before, limit).await?)
}

/// Every reseller's offers for operators, as filtered.
pub async fn page_all(
    ctx: Ctx<'_>,
    f: &Filter<'_>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Offer>, OfferError> {
    sweep(ctx, f.partner_id).await?;
    let mut c = ctx.db.acquire().await?;
    Ok(offers::page(&mut c, f, before, limit).await?)
}

/// An offer with what its page shows.
#[derive(Debug, Clone)]
pub struct OfferView {
    pub offer: Offer,
    pub history: Vec<OfferEvent>,
    pub agreement: Option<AgreementRow>,
    /// The open or accepted offer that replaces this one.
    pub replaced_by: Option<i64>,
}

/// One of the actor's offers with its history.
pub async fn view(ctx: Ctx<'_>, actor: &Actor, id: i64) -> Result<OfferView, OfferError> {
    sweep(ctx, actor.partner_id).await?;
    let mut c = ctx.db.acquire().await?;
    let p = own(&mut c, actor).await?;
    let offer = find_own(&mut c, &p, id).await?;
    view_of(&mut c, offer).await
}

/// Any offer with its history, for operators.
pub async fn view_any(ctx: Ctx<'_>, id: i64) -> Result<OfferView, OfferError> {
    sweep(ctx, None).await?;
    let mut c = ctx.db.acquire().await?;
    let offer = offers::find(&mut c, None, id)
        .await?
        .ok_or(OfferError::NotFound)?;
    view_of(&mut c, offer).await
}

async fn view_of(c: &mut impl Conn, offer: Offer) -> Result<OfferView, OfferError> {
    Ok(OfferView {
        history: offers::events(c, offer.offer_id).await?,
        agreement: agreements::of_offer(c, offer.offer_id).await?,
        replaced_by: offers::live_replacement(c, offer.offer_id).await?,
        offer,
    })
}
