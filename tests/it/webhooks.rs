//! Webhooks (issue 27) as a partner's receiver sees them: endpoints registered through
//! `/api/v1/webhooks`, deliveries signed as Standard Webhooks says and verified by its Python
//! library (`standardwebhooks`), retries with the same `webhook-id`, two instances delivering
//! each message once, rotation, an endpoint disabled after five days of failures, and every
//! address class a partner's URL must not reach.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use partner_console::domain::PartnerKind;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::api_calls::{api_key, python};
use crate::helpers::{Options, TestApp, spawn_app, spawn_app_with};

/// One request as the receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

/// A partner's HTTP receiver on 127.0.0.1: keeps every request and answers each with the next
/// status of its list (the last one once the list is used up).
pub struct Receiver {
    pub url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub async fn start(statuses: &[u16]) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks/partner", listener.local_addr().unwrap());
        let got = Arc::new(Mutex::new(Vec::new()));
        let statuses = Arc::new(Mutex::new(
            statuses.iter().copied().collect::<VecDeque<_>>(),
        ));
        let (kept, answers) = (got.clone(), statuses.clone());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (kept, answers) = (kept.clone(), answers.clone());
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut socket).await else {
                        return;
                    };
                    kept.lock().unwrap().push(request);
                    let status = {
                        let mut a = answers.lock().unwrap();
                        if a.len() > 1 {
                            a.pop_front()
                        } else {
                            a.front().copied()
                        }
                    }
                    .unwrap_or(200);
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: text/plain\r\ncontent-length: 9\r\n\
                         connection: close\r\n\r\nthank you"
                    );
                    let _ = socket.write_all(reply.as_bytes()).await;
                });
            }
        });
        Receiver { url, got }
    }

    pub fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let headers: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    })
}

/// Whether the Standard Webhooks Python library accepts `r` with `secret`.
pub async fn verifies(secret: &str, r: &Received) -> bool {
    let script = format!(
        "import json, sys\n\
         from standardwebhooks.webhooks import Webhook\n\
         headers = json.loads({headers:?})\n\
         try:\n    Webhook({secret:?}).verify({body:?}, headers)\n    print('ok')\n\
         except Exception as e:\n    print('refused', e)\n",
        headers = serde_json::to_string(&serde_json::json!({
            "webhook-id": r.header("webhook-id"),
            "webhook-timestamp": r.header("webhook-timestamp"),
            "webhook-signature": r.header("webhook-signature"),
        }))
        .unwrap(),
        body = r.body,
    );
    String::from_utf8(python(script).await).unwrap().trim() == "ok"
}

/// Whether the library accepts `r` as if it arrived now, for a message the app's clock sent
/// days ahead of the library's (which refuses a stale timestamp): the signature sent must be
/// the one `Secret::sign` makes for its own timestamp, and the library must accept what
/// `Secret::sign` makes for the present.
pub async fn verifies_as_if_now(secret: &str, r: &Received) -> bool {
    let key = partner_console::webhooks::signature::Secret::parse(secret).unwrap();
    let (id, body) = (r.header("webhook-id"), r.body.as_bytes());
    let sent: i64 = r.header("webhook-timestamp").parse().unwrap();
    let now = chrono::Utc::now().timestamp();
    let restamped = Received {
        headers: vec![
            ("webhook-id".into(), id.into()),
            ("webhook-timestamp".into(), now.to_string()),
            ("webhook-signature".into(), key.sign(id, now, body)),
        ],
        body: r.body.clone(),
    };
    r.header("webhook-signature") == key.sign(id, sent, body) && verifies(secret, &restamped).await
}

async fn msp(app: &TestApp) -> (i64, String) {
    let acme = app
        .create_partner("Acme Cloud", PartnerKind::Msp, "owner@acme.example")
        .await;
    let (_, key) = api_key(app, acme).await;
    (acme, key)
}

async fn register(app: &TestApp, key: &str, url: &str) -> Value {
    let body = serde_json::json!({
        "url": url,
        "description": "Billing system",
        "events": ["customer.created", "month.closed"],
    });
    let (s, hook) = app
        .api(key)
        .send("POST", "/api/v1/webhooks", &body.to_string())
        .await;
    assert_eq!(s, 201, "{hook}");
    hook
}

