//! SQLite: transactional DDL, an OS file lock beside the database file.

use crate::lock::{FileLock, NoLock};
use crate::sqlx_driver::{Engine, SqlxDriver, TimeoutSql, first_text, major_of};
use crate::{Capabilities, ConnectOptions, DbError, Driver, Lock};
use ferry_core::Dialect;
use sqlx::sqlite::{Sqlite, SqliteConnectOptions, SqliteConnection, SqliteQueryResult};
use sqlx::{ConnectOptions as _, Connection as _};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

impl Engine for Sqlite {
    const DIALECT: Dialect = Dialect::Sqlite;
    const CAPABILITIES: Capabilities = Capabilities {
        transactional_ddl: true,
        batch_scripts: false,
    };
    const TABLE_NAMES: &'static str = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1";
    // No schema search path to escape; the foreign keys setting is what migrations change
    // (see ferry_core::execution).
    fn snapshot(_driver: &SqlxDriver<Self>) -> String {
        "SELECT NULL, 'PRAGMA foreign_keys = ' || foreign_keys FROM pragma_foreign_keys".to_owned()
    }

    fn lock(driver: &SqlxDriver<Self>) -> Box<dyn Lock> {
        if driver.lock_key.is_empty() {
            return Box::new(NoLock);
        }
        Box::new(FileLock {
            path: PathBuf::from(&driver.lock_key),
            owner: driver.owner.clone(),
            file: None,
        })
    }

    fn create_database(_: &str) -> Option<String> {
        None
    }

    fn drop_database(_: &str) -> Option<String> {
        None
    }

    const TABLE_SIZE: Option<&'static str> = None;
    const SIZE_LOCK_TIMEOUT: Option<&'static str> = None;
    const HELD_LOCKS: Option<&'static str> = None;
    const DATABASE_SETTINGS: Option<&'static str> = None;
    const RELAXED_DURABILITY: Option<&'static str> = Some("PRAGMA synchronous = OFF");

    fn copy_database(_source: &str, path: &str) -> Option<String> {
        // A consistent copy even while others write (WAL included).
        Some(format!("VACUUM INTO '{}'", path.replace('\'', "''")))
    }

    fn rows_affected(result: &SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    fn statement_timeout(_: &SqlxDriver<Self>) -> Option<TimeoutSql> {
        None
    }

    fn catalog(_: &SqlxDriver<Self>, scoped: bool) -> crate::inspect::CatalogSql {
        crate::inspect::sqlite::catalog(scoped)
    }
}

pub(crate) async fn connect(
    url: &str,
    options: &ConnectOptions,
) -> Result<Box<dyn Driver>, DbError> {
    let opts = SqliteConnectOptions::from_str(url)?
        .create_if_missing(options.create)
        // Another runner's write transaction is waited for as long as ferry's own lock.
        .busy_timeout(options.lock_timeout)
        // The worker thread hands rows over in chunks of this size; the default of 50 costs
        // a thread wake-up every 50 history rows.
        .row_buffer_size(4096)
        .disable_statement_logging();
    let file = opts.get_filename().to_path_buf();
    let in_memory = url.contains(":memory:")
        || file.as_os_str().is_empty()
        || file.to_string_lossy().contains(":memory:");
    refuse_hard_links(&file)?;
    let exists = file.exists();
    // Nothing to lock where a command that creates nothing finds no database.
    let lock_key = match in_memory || (!options.create && !exists) {
        true => String::new(),
        false => format!("{}.lock", resolved(&file).display()),
    };
    // A command that creates nothing reads a database that does not exist as an empty one,
    // and leaves no empty file behind.
    let opts = match !in_memory && !options.create && !exists {
        true => SqliteConnectOptions::from_str("sqlite::memory:")?,
        false => opts,
    };
    let conn = SqliteConnection::connect_with(&opts).await?;
    let mut driver = SqlxDriver::<Sqlite>::new(conn, options, lock_key);
    // SQLite's own wait (the lock timeout, above) must end first: it says "busy" (exit 3).
    driver.query_timeout =
        (driver.query_timeout).max(options.lock_timeout + Duration::from_secs(5));
    driver.server_version = first_text(&mut driver, "SELECT sqlite_version()").await?;
    driver.facts.major_version = major_of(&driver.server_version);
    Ok(Box::new(driver))
}

/// SQLite names its journal after the path it was opened by, so two hard links to one
/// database can corrupt it (SQLite's own advice: avoid them), and two runners would take
/// two locks. Refused.
fn refuse_hard_links(file: &Path) -> Result<(), DbError> {
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata(file) {
        Ok(m) if m.is_file() && m.nlink() > 1 => Err(DbError::msg(format!(
            "{} has {} hard links; SQLite can corrupt a database reached through more than one (its journal is named after the path), and runners using different links would not share ferry's lock. Keep one link, and use a symlink for other paths",
            file.display(),
            m.nlink()
        ))),
        _ => Ok(()),
    }
}

/// The database file with every symlink resolved, so that runners reaching one database
/// through different paths share one lock. A file that does not exist yet (or a symlink
/// to one) is resolved through its folder.
fn resolved(file: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(file) {
        return real;
    }
    // A dangling symlink: follow it by hand (a bounded number of times, against loops).
    let mut path = file.to_owned();
    for _ in 0..40 {
        let Ok(target) = std::fs::read_link(&path) else {
            break;
        };
        path = match path.parent() {
            Some(parent) if target.is_relative() => parent.join(target),
            _ => target,
        };
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (std::fs::canonicalize(parent), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path,
    }
}
