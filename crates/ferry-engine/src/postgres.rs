//! PostgreSQL: transactional DDL, session advisory lock.

use crate::lock::PgAdvisoryLock;
use crate::sqlx_driver::{Engine, SqlxDriver};
use crate::{Capabilities, ConnectOptions, DbError, Driver, Lock};
use ferry_core::Dialect;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgSslMode, Postgres};
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

/// Whether to connect without TLS first: on the loopback interface nothing leaves the
/// machine, and the handshake is a tenth of a no-op run. Only when neither the URL nor
/// `PGSSLMODE` asks for a mode; a server that refuses plain connections gets TLS.
fn plain_first(url: &str, opts: &PgConnectOptions) -> bool {
    let asked = url.contains("sslmode=") || std::env::var_os("PGSSLMODE").is_some();
    !asked && matches!(opts.get_host(), "127.0.0.1" | "::1" | "localhost")
}

/// The server's answer when `pg_hba.conf` has no entry for a plain connection (28000).
fn refused_without_tls(e: &sqlx::Error) -> bool {
    (e.as_database_error()).is_some_and(|d| d.code().as_deref() == Some("28000"))
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
    let conn = match plain_first(url, &opts) {
        false => PgConnection::connect_with(&opts).await?,
        true => {
            match PgConnection::connect_with(&opts.clone().ssl_mode(PgSslMode::Disable)).await {
                Ok(conn) => conn,
                // `hostssl` only: the server wants TLS after all.
                Err(e) if refused_without_tls(&e) => PgConnection::connect_with(&opts).await?,
                Err(e) => return Err(e.into()),
            }
        }
    };
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
