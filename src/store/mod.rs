//! The data store: one body of SQL for SQLite (embedded default) and PostgreSQL.
//!
//! Every query is written once, with `$1`-style placeholders that both dialects accept, and run
//! through [`on_conn!`], which expands the same body once per backend so each copy is type-checked
//! against its own driver. Where the dialects truly differ (row locking), the statement lives in a
//! small function with one variant per backend, next to the concept it belongs to.
//!
//! Page sizes are bound as `LIMIT CAST($n AS BIGINT)`, never `LIMIT $n`: SQLite plans with the
//! value of a bare bound LIMIT and so compiles the statement again at every new binding (on
//! the API's customer list that was a full compile per request). Partial indexes do the same
//! to every statement on their table, so there are none.

pub mod agreements;
pub mod api_keys;
pub mod applications;
pub mod audit;
pub mod authorizations;
pub mod budgets;
pub mod closed;
pub mod customers;
pub mod grants;
pub mod invoice_settings;
pub mod invoices;
mod json;
pub mod logos;
pub mod offers;
pub mod operator_keys;
pub mod outbox;
pub mod partners;
pub mod passkeys;
pub mod price_plans;
pub mod rate_limits;
pub mod sessions;
pub mod signup_links;
pub mod statements;
pub mod throttle;
pub mod tokens;
pub mod two_factor;
pub mod usage;
pub mod users;
pub mod webhooks;

use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

/// Errors of the store layer; unique violations are turned into [`StoreError::Conflict`] here so
/// that callers never inspect driver messages.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("a record with this {0} already exists")]
    Conflict(&'static str),
    #[error("record not found")]
    NotFound,
    /// Another writer changed what this one had just read; nothing was written.
    #[error("{0}")]
    Raced(&'static str),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Maps a unique-constraint violation to a named conflict; everything else passes through.
pub trait OnConflict<T> {
    fn on_unique(self, what: &'static str) -> StoreResult<T>;
}

impl<T> OnConflict<T> for Result<T, sqlx::Error> {
    fn on_unique(self, what: &'static str) -> StoreResult<T> {
        self.map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
            _ => StoreError::Database(e),
        })
    }
}

/// A connection pool to one of the two supported stores.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A borrowed connection of either backend; what [`on_conn!`] dispatches on.
pub enum ConnRef<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Anything queries can run on: a pooled connection or an open transaction.
pub trait Conn: Send {
    fn conn(&mut self) -> ConnRef<'_>;
}

/// A connection taken from the pool.
pub enum PoolConn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// An open transaction; dropped without [`Tx::commit`] it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Conn for PoolConn {
    fn conn(&mut self) -> ConnRef<'_> {
        match self {
            PoolConn::Sqlite(c) => ConnRef::Sqlite(c),
            PoolConn::Postgres(c) => ConnRef::Postgres(c),
        }
    }
}

impl Conn for Tx {
    fn conn(&mut self) -> ConnRef<'_> {
        match self {
            Tx::Sqlite(t) => ConnRef::Sqlite(t),
            Tx::Postgres(t) => ConnRef::Postgres(t),
        }
    }
}

/// Runs one body of query code on whichever backend `$conn` is, binding `$c` to the driver's
/// connection. The body is expanded once per backend; its SQL text is shared.
#[macro_export]
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match $crate::store::Conn::conn(&mut *$conn) {
            $crate::store::ConnRef::Sqlite($c) => $body,
            $crate::store::ConnRef::Postgres($c) => $body,
        }
    };
}

/// Runs one statement on whichever backend `$conn` is (as [`on_conn!`]) and gives how many rows
/// it changed.
#[macro_export]
macro_rules! execute {
    ($conn:expr, $c:ident => $query:expr) => {
        $crate::on_conn!($conn, $c => $query.execute($c).await.map(|r| r.rows_affected()))
    };
}

/// Which backend a pool talks to; for the few statements that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://...`). For PostgreSQL an optional schema
    /// becomes the search path, which lets tests and tenants share one database.
    pub async fn connect(url: &str, pg_schema: Option<&str>) -> StoreResult<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut opts = PgConnectOptions::from_str(url)?;
            if let Some(schema) = pg_schema {
                opts = opts.options([("search_path", schema)]);
            }
            // sqlx pings every connection given back to the pool and closes a broken one
            // there; a second ping before each use cost every API request a round trip.
            let pool = PgPoolOptions::new()
                .max_connections(10)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(opts)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Pages are read through pread into a 4 MiB cache per connection; the kernel's
                // page cache holds the file. Mapped (`mmap_size` 256 MiB), every page a read
                // touched counted in the process's resident memory: the running month's bill of
                // 100 000 customers rose it 67 MiB and its FOCUS file 260 MiB, for no speed
                // measured (README, Benchmarks). At 32 MiB each, four answers at once of
                // 100 000 customers filled four caches, 200 MiB that stayed.
                .pragma("mmap_size", "0")
                .pragma("cache_size", "-4096");
            // An embedded connection cannot break on the way as a network one can: no ping before
            // each use (it is a round trip through the connection's worker thread, once a third
            // of an API request's own time).
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(opts)
                .await?;
            Ok(Db::Sqlite(pool))
        }
    }

    /// A small pool of its own for the API's rate limits on PostgreSQL, whose sessions commit
    /// without waiting for the WAL flush: a crash may lose a few milliseconds of rate-limit
    /// state, nothing else, and each take is one statement instead of a transaction of three.
    /// `None` on SQLite, where the limits run on the caller's connection. Connects lazily.
    pub fn rate_limit_pool(url: &str, pg_schema: Option<&str>) -> StoreResult<Option<Db>> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Ok(None);
        }
        let mut options = vec![("synchronous_commit", "off")];
        if let Some(schema) = pg_schema {
            options.push(("search_path", schema));
        }
        let opts = PgConnectOptions::from_str(url)?.options(options);
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(5))
            .test_before_acquire(false)
            .connect_lazy_with(opts);
        Ok(Some(Db::Postgres(pool)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> StoreResult<()> {
        self.migrate_to(i64::MAX).await
    }

    /// Applies the embedded migrations up to and including `version`; upgrade tests build a
    /// database as an older release left it this way.
    pub async fn migrate_to(&self, version: i64) -> StoreResult<()> {
        match self {
            Db::Sqlite(p) => {
                sqlx::migrate!("migrations/sqlite")
                    .run_to(version, p)
                    .await?
            }
            Db::Postgres(p) => {
                sqlx::migrate!("migrations/postgres")
                    .run_to(version, p)
                    .await?
            }
        }
        Ok(())
    }

    pub async fn acquire(&self) -> StoreResult<PoolConn> {
        Ok(match self {
            Db::Sqlite(p) => PoolConn::Sqlite(p.acquire().await?),
            Db::Postgres(p) => PoolConn::Postgres(p.acquire().await?),
        })
    }

    /// Opens a write transaction. SQLite's takes the write lock up front (`BEGIN IMMEDIATE`):
    /// a deferred transaction that reads and then writes fails with BUSY instead of waiting.
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Answers whether the database takes a trivial query; used by `/readyz`.
    pub async fn ping(&self) -> StoreResult<()> {
        let mut c = self.acquire().await?;
        on_conn!(&mut c, c => sqlx::query("SELECT 1").execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Ends the transaction now. Dropping one also rolls it back, but only when the pool's
    /// release task next runs: until then the connection keeps its locks.
    pub async fn rollback(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }
}
