//! Errors of database work.

use ferry_core::plan::{MigrationRef, PlanError};
use ferry_core::{LoadError, Version};
use std::fmt;
use std::path::PathBuf;

/// An error the database (or the connection to it) reported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", code.as_ref().map(|c| format!("[{c}] ")).unwrap_or_default())]
pub struct DbError {
    /// The engine's error code (SQLSTATE on PostgreSQL, error number on MySQL).
    pub code: Option<String>,
    /// The engine's message.
    pub message: String,
    /// For PostgreSQL: the 1-based character position in the statement.
    pub position: Option<usize>,
    /// SQLite: another connection held the database locked longer than ferry waits for it
    /// (the lock timeout).
    pub busy: bool,
}

impl DbError {
    /// An error without code or position.
    pub fn msg(message: impl Into<String>) -> DbError {
        DbError {
            code: None,
            message: message.into(),
            position: None,
            busy: false,
        }
    }
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) => {
                let position = db
                    .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                    .and_then(|pg| match pg.position() {
                        Some(sqlx::postgres::PgErrorPosition::Original(p)) => Some(p),
                        _ => None,
                    });
                // MySQL users know errors by number (1146), not by SQLSTATE (42S02).
                let code = match db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
                    Some(my) => Some(my.number().to_string()),
                    None => db.code().map(|c| c.into_owned()),
                };
                // SQLITE_BUSY and its extended codes (261, 517, 773).
                let busy = db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some()
                    && (db.code().and_then(|c| c.parse::<i32>().ok()))
                        .is_some_and(|c| c & 0xff == 5);
                DbError {
                    code,
                    message: db.message().to_owned(),
                    position,
                    busy,
                }
            }
            other => DbError::msg(other.to_string()),
        }
    }
}

/// Where a failing statement is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The script file (or `history:` for a stored down script).
    pub path: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// 1-based index of the statement in the script.
    pub statement: usize,
}

/// What went wrong while working on a database.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The URL is not one ferry can use.
    #[error("{0}")]
    BadUrl(String),
    /// The database could not be reached.
    #[error("cannot connect to {url}: {error}")]
    Connect {
        /// The URL, password hidden.
        url: String,
        /// The driver's error, password scrubbed.
        error: DbError,
    },
    /// `import-history` refuses (a history already there, no table of the tool's).
    #[error("{0}")]
    ImportRefused(String),
    /// The other tool's table and the files disagree.
    #[error(
        "{count} difference(s) between {tool}'s history and the files; nothing was recorded. Fix the files (or the old tool's history) and run import-history again:{list}",
        tool = .0,
        count = .1.len(),
        list = crate::runner::import::list(.1)
    )]
    ImportDiffers(&'static str, Vec<ferry_core::import::Difference>),
    /// The lock was not acquired in time.
    #[error("another ferry holds the migration lock{}; waited {waited_s:.1}s (raise --lock-timeout, or wait for it to finish)", holder.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    LockTimeout {
        /// Who holds it, when the engine can tell.
        holder: Option<String>,
        /// How long ferry waited.
        waited_s: f64,
    },
    /// A migration's script failed (boxed: errors are the cold path, results stay small).
    #[error("{0}")]
    MigrationFailed(Box<MigrationFailure>),
    /// A check before COMMIT found rows (foreign key violations after a migration that
    /// turned foreign keys off); the migration's transaction was rolled back.
    #[error(
        "migration {migration} ({path}) left {} {meaning}, shown below; nothing of it was kept: its transaction was rolled back. Fix the script so that the data it leaves is consistent\n{}",
        rows.len(),
        rows.iter().take(20).map(|r| format!("  {r}")).collect::<Vec<_>>().join("\n"),
        path = path.display()
    )]
    CheckFailed {
        /// Which migration.
        migration: MigrationRef,
        /// Its file.
        path: PathBuf,
        /// What each row means.
        meaning: &'static str,
        /// The rows, as text.
        rows: Vec<String>,
    },
    /// Other database work (history, session setup) failed.
    #[error("{context}: {error}")]
    Db {
        /// What ferry was doing.
        context: String,
        /// The engine's error.
        error: DbError,
    },
    /// The history table holds a row ferry cannot read.
    #[error("history row {id}: {problem}; fix or remove that row by hand")]
    BadHistory {
        /// The row's id.
        id: i64,
        /// What is wrong.
        problem: String,
    },
    /// The plan was refused.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A plan across plugins was refused.
    #[error(transparent)]
    Upgrade(#[from] ferry_core::plugin::upgrade::UpgradeError),
    /// A script could not be read or split.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// A migration script that failed, and how much of it was applied.
#[derive(Debug)]
pub struct MigrationFailure {
    /// Which migration.
    pub migration: MigrationRef,
    /// `up` or `down`.
    pub direction: &'static str,
    /// Where in the script.
    pub location: Location,
    /// The engine's error.
    pub error: DbError,
    /// True if nothing of this script remains (it ran in a transaction that was rolled back).
    pub atomic: bool,
    /// How many statements ran and committed before the failing one (non-atomic runs).
    pub applied_statements: usize,
    /// Migrations of this run that were applied before this one failed.
    pub applied_before: Vec<Version>,
    /// The command that clears the failed entry once a human has looked (a plugin's
    /// migration: `ferry plugin repair NAME --clear-failed`).
    pub repair: String,
}

/// The command that clears a failed entry of the application's migrations.
pub const REPAIR: &str = "ferry repair --clear-failed";

impl fmt::Display for MigrationFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = &self.location;
        write!(
            f,
            "migration {} failed at {}:{}:{} (statement {}): {}",
            self.migration,
            loc.path.display(),
            loc.line,
            loc.column,
            loc.statement,
            self.error
        )?;
        if self.atomic {
            return f.write_str(
                "\nnothing of this migration was applied: its transaction was rolled back",
            );
        }
        let applied = match self.applied_statements {
            0 => "no statement was applied".to_owned(),
            n => format!("statements 1..{n} were applied and committed"),
        };
        write!(
            f,
            "\nthis migration ran without a transaction: {applied}, statement {} failed, the rest did not run.\n\
             fix the database by hand (finish or undo those statements), then run `{}`",
            loc.statement, self.repair
        )
    }
}

impl EngineError {
    /// Whether this is SQLite saying another connection kept the database locked for
    /// longer than the lock timeout: a lock timeout like any other.
    pub fn is_busy(&self) -> bool {
        match self {
            EngineError::Db { error, .. } | EngineError::Connect { error, .. } => error.busy,
            EngineError::MigrationFailed(f) => f.error.busy,
            _ => false,
        }
    }

    /// Wraps a database error with what ferry was doing.
    pub fn db(context: impl Into<String>) -> impl FnOnce(DbError) -> EngineError {
        let context = context.into();
        move |error| EngineError::Db { context, error }
    }
}
