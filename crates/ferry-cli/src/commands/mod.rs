//! One file per command; this module dispatches.

mod baseline;
mod convert;
mod doctor;
mod drift;
mod generate;
mod import_history;
mod init;
mod lint;
mod locks;
mod migrate;
mod new;
mod plan;
mod plugin;
mod repair;
mod risk;
mod rollback;
mod schema;
mod status;
mod test;
mod validate;
mod verify;

use crate::cli::{Cli, Command, Global};
use crate::error::CliError;
use crate::render::out;
use crate::session::Session;
use ferry_core::Version;
use ferry_engine::runner::Done;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let g = &cli.global;
    match cli.command {
        Command::Init { force } => init::run(g, force),
        Command::Doctor => doctor::run(g).await,
        Command::Plugin { command } => plugin::run(g, command).await,
        Command::Schema { command } => schema::run(g, command).await,
        Command::Generate { command } => generate::run(g, command),
        Command::Lint {
            paths,
            engine,
            format,
            fail_on,
        } => lint::run(g, &paths, engine, (format, fail_on)).await,
        Command::Drift {
            accept,
            ignore_column_order,
        } => drift::run(g, accept, ignore_column_order).await,
        Command::Test {
            all,
            keep,
            ignore_column_order,
        } => {
            let options = test::Options {
                all,
                keep,
                ignore_column_order,
            };
            test::run(g, options).await
        }
        Command::Convert { to, plugin, out } => convert::run(g, to, plugin.as_deref(), &out),
        Command::Plan {
            plugin,
            to_version,
            verbose,
        } => {
            let options = plan::Options {
                plugin,
                to_version,
                verbose,
            };
            plan::run(g, options).await
        }
        Command::New {
            name,
            no_transaction,
        } => new::run(g, &name, no_transaction),
        // A project of plugins only: migrate is the plan across them.
        Command::Migrate {
            dry_run,
            to: None,
            allow_out_of_order,
            ..
        } if plugins_only(g)? => plugin::migrate_all(g, dry_run, allow_out_of_order).await,
        command => {
            // validate checks every file for itself.
            let cached = !matches!(command, Command::Validate | Command::Verify);
            let creates = matches!(
                command,
                Command::Migrate { dry_run: false, .. } | Command::Baseline { .. }
            );
            if matches!(command, Command::Verify) {
                schema::require_sqlite_file(&crate::config::Config::load(g)?.url)?;
            }
            let mut session = Session::open(g, cached, creates).await?;
            let result = run_connected(&mut session, g, command).await;
            session.close().await;
            result
        }
    }
}

/// Whether the project has no migrations folder of its own but has plugins.
/// (The plugins themselves are read once, by the plan.)
fn plugins_only(g: &Global) -> Result<bool, CliError> {
    let config = crate::config::Config::load(g)?;
    Ok(!config.dir.exists() && config.plugins_dir.is_dir())
}

async fn run_connected(
    s: &mut Session,
    g: &crate::cli::Global,
    command: Command,
) -> Result<(), CliError> {
    match command {
        Command::Status { check } => status::run(s, g, check).await,
        Command::Migrate {
            to,
            dry_run,
            allow_out_of_order,
            ignore_other_tools,
        } => {
            let kind = s.version_kind();
            let target = (to.as_deref())
                .map(|v| parse_version(v, kind))
                .transpose()?;
            if !dry_run {
                risk::gate(s, g, target.as_ref(), g.allow_risk).await?;
            }
            migrate::run(
                s,
                g,
                target,
                dry_run,
                (allow_out_of_order, ignore_other_tools),
            )
            .await
        }
        Command::Rollback {
            steps,
            to,
            batch,
            dry_run,
        } => {
            let target = rollback::target(steps, to.as_deref(), batch, s.version_kind())?;
            rollback::run(s, g, target, "rollback", dry_run).await
        }
        Command::Redo => rollback::redo(s, g).await,
        Command::Validate => validate::run(s, g).await,
        Command::Verify => verify::run(s, g).await,
        Command::Repair {
            accept_checksums,
            clear_failed,
            accept_down,
            mark_applied,
            mark_rolled_back,
        } => {
            use ferry_core::RowState;
            let mark = match (mark_applied, mark_rolled_back) {
                (Some(v), _) => Some((parse_version(&v, s.version_kind())?, RowState::Applied)),
                (_, Some(v)) => Some((parse_version(&v, s.version_kind())?, RowState::RolledBack)),
                _ => None,
            };
            let options = ferry_core::plan::RepairRequest {
                accept_checksums,
                clear_failed,
                accept_downs: accept_down,
                mark,
            };
            repair::run(s, g, options).await
        }
        Command::Baseline { version } => {
            let version = parse_version(&version, s.version_kind())?;
            baseline::run(s, g, &version).await
        }
        Command::Reset => rollback::reset(s, g).await,
        Command::ImportHistory { from, dry_run } => {
            let tool = import_history::tool(&from)?;
            import_history::run(s, g, tool, dry_run).await
        }
        Command::Init { .. }
        | Command::New { .. }
        | Command::Doctor
        | Command::Plan { .. }
        | Command::Convert { .. }
        | Command::Plugin { .. }
        | Command::Schema { .. }
        | Command::Generate { .. }
        | Command::Lint { .. }
        | Command::Drift { .. }
        | Command::Test { .. } => {
            unreachable!("handled before connecting")
        }
    }
}

/// Parses a version given on the command line as the folder's convention writes them;
/// `0` always means "before the first migration".
pub fn parse_version(text: &str, kind: ferry_core::VersionKind) -> Result<Version, CliError> {
    if text == "0" {
        return Ok(Version::default());
    }
    Version::parse_as(kind, text).ok_or_else(|| {
        CliError::Usage(format!(
            "`{text}` is not a version; write it like 3, 003 or 2.1"
        ))
    })
}

/// Prints what a command did: with `--json` a summary event listing `done` under `key`,
/// else `text`, if any.
pub fn summary(g: &Global, command: &str, key: &str, done: &[Done], text: Option<String>) {
    if g.json {
        let doc = Summary {
            event: "summary",
            command,
            key,
            done,
        };
        out(&serde_json::to_string(&doc).unwrap_or_default());
    } else if let Some(text) = text {
        out(&text);
    }
}

/// The summary event `--json` ends with: `done` listed under the command's own key.
struct Summary<'a> {
    event: &'static str,
    command: &'a str,
    key: &'a str,
    done: &'a [Done],
}

impl serde::Serialize for Summary<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("event", self.event)?;
        map.serialize_entry("command", self.command)?;
        map.serialize_entry(self.key, self.done)?;
        map.end()
    }
}
