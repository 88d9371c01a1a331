//! The server binary: reads the configuration, runs migrations and the places seed, then serves
//! or runs a command (see `commands::cli`).
#![recursion_limit = "256"]
use app::server::accounts::admins;
use app::server::{email, places, worker, Config};
use server::commands::cli::{self, Command};
use server::commands::{bench_alerts, bench_chat, bench_escrow, demo};
use server::{http::metrics::Metrics, leptos_config, MIGRATOR};
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

/// mimalloc, not the system's malloc: a server-rendered page makes thousands of small
/// allocations (the views, their attributes, the strings), and with glibc's malloc they took
/// about a third of the instructions of a search page (README, "Speed").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let _ = dotenvy::dotenv();
    leptos_config::apply_leptos_toml();
    init_logs();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match cli::parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    if let Err(e) = runtime.block_on(run(command)) {
        tracing::error!("{e}");
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn init_logs() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    if std::env::var("LOG_FORMAT").is_ok_and(|f| f == "json") {
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
}

fn database_url() -> Result<String, String> {
    std::env::var("DATABASE_URL").map_err(|_| "DATABASE_URL is not set (see README)".to_string())
}

async fn run(command: Command) -> Result<(), String> {
    if command == Command::Help {
        print!("{}", cli::USAGE);
        return Ok(());
    }
    let max = std::env::var("DATABASE_MAX_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let pool = server::pool(&database_url()?, max).map_err(|e| e.to_string())?;
    MIGRATOR
        .run(&pool)
        .await
        .map_err(|e| format!("migrations: {e}"))?;
    if places::seed::run(&pool)
        .await
        .map_err(|e| format!("places: {e}"))?
    {
        tracing::info!("loaded countries, cities and airports");
    }
    match command {
        Command::Migrate => {
            println!("migrations applied");
            Ok(())
        }
        Command::AdminCreate {
            email,
            password,
            name,
        } => {
            let created =
                admins::create_or_promote_admin(&pool, &email, password.as_deref(), &name)
                    .await
                    .map_err(|e| e.to_string())?;
            println!(
                "{} {email} is an admin",
                if created { "created:" } else { "promoted:" }
            );
            Ok(())
        }
        Command::ApiToken {
            email,
            name,
            write,
            days,
        } => {
            let form = app::server::accounts::api_tokens::NewToken {
                name: &name,
                read: true,
                write,
                days: &days,
            };
            let token = app::server::accounts::api_tokens::create_for_email(&pool, &email, &form)
                .await
                .map_err(|e| match e {
                    app::error::AppError::Validation { fields, .. } if !fields.is_empty() => fields
                        .iter()
                        .map(|f| format!("{}: {}", f.field, f.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                    e => e.to_string(),
                })?;
            println!("{token}");
            Ok(())
        }
        Command::Demo { large } => {
            demo::accounts(&pool).await?;
            if large {
                demo::large(&pool).await
            } else {
                demo::small(&pool, &Config::from_env()).await
            }
        }
        Command::BenchMatch { n } => demo::bench_match(&pool, n).await,
        Command::BenchEscrow { n } => bench_escrow::run(&pool, n).await,
        Command::BenchAlerts { alerts, n } => bench_alerts::run(&pool, alerts, n).await,
        Command::BenchChat {
            a,
            b,
            clients,
            seconds,
        } => bench_chat::run(&pool, clients, seconds, &a, &b).await,
        Command::LedgerCheck => {
            let findings = app::server::money::ledger::check(&pool)
                .await
                .map_err(|e| e.to_string())?;
            for f in &findings {
                println!(
                    "{} {}{}",
                    if f.ok { "ok  " } else { "FAIL" },
                    f.check,
                    if f.detail.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", f.detail)
                    }
                );
            }
            if findings.iter().all(|f| f.ok) {
                Ok(())
            } else {
                Err("the ledger check failed".into())
            }
        }
        Command::Serve => serve(pool).await,
        Command::Help => Ok(()),
    }
}

async fn serve(pool: sqlx::PgPool) -> Result<(), String> {
    let conf = leptos_config::load()?;
    let options = conf.leptos_options;
    let addr = options.site_addr;
    let mut config = Config::from_env();
    config.check_for_serving()?;
    config.seal_key = app::server::secrets::load_or_create(&pool, "seal")
        .await
        .map_err(|e| format!("secrets: {e}"))?;
    if config.demo {
        tracing::warn!("demo deployment: payments are simulated");
    }
    if std::env::var("CARRY_DEMO_DATA").is_ok_and(|v| v == "1" || v == "true") {
        demo::accounts(&pool).await?;
        demo::small(&pool, &config).await?;
    }
    tokio::spawn(worker::run(pool.clone()));
    if let Some(smtp) = config.smtp.clone() {
        tokio::spawn(email::run_sender(
            pool.clone(),
            smtp,
            config.public_url.clone(),
        ));
    } else {
        tracing::info!("SMTP is not configured: emails stay in the outbox");
    }
    let state = server::state(options, pool, config);
    let app = server::router(state, Arc::new(Metrics::default()));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!("listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| e.to_string())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
