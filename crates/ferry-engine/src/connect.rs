//! Opening a connection: the one place that looks at the URL's scheme.

use crate::sql::TableNames;
use crate::{DbError, Driver, EngineError};
use ferry_core::{Dialect, redact_url, scrub_password};

/// How to open a connection.
#[derive(Clone, Debug, Default)]
pub struct ConnectOptions {
    /// Names of ferry's tables.
    pub tables: TableNames,
    /// Statements run on every new connection (`SET search_path = ...`).
    pub session: Vec<String>,
    /// Who this runner is, shown to runners waiting for the lock.
    pub owner: String,
}

/// The engine family a URL names, or why it names none.
pub fn dialect_of(url: &str) -> Result<Dialect, EngineError> {
    let scheme = url
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match scheme.as_str() {
        "postgres" | "postgresql" => Ok(Dialect::Postgres),
        "mysql" | "mariadb" => Ok(Dialect::Mysql),
        "sqlite" => Ok(Dialect::Sqlite),
        _ => Err(EngineError::BadUrl(format!(
            "`{}` is not a database URL ferry knows; use postgres://, postgresql://, mysql://, mariadb://, sqlite://PATH or sqlite::memory:",
            redact_url(url)
        ))),
    }
}

/// Connects to `url` and runs the session preamble.
pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Box<dyn Driver>, EngineError> {
    let dialect = dialect_of(url)?;
    let scrub = |error: DbError| EngineError::Connect {
        url: redact_url(url),
        error: DbError {
            message: scrub_password(&error.message, url),
            ..error
        },
    };
    let mut driver = match dialect {
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
    .map_err(scrub)?;
    for statement in &options.session {
        driver
            .execute(statement)
            .await
            .map_err(EngineError::db(format!("session statement `{statement}`")))?;
    }
    Ok(driver)
}
