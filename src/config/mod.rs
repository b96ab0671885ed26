//! Settings: defaults, then an optional TOML file, then environment variables. Read once at
//! start into [`Settings`]; secrets are wrapped so they never reach logs or `Debug` output.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

mod webhooks;
pub use webhooks::WebhookSettings;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Address the server listens on (`PC_BIND`); port 0 picks a free port.
    pub bind: String,
    /// The URL users reach the console at (`PC_PUBLIC_URL`); links in mails are built from it.
    pub public_url: String,
    /// Folder for the SQLite file, the generated session key and `.eml` files (`PC_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...` (`DATABASE_URL`).
    pub database_url: SecretString,
    /// PostgreSQL schema to use as search path (`PC_DATABASE_SCHEMA`); tests use one per test.
    pub database_schema: Option<String>,
    /// `smtp://host:port` or `smtps://user:pass@host` (`PC_SMTP_URL`); unset keeps mails in the
    /// outbox and writes `.eml` files.
    pub smtp_url: Option<SecretString>,
    /// Sender of every mail (`PC_MAIL_FROM`).
    pub mail_from: String,
    /// Where the vendor's customers sign in to the product (`PC_VENDOR_CONSOLE_URL`): a
    /// confirmed customer's next step.
    pub vendor_console_url: String,
    /// The vendor's name on the partners' statements (`PC_VENDOR_NAME`).
    pub vendor_name: String,
    /// 64 random bytes, base64 (`PC_SESSION_KEY`).
    pub session_key: Option<SecretString>,
    /// 32 random bytes, base64 (`PC_API_KEY_SECRET`): encrypts what verifies API keys.
    pub api_key_secret: Option<SecretString>,
    pub session_idle_minutes: i64,
    pub session_lifetime_hours: i64,
    pub signin_max_failures: i64,
    pub signin_window_minutes: i64,
    pub signin_max_per_address: i64,
    /// Take the client address from `X-Forwarded-For` (`PC_TRUST_PROXY`); only behind a proxy.
    pub trust_proxy: bool,
    /// `text` or `json` (`PC_LOG_FORMAT`).
    pub log_format: String,
    /// How often the outbox worker looks for due mails when nobody wakes it (`PC_OUTBOX_POLL_MS`).
    pub outbox_poll_ms: u64,
    /// Whether this process runs the outbox worker (`PC_OUTBOX_WORKER`, default true). Off, the
    /// mails wait in the outbox for another instance's worker (or a test's own steps).
    pub outbox_worker: bool,
    /// Requests per minute per API key (`PC_API_RATE_LIMIT_PER_MINUTE`).
    pub api_rate_limit_per_minute: u32,
    /// Failed API authentications per minute per client address (`PC_API_AUTH_FAILURES_PER_MINUTE`).
    pub api_auth_failures_per_minute: u32,
    /// Where rate-limit state lives (`PC_API_RATE_LIMIT_STORE`: `memory` or `database`); the
    /// default is the database on PostgreSQL, so that several instances share the limits.
    pub api_rate_limit_store: RateLimitStore,
    /// Largest usage file `POST /internal/v1/usage` takes, in bytes (`PC_USAGE_MAX_BYTES`,
    /// default 1 GiB); the body is spooled to a temporary file, never held in memory.
    pub usage_max_bytes: u64,
    /// Whether operators must use two-factor sign-in for `/admin` (`PC_REQUIRE_OPERATOR_MFA`);
    /// None is "not said", which is on, except for the demo ([`Settings::operator_mfa_required`]).
    pub require_operator_mfa: Option<bool>,
    pub webhooks: webhooks::WebhookSettings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitStore {
    Memory,
    Database,
}

/// The TOML file's shape: every key optional, named as the fields above.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    bind: Option<String>,
    public_url: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    database_schema: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    vendor_console_url: Option<String>,
    vendor_name: Option<String>,
    session_key: Option<String>,
    api_key_secret: Option<String>,
    session_idle_minutes: Option<i64>,
    session_lifetime_hours: Option<i64>,
    signin_max_failures: Option<i64>,
    signin_window_minutes: Option<i64>,
    signin_max_per_address: Option<i64>,
    trust_proxy: Option<bool>,
    log_format: Option<String>,
    outbox_poll_ms: Option<u64>,
    outbox_worker: Option<bool>,
    api_rate_limit_per_minute: Option<u32>,
    api_auth_failures_per_minute: Option<u32>,
    api_rate_limit_store: Option<String>,
    usage_max_bytes: Option<u64>,
    require_operator_mfa: Option<bool>,
    webhook_allow_private: Option<bool>,
    webhook_retries: Option<String>,
    webhook_poll_ms: Option<u64>,
}

