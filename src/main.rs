//! The `partner-console` command: a thin CLI over the library.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use partner_console::app::operators;
use partner_console::config::Settings;
use partner_console::demo;
use partner_console::startup::{Application, connect_and_migrate};
use partner_console::telemetry;

#[derive(Parser)]
#[command(
    name = "partner-console",
    version,
    about = "Partner Console: the partner channel's web console and API"
)]
struct Cli {
    /// A TOML configuration file; environment variables override it (see README).
    #[arg(long, global = true, env = "PC_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server.
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Migrate, create the demo accounts (resetting their passwords), print them, and serve.
    Demo {
        /// Give the demo MSP this many customers in all (each with six months of usage), to see
        /// the console at scale; a second run with the same number adds nothing.
        #[arg(long, value_name = "N")]
        customers: Option<usize>,
    },
    /// Manage vendor operators.
    Operator {
        #[command(subcommand)]
        command: OperatorCommand,
    },
    /// Monthly bills.
    Bills {
        #[command(subcommand)]
        command: BillsCommand,
    },
    /// Load usage data.
    Usage {
        #[command(subcommand)]
        command: UsageCommand,
    },
}

#[derive(Subcommand)]
enum BillsCommand {
    /// Close a finished month (YYYY-MM): its bills are stored and never change afterwards.
    Close { month: String },
}

