//! PostgreSQL: transactional DDL, session advisory lock.

use crate::lock::PgAdvisoryLock;
use crate::sqlx_driver::{Engine, SqlxDriver};
use crate::{Capabilities, ConnectOptions, DbError, Driver, Lock};
use ferry_core::Dialect;
use sqlx::postgres::{PgConnectOptions, PgConnection, Postgres};
use sqlx::{ConnectOptions as _, Connection as _};
use std::str::FromStr;

impl Engine for Postgres {
    const DIALECT: Dialect = Dialect::Postgres;
    const CAPABILITIES: Capabilities = Capabilities {
        transactional_ddl: true,
        batch_scripts: true,
    };
    const TABLE_NAMES: &'static str = "SELECT CAST(tablename AS TEXT) FROM pg_tables \
         WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1";

    fn lock(driver: &SqlxDriver<Self>) -> Box<dyn Lock> {
        Box::new(PgAdvisoryLock {
            key: lock_key(&driver.lock_key),
        })
    }
}

/// A stable 64-bit advisory lock key derived from the history table's name.
fn lock_key(name: &str) -> i64 {
    let hex = ferry_core::Checksum::of(&format!("ferry-lock:{name}")).hex();
    u64::from_str_radix(&hex[..16], 16).unwrap_or(0x0066_6572_7279) as i64
}

pub(crate) async fn connect(
    url: &str,
    options: &ConnectOptions,
) -> Result<Box<dyn Driver>, DbError> {
    let opts = PgConnectOptions::from_str(url)?
        .application_name(&format!("ferry {}", options.owner))
        .disable_statement_logging();
    let conn = PgConnection::connect_with(&opts).await?;
    // The server reports its version when the session starts: no query needed.
    let num = conn.server_version_num();
    let mut driver = SqlxDriver::<Postgres>::new(
        conn,
        &options.tables,
        None,
        options.tables.history.clone(),
        options.owner.clone(),
    );
    driver.facts.major_version = num.map(|n| n / 10_000);
    if num.is_some_and(|n| n >= 140_000) {
        // A killed runner's backend would otherwise run on (holding the lock) until its
        // current statement ends; with this it notices the lost client within a second.
        driver
            .execute("SET client_connection_check_interval = 1000")
            .await?;
    }
    Ok(Box::new(driver))
}
