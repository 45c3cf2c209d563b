//! MySQL and MariaDB: DDL commits implicitly, `GET_LOCK` named lock.

use crate::lock::MysqlNamedLock;
use crate::sqlx_driver::{Engine, SqlxDriver, TimeoutSql, first_text, major_of};
use crate::{Capabilities, ConnectOptions, DbError, Driver, Lock};
use ferry_core::Dialect;
use sqlx::mysql::{MySql, MySqlConnectOptions, MySqlConnection, MySqlQueryResult};
use sqlx::{ConnectOptions as _, Connection as _};
use std::str::FromStr;

impl Engine for MySql {
    const DIALECT: Dialect = Dialect::Mysql;
    const CAPABILITIES: Capabilities = Capabilities {
        transactional_ddl: false,
        batch_scripts: false,
    };
    const TABLE_NAMES: &'static str = "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
         WHERE table_schema = DATABASE() ORDER BY 1";
    /// The database in use, and the settings that change what a migration means, in
    /// MySQL's or MariaDB's names for them. (User variables and temporary tables cannot be
    /// reset without resetting the connection, which would drop ferry's lock.)
    fn snapshot(driver: &SqlxDriver<Self>) -> String {
        let flavored = match driver.server_version.contains("MariaDB") {
            true => ["max_statement_time", "tx_read_only", "tx_isolation"],
            false => [
                "max_execution_time",
                "transaction_read_only",
                "transaction_isolation",
            ],
        };
        let mut settings: Vec<String> = [
            "sql_mode",
            "time_zone",
            "foreign_key_checks",
            "unique_checks",
            "sql_safe_updates",
            "autocommit",
            "character_set_client",
            "character_set_connection",
            "collation_connection",
            "character_set_results",
            "group_concat_max_len",
            "div_precision_increment",
            "lock_wait_timeout",
            "sql_select_limit",
        ]
        .iter()
        .chain(&flavored)
        .map(|name| match STRINGS.contains(name) {
            true => format!("', {name} = ', QUOTE(@@session.{name})"),
            // Numbers and ON/OFF are written as they are (quoted, MariaDB refuses numbers).
            false => format!("', {name} = ', @@session.{name}"),
        })
        .collect();
        settings[0] = "'SET SESSION sql_mode = ', QUOTE(@@session.sql_mode)".to_owned();
        format!(
            "SELECT DATABASE(), CONCAT(COALESCE(CONCAT('USE `', REPLACE(DATABASE(), '`', '``'), '`; '), ''), {})",
            settings.join(", ")
        )
    }

    fn lock(driver: &SqlxDriver<Self>) -> Box<dyn Lock> {
        // GET_LOCK names are server-wide: the key includes the database.
        Box::new(MysqlNamedLock {
            name: crate::lock::mysql_lock_name(&driver.lock_key),
        })
    }

    fn create_database(name: &str) -> Option<String> {
        Some(format!(
            "CREATE DATABASE {}",
            crate::sql::quote_ident(name, '`')
        ))
    }

    fn drop_database(name: &str) -> Option<String> {
        Some(format!(
            "DROP DATABASE IF EXISTS {}",
            crate::sql::quote_ident(name, '`')
        ))
    }

    const TABLE_SIZE: Option<&'static str> = Some(
        "SELECT {i}, CAST(TABLE_ROWS AS CHAR), CAST(DATA_LENGTH + INDEX_LENGTH AS CHAR) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {name}",
    );
    const SIZE_LOCK_TIMEOUT: Option<&'static str> = None;
    const HELD_LOCKS: Option<&'static str> = None;
    const DATABASE_SETTINGS: Option<&'static str> = None;
    const RELAXED_DURABILITY: Option<&'static str> = None;

    fn copy_database(_: &str, _: &str) -> Option<String> {
        None
    }

    fn rows_affected(result: &MySqlQueryResult) -> u64 {
        result.rows_affected()
    }

    fn statement_timeout(driver: &SqlxDriver<Self>) -> Option<TimeoutSql> {
        Some(match driver.server_version.contains("MariaDB") {
            true => TimeoutSql {
                show: "SELECT @@SESSION.max_statement_time",
                set: |s| format!("SET SESSION max_statement_time = {s}"),
                // A number read back from the server: anything else is put back as none.
                restore: |v| match v.parse::<f64>() {
                    Ok(n) if n.is_finite() && n >= 0.0 => {
                        format!("SET SESSION max_statement_time = {v}")
                    }
                    _ => "SET SESSION max_statement_time = 0".to_owned(),
                },
            },
            // MySQL limits only SELECTs, in milliseconds.
            false => TimeoutSql {
                show: "SELECT @@SESSION.max_execution_time",
                set: |s| format!("SET SESSION max_execution_time = {}", s * 1000),
                restore: |v| {
                    let ms: u64 = v.parse().unwrap_or(0);
                    format!("SET SESSION max_execution_time = {ms}")
                },
            },
        })
    }

    fn catalog(driver: &SqlxDriver<Self>, scoped: bool) -> crate::inspect::CatalogSql {
        crate::inspect::mysql::catalog(driver.server_version.contains("MariaDB"), scoped)
    }
}

/// The session settings whose values are text, to be quoted when set again.
const STRINGS: [&str; 8] = [
    "sql_mode",
    "time_zone",
    "character_set_client",
    "character_set_connection",
    "collation_connection",
    "character_set_results",
    "tx_isolation",
    "transaction_isolation",
];

pub(crate) async fn connect(
    url: &str,
    options: &ConnectOptions,
) -> Result<Box<dyn Driver>, DbError> {
    // sqlx would otherwise change sql_mode and time_zone, altering what migrations mean.
    let opts = MySqlConnectOptions::from_str(url)?
        .pipes_as_concat(false)
        .no_engine_substitution(false)
        .timezone(None)
        .disable_statement_logging();
    let database = opts.get_database().unwrap_or_default().to_owned();
    let conn = MySqlConnection::connect_with(&opts).await?;
    let lock_key = format!("{database}.{}", options.tables.history);
    let mut driver = SqlxDriver::<MySql>::new(conn, options, lock_key);
    driver.server_version = first_text(&mut driver, "SELECT VERSION()").await?;
    driver.facts.major_version = major_of(&driver.server_version);
    Ok(Box::new(driver))
}
