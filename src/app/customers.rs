//! Customer signup through a partner's link (SPEC 2.5), free of HTTP: claim a use of the link,
//! create the organization as `pending`, mail the confirmation; confirming makes it `active`.

use super::error::{Error, FieldError, Message, Result, Thing};
use crate::domain::AuditAction;
use chrono::{DateTime, Duration, Utc};

use crate::app::{Actor, Ctx};
use crate::domain::{CustomerState, Email};
use crate::i18n::I18n;
use crate::mail;
use crate::store::customers::{self, NewCustomer};
use crate::store::partners::Partner;
use crate::store::signup_links::{self, LinkState, SignupLink};
use crate::store::{StoreError, Tx, partners, throttle};
use crate::tokens::{hash_token, random_token};
use crate::webhooks::Event;

pub const CONFIRM_HOURS: i64 = 72;

/// A new organization id: 19 random digits, so neighbours tell nothing about each other, below
/// 2^63 because the MSP API writes it as a JSON integer (`customerID`).
pub fn new_org_id() -> String {
    rand::random_range(1_000_000_000_000_000_000i64..=i64::MAX).to_string()
}

pub struct Signup<'a> {
    pub org_name: &'a str,
    pub email: &'a Email,
    pub password_hash: &'a str,
}

/// Signs a customer up through `link` and mails the confirmation, in one transaction: if
/// anything fails, the use of the link is given back with the rollback.
pub async fn sign_up(
    ctx: Ctx<'_>,
    partner: &Partner,
    link: &SignupLink,
    s: Signup<'_>,
    i18n: &I18n,
) -> Result<i64> {
    let mut tx = ctx.db.begin().await?;
    let id = sign_up_in(&mut tx, partner, link, s, ctx.public_url, i18n, ctx.now).await?;
    super::events::customer(ctx, &mut tx, Event::CustomerCreated, id).await?;
    ctx.commit_and_send(tx).await?;
    Ok(id)
}

async fn sign_up_in(
    tx: &mut Tx,
    partner: &Partner,
    link: &SignupLink,
    s: Signup<'_>,
    public_url: &str,
    i18n: &I18n,
    now: DateTime<Utc>,
) -> Result<i64> {
    if !signup_links::claim_use(tx, link.link_id, now).await? {
        let state = match link.state(now) {
            LinkState::Active => LinkState::UsedUp,
            other => other,
        };
        return Err(Error::gone(state.gone_key()));
    }
    if let Some(existing) =
        customers::find_by_email(tx, partner.partner_id, s.email.as_str()).await?
    {
        let lapsed = existing.state == CustomerState::Pending
            && customers::confirmation_deadline(tx, existing.customer_id)
                .await?
                .is_none_or(|d| d <= now);
        if !lapsed {
            return Err(email_taken(partner));
        }
        customers::delete_lapsed(tx, existing.customer_id).await?;
    }
    let org_id = new_org_id();
    let new = NewCustomer {
        partner_id: partner.partner_id,
        org_id: &org_id,
        org_name: s.org_name,
        email: s.email.as_str(),
        password_hash: s.password_hash,
        state: CustomerState::Pending,
        signup_link_id: Some(link.link_id),
        effected_at: None,
        aws_account: None,
    };
    let customer_id = match customers::insert(tx, new, now).await {
        Err(StoreError::Conflict(_)) => return Err(email_taken(partner)),
        other => other?,
    };
    let token = random_token();
    customers::insert_token(
        tx,
        &hash_token(&token),
        customer_id,
        now + Duration::hours(CONFIRM_HOURS),
    )
    .await?;
    let link = format!("{public_url}{}", crate::paths::confirm_organization(&token));
    let m = mail::customer_confirmation(i18n, s.email.as_str(), &partner.name, s.org_name, &link)?;
    mail::enqueue(tx, &m, now).await?;
    Ok(customer_id)
}

/// Uses a confirmation token: the organization becomes active from now.
pub async fn confirm(ctx: Ctx<'_>, token: &str) -> Result<i64> {
    let mut tx = ctx.db.begin().await?;
    let result = confirm_in(&mut tx, token, ctx.now).await?;
    super::events::customer(ctx, &mut tx, Event::CustomerStateChanged, result).await?;
    tx.commit().await?;
    Ok(result)
}

