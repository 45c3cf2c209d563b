//! ferry's own tables, and other tools'.

use super::{NewEvent, NewRow, RowUpdate};
use crate::DbError;
use async_trait::async_trait;
use ferry_core::HistoryRow;
use ferry_core::import::{Columns, ForeignRow};

/// ferry's history and events tables (schema-qualified names, fixed at connect time).
#[async_trait]
pub trait HistoryStore: Send {
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
    /// Inserts a history row and returns its id.
    async fn insert_history(&mut self, row: &NewRow<'_>) -> Result<i64, DbError>;
    /// The INSERT of an applied row as SQL text, to send in one batch with the script and
    /// the COMMIT (engines with `batch_scripts`); `None` where the engine has no such batch.
    fn insert_history_sql(&self, row: &NewRow<'_>) -> Option<String>;
    /// Changes a history row.
    async fn update_history(&mut self, id: i64, update: &RowUpdate<'_>) -> Result<(), DbError>;
    /// Appends to the events table.
    async fn insert_event(&mut self, event: &NewEvent<'_>) -> Result<(), DbError>;
    /// Makes the history's checksum column wide enough for every algorithm (tables made by
    /// older ferry versions had room for SHA-256 only).
    async fn widen_checksum(&mut self) -> Result<(), DbError>;
}

/// Other migration tools' history tables, read for `import-history`.
#[async_trait]
pub trait ForeignHistory: Send {
    /// The rows of another tool's history table (`None` if there is no such table).
    async fn read_foreign(&mut self, columns: &Columns)
    -> Result<Option<Vec<ForeignRow>>, DbError>;
}
