//! PostgreSQL: transactional DDL, session advisory lock.

use crate::driver::Execute as _;
use crate::lock::PgAdvisoryLock;
use crate::sqlx_driver::{Engine, SqlxDriver, TimeoutSql};
use crate::{Capabilities, ConnectOptions, DbError, Driver, Lock};
use ferry_core::Dialect;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgQueryResult, PgSslMode, Postgres};
use sqlx::{ConnectOptions as _, Connection as _};
use std::str::FromStr;

impl Engine for Postgres {
    const DIALECT: Dialect = Dialect::Postgres;
    const CAPABILITIES: Capabilities = Capabilities {
        transactional_ddl: true,
        batch_scripts: true,
    };
    /// Tables outside the current schema are named with their schema (`app.t`).
    const TABLE_NAMES: &'static str = "SELECT CAST(CASE WHEN schemaname = current_schema() THEN tablename \
         ELSE schemaname || '.' || tablename END AS TEXT) FROM pg_tables \
         WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1";
    /// The schema is the one where the history table resolves now (where an unqualified
    /// name found it before ferry qualified names), else the current schema. RESET ALL
    /// returns every setting to its value at connection start; what the session SET since
    /// (the preamble, ferry's own settings) is set again, and the role (which RESET ALL
    /// leaves alone) goes back to the preamble's.
    fn snapshot(driver: &SqlxDriver<Self>) -> String {
        let table = quote_literal(&crate::sql::quote_name(&driver.names.history, '"'));
        format!(
            "SELECT CAST(COALESCE((SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.oid = to_regclass({table})), current_schema()) AS TEXT), 'RESET ALL; ' || \
             CASE WHEN current_user = session_user THEN 'RESET ROLE' ELSE format('SET ROLE %I', current_user) END || COALESCE('; SELECT ' || \
             (SELECT string_agg(format('set_config(%L, %L, false)', name, setting), ', ') FROM pg_settings WHERE source = 'session'), '')"
        )
    }

    fn lock(driver: &SqlxDriver<Self>) -> Box<dyn Lock> {
        Box::new(PgAdvisoryLock {
            key: lock_key(&driver.lock_key),
        })
    }

    fn create_database(name: &str) -> Option<String> {
        Some(format!(
            "CREATE DATABASE {}",
            crate::sql::quote_ident(name, '"')
        ))
    }

    fn drop_database(name: &str) -> Option<String> {
        Some(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            crate::sql::quote_ident(name, '"')
        ))
    }

    const TABLE_SIZE: Option<&'static str> = Some(
        "SELECT {i}, CAST(c.reltuples AS TEXT), CAST(pg_total_relation_size(c.oid) AS TEXT) FROM pg_class c WHERE c.oid = to_regclass({name})",
    );
    const SIZE_LOCK_TIMEOUT: Option<&'static str> = Some("SET LOCAL lock_timeout = '1s'");
    const HELD_LOCKS: Option<&'static str> = Some(
        "SELECT CAST(c.relname AS TEXT), l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
         WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relkind IN ('r', 'p') \
         AND c.relnamespace <> 'pg_catalog'::regnamespace ORDER BY 1, 2",
    );
    const DATABASE_SETTINGS: Option<&'static str> = Some(
        "SELECT unnest(s.setconfig) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1 AND s.setrole = 0",
    );
    const RELAXED_DURABILITY: Option<&'static str> = Some("SET synchronous_commit = off");

    fn copy_database(source: &str, name: &str) -> Option<String> {
        let q = |n: &str| crate::sql::quote_ident(n, '"');
        Some(format!(
            "CREATE DATABASE {} TEMPLATE {}",
            q(name),
            q(source)
        ))
    }

    fn rows_affected(result: &PgQueryResult) -> u64 {
        result.rows_affected()
    }

    fn statement_timeout(_: &SqlxDriver<Self>) -> Option<TimeoutSql> {
        Some(TimeoutSql {
            show: "SELECT current_setting('statement_timeout')",
            set: |s| format!("SET statement_timeout = '{s}s'"),
            restore: |v| format!("SET statement_timeout = '{}'", v.replace('\'', "''")),
        })
    }

    fn catalog(_: &SqlxDriver<Self>, scoped: bool) -> crate::inspect::CatalogSql {
        crate::inspect::postgres::catalog(scoped)
    }
}

/// `text` as a standard SQL string literal.
fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
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

/// The advisory lock key of a history table: the first 8 bytes of SHA-256 of
/// `ferry-lock:` followed by the table's schema-qualified name (`public.ferry_migrations`,
/// the schema as resolved at connect time), read as a big-endian signed 64-bit integer. Fixed for good, independent of the checksum algorithm, so that every
/// ferry version that ever runs against a database contends for the same key.
pub(crate) fn lock_key(name: &str) -> i64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("ferry-lock:{name}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
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
    let mut driver = SqlxDriver::<Postgres>::new(conn, options, options.tables.history.clone());
    driver.facts.major_version = num.map(|n| n / 10_000);
    if let Some(n) = num {
        driver.server_version = format!("{}.{}", n / 10_000, n % 10_000);
    }
    if num.is_some_and(|n| n >= 140_000) {
        // A killed runner's backend would otherwise run on (holding the lock) until its
        // current statement ends; with this it notices the lost client within a second.
        driver
            .execute("SET client_connection_check_interval = 1000")
            .await?;
    }
    Ok(Box::new(driver))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_advisory_lock_key_is_fixed() {
        // Changing this breaks mutual exclusion between old and new ferry binaries.
        assert_eq!(
            super::lock_key("public.ferry_migrations"),
            -6_962_618_652_200_728_694
        );
        assert_ne!(
            super::lock_key("a.ferry_migrations"),
            super::lock_key("ferry_migrations")
        );
    }
}
