//! The command line, declared once; help text comes from the doc comments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// ferry: versioned schema and data migrations for PostgreSQL, MySQL/MariaDB and SQLite.
#[derive(Debug, Parser)]
#[command(name = "ferry", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Args)]
pub struct Global {
    /// Database URL (postgres://, mysql://, mariadb://, sqlite://PATH, sqlite::memory:).
    #[arg(short = 'd', long, global = true)]
    pub database_url: Option<String>,
    /// Migrations folder [default: migrations, or migrations.dir in ferry.toml].
    #[arg(long, global = true)]
    pub dir: Option<PathBuf>,
    /// Configuration file [default: ferry.toml if present].
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Environment: selects [environments.NAME] in ferry.toml; `production` is protected.
    #[arg(long, global = true, env = "FERRY_ENV")]
    pub env: Option<String>,
    /// Machine-readable output: one JSON document, or NDJSON events for migrate/rollback.
    #[arg(long, global = true)]
    pub json: bool,
    /// Answer yes to confirmations (required in production for rollback, redo and repair).
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Who runs this, recorded in the history [default: the OS user].
    #[arg(long, global = true)]
    pub actor: Option<String>,
    /// How long to wait for another runner's lock: 60, 60s, 500ms, 2m [default: 60s].
    #[arg(long, global = true, value_parser = parse_duration)]
    pub lock_timeout: Option<std::time::Duration>,
    /// How long to wait for the database to accept a connection [default: 10s]; each of
    /// ferry's own queries (history, lock, events) waits this long, but at least 30s.
    #[arg(long, global = true, value_parser = parse_duration)]
    pub connect_timeout: Option<std::time::Duration>,
    /// Read every migration file instead of trusting the summary cache of unchanged ones
    /// (kept in $FERRY_CACHE_DIR, else $XDG_CACHE_HOME/ferry or ~/.cache/ferry).
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// In a protected environment (production), apply migrations (migrate, plugin install
    /// and update) whose lint findings are of this risk or lower; without it a high-risk
    /// finding needs a typed confirmation.
    #[arg(long, global = true, value_enum)]
    pub allow_risk: Option<AllowRisk>,
}

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write ferry.toml and a migrations/ folder.
    Init {
        /// Overwrite an existing ferry.toml.
        #[arg(long)]
        force: bool,
    },
    /// Create the next-numbered up and down files.
    New {
        /// What the migration does, e.g. add_customers.
        name: String,
        /// Mark it `-- ferry:no-transaction` (for CREATE INDEX CONCURRENTLY and similar).
        #[arg(long)]
        no_transaction: bool,
    },
    /// What ferry finds in the folder (its convention, files it will not read, scripts
    /// without a transaction, what they expect) and in the database; changes nothing.
    Doctor,
    /// Show every migration: applied, pending, failed, modified, missing or rolled back.
    Status {
        /// Exit 4 if anything is pending, failed, modified or missing.
        #[arg(long)]
        check: bool,
    },
    /// Apply pending migrations, in order, as one batch.
    Migrate {
        /// Apply up to and including this version.
        #[arg(long)]
        to: Option<String>,
        /// Print the plan and the exact SQL; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Apply pending migrations older than the newest applied one.
        #[arg(long)]
        allow_out_of_order: bool,
        /// Apply even if another tool's history table says some of them are applied
        /// (normally refused while ferry's own history is empty: import it first).
        #[arg(long)]
        ignore_other_tools: bool,
    },
    /// Undo the last applied migration (or more).
    Rollback {
        /// Undo the last N applied migrations.
        #[arg(long, conflicts_with_all = ["to", "batch"])]
        steps: Option<usize>,
        /// Undo everything applied after this version.
        #[arg(long, conflicts_with = "batch")]
        to: Option<String>,
        /// Undo the last batch.
        #[arg(long)]
        batch: bool,
        /// Print the plan and the exact SQL; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Roll back the last migration and apply it again.
    Redo,
    /// Record another tool's history (its table in this database) as ferry's, after
    /// checking it against the files; the old table is only read.
    ImportHistory {
        /// The tool: flyway, sqlx, golang-migrate, dbmate, goose, diesel, refinery,
        /// node-pg-migrate, popx, postgres-migrations, liquibase.
        #[arg(long)]
        from: String,
        /// Show what would be recorded; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check applied files' checksums, missing files, failed entries and out-of-order versions.
    Validate,
    /// Check the live data: orphaned rows under every foreign key, invalid indexes (and
    /// duplicates under a unique one), constraints never validated and rows breaking them,
    /// row counts against those before the last migrate, and validate's checksums. Exit 4
    /// when a check fails.
    Verify,
    /// Compare the live schema with the snapshot ferry stored after the last migrate or
    /// rollback, and list every object changed outside ferry; exit 4 when anything was.
    Drift {
        /// Accept the live schema as it is: store it as the new snapshot.
        #[arg(long)]
        accept: bool,
        /// Columns in another order are not drift.
        #[arg(long)]
        ignore_column_order: bool,
    },
    /// The rollback rehearsal: on a scratch copy of the database (never the database
    /// itself), apply each pending migration, roll it back, require the schema and the rows
    /// to be as before, and apply it again. Exit 4 when a check fails.
    Test {
        /// Rehearse every migration, from an empty scratch database.
        #[arg(long)]
        all: bool,
        /// Keep the scratch database for inspection (its URL is printed).
        #[arg(long)]
        keep: bool,
        /// Columns in another order after a down are not a failure (a dropped and re-added
        /// column lands last).
        #[arg(long)]
        ignore_column_order: bool,
    },
    /// Fix the history after a human has looked.
    Repair {
        /// Record the new checksums of edited applied files.
        #[arg(long)]
        accept_checksums: bool,
        /// Clear failed entries so migrate can retry them.
        #[arg(long)]
        clear_failed: bool,
        /// Store the current down script files of applied migrations whose down script was
        /// fixed after they were applied (rollback runs the stored copy).
        #[arg(long)]
        accept_down: bool,
        /// A migration that failed while rolling back, whose down script you undid by hand:
        /// it is applied again.
        #[arg(long, value_name = "VERSION", conflicts_with = "mark_rolled_back")]
        mark_applied: Option<String>,
        /// A migration that failed while rolling back, whose down script you finished by
        /// hand: it is rolled back.
        #[arg(long, value_name = "VERSION")]
        mark_rolled_back: Option<String>,
    },
    /// The ordered steps `migrate` (or an install, update or rollback of one plugin)
    /// would run across every plugin, with each step's risk, transaction, backup need and
    /// estimated duration; changes nothing.
    Plan {
        /// One plugin to install, update or roll back.
        #[arg(long)]
        plugin: Option<String>,
        /// The version to bring it to (default: its newest release).
        #[arg(long, requires = "plugin")]
        to_version: Option<String>,
        /// Show each step's SQL.
        #[arg(long, short = 'v')]
        verbose: bool,
    },
    /// Write what ferry can derive: `generate rollback VERSION` writes a migration's down
    /// script from its up script.
    Generate {
        #[command(subcommand)]
        command: GenerateCommand,
    },
    /// Check migrations for hazards: each statement's risk, the lock it takes, whether it
    /// rewrites or scans the table, may run in a transaction, destroys data or breaks running
    /// code, and the safe alternative. Exit 4 when a finding is at or above --fail-on.
    Lint {
        /// Files or migration folders [default: the pending migrations].
        paths: Vec<PathBuf>,
        /// The SQL dialect [default: the configured database's, else postgres].
        #[arg(long, value_enum)]
        engine: Option<LintEngine>,
        /// Report format.
        #[arg(long, value_enum, default_value_t = LintFormat::Human)]
        format: LintFormat,
        /// The lowest risk that fails the run (exit 4).
        #[arg(long, value_enum, default_value_t = FailOn::High)]
        fail_on: FailOn,
    },
    /// The live schema: dump it, or compare two databases or dumps.
    Schema {
        #[command(subcommand)]
        command: SchemaCommand,
    },
    /// Plugins: their versions, updates, installs and rollbacks.
    Plugin {
        #[command(subcommand)]
        command: PluginCommand,
    },
    /// Write a migrations folder again as portable JSON migrations, or as SQL files; what a
    /// SQL file cannot hold is listed as dropped. Nothing is overwritten.
    Convert {
        /// The form to write.
        #[arg(long, value_enum)]
        to: ConvertTarget,
        /// A plugin's migrations (its newest release) instead of the application's.
        #[arg(long)]
        plugin: Option<String>,
        /// The new (or empty) folder to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Adopt an existing database: mark everything up to VERSION applied without running it.
    Baseline {
        /// The last version the database already has.
        version: String,
    },
    /// Roll back everything (development only; refused in production).
    Reset,
}

/// The longest wait ferry accepts: beyond it a timeout is a typo, and engines that take
/// milliseconds as a 32-bit number (SQLite's busy timeout) would overflow.
/// What `ferry convert` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConvertTarget {
    /// Portable JSON migrations (`portable-migration-v1`).
    Json,
    /// SQL files, with engine variants and `rollback/` down scripts.
    Sql,
}

/// The dialects `ferry lint` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintEngine {
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
}

