//! Scratch databases for rehearsals: a new database on the target's server (a file in the
//! temporary directory for SQLite), empty or a copy of the target, dropped afterwards. The
//! target itself is only read.

use crate::{ConnectOptions, EngineError, connect};
use ferry_core::Dialect;
use ferry_core::database_url::{database_name, with_database};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

/// A scratch database.
#[derive(Debug)]
pub struct Scratch {
    /// Its URL.
    pub url: String,
    /// Its name (SQLite: the file's path).
    pub name: String,
    /// Made as a copy of the target (schema, history and rows), not empty.
    pub copied: bool,
    /// Why it is empty when a copy was asked for.
    pub not_copied: Option<String>,
    target_url: String,
    file: Option<PathBuf>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A file path as a SQLite URL's path: `%`, `?` and `#` percent-encoded.
fn encode_path(path: &str) -> String {
    const SPECIAL: &percent_encoding::AsciiSet =
        &percent_encoding::CONTROLS.add(b'%').add(b'?').add(b'#');
    percent_encoding::utf8_percent_encode(path, SPECIAL).to_string()
}

/// Makes a scratch database beside the target at `target_url`: a copy of it if `copy`
/// and the engine can (PostgreSQL `TEMPLATE`, which needs the target to have no other
/// sessions; SQLite `VACUUM INTO`), else empty.
pub async fn create(
    target_url: &str,
    options: &ConnectOptions,
    copy: bool,
) -> Result<Scratch, EngineError> {
    let dialect = crate::dialect_of(target_url)?;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tag = format!("ferry_test_{}_{n}", std::process::id());
    let mut scratch = match dialect {
        Dialect::Sqlite => {
            let path = std::env::temp_dir().join(format!("{tag}.db"));
            Scratch {
                // `?`, `#` and `%` in the temporary directory's path are percent-encoded:
                // sqlx decodes the path, and would take them for the URL's query otherwise.
                url: format!("sqlite://{}", encode_path(&path.display().to_string())),
                name: path.display().to_string(),
                copied: false,
                not_copied: None,
                target_url: target_url.to_owned(),
                file: Some(path),
            }
        }
        Dialect::Postgres | Dialect::Mysql => {
            let target = database_name(target_url).unwrap_or_default();
            // Identifiers are at most 63 bytes on PostgreSQL, 64 characters on MySQL: the
            // target's part is cut at 30 bytes so that the unique tag always fits.
            let mut end = target.len().min(30);
            while !target.is_char_boundary(end) {
                end -= 1;
            }
            let prefix = &target[..end];
            let name = format!("{prefix}_{tag}");
            Scratch {
                url: with_database(target_url, &name).map_err(|e| EngineError::BadUrl(e.0))?,
                name,
                copied: false,
                not_copied: None,
                target_url: target_url.to_owned(),
                file: None,
            }
        }
    };
    if copy {
        match try_copy(&scratch, dialect, options).await {
            Ok(true) => scratch.copied = true,
            Ok(false) => scratch.not_copied = Some("the engine cannot copy a database".into()),
            Err(e) => scratch.not_copied = Some(e.to_string()),
        }
    }
    if !scratch.copied {
        create_empty(&scratch, options).await?;
    }
    Ok(scratch)
}

/// Copies the target into the scratch; `false` where the engine cannot.
async fn try_copy(
    s: &Scratch,
    dialect: Dialect,
    options: &ConnectOptions,
) -> Result<bool, EngineError> {
    let source = database_name(&s.target_url).unwrap_or_default();
    // PostgreSQL copies only a database nobody is connected to: ask from another one.
    let via = match dialect {
        Dialect::Postgres => {
            with_database(&s.target_url, "postgres").map_err(|e| EngineError::BadUrl(e.0))?
        }
        _ => s.target_url.clone(),
    };
    let quiet = ConnectOptions {
        create: false,
        ..options.clone()
    };
    let mut db = connect(&via, &quiet).await?;
    let copied = db.copy_database(&source, &s.name).await;
    // A template copy leaves the database's own settings (ALTER DATABASE ... SET) behind.
    if copied.as_ref().is_ok_and(|c| *c) {
        match db.copy_settings(&source, &s.name).await {
            Ok(failed) if failed.is_empty() => {}
            Ok(failed) => tracing::warn!(
                "settings not copied to the scratch database: {}",
                failed.join("; ")
            ),
            Err(e) => tracing::warn!("reading the database's settings: {e}"),
        }
    }
    db.close().await;
    copied.map_err(EngineError::db(format!(
        "copying the database into {}",
        s.name
    )))
}

async fn create_empty(s: &Scratch, options: &ConnectOptions) -> Result<(), EngineError> {
    let creating = ConnectOptions {
        create: true,
        ..options.clone()
    };
    if s.file.is_some() {
        // Connecting creates the file.
        let db = connect(&s.url, &creating).await?;
        db.close().await;
        return Ok(());
    }
    let mut db = connect(&s.target_url, &creating).await?;
    let made = db.create_database(&s.name).await;
    db.close().await;
    made.map_err(EngineError::db(format!(
        "creating scratch database {}",
        s.name
    )))
}

impl Scratch {
    /// Drops the scratch database (removes the file and its journal for SQLite).
    pub async fn drop(self, options: &ConnectOptions) -> Result<(), EngineError> {
        if let Some(path) = &self.file {
            for suffix in ["", "-wal", "-shm", "-journal", ".lock"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
            return Ok(());
        }
        let mut db = connect(&self.target_url, options).await?;
        let dropped = db.drop_database(&self.name).await;
        db.close().await;
        dropped.map_err(EngineError::db(format!(
            "dropping scratch database {}",
            self.name
        )))
    }
}