impl Settings {
    /// Loads the file (if given) and the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
        let f = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("cannot read config file {}", p.display()))?;
                toml::from_str::<FileSettings>(&text)
                    .with_context(|| format!("config file {} is not valid", p.display()))?
            }
            None => FileSettings::default(),
        };
        Self::from_sources(f, |k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    fn from_sources(
        f: FileSettings,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Settings> {
        fn num<T: std::str::FromStr>(
            env: Option<String>,
            file: Option<T>,
            default: T,
            name: &str,
        ) -> anyhow::Result<T> {
            match env {
                Some(v) => v
                    .parse()
                    .map_err(|_| anyhow::anyhow!("{name} must be a number, got {v:?}")),
                None => Ok(file.unwrap_or(default)),
            }
        }
        let bind = env("PC_BIND")
            .or(f.bind)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let data_dir = env("PC_DATA_DIR")
            .map(PathBuf::from)
            .or(f.data_dir)
            .unwrap_or_else(|| "data".into());
        let public_url = env("PC_PUBLIC_URL")
            .or(f.public_url)
            // On the loopback address the console is named `localhost`: the same place, and a
            // domain name, which passkeys (WebAuthn) need.
            .unwrap_or_else(|| match bind.strip_prefix("127.0.0.1:") {
                Some(port) => format!("http://localhost:{port}"),
                None => format!("http://{bind}"),
            })
            .trim_end_matches('/')
            .to_string();
        url::Url::parse(&public_url)
            .with_context(|| format!("PC_PUBLIC_URL {public_url:?} is not a URL"))?;
        let database_url = env("DATABASE_URL").or(f.database_url).unwrap_or_else(|| {
            format!("sqlite://{}", data_dir.join("partner-console.db").display())
        });
        let log_format = env("PC_LOG_FORMAT")
            .or(f.log_format)
            .unwrap_or_else(|| "text".into());
        if log_format != "text" && log_format != "json" {
            bail!("PC_LOG_FORMAT must be text or json, got {log_format:?}");
        }
        let trust_proxy = match env("PC_TRUST_PROXY") {
            Some(v) => matches!(v.as_str(), "1" | "true" | "yes"),
            None => f.trust_proxy.unwrap_or(false),
        };
        let outbox_worker = match env("PC_OUTBOX_WORKER") {
            Some(v) => !matches!(v.as_str(), "0" | "false" | "no"),
            None => f.outbox_worker.unwrap_or(true),
        };
        let is_pg = is_postgres_url(&database_url);
        let api_rate_limit_store = match env("PC_API_RATE_LIMIT_STORE")
            .or(f.api_rate_limit_store)
            .as_deref()
        {
            None if is_pg => RateLimitStore::Database,
            None => RateLimitStore::Memory,
            Some("memory") => RateLimitStore::Memory,
            Some("database") => RateLimitStore::Database,
            Some(other) => {
                bail!("PC_API_RATE_LIMIT_STORE must be memory or database, got {other:?}")
            }
        };
        let api_rate_limit_per_minute = num(
            env("PC_API_RATE_LIMIT_PER_MINUTE"),
            f.api_rate_limit_per_minute,
            100,
            "PC_API_RATE_LIMIT_PER_MINUTE",
        )?;
        let api_auth_failures_per_minute = num(
            env("PC_API_AUTH_FAILURES_PER_MINUTE"),
            f.api_auth_failures_per_minute,
            30,
            "PC_API_AUTH_FAILURES_PER_MINUTE",
        )?;
        let per_minute = 1..=1_000_000;
        if !per_minute.contains(&api_rate_limit_per_minute)
            || !per_minute.contains(&api_auth_failures_per_minute)
        {
            bail!(
                "PC_API_RATE_LIMIT_PER_MINUTE and PC_API_AUTH_FAILURES_PER_MINUTE must be from 1 to 1000000"
            );
        }
        Ok(Settings {
            bind,
            public_url,
            data_dir,
            database_url: SecretString::from(database_url),
            database_schema: env("PC_DATABASE_SCHEMA").or(f.database_schema),
            smtp_url: env("PC_SMTP_URL").or(f.smtp_url).map(SecretString::from),
            mail_from: env("PC_MAIL_FROM")
                .or(f.mail_from)
                .unwrap_or_else(|| "Partner Console <no-reply@partner-console.local>".into()),
            vendor_console_url: env("PC_VENDOR_CONSOLE_URL")
                .or(f.vendor_console_url)
                .unwrap_or_else(|| "https://tidbcloud.com".into()),
            vendor_name: env("PC_VENDOR_NAME")
                .or(f.vendor_name)
                .unwrap_or_else(|| "TiDB Cloud".into()),
            session_key: env("PC_SESSION_KEY")
                .or(f.session_key)
                .map(SecretString::from),
            api_key_secret: env("PC_API_KEY_SECRET")
                .or(f.api_key_secret)
                .map(SecretString::from),
            session_idle_minutes: num(
                env("PC_SESSION_IDLE_MINUTES"),
                f.session_idle_minutes,
                30,
                "PC_SESSION_IDLE_MINUTES",
            )?,
            session_lifetime_hours: num(
                env("PC_SESSION_LIFETIME_HOURS"),
                f.session_lifetime_hours,
                12,
                "PC_SESSION_LIFETIME_HOURS",
            )?,
            signin_max_failures: num(
                env("PC_SIGNIN_MAX_FAILURES"),
                f.signin_max_failures,
                5,
                "PC_SIGNIN_MAX_FAILURES",
            )?,
            signin_window_minutes: num(
                env("PC_SIGNIN_WINDOW_MINUTES"),
                f.signin_window_minutes,
                15,
                "PC_SIGNIN_WINDOW_MINUTES",
            )?,
            signin_max_per_address: num(
                env("PC_SIGNIN_MAX_PER_ADDRESS"),
                f.signin_max_per_address,
                20,
                "PC_SIGNIN_MAX_PER_ADDRESS",
            )?,
            trust_proxy,
            log_format,
            outbox_poll_ms: num(
                env("PC_OUTBOX_POLL_MS"),
                f.outbox_poll_ms,
                2000,
                "PC_OUTBOX_POLL_MS",
            )?,
            outbox_worker,
            api_rate_limit_per_minute,
            api_auth_failures_per_minute,
            api_rate_limit_store,
            usage_max_bytes: num(
                env("PC_USAGE_MAX_BYTES"),
                f.usage_max_bytes,
                1 << 30,
                "PC_USAGE_MAX_BYTES",
            )?,
            require_operator_mfa: match env("PC_REQUIRE_OPERATOR_MFA") {
                Some(v) => Some(matches!(v.as_str(), "1" | "true" | "yes")),
                None => f.require_operator_mfa,
            },
            webhooks: webhooks::WebhookSettings::from_sources(
                (
                    f.webhook_allow_private,
                    f.webhook_retries,
                    f.webhook_poll_ms,
                ),
                &env,
            )?,
        })
    }

    /// The defaults alone, before any file or environment: a base for tests and benchmarks,
    /// which set the fields they care about with struct update syntax.
    pub fn defaults() -> Settings {
        Self::from_sources(FileSettings::default(), |_| None).expect("the defaults are valid")
    }

    /// Whether `/admin` takes two-factor sign-in: yes unless configured off.
    pub fn operator_mfa_required(&self) -> bool {
        self.require_operator_mfa.unwrap_or(true)
    }

    pub fn is_postgres(&self) -> bool {
        is_postgres_url(self.database_url.expose_secret())
    }

    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// The session key: from configuration, or on the embedded default generated once and kept
    /// in the data folder. PostgreSQL deployments may run several instances, which must share
    /// one key, so there it is required.
    pub fn resolve_session_key(&self) -> anyhow::Result<Vec<u8>> {
        self.resolve_secret(
            self.session_key.as_ref(),
            "PC_SESSION_KEY",
            "session.key",
            64,
        )
    }

    /// The key that encrypts API keys' verifiers; resolved like the session key. Changing it
    /// makes every existing API key unusable.
    pub fn resolve_api_key_secret(&self) -> anyhow::Result<Vec<u8>> {
        self.resolve_secret(
            self.api_key_secret.as_ref(),
            "PC_API_KEY_SECRET",
            "api-key.secret",
            32,
        )
    }

    fn resolve_secret(
        &self,
        configured: Option<&SecretString>,
        name: &str,
        file: &str,
        len: usize,
    ) -> anyhow::Result<Vec<u8>> {
        let engine = base64::engine::general_purpose::STANDARD;
        if let Some(k) = configured {
            let bytes = engine
                .decode(k.expose_secret().trim())
                .with_context(|| format!("{name} is not valid base64"))?;
            if bytes.len() != len {
                bail!(
                    "{name} must be {len} bytes (base64 of {len} random bytes), got {}",
                    bytes.len()
                );
            }
            return Ok(bytes);
        }
        if self.is_postgres() {
            bail!(
                "{name} is required with PostgreSQL (every instance must share it); \
                 make one with: head -c {len} /dev/urandom | base64 -w0"
            );
        }
        let path = self.data_dir.join(file);
        if let Ok(text) = std::fs::read_to_string(&path) {
            let bytes = engine
                .decode(text.trim())
                .with_context(|| format!("{} is corrupt", path.display()))?;
            if bytes.len() == len {
                return Ok(bytes);
            }
            bail!("{} does not hold {len} bytes", path.display());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("cannot create data folder {}", self.data_dir.display()))?;
        let key: Vec<u8> = (0..len).map(|_| rand::random::<u8>()).collect();
        write_private(&path, engine.encode(&key).as_bytes())?;
        Ok(key)
    }
}

fn is_postgres_url(u: &str) -> bool {
    u.starts_with("postgres://") || u.starts_with("postgresql://")
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(bytes)?;
    Ok(())
}

#[cfg(test)]
mod tests;