/// `ferry lint`'s report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// The offending text underlined, with the risk, the lock and the fix.
    Human,
    /// One JSON document.
    Json,
    /// SARIF 2.1.0 (code scanning).
    Sarif,
    /// GitHub Actions annotations.
    Github,
}

/// The highest lint risk a production run applies without a typed confirmation (only
/// high-risk findings ever need one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AllowRisk {
    /// Low-risk findings (high-risk ones still need confirmation).
    Low,
    /// Low and medium (high-risk ones still need confirmation).
    Medium,
    /// Every finding, high-risk ones included.
    High,
}

/// The lowest risk that fails `ferry lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any finding.
    Low,
    /// Medium and high.
    Medium,
    /// High only.
    High,
}

/// `ferry generate ...`
#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Write the down script of migration VERSION from its up script, statement by
    /// statement in reverse order, where the inverse is known. If any statement has no
    /// inverse (DROP, data changes, type changes), nothing is written: those statements are
    /// listed with what to do instead, and ferry exits 4.
    Rollback {
        /// The migration's version (as its file name writes it).
        version: String,
        /// Replace a down script that is not empty.
        #[arg(long)]
        force: bool,
        /// Print the down script instead of writing it.
        #[arg(long)]
        stdout: bool,
    },
}

/// `ferry schema ...`
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print the database's schema in a stable, diffable order (tables, columns, keys,
    /// indexes, views, routines, triggers, sequences, types, extensions); ferry's own tables
    /// are left out.
    Dump,
    /// List what differs from A to B, one object per line (+ only in B, - only in A,
    /// ~ changed); exit 4 when anything does. A and B are database URLs or files written by
    /// `ferry schema dump --json`; B defaults to the configured database.
    Diff {
        /// The first database URL or dump file.
        a: String,
        /// The second (default: the configured database).
        b: Option<String>,
        /// Columns in another order are not a difference.
        #[arg(long)]
        ignore_column_order: bool,
    },
}

