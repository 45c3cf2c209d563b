//! The `ferry` command line as a library: the binary is `main` calling [`run`]; the
//! configuration parser is public so that it can be fuzzed.

mod cli;
mod commands;
pub mod config;
mod error;
mod project;
mod render;
mod session;

use clap::Parser;
use cli::{Cli, LogFormat};
use error::CliError;

/// Parses the arguments, runs one command, reports any error and returns the documented
/// exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    init_logging(cli.global.log_format);
    tracing::debug!(version = env!("CARGO_PKG_VERSION"), "ferry starting");
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            render::err(&format!("error: cannot start: {e}"));
            return error::exit::FAILED;
        }
    };
    let json = cli.global.json;
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => error::exit::OK,
        Err(e) => report(&e, json),
    }
}

/// The event `--json` prints for an error.
#[derive(serde::Serialize)]
struct ErrorEvent {
    event: &'static str,
    kind: &'static str,
    exit_code: i32,
    message: String,
}

fn report(e: &CliError, json: bool) -> i32 {
    let code = e.exit_code();
    if json {
        let doc = ErrorEvent {
            event: "error",
            kind: e.kind(),
            exit_code: code,
            message: e.to_string(),
        };
        render::out(&serde_json::to_string(&doc).unwrap_or_default());
    }
    if !matches!(e, CliError::Check(_)) || !json {
        render::err(&format!("error: {e}"));
    }
    code
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("FERRY_LOG")
        // sqlx's own warnings quote connection parameters as given (a password among
        // them) and report ferry's deliberate statements; ferry reports what matters.
        .unwrap_or_else(|_| "warn,sqlx=error".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.with_target(false).init(),
    }
}
