//! Opening a connection: the one place that looks at the URL's scheme.

use crate::sql::TableNames;
use crate::{DbError, Driver, EngineError};
use ferry_core::{Dialect, redact_url, scrub_password};
use std::time::Duration;

/// How to open a connection.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// Names of ferry's tables.
    pub tables: TableNames,
    /// Statements run on every new connection (`SET search_path = ...`).
    pub session: Vec<String>,
    /// Who this runner is, shown to runners waiting for the lock.
    pub owner: String,
    /// How long to wait for the server to accept the connection.
    pub connect_timeout: Duration,
    /// How long to wait for another runner (SQLite also waits this long for another
    /// connection's write transaction).
    pub lock_timeout: Duration,
    /// Create a SQLite database file that does not exist (commands that write history).
    pub create: bool,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            tables: TableNames::default(),
            session: Vec::new(),
            owner: String::new(),
            connect_timeout: Duration::from_secs(10),
            lock_timeout: Duration::from_secs(60),
            create: true,
        }
    }
}

/// The shortest limit on one of ferry's own queries, whatever the connect timeout.
const MIN_QUERY_TIMEOUT: Duration = Duration::from_secs(30);

impl ConnectOptions {
    /// The limit on each of ferry's own queries (history, lock, events): the connect
    /// timeout, but at least 30 s, so that a busy server is not taken for a dead one.
    pub fn query_timeout(&self) -> Duration {
        self.connect_timeout.max(MIN_QUERY_TIMEOUT)
    }
}

/// The engine family a URL names, or why it names none (see
/// [`ferry_core::database_url::dialect_of`]).
pub fn dialect_of(url: &str) -> Result<Dialect, EngineError> {
    ferry_core::database_url::dialect_of(url).map_err(|e| EngineError::BadUrl(e.to_string()))
}

/// Connects to `url`, runs the session preamble and records the session state every
/// migration starts from.
pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Box<dyn Driver>, EngineError> {
    let dialect = dialect_of(url)?;
    let scrub = |error: DbError| EngineError::Connect {
        url: redact_url(url),
        error: DbError {
            message: scrub_password(&error.message, url),
            ..error
        },
    };
    let opening = async {
        match dialect {
            Dialect::Postgres => crate::postgres::connect(url, options).await,
            Dialect::Mysql => {
                let url = match url.strip_prefix("mariadb:") {
                    Some(rest) => format!("mysql:{rest}"),
                    None => url.to_owned(),
                };
                crate::mysql::connect(&url, options).await
            }
            Dialect::Sqlite => crate::sqlite::connect(url, options).await,
        }
    };
    // Opening a SQLite file reads its schema, which waits for another connection's write
    // as long as for ferry's lock: that wait is not a server that does not answer.
    let limit = match dialect {
        Dialect::Sqlite => {
            (options.connect_timeout).max(options.lock_timeout + Duration::from_secs(5))
        }
        _ => options.connect_timeout,
    };
    let mut driver = match tokio::time::timeout(limit, opening).await {
        Ok(opened) => opened.map_err(scrub)?,
        Err(_) => {
            return Err(scrub(DbError::msg(format!(
                "the server did not answer within {:.1}s (raise --connect-timeout if it is only slow)",
                limit.as_secs_f64()
            ))));
        }
    };
    for statement in &options.session {
        driver
            .execute(statement)
            .await
            .map_err(EngineError::db(format!("session statement `{statement}`")))?;
    }
    driver
        .capture_session()
        .await
        .map_err(EngineError::db("reading the session's schema and settings"))?;
    Ok(driver)
}
