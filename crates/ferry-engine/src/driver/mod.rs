//! What ferry needs of a database, as small capabilities (the way Atlas composes its
//! driver): [`Connection`] (identity, close), [`Execute`] (statements, bind parameters,
//! transactions), [`SessionState`] (the state every migration starts from), [`Locking`],
//! [`HistoryStore`] (ferry's own tables), [`PluginStore`] (installed plugins), [`SnapshotStore`] (schema snapshots), [`ForeignHistory`] (other tools' tables),
//! [`Inspect`] and [`Admin`] (databases). [`Driver`] is all of them; each engine is one
//! implementation of each (`sqlx_driver.rs`, with its SQL in `postgres.rs`, `mysql.rs`,
//! `sqlite.rs` and `sql.rs`).

mod admin;
mod execute;
mod history;
mod plugins;
mod session;
mod snapshots;

pub use admin::{Admin, Inspect};
pub use execute::{Bind, Execute, Transaction};
pub use history::{ForeignHistory, HistoryStore};
pub use plugins::{InstalledPlugin, PluginStore};
pub use session::{Connection, Locking, SessionState};
pub use snapshots::{SnapshotStore, StoredSnapshot};

use ferry_core::{Checksum, Migration, RowState};

/// Everything ferry needs of one connection: every capability.
pub trait Driver:
    Connection
    + Execute
    + SessionState
    + Locking
    + HistoryStore
    + PluginStore
    + SnapshotStore
    + ForeignHistory
    + Inspect
    + Admin
{
}

impl<T> Driver for T where
    T: Connection
        + Execute
        + SessionState
        + Locking
        + HistoryStore
        + PluginStore
        + SnapshotStore
        + ForeignHistory
        + Inspect
        + Admin
{
}

/// What an engine can and cannot do, declared once instead of tested all over the runner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// DDL is transactional: a script and its history row can commit together.
    pub transactional_ddl: bool,
    /// The server runs a whole multi-statement script sent at once, reports each statement's
    /// completion and locates errors in the script: a transactional script then costs one
    /// round trip instead of one per statement.
    pub batch_scripts: bool,
}

/// A history row to insert.
#[derive(Clone, Debug)]
pub struct NewRow<'a> {
    /// Plugin.
    pub plugin: &'a str,
    /// Version (canonical form).
    pub version: String,
    /// Name.
    pub name: &'a str,
    /// Checksum of the up script.
    pub checksum: Checksum,
    /// The down script, stored for later rollbacks.
    pub down_sql: Option<&'a str>,
    /// Initial state.
    pub state: RowState,
    /// Batch number.
    pub batch: i64,
    /// Duration, when known.
    pub duration_ms: Option<i64>,
    /// Actor.
    pub applied_by: &'a str,
    /// Error, for a row recorded as started (`failed` until it finishes).
    pub error: Option<String>,
    /// Recorded by `baseline`.
    pub baseline: bool,
    /// Runs without an outer transaction.
    pub no_transaction: bool,
    /// When it was applied (UTC `YYYY-MM-DD HH:MM:SS[.f]`), for a row imported from
    /// another tool; `None`: now.
    pub applied_at: Option<String>,
}

impl<'a> NewRow<'a> {
    /// The row of migration `m` applied in `batch` by `applied_by`, with its down script;
    /// callers set what differs (duration, state, baseline, no transaction).
    pub fn applied(
        m: &'a Migration,
        down_sql: Option<&'a str>,
        batch: i64,
        applied_by: &'a str,
    ) -> NewRow<'a> {
        NewRow {
            plugin: &m.plugin,
            version: m.version.to_string(),
            name: &m.name,
            checksum: m.up.checksum,
            down_sql,
            state: RowState::Applied,
            batch,
            duration_ms: None,
            applied_by,
            error: None,
            baseline: false,
            no_transaction: false,
            applied_at: None,
        }
    }
}

/// A change to an existing history row.
#[derive(Clone, Debug)]
pub enum RowUpdate<'a> {
    /// The migration finished.
    Finished {
        /// How long it took.
        duration_ms: i64,
    },
    /// The migration failed part-way.
    Failed {
        /// The error.
        error: String,
        /// 1-based index of the failing statement.
        statement: i64,
        /// How long it ran.
        duration_ms: i64,
    },
    /// Rolled back (or cleared by repair).
    Reverted(RowState),
    /// A rollback without a transaction is about to run its first statement.
    RollingBack,
    /// A human decided what a failed row's migration is now (repair --mark-...).
    Mark(RowState),
    /// The down script stored for later rollbacks (repair --accept-down).
    DownScript {
        /// The new down script.
        down_sql: Option<&'a str>,
    },
    /// New checksum (repair --accept-checksums).
    Checksum {
        /// The new checksum.
        checksum: Checksum,
        /// The current down script.
        down_sql: Option<&'a str>,
        /// The current name.
        name: &'a str,
    },
}

/// An entry of the append-only events table.
#[derive(Clone, Debug)]
pub struct NewEvent<'a> {
    /// The command (`migrate`, `rollback`, ...).
    pub command: &'a str,
    /// The plugin, if the command was about one.
    pub plugin: Option<&'a str>,
    /// Who ran it.
    pub actor: &'a str,
    /// `ok`, `failed` or `refused`.
    pub outcome: &'a str,
    /// What happened.
    pub message: &'a str,
}