#[derive(Subcommand)]
enum UsageCommand {
    /// Load a CSV (header org_id,day,service,project,cluster,cost,record_key) or JSON-lines file;
    /// all of it or, if any line is bad, none of it.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum OperatorCommand {
    /// Create an operator; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
    },
    /// Issue an API key for an operator (for the usage ingest endpoint); shown once.
    Key {
        #[arg(long)]
        email: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log_format);
    match run(cli.command, settings).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve => {
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), mail = %app.mail_destination(), "partner console listening");
            app.run().await?;
        }
        Command::Migrate => {
            connect_and_migrate(&settings).await?;
            println!("migrations applied");
        }
        Command::Demo { customers } => {
            // The demo's operator signs in with a printed password; two-factor for /admin is
            // off there unless configured.
            let mut settings = settings;
            settings.require_operator_mfa.get_or_insert(false);
            let app = Application::build(settings).await?;
            let public_url = app.state().settings.public_url.clone();
            let seeded = seed_demo(&app, &public_url, customers).await?;
            println!("Partner Console demo: {public_url}");
            println!("mails: {}", app.mail_destination());
            for l in &seeded.logins {
                println!("login: {} {} ({})", l.email, l.password, l.who);
            }
            println!("customer signup link: {}", seeded.signup_url);
            for c in &seeded.curls {
                println!("{c}");
            }
            app.run().await?;
        }
        Command::Bills {
            command: BillsCommand::Close { month },
        } => {
            let Some(m) = partner_console::billing::month::Month::parse(&month) else {
                eprintln!("refused: months are written YYYY-MM, such as 2026-10");
                return Ok(ExitCode::from(2));
            };
            let db = connect_and_migrate(&settings).await?;
            let now = chrono::Utc::now();
            let wake = tokio::sync::Notify::new();
            let ctx = partner_console::app::Ctx::new(
                &db,
                now,
                &settings.public_url,
                &wake,
                &partner_console::api::shapes::API,
            );
            match partner_console::app::bills::close_month(ctx, m).await {
                Ok(r) => println!(
                    "closed {m}: {} partners, {} bill lines stored, {} invoices issued",
                    r.partners, r.lines, r.invoices
                ),
                Err(
                    e @ (partner_console::app::Error::Store(_)
                    | partner_console::app::Error::Internal(_)),
                ) => return Err(e.into()),
                Err(e) => {
                    eprintln!("refused: {e}");
                    return Ok(ExitCode::from(2));
                }
            }
        }
        Command::Usage {
            command: UsageCommand::Import { file },
        } => {
            return import_usage(&settings, &file).await;
        }
        Command::Operator {
            command: OperatorCommand::Key { email },
        } => {
            let db = connect_and_migrate(&settings).await?;
            let vault = partner_console::credentials::api_keys::KeyVault::new(
                &settings.resolve_api_key_secret()?,
            )?;
            match operators::issue_operator_key(&db, &vault, &email).await {
                Ok(key) => {
                    println!("public key: {}", key.public_key);
                    println!("private key: {} (shown only now)", key.private_key);
                    println!(
                        "curl --digest --user '{}:{}' -H 'Content-Type: text/csv' --data-binary @usage.csv {}/internal/v1/usage",
                        key.public_key, key.private_key, settings.public_url
                    );
                }
                Err(e @ partner_console::app::Error::Invalid(_)) => {
                    eprintln!("refused: {e}");
                    return Ok(ExitCode::from(2));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Command::Operator {
            command: OperatorCommand::Create { email },
        } => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\n', '\r']);
            let db = connect_and_migrate(&settings).await?;
            match operators::create_operator(&db, &email, password).await {
                Ok(_) => println!("operator {email} created"),
                Err(
                    e @ (partner_console::app::Error::Invalid(_)
                    | partner_console::app::Error::Conflict(_)),
                ) => {
                    eprintln!("refused: {e}");
                    return Ok(ExitCode::from(2));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Seeds the demo; with `--customers N` the demo MSP grows first, with the import's progress
/// bar, and what was added is told.
async fn seed_demo(
    app: &Application,
    public_url: &str,
    customers: Option<usize>,
) -> anyhow::Result<demo::Demo> {
    let state = app.state();
    let started = std::time::Instant::now();
    let mut progress: Option<partner_console::progress::Progress> = None;
    let mut tell = |done: usize, total: usize| {
        progress
            .get_or_insert_with(|| {
                partner_console::progress::Progress::rows("adding demo customers", total as u64)
            })
            .set(done as u64)
    };
    let grow = customers.map(|n| demo::Grow {
        customers: n,
        progress: &mut tell,
    });
    let seeded = demo::seed_and_grow(&state.db, &state.vault, public_url, grow).await?;
    if let Some(p) = progress {
        p.finish();
    }
    match (&seeded.scaled, customers) {
        (Some(s), Some(n)) if s.customers_added == 0 => {
            println!("demo MSP: {n} customers or more already; nothing added")
        }
        (Some(s), _) => println!(
            "demo MSP: {} customers added to {} ({} usage rows) in {:.0} s",
            s.customers_added,
            s.customers_before,
            s.usage_rows,
            started.elapsed().as_secs_f64()
        ),
        _ => {}
    }
    Ok(seeded)
}

async fn import_usage(settings: &Settings, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    use partner_console::billing::usage_file;
    use std::sync::atomic::{AtomicU64, Ordering};
    let opened = std::fs::File::open(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let size = opened.metadata().map(|m| m.len()).unwrap_or(0);
    let db = connect_and_migrate(settings).await?;
    // The file is read as it loads; the progress is the share of its bytes read.
    let read = std::sync::Arc::new(AtomicU64::new(0));
    let rows = usage_file::Rows::new(CountingRead {
        inner: opened,
        read: read.clone(),
    });
    let mut progress =
        partner_console::progress::Progress::bytes(&format!("loading {}", file.display()), size);
    let report = partner_console::app::usage::load(&db, rows, chrono::Utc::now(), |_| {
        progress.set(read.load(Ordering::Relaxed))
    })
    .await?;
    progress.finish();
    if report.rejected.is_empty() && report.inserted > 0 {
        let wake = tokio::sync::Notify::new();
        let ctx = partner_console::app::Ctx::new(
            &db,
            chrono::Utc::now(),
            &settings.public_url,
            &wake,
            &partner_console::api::shapes::API,
        );
        partner_console::app::usage::after_load(ctx, &report).await;
    }
    if report.rejected.is_empty() {
        println!(
            "loaded {}: {} inserted, {} skipped as already loaded, {} late (for closed months)",
            file.display(),
            report.inserted,
            report.skipped,
            report.late
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "nothing loaded from {}: {} line(s) rejected",
            file.display(),
            report.rejected_count()
        );
        for r in &report.rejected {
            println!("line {}: {}", r.line, r.reason);
        }
        if report.more_rejected > 0 {
            println!(
                "and {} more line(s) rejected after the first {} listed",
                report.more_rejected,
                report.rejected.len()
            );
        }
        Ok(ExitCode::from(1))
    }
}

/// A reader that counts the bytes read through it, for a load's progress.
struct CountingRead<R> {
    inner: R,
    read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: std::io::Read> std::io::Read for CountingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}