async fn confirm_in(tx: &mut Tx, token: &str, now: DateTime<Utc>) -> Result<i64> {
    let hash = hash_token(token);
    match customers::use_token(tx, &hash, now).await? {
        Some(customer_id) => {
            customers::activate(tx, customer_id, now).await?;
            Ok(customer_id)
        }
        None => Err(match customers::token(tx, &hash).await? {
            None => Error::NotFound(Thing::EmailLink),
            Some(t) if t.used_at.is_some() => Error::gone("error-confirm-used"),
            Some(_) => Error::gone("error-confirm-expired"),
        }),
    }
}

/// Moves a customer of `partner_id` from `from` to `to`, audited as `customer_{to}`: a partner
/// ends a contract (active → expired, stamped now), an operator suspends or lifts a suspension.
/// A customer in another state is left as it is. Returns the customer as it was found.
pub async fn change_state(
    ctx: Ctx<'_>,
    actor: &Actor,
    partner_id: i64,
    org_id: &str,
    (from, to): (CustomerState, CustomerState),
) -> Result<customers::Customer> {
    actor.require(crate::domain::Action::ManageCustomers)?;
    let mut tx = ctx.db.begin().await?;
    let c = customers::find_by_org_id(&mut tx, partner_id, org_id)
        .await?
        .ok_or(Error::NotFound(Thing::Customer))?;
    if c.state == from {
        let ended = (to == CustomerState::Expired).then_some(ctx.now);
        customers::set_state(&mut tx, partner_id, c.customer_id, to, ended).await?;
        actor
            .audit_on(
                &mut tx,
                Some(partner_id),
                AuditAction::customer(to),
                &c.org_id,
                ctx.now,
            )
            .await?;
        super::events::customer(ctx, &mut tx, Event::CustomerStateChanged, c.customer_id).await?;
    }
    tx.commit().await?;
    Ok(c)
}

/// Signups accepted from one client address per hour.
pub const SIGNUPS_PER_ADDRESS_PER_HOUR: i64 = 20;
const SIGNUP_THROTTLE: &str = "signup";

/// Counts a signup attempt from `address`; `false` when the address is over its hourly limit
/// (and the attempt is not counted).
pub async fn admit_signup(ctx: Ctx<'_>, address: &str) -> Result<bool, StoreError> {
    let mut c = ctx.db.acquire().await?;
    let hour_ago = ctx.now - Duration::hours(1);
    if throttle::count_since(&mut c, SIGNUP_THROTTLE, address, hour_ago).await?
        >= SIGNUPS_PER_ADDRESS_PER_HOUR
    {
        return Ok(false);
    }
    throttle::record(&mut c, SIGNUP_THROTTLE, address, ctx.now).await?;
    Ok(true)
}

/// The partner behind a signup URL, if it is an active MSP, and the link its token names, if
/// any (in whatever state).
pub async fn signup_link(
    ctx: Ctx<'_>,
    slug: &str,
    token: &str,
) -> Result<Option<(Partner, Option<SignupLink>)>, StoreError> {
    let mut c = ctx.db.acquire().await?;
    let partner = match partners::find_by_slug(&mut c, slug).await? {
        Some(p) if p.state == crate::domain::PartnerState::Active && p.is_msp() => p,
        _ => return Ok(None),
    };
    let link = signup_links::find_by_token(&mut c, partner.partner_id, &hash_token(token)).await?;
    Ok(Some((partner, link)))
}

/// A customer by id, for the page its confirmation lands on.
pub async fn find(ctx: Ctx<'_>, customer_id: i64) -> Result<customers::Customer, StoreError> {
    let mut c = ctx.db.acquire().await?;
    customers::find_by_id(&mut c, customer_id)
        .await?
        .ok_or(StoreError::NotFound)
}

fn email_taken(partner: &Partner) -> Error {
    Error::Invalid(vec![FieldError {
        field: "email",
        message: Message::new("error-signup-email-taken").text("partner", &partner.name),
    }])
}

#[cfg(test)]
mod tests {
    use super::new_org_id;

    #[test]
    fn org_ids_are_19_digits_and_not_sequential() {
        let a = new_org_id();
        let b = new_org_id();
        assert_eq!(a.len(), 19);
        assert!(a.chars().all(|c| c.is_ascii_digit()));
        assert_ne!(a, b);
    }

    #[test]
    fn org_ids_fit_a_signed_64_bit_integer() {
        for _ in 0..10_000 {
            let id = new_org_id();
            assert_eq!(id.len(), 19);
            assert!(id.parse::<i64>().is_ok(), "{id} is above 2^63 - 1");
        }
    }
}
