//! Builds the application from [`Settings`]: store, migrations, state, middleware, routes, the
//! outbox worker. `main` and the tests both start the console through [`Application::build`].

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use secrecy::ExposeSecret;
use tokio::sync::Notify;

use crate::config::Settings;
use crate::credentials::Passwords;
use crate::credentials::api_keys::KeyVault;
use crate::mail::worker::Worker;
use crate::metrics::Metrics;
use crate::state::{AppState, Clock};
use crate::store::Db;
use crate::telemetry::observe;
use crate::web::csrf::verify_csrf;
use crate::web::error::AppError;
use crate::web::guard::identify;

pub const SESSION_COOKIE: &str = "pc_session";

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    worker: Worker,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = connect_and_migrate(&settings).await?;
        let session_bytes = settings.resolve_session_key()?;
        let session_key =
            Key::try_from(session_bytes.as_slice()).context("session key too short")?;
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let mut settings = settings;
        // With port 0 and no explicit public URL, links in mails must name the port we got.
        if let Some(base) = settings.public_url.strip_suffix(":0") {
            settings.public_url = format!("{base}:{port}");
        }
        let vault = KeyVault::new(&settings.resolve_api_key_secret()?)?;
        let clock = Clock::default();
        let worker = Worker::new(db.clone(), &settings, clock.clone())?
            .with_attachments(Arc::new(crate::app::invoices::send::InvoicePdfs));
        let api = crate::api::ApiState::new(&settings, &session_bytes)?;
        let passkeys = crate::credentials::passkeys::Passkeys::new(
            &settings.public_url,
            &format!("{} Partner Console", settings.vendor_name),
        );
        if passkeys.is_none() {
            tracing::info!(public_url = %settings.public_url, "passkeys are off: WebAuthn needs the console at a domain name");
        }
        let state = AppState {
            db,
            settings: Arc::new(settings),
            passwords: Passwords::default(),
            outbox_wake: Arc::new(Notify::new()),
            metrics: Metrics::new(),
            clock,
            vault,
            passkeys,
            api,
            shapes: &crate::api::shapes::API,
        };
        let server = serve(listener, state.clone(), session_key)?;
        Ok(Application {
            port,
            server,
            state,
            worker,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// A webhook worker on this application's store, clock and settings (tests step it).
    pub fn webhook_worker(&self) -> crate::webhooks::delivery::Worker {
        let s = &self.state.settings;
        crate::webhooks::delivery::Worker {
            db: self.state.db.clone(),
            clock: self.state.clock.clone(),
            policy: crate::webhooks::delivery::Policy {
                allow_private: s.webhooks.allow_private,
                retries: s.webhooks.retries.clone(),
            },
            public_url: s.public_url.clone(),
        }
    }

    /// Where mails go: "SMTP" or the `.eml` folder.
    pub fn mail_destination(&self) -> String {
        self.worker.transport.describe()
    }

    /// Serves until SIGTERM/SIGINT; in-flight requests get up to 30 s to finish, then the outbox
    /// worker stops between two mails.
    pub async fn run(self) -> anyhow::Result<()> {
        let hooks = self.webhook_worker();
        let stop = Arc::new(Notify::new());
        let poll = Duration::from_millis(self.state.settings.outbox_poll_ms.max(50));
        let worker = self.state.settings.outbox_worker.then(|| {
            tokio::spawn(
                self.worker
                    .run(self.state.outbox_wake.clone(), stop.clone(), poll),
            )
        });
        // Offers past their expiry and customers whose agreement ended are written down as
        // expired here, audited as the system's (reads and commands already see a lapsed offer
        // as expired). Owners of API keys that stop within a week are e-mailed, and sessions
        // that can no longer be used are forgotten, on the same timer.
        let sweeper = self.state.settings.outbox_worker.then(|| {
            let state = self.state.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(SWEEP_EVERY);
                let limits = crate::app::sessions::Lifetimes::of(&state.settings);
                loop {
                    every.tick().await;
                    if let Err(e) = crate::app::offers::sweep(state.app(), None).await {
                        tracing::warn!(error = %e, "the expiry sweep failed; it runs again later");
                    }
                    if let Err(e) = crate::app::api_keys::warn_expiring(state.app()).await {
                        tracing::warn!(error = %e, "warning of expiring API keys failed; it runs again later");
                    }
                    if let Err(e) = crate::app::sessions::prune(&state.db, limits, state.now()).await
                    {
                        tracing::warn!(error = %e, "forgetting ended sessions failed; it runs again later");
                    }
                }
            })
        });
        // Webhook deliveries, on the same switch as the outbox: several instances may each run
        // one, since deliveries are claimed write-first.
        // Its own stop: a `Notify` keeps one wake-up for one waiter.
        let stop_webhooks = Arc::new(Notify::new());
        let webhooks = self.state.settings.outbox_worker.then(|| {
            let w = hooks;
            let poll = Duration::from_millis(self.state.settings.webhooks.poll_ms.max(20));
            tokio::spawn(w.run(stop_webhooks.clone(), poll))
        });
        let served = self.server.await;
        stop.notify_one();
        stop_webhooks.notify_one();
        if let Some(s) = sweeper {
            s.abort();
        }
        if let Some(w) = worker {
            let _ = w.await;
        }
        if let Some(w) = webhooks {
            let _ = w.await;
        }
        served.context("server failed")
    }
}

/// How often the expiry sweep runs.
const SWEEP_EVERY: Duration = Duration::from_secs(300);

pub async fn connect_and_migrate(settings: &Settings) -> anyhow::Result<Db> {
    if !settings.is_postgres() {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!("cannot create data folder {}", settings.data_dir.display())
        })?;
    }
    let db = Db::connect(
        settings.database_url.expose_secret(),
        settings.database_schema.as_deref(),
    )
    .await
    .context("cannot open the database (check DATABASE_URL)")?;
    db.migrate().await.context("migrations failed")?;
    Ok(db)
}

fn serve(listener: TcpListener, state: AppState, key: Key) -> anyhow::Result<Server> {
    let https = state.settings.is_https();
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        let sessions = SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
            .cookie_name(SESSION_COOKIE.to_string())
            .cookie_secure(https)
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .cookie_content_security(CookieContentSecurity::Private)
            .session_lifecycle(BrowserSession::default())
            .build();
        App::new()
            // Innermost first: CSRF and identification need the session, which needs to be
            // inside `observe` so that every answer gets headers, logs and metrics. Error pages
            // are rendered outside both, so that their refusals are styled too, and inside the
            // session, which the page reads.
            .wrap(from_fn(verify_csrf))
            .wrap(from_fn(identify))
            .wrap(from_fn(crate::web::error_page::localize))
            .wrap(sessions)
            .wrap(from_fn(observe))
            .app_data(data.clone())
            .app_data(
                web::FormConfig::default()
                    .limit(256 * 1024)
                    .error_handler(|_, _| AppError::BadRequest.into()),
            )
            .app_data(web::QueryConfig::default().error_handler(|_, _| AppError::BadRequest.into()))
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .configure(crate::api::ingest::configure)
            .configure(crate::api::msp::configure)
            .configure(crate::api::v1::configure)
            .configure(crate::web::configure)
            .default_service(web::to(crate::web::error_page::not_found))
    })
    .shutdown_timeout(30)
    .listen(listener)?
    .run();
    Ok(server)
}
