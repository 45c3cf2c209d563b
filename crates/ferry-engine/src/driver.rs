//! The one trait every engine implements.

use crate::{DbError, Lock};
use async_trait::async_trait;
use ferry_core::{Checksum, Dialect, HistoryRow, Migration, RowState, ServerFacts};

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

/// One connection to one database, able to do everything ferry needs of it.
#[async_trait]
pub trait Driver: Send {
    /// The engine family.
    fn dialect(&self) -> Dialect;
    /// What the engine can do.
    fn capabilities(&self) -> Capabilities;
    /// The server's version and family.
    fn server_facts(&self) -> ServerFacts;
    /// The lock that serialises runners on this database.
    fn lock(&self) -> Box<dyn Lock>;

    /// Runs one statement (or a script the server accepts as a whole), discarding results.
    async fn execute(&mut self, sql: &str) -> Result<(), DbError>;
    /// Runs a multi-statement script in one round trip (only when
    /// [`Capabilities::batch_scripts`]); on failure, how many statements completed first.
    async fn execute_batch(&mut self, script: &str) -> Result<(), (usize, DbError)>;
    /// Runs a query and returns its rows, every column read as optional text.
    async fn query_text(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, DbError>;
    /// Starts a transaction.
    async fn begin(&mut self) -> Result<(), DbError>;
    /// Commits the open transaction.
    async fn commit(&mut self) -> Result<(), DbError>;
    /// Rolls the open transaction back.
    async fn rollback(&mut self) -> Result<(), DbError>;

    /// Records the session as it is now (after the preamble) as the state every migration
    /// starts from, and qualifies ferry's tables with the schema or database in use now,
    /// so that a migration that changes `search_path` or says `USE` cannot redirect them.
    async fn capture_session(&mut self) -> Result<(), DbError>;
    /// Restores the captured session state (settings a migration changed, `USE`).
    async fn reset_session(&mut self) -> Result<(), DbError>;
    /// [`Driver::reset_session`] as SQL to end a batch with, where the engine takes batches.
    fn reset_session_sql(&self) -> Option<&str>;

    /// Whether the history table exists.
    async fn history_exists(&mut self) -> Result<bool, DbError>;
    /// Creates the history and events tables if missing.
    async fn create_history(&mut self) -> Result<(), DbError>;
    /// Every history row, in no particular order. Stored down scripts are read only
    /// `with_down_sql` (they are the bulk of a long history, and only rollbacks need them).
    /// `plugin`'s versions are read as `kind` (see [`ferry_core::Version::stored`]).
    async fn read_history(
        &mut self,
        with_down_sql: bool,
        plugin: &str,
        kind: ferry_core::VersionKind,
    ) -> Result<Vec<HistoryRow>, crate::EngineError>;
    /// The rows of another tool's history table (`None` if there is no such table).
    async fn read_foreign(
        &mut self,
        columns: &ferry_core::import::Columns,
    ) -> Result<Option<Vec<ferry_core::import::ForeignRow>>, DbError>;
    /// Makes the history's checksum column wide enough for every algorithm (tables made by
    /// older ferry versions had room for SHA-256 only).
    async fn widen_checksum(&mut self) -> Result<(), DbError>;
    /// Inserts a history row and returns its id.
    async fn insert_history(&mut self, row: &NewRow<'_>) -> Result<i64, DbError>;
    /// The INSERT of an applied row as SQL text, to send in one batch with the script and
    /// the COMMIT (engines with `batch_scripts`); `None` where the engine has no such batch.
    fn insert_history_sql(&self, row: &NewRow<'_>) -> Option<String>;
    /// Changes a history row.
    async fn update_history(&mut self, id: i64, update: &RowUpdate<'_>) -> Result<(), DbError>;
    /// Appends to the events table.
    async fn insert_event(&mut self, event: &NewEvent<'_>) -> Result<(), DbError>;
    /// Names of the user tables in the database (for tests and introspection).
    async fn table_names(&mut self) -> Result<Vec<String>, DbError>;
    /// Closes the connection cleanly.
    async fn close(self: Box<Self>);
}
