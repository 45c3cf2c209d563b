//! MySQL and MariaDB: DDL commits implicitly, `GET_LOCK` named lock.

use crate::lock::MysqlNamedLock;
use crate::sqlx_driver::{Engine, SqlxDriver, first_text, major_of};
use crate::{Capabilities, ConnectOptions, DbError, Driver, Lock};
use ferry_core::Dialect;
use sqlx::mysql::{MySql, MySqlConnectOptions, MySqlConnection};
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
    /// The database in use, and the settings that change what a migration means.
    fn snapshot(_history: &str) -> String {
        "SELECT DATABASE(), CONCAT(COALESCE(CONCAT('USE `', REPLACE(DATABASE(), '`', '``'), '`; '), ''), \
         'SET SESSION sql_mode = ', QUOTE(@@session.sql_mode), ', time_zone = ', QUOTE(@@session.time_zone), \
         ', foreign_key_checks = ', @@session.foreign_key_checks, ', unique_checks = ', @@session.unique_checks, \
         ', sql_safe_updates = ', @@session.sql_safe_updates, ', autocommit = ', @@session.autocommit, \
         ', character_set_client = ', QUOTE(@@session.character_set_client), \
         ', character_set_connection = ', QUOTE(@@session.character_set_connection), \
         ', collation_connection = ', QUOTE(@@session.collation_connection), \
         ', character_set_results = ', QUOTE(@@session.character_set_results))".to_owned()
    }

    fn lock(driver: &SqlxDriver<Self>) -> Box<dyn Lock> {
        // GET_LOCK names are server-wide: the key includes the database.
        Box::new(MysqlNamedLock {
            name: crate::lock::mysql_lock_name(&driver.lock_key),
        })
    }
}

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
    driver.facts.major_version = major_of(&first_text(&mut driver, "SELECT VERSION()").await?);
    Ok(Box::new(driver))
}
