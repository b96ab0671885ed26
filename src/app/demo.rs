//! `partner-console demo`: demo accounts on the embedded default, so a newcomer can sign in at
//! once. Running it again keeps the data and resets these accounts to the printed passwords.

use chrono::Utc;

use crate::app::customers::new_org_id;
use crate::app::operators::{self, CreateUserError};
use crate::billing::month::Month;
use crate::billing::usage_file::UsageRow;
use crate::credentials::api_keys::KeyVault;
use crate::credentials::password::Passwords;
use crate::domain::SvgLogo;
use crate::domain::{ApplicationState, CustomerState, PartnerKind, Role};
use crate::paths as routes;
use crate::store::StoreError;
use crate::store::api_keys;
use crate::store::applications::{self, NewApplication};
use crate::store::customers::{self, NewCustomer};
use crate::store::grants::{self, NewCredit, NewDiscount};
use crate::store::logos;
use crate::store::partners::{NewPartner, Partner};
use crate::store::signup_links::{self, NewLink};
use crate::store::usage;
use crate::store::users::Membership;
use crate::store::{Db, partners};
use crate::tokens::hash_token;
use crate::tokens::random_token;
use chrono::Duration;

pub struct Demo {
    pub logins: Vec<DemoLogin>,
    /// A ready `curl --digest` line per demo partner, with a fresh key.
    pub curls: Vec<String>,
    /// A fresh signup link of the demo MSP, printed so a newcomer can try the customer signup.
    pub signup_url: String,
}

pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
    pub who: String,
}

struct DemoPartner {
    name: &'static str,
    slug: &'static str,
    kind: PartnerKind,
    website: &'static str,
    owner: &'static str,
    password: &'static str,
}

const OPERATOR: (&str, &str) = ("ops@demo.example", "Demo-Operator-2026!");

const PARTNERS: &[DemoPartner] = &[
    DemoPartner {
        name: "Acme Cloud",
        slug: "acme-cloud",
        kind: PartnerKind::Msp,
        website: "https://acme.example",
        owner: "owner@acme.example",
        password: "Acme-Demo-Pass-2026",
    },
    DemoPartner {
        name: "Borealis Resale",
        slug: "borealis-resale",
        kind: PartnerKind::Reseller,
        website: "https://borealis.example",
        owner: "owner@borealis.example",
        password: "Borealis-Demo-Pass-2026",
    },
];

pub async fn seed(db: &Db, vault: &KeyVault, public_url: &str) -> Result<Demo, CreateUserError> {
    let mut logins = vec![DemoLogin {
        email: OPERATOR.0,
        password: OPERATOR.1,
        who: "operator".into(),
    }];
    operators::ensure_user(db, OPERATOR.0, OPERATOR.1, Membership::Operator).await?;
    for p in PARTNERS {
        let partner_id = {
            let mut tx = db.begin().await?;
            let id = match partners::find_by_slug(&mut tx, p.slug).await? {
                Some(found) => found.partner_id,
                None => {
                    let new = NewPartner {
                        name: p.name,
                        kind: p.kind,
                        website_url: p.website,
                        logo_light_id: None,
                        logo_dark_id: None,
                    };
                    partners::insert(&mut tx, new, Utc::now()).await?.0
                }
            };
            tx.commit().await?;
            id
        };
        let owner_id = operators::ensure_user(
            db,
            p.owner,
            p.password,
            operators::member(partner_id, Role::Owner),
        )
        .await?;
        ensure_logos(db, partner_id, p.name).await?;
        if p.kind == PartnerKind::Reseller {
            ensure_offers(db, partner_id, owner_id, public_url).await?;
        }
        let kind = match p.kind {
            PartnerKind::Msp => "MSP",
            PartnerKind::Reseller => "reseller",
        };
        logins.push(DemoLogin {
            email: p.owner,
            password: p.password,
            who: format!("owner of {kind} \"{}\"", p.name),
        });
    }
    ensure_pending_application(db).await?;
    let mut signup_url = String::new();
    let mut curls = Vec::new();
    for p in PARTNERS {
        let mut c = db.acquire().await?;
        let partner = partners::find_by_slug(&mut c, p.slug)
            .await?
            .ok_or(StoreError::NotFound)?;
        drop(c);
        ensure_customers(db, &partner).await?;
        ensure_usage(db, &partner).await?;
        if partner.is_msp() {
            signup_url = fresh_demo_link(db, &partner, public_url).await?;
        }
        curls.push(fresh_demo_key(db, vault, &partner, public_url).await?);
    }
    Ok(Demo {
        logins,
        signup_url,
        curls,
    })
}