#[tokio::test]
async fn a_test_ping_reaches_the_receiver_signed_as_the_standard_says() {
    let app = spawn_app().await;
    let (_, key) = msp(&app).await;
    let receiver = Receiver::start(&[202]).await;
    let hook = register(&app, &key, &receiver.url).await;
    let secret = hook["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert_eq!(
        hook["events"],
        serde_json::json!(["customer.created", "month.closed"])
    );
    assert_eq!(hook["enabled"], true);
    let id = hook["webhookId"].as_str().unwrap();

    let (s, list) = app.api(&key).get("/api/v1/webhooks").await;
    assert_eq!(s, 200);
    assert_eq!(list["webhooks"][0]["url"], receiver.url.as_str());
    assert!(
        !list.to_string().contains(&secret),
        "the secret is shown once"
    );

    let (s, queued) = app
        .api(&key)
        .call("POST", &format!("/api/v1/webhooks/{id}/test"))
        .await;
    assert_eq!(s, 202, "{queued}");
    app.drain_webhooks().await;
    let got = receiver.got();
    assert_eq!(got.len(), 1);
    let ping = &got[0];
    assert_eq!(ping.json()["type"], "ping");
    assert_eq!(ping.json()["data"]["webhookId"], id);
    assert!(ping.header("webhook-id").starts_with("msg_"));
    assert_eq!(ping.header("content-type"), "application/json");
    assert!(
        verifies(&secret, ping).await,
        "the reference library accepts it"
    );
    let forged = Received {
        body: ping.body.replace("ping", "pong"),
        ..ping.clone()
    };
    assert!(
        !verifies(&secret, &forged).await,
        "a changed body is refused"
    );

    let (s, log) = app
        .api(&key)
        .get(&format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    assert_eq!(s, 200);
    let d = &log["deliveries"][0];
    assert_eq!(
        (
            d["event"].as_str(),
            d["state"].as_str(),
            d["attempts"].as_i64()
        ),
        (Some("ping"), Some("delivered"), Some(1))
    );
    assert_eq!(d["messageId"], ping.header("webhook-id"));
    assert_eq!(d["lastAttempt"]["responseCode"], 202);
    assert_eq!(d["lastAttempt"]["response"], "thank you");
    for bad in ["0", "101", "9223372036854775808", "ten"] {
        let (s, err) = app
            .api(&key)
            .get(&format!("/api/v1/webhooks/{id}/deliveries?pageSize={bad}"))
            .await;
        assert_eq!(s, 400, "{bad}");
        assert!(err["error"].as_str().unwrap().contains("pageSize"), "{err}");
    }
}

#[tokio::test]
async fn a_failed_delivery_is_tried_again_with_the_same_webhook_id() {
    let app = spawn_app().await;
    let (_, key) = msp(&app).await;
    let receiver = Receiver::start(&[500, 200]).await;
    let hook = register(&app, &key, &receiver.url).await;
    let id = hook["webhookId"].as_str().unwrap();
    app.api(&key)
        .call("POST", &format!("/api/v1/webhooks/{id}/test"))
        .await;
    app.drain_webhooks().await;
    let path = format!("/api/v1/webhooks/{id}/deliveries");
    let (_, log) = app.api(&key).get(&path).await;
    let d = &log["deliveries"][0];
    assert_eq!(d["state"], "pending", "{d}");
    assert_eq!(d["lastAttempt"]["responseCode"], 500);
    assert!(d["nextAttemptTime"].is_string());
    let (_, hook) = app.api(&key).get(&format!("/api/v1/webhooks/{id}")).await;
    assert!(hook["failingSince"].is_string(), "{hook}");

    // Not before its time; then once more, with the same id, and the endpoint is well again.
    app.drain_webhooks().await;
    assert_eq!(receiver.got().len(), 1);
    app.state.clock.advance(chrono::Duration::seconds(2));
    app.drain_webhooks().await;
    let got = receiver.got();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    let (_, log) = app.api(&key).get(&path).await;
    assert_eq!(log["deliveries"][0]["state"], "delivered");
    assert_eq!(log["deliveries"][0]["attempts"], 2);
    let (_, hook) = app.api(&key).get(&format!("/api/v1/webhooks/{id}")).await;
    assert!(hook["failingSince"].is_null(), "{hook}");

    // A delivery sent again by hand keeps its id too.
    let delivery = log["deliveries"][0]["deliveryId"].as_str().unwrap();
    let (s, _) = app
        .api(&key)
        .call("POST", &format!("{path}/{delivery}/retry"))
        .await;
    assert_eq!(s, 202);
    app.drain_webhooks().await;
    let got = receiver.got();
    assert_eq!(got.len(), 3);
    assert_eq!(got[2].header("webhook-id"), got[0].header("webhook-id"));
    let (s, _) = app
        .api(&key)
        .call("POST", &format!("{path}/999999/retry"))
        .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn two_instances_deliver_each_message_once() {
    let app = spawn_app().await;
    let (_, key) = msp(&app).await;
    let receiver = Receiver::start(&[200]).await;
    let hook = register(&app, &key, &receiver.url).await;
    let id = hook["webhookId"].as_str().unwrap();
    for _ in 0..12 {
        let (s, _) = app
            .api(&key)
            .call("POST", &format!("/api/v1/webhooks/{id}/test"))
            .await;
        assert_eq!(s, 202);
    }
    let (a, b) = (app.webhook_worker(), app.webhook_worker());
    let drain = |w: partner_console::webhooks::delivery::Worker| async move {
        use partner_console::webhooks::delivery::Outcome;
        let mut sent = 0;
        while w.step().await.unwrap() != Outcome::Empty {
            sent += 1;
        }
        sent
    };
    let (sa, sb) = tokio::join!(drain(a), drain(b));
    assert_eq!(sa + sb, 12);
    let mut ids: Vec<String> = receiver
        .got()
        .iter()
        .map(|r| r.header("webhook-id").to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12, "each message once");
    assert_eq!(receiver.got().len(), 12);
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_new_one_for_a_day() {
    let app = spawn_app().await;
    let (_, key) = msp(&app).await;
    let receiver = Receiver::start(&[200]).await;
    let hook = register(&app, &key, &receiver.url).await;
    let id = hook["webhookId"].as_str().unwrap();
    let old = hook["secret"].as_str().unwrap().to_string();
    let (s, rotated) = app
        .api(&key)
        .call("POST", &format!("/api/v1/webhooks/{id}/rotateSecret"))
        .await;
    assert_eq!(s, 200, "{rotated}");
    let new = rotated["secret"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert!(rotated["previousSecretExpiresTime"].is_string());
    let test = format!("/api/v1/webhooks/{id}/test");
    app.api(&key).call("POST", &test).await;
    app.drain_webhooks().await;
    let first = receiver.got()[0].clone();
    assert_eq!(first.header("webhook-signature").split(' ').count(), 2);
    assert!(
        verifies(&old, &first).await,
        "the old secret still verifies"
    );
    assert!(verifies(&new, &first).await, "the new one too");

    app.state.clock.advance(chrono::Duration::hours(25));
    app.api(&key).call("POST", &test).await;
    app.drain_webhooks().await;
    let later = receiver.got()[1].clone();
    assert_eq!(later.header("webhook-signature").split(' ').count(), 1);
    // The receiver's library checks the timestamp against its own clock: a day on is stale, so
    // the signatures are compared as it would one at the present.
    let now = chrono::Utc::now().timestamp();
    let fresh = |secret: &str| {
        let s = partner_console::webhooks::signature::Secret::parse(secret).unwrap();
        s.sign(later.header("webhook-id"), now, later.body.as_bytes())
    };
    let restamped = |secret: &str| Received {
        headers: vec![
            ("webhook-id".into(), later.header("webhook-id").into()),
            ("webhook-timestamp".into(), now.to_string()),
            ("webhook-signature".into(), fresh(secret)),
        ],
        body: later.body.clone(),
    };
    assert!(verifies(&new, &restamped(&new)).await);
    let timestamp: i64 = later.header("webhook-timestamp").parse().unwrap();
    let signed_new = partner_console::webhooks::signature::Secret::parse(&new)
        .unwrap()
        .sign(later.header("webhook-id"), timestamp, later.body.as_bytes());
    let signed_old = partner_console::webhooks::signature::Secret::parse(&old)
        .unwrap()
        .sign(later.header("webhook-id"), timestamp, later.body.as_bytes());
    assert_eq!(later.header("webhook-signature"), signed_new);
    assert_ne!(
        later.header("webhook-signature"),
        signed_old,
        "the old one no longer signs"
    );
}

#[tokio::test]
async fn an_endpoint_failing_for_five_days_is_disabled_and_its_owners_told() {
    let app = spawn_app().await;
    let (_, key) = msp(&app).await;
    let receiver = Receiver::start(&[503]).await;
    let hook = register(&app, &key, &receiver.url).await;
    let id = hook["webhookId"].as_str().unwrap();
    let test = format!("/api/v1/webhooks/{id}/test");
    app.api(&key).call("POST", &test).await;
    app.drain_webhooks().await;
    app.state.clock.advance(chrono::Duration::days(4));
    app.api(&key).call("POST", &test).await;
    app.drain_webhooks().await;
    let (_, h) = app.api(&key).get(&format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(h["enabled"], true, "four days of failures are not enough");

    app.state.clock.advance(chrono::Duration::days(1));
    app.api(&key).call("POST", &test).await;
    app.drain_webhooks().await;
    let (_, h) = app.api(&key).get(&format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(h["enabled"], false, "{h}");
    let mail = app
        .mail_with_subject("owner@acme.example", "A webhook endpoint was turned off")
        .await;
    assert!(mail.text.contains(&receiver.url), "{}", mail.text);

    // Nothing goes to a disabled endpoint; turned back on, what it still owes goes out.
    let before = receiver.got().len();
    app.api(&key).call("POST", &test).await;
    app.drain_webhooks().await;
    assert_eq!(receiver.got().len(), before);
    let (s, h) = app
        .api(&key)
        .send(
            "PATCH",
            &format!("/api/v1/webhooks/{id}"),
            r#"{"enabled":true}"#,
        )
        .await;
    assert_eq!(
        (s, h["enabled"].as_bool(), h["failingSince"].is_null()),
        (200, Some(true), true)
    );
    app.state.clock.advance(chrono::Duration::seconds(2));
    app.drain_webhooks().await;
    assert!(receiver.got().len() > before);
}

#[tokio::test]
async fn urls_that_reach_inwards_are_refused_at_registration_and_at_delivery() {
    let app = spawn_app_with(Options {
        webhook_allow_private: false,
        ..Options::default()
    })
    .await;
    let (acme, key) = msp(&app).await;
    for url in [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://[::1]/hook",
        "https://10.0.0.8/hook",
        "https://172.20.1.1/hook",
        "https://192.168.0.10/hook",
        "https://[fd00::1]/hook",
        "https://169.254.10.10/hook",
        "https://[fe80::1]/hook",
        "https://224.0.0.251/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://0.0.0.0/hook",
        "http://93.184.216.34/hook",
        "https://user:pw@93.184.216.34/hook",
        "not a url",
    ] {
        let body = serde_json::json!({"url": url, "events": ["month.closed"]});
        let (s, err) = app
            .api(&key)
            .send("POST", "/api/v1/webhooks", &body.to_string())
            .await;
        assert_eq!(s, 400, "{url}: {err}");
        assert!(err.to_string().contains("url"), "{url}: {err}");
    }
    let (s, err) = app
        .api(&key)
        .send(
            "POST",
            "/api/v1/webhooks",
            r#"{"url":"https://93.184.216.34/hook","events":["customer.deleted"]}"#,
        )
        .await;
    assert_eq!(s, 400);
    assert!(err.to_string().contains("events"), "{err}");
    let (_, list) = app.api(&key).get("/api/v1/webhooks").await;
    assert_eq!(
        list["webhooks"],
        serde_json::json!([]),
        "nothing was registered"
    );

    // A name that resolved outwards at registration and inwards later: checked again at
    // delivery, and the receiver never called.
    let receiver = Receiver::start(&[200]).await;
    let endpoint = {
        use partner_console::store::webhooks::{self, NewEndpoint};
        let mut c = app.state.db.acquire().await.unwrap();
        let secret = partner_console::webhooks::signature::Secret::generate();
        // https, as registration asks; the receiver is never reached to find it speaks http.
        let url = receiver.url.replace("http://", "https://");
        let new = NewEndpoint {
            partner_id: acme,
            url: &url,
            description: "",
            events: "month.closed",
            secret: secret.expose(),
        };
        webhooks::insert(&mut c, &new, chrono::Utc::now())
            .await
            .unwrap()
    };
    let (s, _) = app
        .api(&key)
        .call("POST", &format!("/api/v1/webhooks/{endpoint}/test"))
        .await;
    assert_eq!(s, 202);
    app.drain_webhooks().await;
    assert!(receiver.got().is_empty(), "never reached");
    let (_, log) = app
        .api(&key)
        .get(&format!("/api/v1/webhooks/{endpoint}/deliveries"))
        .await;
    let error = log["deliveries"][0]["lastAttempt"]["error"]
        .as_str()
        .unwrap();
    assert!(error.contains("127.0.0.1 (loopback)"), "{error}");
}

#[tokio::test]
async fn the_console_adds_an_endpoint_shows_its_secret_once_and_lists_its_deliveries() {
    let app = spawn_app().await;
    let (acme, _) = msp(&app).await;
    let owner = app.user("owner@acme.example").await;
    let page = partner_console::paths::CONSOLE_WEBHOOKS;

    // Everything wrong at once, what was written kept.
    let r = owner
        .post_form(
            page,
            page,
            &[("url", "ftp://files.example/x"), ("description", "Ledger")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    let listed: Vec<String> = crate::forms::error_summary(&html, "webhook-errors")
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    assert_eq!(listed, ["#url", "#events"]);
    assert!(html.contains(r#"value="ftp://files.example/x""#));
    assert!(html.contains(r#"value="Ledger""#));

    let receiver = Receiver::start(&[200]).await;
    let r = owner
        .post_form(
            page,
            page,
            &[
                ("url", receiver.url.as_str()),
                ("description", "Ledger"),
                ("event", "customer.created"),
                ("event", "usage.loaded"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["cache-control"].to_str().unwrap(),
        "no-store",
        "the secret page is not kept"
    );
    let html = r.text().await.unwrap();
    let secret = crate::helpers::text_of(&html, "#webhook-secret").unwrap();
    assert!(
        html.contains("The secret is shown only now"),
        "not an API key's warning"
    );
    assert!(secret.starts_with("whsec_"));
    let (_, list) = owner.get_html(page).await;
    assert!(list.contains(&receiver.url) && !list.contains(&secret));
    let hooks = {
        let mut c = app.state.db.acquire().await.unwrap();
        partner_console::store::webhooks::of_partner(&mut c, acme)
            .await
            .unwrap()
    };
    assert_eq!(hooks[0].events, "customer.created usage.loaded");
    let detail = partner_console::paths::console_webhook(hooks[0].endpoint_id);
    let r = owner
        .post_form(
            &detail,
            &partner_console::paths::console_webhook_test(hooks[0].endpoint_id),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    app.drain_webhooks().await;
    assert!(verifies(&secret, &receiver.got()[0]).await);
    let (_, html) = owner.get_html(&detail).await;
    let log = crate::helpers::text_of(&html, "#delivery-log").unwrap();
    assert!(
        log.contains("ping") && log.contains("delivered") && log.contains("200"),
        "{log}"
    );

    // Removal is asked first.
    let delete = partner_console::paths::console_webhook_delete(hooks[0].endpoint_id);
    let r = owner.post_form(&detail, &delete, &[]).await;
    let asked = r.text().await.unwrap();
    assert!(
        crate::helpers::text_of(&asked, "#confirm-title")
            .unwrap()
            .contains("Remove the endpoint")
    );
    assert_eq!(owner.open(&detail).await.status(), 200, "still there");
    owner
        .post_form(&detail, &delete, &[("confirmed", "yes")])
        .await;
    assert_eq!(owner.open(&detail).await.status(), 404);
}

/// Every message of `receiver` that the reference library accepts, by type, in order.
async fn verified_types(secret: &str, receiver: &Receiver) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for r in receiver.got() {
        assert!(verifies(secret, &r).await, "signed: {}", r.body);
        let body = r.json();
        out.push((
            body["type"].as_str().unwrap().to_string(),
            body["data"].clone(),
        ));
    }
    out
}

#[tokio::test]
async fn signups_state_changes_links_and_a_closed_month_are_told_as_the_api_writes_them() {
    let app = spawn_app().await;
    let (_, key) = msp(&app).await;
    let receiver = Receiver::start(&[200]).await;
    let body = serde_json::json!({
        "url": receiver.url,
        "events": ["customer.created", "customer.state_changed", "signup_link.created",
                   "signup_link.revoked", "month.closed", "invoice.issued"],
    });
    let (_, hook) = app
        .api(&key)
        .send("POST", "/api/v1/webhooks", &body.to_string())
        .await;
    let secret = hook["secret"].as_str().unwrap().to_string();

    // A link, a signup through it, its confirmation, the link revoked, a contract ended.
    let (_, link) = app
        .api(&key)
        .send("POST", "/api/v1/signupLinks", r#"{"label":"Spring"}"#)
        .await;
    let url = link["customerSignupUrl"].as_str().unwrap();
    let path = url.trim_start_matches(&app.address).to_string();
    let visitor = app.visitor();
    let r = visitor
        .post_form(
            &path,
            &path,
            &[
                ("org_name", "Sakura Retail"),
                ("email", "it@sakura.example"),
                ("password", "a customer passphrase 1"),
                ("terms", "yes"),
            ],
        )
        .await;
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    let mail = app.mail_to("it@sakura.example").await;
    let confirm = crate::helpers::link_in(&mail.text, &app.url("/confirm-organization/"));
    app.get(confirm.trim_start_matches(&app.address)).await;
    let id = link["id"].as_str().unwrap();
    app.api(&key)
        .call("DELETE", &format!("/api/v1/signupLinks/{id}"))
        .await;
    // Revoking again changes nothing and tells nothing.
    app.api(&key)
        .call("DELETE", &format!("/api/v1/signupLinks/{id}"))
        .await;
    let (_, customers) = app.api(&key).get("/api/v1/customers").await;
    let org = customers["mspCustomers"][0]["orgId"]
        .as_str()
        .unwrap()
        .to_string();
    // Usage last month and a price plan: the close issues the customer an invoice.
    let last = partner_console::billing::month::Month::of(app.state.now().date_naive()).plus(-1);
    let row = crate::helpers::usage_row(&org, last.first_day(), "TiDB Dedicated", 12_345, "k1");
    app.load_usage(&[row]).await;
    let (s, plan) = app
        .api(&key)
        .send(
            "POST",
            "/api/v1/pricePlans",
            r#"{"name":"Standard","markup":"10%"}"#,
        )
        .await;
    assert_eq!(s, 201, "{plan}");
    let owner = app.user("owner@acme.example").await;
    let page = format!("/console/customers/{org}");
    owner
        .post_form(&page, &format!("{page}/expire"), &[("confirmed", "yes")])
        .await;
    partner_console::app::bills::close_month(app.state.app(), last)
        .await
        .unwrap();

    app.drain_webhooks().await;
    let told = verified_types(&secret, &receiver).await;
    let types: Vec<&str> = told.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "signup_link.created",
            "customer.created",
            "customer.state_changed",
            "signup_link.revoked",
            "customer.state_changed",
            "month.closed",
            "invoice.issued",
        ]
    );
    // The objects are the API's: the link as listed (no URL), the customer as read.
    let (_, listed) = app.api(&key).get("/api/v1/signupLinks").await;
    assert_eq!(told[3].1, listed["signupLinks"][0]);
    assert!(
        told[0].1.get("customerSignupUrl").is_none(),
        "the URL is shown once"
    );
    let (_, now) = app.api(&key).get(&format!("/api/v1/customers/{org}")).await;
    assert_eq!(told[4].1, now);
    assert_eq!(
        (told[1].1["state"].as_str(), told[2].1["state"].as_str()),
        (Some("pending"), Some("active"))
    );
    let (_, bill) = app.api(&key).get(&format!("/api/v1/bills/{last}")).await;
    assert_eq!(told[5].1, bill["overview"]);
    assert_eq!(told[5].1["runningTotal"], "123.45");
    let (_, invoices) = app.api(&key).get("/api/v1/invoices").await;
    assert_eq!(told[6].1, invoices["invoices"][0]);
    assert_eq!(
        told[6].1["subtotal"], "135.80",
        "list price and the plan's 10 %"
    );

    // Voided with its correction in the same step: the corrected invoice is told too.
    let number = told[6].1["invoiceNumber"].as_str().unwrap();
    let (s, void) = app
        .api(&key)
        .send(
            "POST",
            &format!("/api/v1/invoices/{number}/void"),
            r#"{"reason": "Wrong plan", "issueCorrected": true}"#,
        )
        .await;
    assert_eq!(s, 200, "{void}");
    app.drain_webhooks().await;
    let told = verified_types(&secret, &receiver).await;
    assert_eq!(
        told.len(),
        8,
        "only the new invoice: a void is not an issue"
    );
    let corrected = void["replacedByInvoiceNumber"].as_str().unwrap();
    assert_eq!(told[7].0, "invoice.issued");
    assert_eq!(told[7].1["invoiceNumber"], corrected);
    assert_ne!(corrected, number);
    let (_, invoices) = app.api(&key).get("/api/v1/invoices").await;
    let listed = invoices["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["invoiceNumber"] == corrected)
        .unwrap();
    assert_eq!(&told[7].1, listed);
}