/// `ferry plugin ...`
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Installed version, available versions and state of every plugin.
    List,
    /// Per installed plugin: up to date, or the patch, minor and major updates available.
    Updates,
    /// Checks requirements, conflicts and engine versions, then applies the plugin's
    /// migrations and records the installed version.
    Install {
        /// The plugin.
        name: String,
        /// The version (default: the newest release).
        #[arg(long)]
        version: Option<String>,
    },
    /// Updates an installed plugin: patch releases by default; a minor needs --minor; a
    /// major needs --major and confirmation (or --yes) after its BREAKING CHANGES.
    Update {
        /// The plugin.
        name: String,
        /// The version (default: the newest allowed).
        #[arg(long)]
        version: Option<String>,
        /// Allow a minor update.
        #[arg(long)]
        minor: bool,
        /// Allow a major update.
        #[arg(long)]
        major: bool,
    },
    /// Rolls back the migrations introduced after a version, and records the plugin at it.
    Rollback {
        /// The plugin.
        name: String,
        /// The version to go back to.
        #[arg(long)]
        to_version: String,
        /// Also roll back other plugins' applied migrations that depend on them, first.
        #[arg(long)]
        cascade: bool,
    },
    /// Fixes a plugin's history after a human has looked: clear failed entries, record
    /// edited files' checksums, or resolve a rollback that failed part-way.
    Repair {
        /// The plugin.
        name: String,
        /// Record edited applied files' new checksums.
        #[arg(long)]
        accept_checksums: bool,
        /// Clear failed entries (they are pending again).
        #[arg(long)]
        clear_failed: bool,
        /// A failed migration you finished by hand: record it applied.
        #[arg(long, value_name = "VERSION", conflicts_with = "mark_rolled_back")]
        mark_applied: Option<String>,
        /// A failed rollback you finished by hand: record it rolled back.
        #[arg(long, value_name = "VERSION")]
        mark_rolled_back: Option<String>,
    },
    /// The plugin's changelog, or one version's section.
    Changelog {
        /// The plugin.
        name: String,
        /// One version.
        #[arg(long)]
        version: Option<String>,
    },
    /// The installed version, migrations, pending ones and the last change.
    Status {
        /// The plugin.
        name: String,
    },
}

pub const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// Parses a duration as humantime writes it (`500ms`, `60s`, `2m`, `1h 30m`); a bare number
/// is seconds. Used as clap's value parser and for ferry.toml.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let with_unit = match !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        true => format!("{t}s"),
        false => t.to_owned(),
    };
    let hint = "write it like 60, 60s, 500ms, 2m or 1h 30m";
    let d = humantime::parse_duration(&with_unit)
        .map_err(|e| format!("`{t}` is not a duration ({e}); {hint}"))?;
    if d > MAX_WAIT {
        return Err(format!(
            "`{t}` is longer than the 7 days ferry accepts; {hint}"
        ));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("60"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn a_huge_or_malformed_duration_is_an_error_not_a_panic() {
        for text in [
            "1e20",
            "1e20s",
            "99999999999999999999999",
            "18446744073709551615s",
            "-1",
            "NaN",
            "inf",
            "",
            "10000000h",
        ] {
            let err = parse_duration(text).unwrap_err();
            assert!(err.contains("write it like"), "{text}: {err}");
        }
    }

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