/// The demo MSP's partner id, for `demo --customers N`.
pub async fn scale_target(db: &Db) -> Result<i64, StoreError> {
    let mut c = db.acquire().await?;
    let slug = PARTNERS
        .iter()
        .find(|p| p.kind == PartnerKind::Msp)
        .map(|p| p.slug)
        .unwrap_or_default();
    Ok(partners::find_by_slug(&mut c, slug)
        .await?
        .ok_or(StoreError::NotFound)?
        .partner_id)
}

/// The reseller's channel, once: two authorizations (the second restricted since), offers in
/// every state, accepted customers and one agreement replaced, made through the use cases at
/// the days they would have happened so that the bills of the last months show wholesale
/// prices, customer prices and margins.
async fn ensure_offers(
    db: &Db,
    partner_id: i64,
    owner_id: i64,
    public_url: &str,
) -> Result<(), CreateUserError> {
    use crate::app::authorizations::{self as auths, AuthorizationRequest, Move};
    use crate::app::offers::{self, OfferRequest};
    use crate::app::{Actor, Ctx};

    if !auths::list_all(db, Some(partner_id), None)
        .await
        .map_err(demo_error)?
        .is_empty()
    {
        return Ok(());
    }
    let wake = tokio::sync::Notify::new();
    let now = Utc::now();
    let at = |days_ago: i64| Ctx::new(db, now - Duration::days(days_ago), public_url, &wake);
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
    let open = auths::create(at(220), &operator, partner_id, &grant(2_000, "", 20))
        .await
        .map_err(demo_error)?;
    auths::change_state(at(220), &operator, open.authorization_id, Move::Activate)
        .await
        .map_err(demo_error)?;
    let listed = auths::create(
        at(210),
        &operator,
        partner_id,
        &grant(1_500, "777777777777", 1),
    )
    .await
    .map_err(demo_error)?;
    auths::change_state(at(210), &operator, listed.authorization_id, Move::Activate)
        .await
        .map_err(demo_error)?;
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
        let o = offers::create(at(made), &owner, &req, None)
            .await
            .map_err(demo_error)?;
        if req.buyer_company == "Contoso" {
            contoso = o.offer_id;
        }
        if let Some(r) = released {
            offers::release(at(r), &owner, o.offer_id)
                .await
                .map_err(demo_error)?;
        }
        if let Some(d) = accepted {
            offers::accept(at(d), &owner, o.offer_id, Some(day(d)))
                .await
                .map_err(demo_error)?;
        }
        if req.buyer_company == "Adventure Works" {
            offers::cancel(at(19), &owner, o.offer_id)
                .await
                .map_err(demo_error)?;
        }
    }
    // Contoso renewed early, for two years at a smaller markup: the old agreement ends.
    let renewal = offer(a, "", "Contoso", 800, 24, day(50));
    let r = offers::create(at(70), &owner, &renewal, Some(contoso))
        .await
        .map_err(demo_error)?;
    offers::release(at(69), &owner, r.offer_id)
        .await
        .map_err(demo_error)?;
    offers::accept(at(66), &owner, r.offer_id, Some(day(66)))
        .await
        .map_err(demo_error)?;
    auths::change_state(at(100), &operator, listed.authorization_id, Move::Restrict)
        .await
        .map_err(demo_error)?;
    // Fabrikam's offer ran out unanswered.
    offers::sweep(Ctx::new(db, now, public_url, &wake), Some(partner_id)).await?;
    Ok(())
}

