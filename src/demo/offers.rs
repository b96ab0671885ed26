//! The demo reseller's authorization and offers, made through the offer use cases.

use crate::app::operators;
use crate::domain::Role;
use crate::store::Db;
use crate::store::users::Membership;
use chrono::Duration;
use chrono::Utc;

use super::accounts::*;

/// The reseller's channel, once: two authorizations (the second restricted since), offers in
/// every state, accepted customers and one agreement replaced, made through the use cases at
/// the days they would have happened so that the bills of the last months show wholesale
/// prices, customer prices and margins.
pub(super) async fn ensure_offers(
    db: &Db,
    partner_id: i64,
    owner_id: i64,
    public_url: &str,
) -> Result<(), crate::app::Error> {
    use crate::app::authorizations::{self as auths, AuthorizationRequest, Move};
    use crate::app::offers::{self, OfferRequest};
    use crate::app::{Actor, Ctx};

    let wake = tokio::sync::Notify::new();
    let now = Utc::now();
    let shapes = &crate::api::shapes::API;
    let at = |days_ago: i64| {
        Ctx::new(
            db,
            now - Duration::days(days_ago),
            public_url,
            &wake,
            shapes,
        )
    };
    if !auths::list_all(at(0), Some(partner_id), None)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let operator = Actor::user(
        operators::ensure_user(db, OPERATOR.0, OPERATOR.1, Membership::Operator).await?,
        None,
        "demo".into(),
    );
    let owner = Actor::member(owner_id, partner_id, Some(Role::Owner), "demo".into());
    let until = (now + Duration::days(365)).date_naive();
    let grant = |wholesale_bps, buyers: &str, max_offers| AuthorizationRequest {
        product: "TiDB Cloud Dedicated".into(),
        wholesale_bps,
        available_until: Some(until),
        buyers: buyers.into(),
        max_offers,
        durations: "12, 24, 36".into(),
        eula: "standard".into(),
        eula_url: String::new(),
    };
    let open = auths::create(at(220), &operator, partner_id, &grant(2_000, "", 20)).await?;
    auths::change_state(at(220), &operator, open.authorization_id, Move::Activate).await?;
    let listed = auths::create(
        at(210),
        &operator,
        partner_id,
        &grant(1_500, "777777777777", 1),
    )
    .await?;
    auths::change_state(at(210), &operator, listed.authorization_id, Move::Activate).await?;
    let offer = |authorization_id, account: &str, company: &str, markup_bps, months, expires| {
        OfferRequest {
            authorization_id,
            buyer_account: account.into(),
            buyer_company: company.into(),
            buyer_email: format!("cloud@{}.example", company.to_lowercase().replace(' ', "-")),
            markup_bps,
            duration_months: months,
            expires_on: Some(expires),
        }
    };
    let day = |days_ago: i64| (now - Duration::days(days_ago)).date_naive();
    let a = open.authorization_id;
    // (days ago made, request, released days ago, accepted days ago)
    let plan = [
        (
            200,
            offer(a, "111111111111", "Northwind Traders", 1_500, 12, day(170)),
            Some(198),
            Some(195),
        ),
        (
            190,
            offer(a, "222222222222", "Contoso", 1_000, 12, day(160)),
            Some(189),
            Some(186),
        ),
        (
            150,
            offer(
                listed.authorization_id,
                "777777777777",
                "Litware",
                2_000,
                24,
                day(120),
            ),
            Some(149),
            Some(140),
        ),
        (
            40,
            offer(a, "333333333333", "Fabrikam", 1_200, 12, day(10)),
            Some(39),
            None,
        ),
        (
            20,
            offer(a, "666666666666", "Adventure Works", 800, 12, day(-40)),
            None,
            None,
        ),
        (
            3,
            offer(a, "555555555555", "Wingtip Toys", 1_800, 24, day(-25)),
            Some(2),
            None,
        ),
        (
            0,
            offer(a, "444444444444", "Tailspin", 1_000, 36, day(-30)),
            None,
            None,
        ),
    ];
    let mut contoso = 0;
    for (made, req, released, accepted) in plan {
        let o = offers::create(at(made), &owner, &req, None).await?;
        if req.buyer_company == "Contoso" {
            contoso = o.offer_id;
        }
        if let Some(r) = released {
            offers::release(at(r), &owner, o.offer_id).await?;
        }
        if let Some(d) = accepted {
            offers::accept(at(d), &owner, o.offer_id, Some(day(d))).await?;
        }
        if req.buyer_company == "Adventure Works" {
            offers::cancel(at(19), &owner, o.offer_id).await?;
        }
    }
    // Contoso renewed early, for two years at a smaller markup: the old agreement ends.
    let renewal = offer(a, "", "Contoso", 800, 24, day(50));
    let r = offers::create(at(70), &owner, &renewal, Some(contoso)).await?;
    offers::release(at(69), &owner, r.offer_id).await?;
    offers::accept(at(66), &owner, r.offer_id, Some(day(66))).await?;
    auths::change_state(at(100), &operator, listed.authorization_id, Move::Restrict).await?;
    // Fabrikam's offer ran out unanswered.
    let ctx = Ctx::new(db, now, public_url, &wake, &crate::api::shapes::API);
    offers::sweep(ctx, Some(partner_id)).await?;
    Ok(())
}
