//! `spawn_app()`: the real application on a random port with a fresh database (SQLite in a temp
//! folder, or its own schema in PostgreSQL when `TEST_DATABASE_URL` is set), an SMTP listener the
//! real lettre transport talks to, and a cookie-keeping HTTP client.

use std::sync::atomic::{AtomicU32, Ordering};

use base64::Engine;
use partner_console::app::operators;
use partner_console::config::{RateLimitStore, Settings};
use partner_console::domain::{PartnerKind, Role};
use partner_console::startup::Application;
use partner_console::state::AppState;
use partner_console::store::partners;
use reqwest::StatusCode;
use secrecy::SecretString;

use partner_console::mail::worker::{Outcome, Worker};

use crate::smtp::{ReceivedMail, SmtpSink};

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    pub smtp: SmtpSink,
    pub client: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    pg_schema: Option<String>,
    settings: Settings,
}

pub struct Options {
    /// Deliver mails to the test SMTP listener (true) or write `.eml` files (false).
    pub smtp: bool,
    /// Point SMTP at a port nobody listens on.
    pub smtp_down: bool,
    /// Keep API rate limits in the database even on SQLite, as several instances need.
    pub rate_limits_in_database: bool,
    pub api_rate_limit_per_minute: u32,
    /// `PC_USAGE_MAX_BYTES`.
    pub usage_max_bytes: u64,
    /// `PC_REQUIRE_OPERATOR_MFA`; off unless a test is about it, as in the demo.
    pub require_operator_mfa: bool,
    /// Serve at `http://localhost:PORT` instead of 127.0.0.1: WebAuthn needs a domain name.
    pub localhost: bool,
    /// `PC_WEBHOOK_ALLOW_PRIVATE`: on, so webhooks reach the tests' own receivers.
    pub webhook_allow_private: bool,
}

/// Outcomes of [`TestApp::drain_outbox`] past this many steps mean a mail is retried at once,
/// forever.
const MAX_OUTBOX_STEPS: usize = 1000;

impl Default for Options {
    fn default() -> Self {
        Options {
            smtp: true,
            smtp_down: false,
            rate_limits_in_database: false,
            api_rate_limit_per_minute: 100,
            usage_max_bytes: Settings::defaults().usage_max_bytes,
            require_operator_mfa: false,
            localhost: false,
            webhook_allow_private: true,
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(opts: Options) -> TestApp {
    let smtp = SmtpSink::start().await;
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (database_url, pg_schema) = fresh_database(data_dir.path()).await;
    let smtp_url = if opts.smtp_down {
        Some(format!("smtp://127.0.0.1:{}", closed_port()))
    } else if opts.smtp {
        Some(format!("smtp://127.0.0.1:{}", smtp.port))
    } else {
        None
    };
    let key: [u8; 64] = rand::random();
    let settings = Settings {
        bind: "127.0.0.1:0".into(),
        public_url: if opts.localhost {
            "http://localhost:0".into()
        } else {
            "http://127.0.0.1:0".into()
        },
        data_dir: data_dir.path().to_path_buf(),
        database_url: SecretString::from(database_url),
        database_schema: pg_schema.clone(),
        smtp_url: smtp_url.map(SecretString::from),
        mail_from: "Partner Console <no-reply@partner-console.test>".into(),
        session_key: Some(SecretString::from(
            base64::engine::general_purpose::STANDARD.encode(key),
        )),
        api_key_secret: Some(SecretString::from(
            base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>()),
        )),
        outbox_poll_ms: 200,
        // The tests deliver mails themselves, step by step (`drain_outbox`).
        outbox_worker: false,
        api_rate_limit_per_minute: opts.api_rate_limit_per_minute,
        usage_max_bytes: opts.usage_max_bytes,
        require_operator_mfa: Some(opts.require_operator_mfa),
        // Retries a second apart: the tests move the clock instead of waiting hours.
        webhooks: partner_console::config::WebhookSettings {
            allow_private: opts.webhook_allow_private,
            retries: vec![std::time::Duration::from_secs(1); 3],
            poll_ms: 50,
        },
        api_rate_limit_store: if pg_schema.is_some() || opts.rate_limits_in_database {
            RateLimitStore::Database
        } else {
            RateLimitStore::Memory
        },
        ..Settings::defaults()
    };
    let app = Application::build(settings.clone())
        .await
        .expect("application builds");
    let host = if opts.localhost {
        "localhost"
    } else {
        "127.0.0.1"
    };
    let address = format!("http://{host}:{}", app.port());
    let state = app.state().clone();
    tokio::spawn(app.run());
    TestApp {
        address,
        state,
        smtp,
        client: new_client(),
        data_dir,
        pg_schema,
        settings,
    }
}

/// One usage line of `cents` for `org_id` on `day`, with the record key `key`.
pub fn usage_row(
    org_id: &str,
    day: chrono::NaiveDate,
    service: &str,
    cents: i64,
    key: &str,
) -> partner_console::billing::usage_file::UsageRow {
    partner_console::billing::usage_file::UsageRow {
        line: 1,
        org_id: org_id.into(),
        day,
        service: service.into(),
        project: "production".into(),
        cluster: "c1".into(),
        cost: cents,
        record_key: key.into(),
    }
}

pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("http client")
}

/// An empty database: its own schema in `TEST_DATABASE_URL`'s PostgreSQL when that is set, else
/// a SQLite file in `dir`. Returns the URL and the schema.
pub async fn fresh_database(dir: &std::path::Path) -> (String, Option<String>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = new_pg_schema(&url).await;
            (url, Some(schema))
        }
        _ => (format!("sqlite://{}", dir.join("test.db").display()), None),
    }
}