fn demo_error(e: impl std::fmt::Display) -> CreateUserError {
    CreateUserError::Invalid(format!("demo offers refused: {e}"))
}

const DEMO_LINK_LABEL: &str = "Demo link";

/// Revokes the link an earlier run printed and makes a new one (only its hash is stored, so the
/// old URL cannot be printed again).
async fn fresh_demo_link(
    db: &Db,
    partner: &Partner,
    public_url: &str,
) -> Result<String, CreateUserError> {
    let now = Utc::now();
    let token = random_token();
    let mut tx = db.begin().await?;
    signup_links::revoke_by_label(&mut tx, partner.partner_id, DEMO_LINK_LABEL, now).await?;
    let new = NewLink {
        partner_id: partner.partner_id,
        label: DEMO_LINK_LABEL,
        token_hash: &hash_token(&token),
        expires_at: now + Duration::days(30),
        max_uses: None,
        created_by: None,
    };
    signup_links::insert(&mut tx, new, now).await?;
    tx.commit().await?;
    Ok(format!(
        "{public_url}{}",
        routes::signup(&partner.slug, &token)
    ))
}

const ORG_WORDS: &[&str] = &[
    "Sakura",
    "Harbor",
    "Kestrel",
    "Orchid",
    "Granite",
    "Maple",
    "Nova",
    "Pioneer",
    "Quartz",
    "Riverbend",
    "Summit",
    "Tidewater",
    "Umbra",
    "Vertex",
    "Willow",
    "Zephyr",
    "Aurora",
    "Beacon",
    "Cedar",
    "Delta",
];
const ORG_KINDS: &[&str] = &[
    "Retail",
    "Logistics",
    "Games",
    "Health",
    "Foods",
    "Labs",
    "Finance",
    "Media",
];

