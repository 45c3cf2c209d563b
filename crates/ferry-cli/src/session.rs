//! What most commands start from: the configuration, the migration files and a connection.

use crate::cli::Global;
use crate::config::Config;
use crate::error::CliError;
use crate::render::EventPrinter;
use ferry_core::layout::Layout;
use ferry_core::{MigrationSource, VersionKind};
use ferry_engine::runner::Job;
use ferry_engine::{ConnectOptions, Driver, EngineError, EventSink, Files};
use ferry_source::cache::ScriptCache;
use ferry_source::{Folder, FolderOptions};
use std::io::IsTerminal;
use std::path::PathBuf;

/// A configured, connected command.
pub struct Session {
    /// The resolved configuration.
    pub config: Config,
    /// The migrations for this database's engine, perhaps still being read.
    pub files: Files,
    /// The connection.
    pub db: Box<dyn Driver>,
    /// The folder's convention, and why.
    pub layout: (Layout, String),
}

impl Session {
    /// Reads the configuration, then connects while the files are read; commands wait for
    /// the files only when they plan (the history is read meanwhile). A file error wins over
    /// a connection error. Unless `cached` is false (or `--no-cache` given), unchanged files
    /// are known from the summary cache. Only a command that `creates` history creates a
    /// SQLite database file that does not exist.
    pub async fn open(global: &Global, cached: bool, creates: bool) -> Result<Session, CliError> {
        let config = Config::load(global)?;
        let dialect = ferry_engine::dialect_of(&config.url)?;
        let options = connect_options(&config, creates);
        let folder = open_folder(&config, cached && !global.no_cache)?;
        let layout = (folder.layout(), folder.why().to_owned());
        let dir = config.dir.clone();
        let files = Files::spawn(move || {
            let migrations = Box::new(folder).read()?.resolve(dialect);
            tracing::debug!(count = migrations.len(), dir = %dir.display(), "read migrations");
            Ok(migrations)
        });
        let connected = ferry_engine::connect(&config.url, &options).await;
        tracing::debug!(engine = %dialect, ok = connected.is_ok(), "connected");
        let db = match connected {
            Ok(db) => db,
            Err(e) => {
                files.get().await?;
                return Err(e.into());
            }
        };
        Ok(Session {
            config,
            files,
            db,
            layout,
        })
    }

    /// How the folder's versions compare (its convention's way).
    pub fn version_kind(&self) -> VersionKind {
        self.layout.0.version_kind()
    }

    /// The history, read with the folder's version kind, without creating anything; the
    /// stored down scripts only `with_down_sql`.
    pub async fn read_history(
        &mut self,
        with_down_sql: bool,
    ) -> Result<ferry_core::History, CliError> {
        let kind = self.version_kind();
        let history = ferry_engine::runner::read_history(
            self.db.as_mut(),
            with_down_sql,
            &self.config.plugin,
            kind,
        )
        .await?;
        Ok(history)
    }

    /// Runs a history-changing runner call on this session's migrations, with its progress
    /// printed; the display is finished whatever happens.
    pub async fn run<T>(
        &mut self,
        g: &Global,
        call: impl AsyncFnOnce(&mut dyn Driver, &Job<'_>, &mut dyn EventSink) -> Result<T, EngineError>,
    ) -> Result<T, CliError> {
        let ctx = self.config.run_context();
        let job = Job {
            files: &self.files,
            plugin: &self.config.plugin,
            version_kind: self.version_kind(),
            ctx: &ctx,
        };
        let mut printer = EventPrinter::new(g.json);
        let result = call(self.db.as_mut(), &job, &mut printer).await;
        printer.finish();
        Ok(result?)
    }

    /// In a protected environment, requires `--yes` or a typed confirmation.
    pub fn confirm(&self, global: &Global, what: &str) -> Result<(), CliError> {
        if !self.config.protected || global.yes {
            return Ok(());
        }
        let env = &self.config.env;
        if !std::io::stdin().is_terminal() {
            return Err(CliError::Refused(format!(
                "{what} in the `{env}` environment needs confirmation; pass --yes to confirm"
            )));
        }
        crate::render::err(&format!(
            "{what} in the `{env}` environment. Type `{env}` to continue:"
        ));
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if answer.trim() == env {
            Ok(())
        } else {
            Err(CliError::Refused(format!(
                "{what} not confirmed; nothing was changed"
            )))
        }
    }

    /// Closes the connection, once the files are read (their reading may still be writing
    /// the summary cache when a command ends without planning).
    pub async fn close(self) {
        let _ = self.files.get().await;
        self.db.close().await;
    }
}

/// How to connect for `config`; a missing SQLite file is created only if `creates`.
pub fn connect_options(config: &Config, creates: bool) -> ConnectOptions {
    let owner = format!("{}@{} pid {}", config.actor, hostname(), std::process::id());
    ConnectOptions {
        tables: config.tables.clone(),
        session: config.session.clone(),
        owner,
        connect_timeout: config.connect_timeout,
        lock_timeout: config.lock_timeout,
        create: creates,
    }
}

/// Lists the configured migrations folder and settles its convention (reading happens
/// later, on a blocking thread); with the summary cache unless `cached` is false.
pub fn open_folder(config: &Config, cached: bool) -> Result<Folder, CliError> {
    let cache = cached
        .then(cache_dir)
        .flatten()
        .map(|d| ScriptCache::file_for(&d, &config.dir));
    let options = FolderOptions {
        layout: config.layout,
        ignore: config.ignore.clone(),
        cache,
    };
    Ok(Folder::open(&config.dir, &config.plugin, options)?)
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into())
}

/// Where the summary cache lives: $FERRY_CACHE_DIR, else $XDG_CACHE_HOME/ferry, else
/// ~/.cache/ferry; `None` (no cache) without any of them.
pub(crate) fn cache_dir() -> Option<PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("FERRY_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("ferry")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("ferry")))
}