/// Removes what [`fresh_database`] made in PostgreSQL (a SQLite file goes with its folder).
pub async fn drop_database(schema: Option<String>) {
    let (Some(schema), Ok(url)) = (schema, std::env::var("TEST_DATABASE_URL")) else {
        return;
    };
    use sqlx::Connection;
    let Ok(mut c) = sqlx::PgConnection::connect(&url).await else {
        return;
    };
    // The app's pool may still hold a connection whose dropped transaction's ROLLBACK waits for
    // a pool task that never runs again (this teardown blocks the test's runtime thread); its
    // locks would make DROP SCHEMA wait for ever. The schema is this test's alone, so whoever
    // still holds a lock in it is this test's app: end those sessions first.
    let _ = sqlx::query(
        "SELECT pg_terminate_backend(l.pid) FROM pg_locks l \
         JOIN pg_class c ON c.oid = l.relation \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1 AND l.pid <> pg_backend_pid()",
    )
    .bind(&schema)
    .execute(&mut c)
    .await;
    // Should anything else still hold on, fail to drop (and leak an empty test schema) rather
    // than hang the whole run.
    let _ = sqlx::query("SET lock_timeout = '30s'")
        .execute(&mut c)
        .await;
    if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&mut c)
        .await
    {
        eprintln!("test schema {schema} left behind: {e}");
    }
}

static SCHEMA_SEQ: AtomicU32 = AtomicU32::new(0);

