//! SQLite: transactional DDL, an OS file lock beside the database file.

use crate::lock::{FileLock, NoLock};
use crate::sqlx_driver::{Engine, SqlxDriver, first_text, major_of};
use crate::{Capabilities, ConnectOptions, DbError, Driver, Lock};
use ferry_core::Dialect;
use sqlx::sqlite::{Sqlite, SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions as _, Connection as _};
use std::path::PathBuf;
use std::str::FromStr;

impl Engine for Sqlite {
    const DIALECT: Dialect = Dialect::Sqlite;
    const CAPABILITIES: Capabilities = Capabilities {
        transactional_ddl: true,
        batch_scripts: false,
    };
    const TABLE_NAMES: &'static str = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1";

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
}

pub(crate) async fn connect(
    url: &str,
    options: &ConnectOptions,
) -> Result<Box<dyn Driver>, DbError> {
    let opts = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        // The worker thread hands rows over in chunks of this size; the default of 50 costs
        // a thread wake-up every 50 history rows.
        .row_buffer_size(4096)
        .disable_statement_logging();
    let file = opts.get_filename().to_path_buf();
    let in_memory = url.contains(":memory:")
        || file.as_os_str().is_empty()
        || file.to_string_lossy().contains(":memory:");
    let lock_key = if in_memory {
        String::new()
    } else {
        format!("{}.lock", file.display())
    };
    let conn = SqliteConnection::connect_with(&opts).await?;
    let mut driver =
        SqlxDriver::<Sqlite>::new(conn, &options.tables, None, lock_key, options.owner.clone());
    driver.facts.major_version =
        major_of(&first_text(&mut driver, "SELECT sqlite_version()").await?);
    Ok(Box::new(driver))
}
