//! The schema snapshots ferry stores after every migrate (`ferry_snapshots`), which
//! `ferry drift` compares the live schema with and `ferry verify` takes row counts from.

use crate::DbError;
use async_trait::async_trait;

/// One stored snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSnapshot {
    /// When it was taken (UTC).
    pub taken_at: String,
    /// The command after which it was taken.
    pub command: String,
    /// The schema, as `schema dump --json` writes it.
    pub schema_json: String,
    /// Each table's row count before that command ran, as a JSON object.
    pub row_counts: Option<String>,
}

/// ferry's table of schema snapshots.
#[async_trait]
pub trait SnapshotStore: Send {
    /// Stores a snapshot (creating the table if missing).
    async fn record_snapshot(
        &mut self,
        command: &str,
        schema_json: &str,
        row_counts: Option<&str>,
    ) -> Result<(), DbError>;
    /// The newest snapshot; `None` if there is none (nothing is created).
    async fn last_snapshot(&mut self) -> Result<Option<StoredSnapshot>, DbError>;
}