async fn new_pg_schema(url: &str) -> String {
    use sqlx::Connection;
    let name = format!(
        "it_{}_{}_{}",
        std::process::id(),
        SCHEMA_SEQ.fetch_add(1, Ordering::Relaxed),
        rand::random::<u32>()
    );
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .expect("TEST_DATABASE_URL is set but PostgreSQL does not answer");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
        .execute(&mut conn)
        .await
        .expect("create test schema");
    name
}

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let Some(schema) = self.pg_schema.take() else {
            return;
        };
        // Async drop does not exist; a short-lived runtime on its own thread removes the schema.
        let _ = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(drop_database(Some(schema)));
        })
        .join();
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    /// Another instance of the same deployment: same database, keys and settings, its own port,
    /// process state and clock. Returns its base address.
    pub async fn second_instance(&self) -> String {
        let mut settings = self.settings.clone();
        settings.public_url = "http://127.0.0.1:0".into();
        let app = Application::build(settings)
            .await
            .expect("second instance builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run());
        address
    }

    /// Runs the expiry sweep now, at the app's clock, as its timer does (the app's timers are
    /// off in tests, like the mail worker). Returns how many things it wrote down as expired.
    pub async fn run_sweep(&self) -> usize {
        partner_console::app::offers::sweep(self.state.app(), None)
            .await
            .expect("the expiry sweep runs")
    }

    /// Loads usage rows as an operator's load does (at the app's clock), every row accepted;
    /// returns what the load reports.
    pub async fn load_usage(
        &self,
        rows: &[partner_console::billing::usage_file::UsageRow],
    ) -> partner_console::app::usage::LoadReport {
        let report = partner_console::app::usage::load(
            &self.state.db,
            rows.iter().cloned().map(Ok),
            self.state.now(),
            |_| {},
        )
        .await
        .expect("the usage loads");
        assert!(report.rejected.is_empty(), "{:?}", report.rejected);
        report
    }

    /// Delivers every due mail now, as the worker does, one `step()` at a time until the outbox
    /// has nothing due. The app's own worker is off in tests, so what the SMTP sink (or the .eml
    /// folder) holds afterwards is all there is.
    pub async fn drain_outbox(&self) -> Vec<Outcome> {
        let worker = Worker::new(
            self.state.db.clone(),
            &self.settings,
            self.state.clock.clone(),
        )
        .expect("the test's mail worker")
        .with_attachments(std::sync::Arc::new(
            partner_console::app::invoices::send::InvoicePdfs,
        ));
        let mut outcomes = Vec::new();
        for _ in 0..MAX_OUTBOX_STEPS {
            match worker.step().await.expect("an outbox step") {
                Outcome::Empty => return outcomes,
                other => outcomes.push(other),
            }
        }
        panic!("the outbox was still not empty after {MAX_OUTBOX_STEPS} steps: {outcomes:?}");
    }

    /// A webhook worker as each instance runs one (off in tests, like the mail worker).
    pub fn webhook_worker(&self) -> partner_console::webhooks::delivery::Worker {
        partner_console::webhooks::delivery::Worker {
            db: self.state.db.clone(),
            clock: self.state.clock.clone(),
            policy: partner_console::webhooks::delivery::Policy {
                allow_private: self.settings.webhooks.allow_private,
                retries: self.settings.webhooks.retries.clone(),
            },
            public_url: self.state.settings.public_url.clone(),
        }
    }

    /// Sends every due webhook delivery now, one `step()` at a time until none is due.
    pub async fn drain_webhooks(&self) -> Vec<partner_console::webhooks::delivery::Outcome> {
        use partner_console::webhooks::delivery::Outcome as Sent;
        let worker = self.webhook_worker();
        let mut outcomes = Vec::new();
        for _ in 0..MAX_OUTBOX_STEPS {
            match worker.step().await.expect("a webhook step") {
                Sent::Empty => return outcomes,
                other => outcomes.push(other),
            }
        }
        panic!("webhooks were still due after {MAX_OUTBOX_STEPS} steps: {outcomes:?}");
    }

    /// The newest mail to `to` once the outbox is drained.
    pub async fn mail_to(&self, to: &str) -> ReceivedMail {
        self.mail_with_subject(to, "").await
    }

    /// The newest mail to `to` whose subject starts with `subject`, once the outbox is drained.
    pub async fn mail_with_subject(&self, to: &str, subject: &str) -> ReceivedMail {
        self.drain_outbox().await;
        self.smtp.newest(to, subject).unwrap_or_else(|| {
            panic!(
                "no mail {subject:?} to {to}; got {:?}",
                self.smtp
                    .all()
                    .iter()
                    .map(|m| (&m.to, &m.subject))
                    .collect::<Vec<_>>()
            )
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The app's own browser (`client`, whose cookie jar its clones share) as a [`TestUser`].
    fn browser(&self) -> TestUser {
        TestUser {
            client: self.client.clone(),
            base: self.address.clone(),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.browser().open(path).await
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        self.browser().get_html(path).await
    }

    /// GETs `form_page`, takes its CSRF token and POSTs `fields` (plus the token) to `action`.
    pub async fn submit(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.browser().post_form(form_page, action, fields).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.submit(
            "/sign-in",
            "/sign-in",
            &[("email", email), ("password", password)],
        )
        .await
    }

    pub async fn create_operator(&self, email: &str) {
        operators::create_operator(&self.state.db, email, PASSWORD)
            .await
            .expect("create operator");
    }

    /// An active customer of `partner_id`, straight in the store; returns its customer id.
    pub async fn add_customer(&self, partner_id: i64, org_id: &str, name: &str) -> i64 {
        let mut tx = self.state.db.begin().await.unwrap();
        let new = partner_console::store::customers::NewCustomer {
            partner_id,
            org_id,
            org_name: name,
            email: &format!("it@{org_id}.example"),
            password_hash: "x",
            state: partner_console::domain::CustomerState::Active,
            signup_link_id: None,
            effected_at: Some(chrono::Utc::now()),
            aws_account: None,
        };
        let id = partner_console::store::customers::insert(&mut tx, new, chrono::Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// A partner of `kind` with an owner `email`; returns the partner id.
    pub async fn create_partner(&self, name: &str, kind: PartnerKind, email: &str) -> i64 {
        let mut tx = self.state.db.begin().await.unwrap();
        let new = partners::NewPartner {
            name,
            kind,
            website_url: "https://partner.example",
            logo_light_id: None,
            logo_dark_id: None,
        };
        let (id, _slug) = partners::insert(&mut tx, new, chrono::Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        operators::create_user(
            &self.state.db,
            email,
            PASSWORD,
            operators::member(id, Role::Owner),
        )
        .await
        .expect("create partner owner");
        id
    }
}

/// A person signed in in a browser of their own (a cookie jar), at one app. It is a
/// `reqwest::Client` too (Deref), for requests the helpers do not cover.
pub struct TestUser {
    client: reqwest::Client,
    base: String,
}

impl std::ops::Deref for TestUser {
    type Target = reqwest::Client;
    fn deref(&self) -> &reqwest::Client {
        &self.client
    }
}

impl TestUser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET `path` as this person.
    pub async fn open(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GET `path`: the status and the page.
    pub async fn get_html(&self, path: &str) -> (StatusCode, String) {
        let r = self.open(path).await;
        (r.status(), r.text().await.expect("a body"))
    }

    /// Opens `form_page` and posts `fields` to `action` with its CSRF token, as a browser does.
    pub async fn post_form(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let (_, html) = self.get_html(form_page).await;
        let token = csrf_token(&html);
        let mut all = fields.to_vec();
        all.push(("csrf_token", &token));
        self.client
            .post(self.url(action))
            .form(&all)
            .send()
            .await
            .expect("POST")
    }
}

impl TestApp {
    /// A visitor with a browser of their own, signed in as nobody.
    pub fn visitor(&self) -> TestUser {
        TestUser {
            client: new_client(),
            base: self.address.clone(),
        }
    }

    /// `email` signed in (with [`PASSWORD`]) in a browser of their own.
    pub async fn user(&self, email: &str) -> TestUser {
        signed_in_client(self, email).await
    }
}

/// A separate browser (cookie jar) signed in as `email`.
pub async fn signed_in_client(app: &TestApp, email: &str) -> TestUser {
    let user = app.visitor();
    let r = user
        .post_form(
            "/sign-in",
            "/sign-in",
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{email} signs in");
    user
}

/// The CSRF token of the first form in `html` (a hidden field, or the `csrf_token` parameter
/// of a multipart form's action).
pub fn csrf_token(html: &str) -> String {
    if let Some(i) = html.find("?csrf_token=") {
        let rest = &html[i + "?csrf_token=".len()..];
        return rest[..rest.find('"').unwrap()].to_string();
    }
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"input[name="csrf_token"]"#).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .unwrap_or_else(|| panic!("no csrf_token in page:\n{html}"))
        .to_string()
}

/// The text of the first element matching `css`, trimmed.
pub fn text_of(html: &str, css: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect::<String>().trim().to_string())
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The first link in `text` that starts with `prefix`.
pub fn link_in(text: &str, prefix: &str) -> String {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no link {prefix} in:\n{text}"));
    text[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .unwrap()
        .to_string()
}