/// A few dozen customers in every state for the MSP, a few for the reseller, once.
async fn ensure_customers(db: &Db, partner: &Partner) -> Result<(), CreateUserError> {
    let mut c = db.acquire().await?;
    let existing = customers::page(&mut c, partner.partner_id, "", None, None, 1).await?;
    drop(c);
    if !existing.is_empty() {
        return Ok(());
    }
    // One hash for every demo customer: nobody signs in as them, and argon2 is slow on purpose.
    let hash = Passwords::default().hash(&random_token()).await?;
    let now = Utc::now();
    let (count, link_id) = if partner.is_msp() {
        let mut tx = db.begin().await?;
        let new = NewLink {
            partner_id: partner.partner_id,
            label: "Spring campaign",
            token_hash: &hash_token(&random_token()),
            expires_at: now + Duration::days(60),
            max_uses: Some(100),
            created_by: None,
        };
        let id = signup_links::insert(&mut tx, new, now - Duration::days(150)).await?;
        tx.commit().await?;
        (36, Some(id))
    } else {
        (5, None)
    };
    let mut tx = db.begin().await?;
    for i in 0..count {
        let name = format!(
            "{} {}",
            ORG_WORDS[i % ORG_WORDS.len()],
            ORG_KINDS[(i * 7 + 3) % ORG_KINDS.len()]
        );
        let email = format!(
            "admin{}@{}.example",
            i + 1,
            name.to_lowercase().replace(' ', "-")
        );
        let state = match i % 9 {
            0 => CustomerState::Pending,
            1 => CustomerState::Suspended,
            2 => CustomerState::Expired,
            _ => CustomerState::Active,
        };
        let created = now - Duration::days(170 - (i as i64) * 4);
        let new = NewCustomer {
            partner_id: partner.partner_id,
            org_id: &new_org_id(),
            org_name: &name,
            email: &email,
            password_hash: &hash,
            state,
            signup_link_id: link_id,
            effected_at: (state != CustomerState::Pending).then_some(created + Duration::hours(2)),
            aws_account: None,
        };
        let id = customers::insert(&mut tx, new, created).await?;
        if state == CustomerState::Expired {
            customers::set_state(
                &mut tx,
                partner.partner_id,
                id,
                CustomerState::Expired,
                Some(now - Duration::days(3)),
            )
            .await?;
        }
        if state == CustomerState::Pending {
            customers::insert_token(
                &mut tx,
                &hash_token(&random_token()),
                id,
                now + Duration::hours(48),
            )
            .await?;
        }
    }
    if let Some(id) = link_id {
        for _ in 0..count {
            signup_links::claim_use(&mut tx, id, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// A wordmark logo: a rounded mark and the name, in the given colours.
fn logo_svg(name: &str, mark: &str, text: &str) -> String {
    let initial = name.chars().next().unwrap_or('P');
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="48" viewBox="0 0 256 48"><rect x="2" y="4" width="40" height="40" rx="10" fill="{mark}"/><text x="22" y="32" font-family="DejaVu Sans, sans-serif" font-size="22" font-weight="bold" fill="#ffffff" text-anchor="middle">{initial}</text><text x="52" y="32" font-family="DejaVu Sans, sans-serif" font-size="21" font-weight="bold" fill="{text}">{name}</text></svg>"##
    )
}

async fn store_logo(db: &Db, svg: &str) -> Result<i64, CreateUserError> {
    let (logo, _) =
        SvgLogo::parse(svg.as_bytes()).map_err(|e| CreateUserError::Invalid(e.key.to_string()))?;
    let mut tx = db.begin().await?;
    let id = logos::insert(&mut tx, &random_token(), &logo, Utc::now()).await?;
    tx.commit().await?;
    Ok(id)
}

async fn ensure_logos(db: &Db, partner_id: i64, name: &str) -> Result<(), CreateUserError> {
    let mut c = db.acquire().await?;
    let partner = partners::find_by_id(&mut c, partner_id).await?;
    drop(c);
    if partner.is_some_and(|p| p.logo_light_id.is_some()) {
        return Ok(());
    }
    let light = store_logo(db, &logo_svg(name, "#3b5bdb", "#1d2433")).await?;
    let dark = store_logo(db, &logo_svg(name, "#7b96ff", "#e4e8f1")).await?;
    let mut tx = db.begin().await?;
    partners::set_logo(&mut tx, partner_id, false, light).await?;
    partners::set_logo(&mut tx, partner_id, true, dark).await?;
    tx.commit().await?;
    Ok(())
}

/// One application waiting for review, so an operator has something to look at.
async fn ensure_pending_application(db: &Db) -> Result<(), CreateUserError> {
    const COMPANY: &str = "Nimbus Data Services";
    let mut c = db.acquire().await?;
    let waiting = applications::list(&mut c, ApplicationState::Pending, 500).await?;
    drop(c);
    if waiting.iter().any(|a| a.company_name == COMPANY) {
        return Ok(());
    }
    let light = store_logo(db, &logo_svg("Nimbus", "#0ca678", "#1d2433")).await?;
    let dark = store_logo(db, &logo_svg("Nimbus", "#38d9a9", "#e4e8f1")).await?;
    let mut tx = db.begin().await?;
    let new = NewApplication {
        kind: PartnerKind::Msp,
        company_name: COMPANY,
        contact_email: "hello@nimbus.example",
        website_url: "https://nimbus.example",
        message: "We run managed databases for 40 mid-size retailers in Japan and would like to offer your cloud database to them.",
        logo_light_id: light,
        logo_dark_id: dark,
        address: "127.0.0.1",
    };
    applications::insert(&mut tx, new, Utc::now()).await?;
    tx.commit().await?;
    Ok(())
}

const SERVICES: &[(&str, i64)] = &[
    ("TiDB Dedicated", 4_000),
    ("TiDB Starter", 300),
    ("Backup Storage", 150),
    ("Data Transfer", 90),
];

/// Six months and the running one of daily usage for the active customers, a discount and a
/// credit on the MSP, once. Loaded through the same all-or-nothing loader as real files.
async fn ensure_usage(db: &Db, partner: &Partner) -> Result<(), CreateUserError> {
    let today = Utc::now().date_naive();
    let first = Month::of(today).plus(-6);
    let mut c = db.acquire().await?;
    if !usage::month_lines(&mut c, partner.partner_id, None, &first.to_string())
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let all = customers::page(&mut c, partner.partner_id, "", None, None, 1000).await?;
    drop(c);
    let mut rows = Vec::new();
    let mut seed: u64 = partner.partner_id as u64 * 7919 + 17;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for cu in all.iter().filter(|c| c.state != CustomerState::Pending) {
        let mut day = first.first_day();
        let size = 1 + (next() % 5) as i64;
        while day <= today {
            for (i, (service, base)) in SERVICES.iter().enumerate() {
                if i > 0 && next() % 3 == 0 {
                    continue;
                }
                let cost = base * size + (next() % 997) as i64;
                let project = if i % 2 == 0 {
                    "production"
                } else {
                    "analytics"
                };
                rows.push(UsageRow {
                    line: rows.len() + 1,
                    org_id: cu.org_id.clone(),
                    day,
                    service: service.to_string(),
                    project: project.into(),
                    cluster: format!("{project}-{}", i + 1),
                    cost,
                    record_key: format!("demo-{}-{day}-{i}", cu.org_id),
                });
            }
            day = day.succ_opt().unwrap_or(day);
        }
    }
    let report = crate::app::usage::load(db, &rows, Vec::new(), Utc::now(), |_| {}).await?;
    if !report.rejected.is_empty() {
        return Err(CreateUserError::Invalid(format!(
            "demo usage refused: {:?}",
            report.rejected.first()
        )));
    }
    if partner.is_msp() {
        let now = Utc::now();
        let mut tx = db.begin().await?;
        let start = first.to_string();
        let discount = NewDiscount {
            partner_id: partner.partner_id,
            customer_id: None,
            service: Some("TiDB Dedicated"),
            rate_bps: Some(1_000),
            amount: None,
            start_month: &start,
            end_month: None,
            note: "Partner programme: 10 % on TiDB Dedicated",
            created_by: None,
        };
        grants::insert_discount(&mut tx, discount, now).await?;
        let credit = NewCredit {
            partner_id: partner.partner_id,
            customer_id: None,
            amount: 500_000,
            effective_on: first.plus(2).first_day(),
            expires_on: Month::of(today).plus(6).last_day(),
            note: "Launch credit",
            created_by: None,
        };
        grants::insert_credit(&mut tx, credit, now).await?;
        tx.commit().await?;
    }
    Ok(())
}

const DEMO_KEY_NAME: &str = "Demo key";

/// Revokes the key an earlier run printed and issues a new one (the private half exists only
/// in this run's output).
async fn fresh_demo_key(
    db: &Db,
    vault: &KeyVault,
    partner: &Partner,
    public_url: &str,
) -> Result<String, CreateUserError> {
    let now = Utc::now();
    let key = vault.issue()?;
    let mut tx = db.begin().await?;
    for old in api_keys::list(&mut tx, partner.partner_id).await? {
        if old.name == DEMO_KEY_NAME && old.revoked_at.is_none() {
            api_keys::revoke(&mut tx, partner.partner_id, old.key_id, now).await?;
        }
    }
    let new = api_keys::NewApiKey {
        partner_id: partner.partner_id,
        name: DEMO_KEY_NAME,
        public_key: &key.public_key,
        ha1_sha256: &key.ha1_sha256_enc,
        ha1_md5: &key.ha1_md5_enc,
        created_by: None,
    };
    api_keys::insert(&mut tx, new, now).await?;
    tx.commit().await?;
    Ok(crate::paths::first_api_call(
        public_url,
        &format!("{}:{}", key.public_key, key.private_key),
        partner.is_msp(),
    ))
}
