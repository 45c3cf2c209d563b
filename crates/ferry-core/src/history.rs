//! The history ferry keeps in the database: one row per apply attempt, never deleted.

use crate::{Checksum, Version};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// The state of one history row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowState {
    /// The migration is applied.
    #[default]
    Applied,
    /// The migration failed, or was interrupted, part-way; a human must look.
    Failed,
    /// The migration was applied and later rolled back.
    RolledBack,
    /// A failed entry that a human cleared with `repair --clear-failed`.
    Cleared,
    /// Being applied without a transaction: recorded before its first statement, so a
    /// runner that dies leaves this state, which reads as interrupted once the lock is free.
    Running,
    /// Being rolled back without a transaction; like `Running`, for the down script.
    RollingBack,
}

impl RowState {
    /// The text stored in the `state` column.
    pub fn as_str(self) -> &'static str {
        match self {
            RowState::Applied => "applied",
            RowState::Failed => "failed",
            RowState::RolledBack => "rolled_back",
            RowState::Cleared => "cleared",
            RowState::Running => "running",
            RowState::RollingBack => "rolling_back",
        }
    }

    /// Reads a stored `state` value.
    pub fn parse(text: &str) -> Option<RowState> {
        Some(match text {
            "applied" => RowState::Applied,
            "failed" => RowState::Failed,
            "rolled_back" => RowState::RolledBack,
            "cleared" => RowState::Cleared,
            "running" => RowState::Running,
            "rolling_back" => RowState::RollingBack,
            _ => return None,
        })
    }
}

impl fmt::Display for RowState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error ferry 0.1 recorded a no-transaction migration with before it started (as a
/// `failed` row); such rows still read as unfinished. Newer rows use [`RowState::Running`].
pub const UNFINISHED: &str =
    "interrupted: ferry stopped before this migration finished; some statements may have run";

/// What an unfinished rollback reads as once its runner is gone.
const UNFINISHED_ROLLBACK: &str = "interrupted: ferry stopped before this migration's rollback finished; some of its down script may have run (the migration is partly undone)";

/// One row of the history table. (`Default` is for building rows in tests.)
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct HistoryRow {
    /// Surrogate key; later attempts have larger ids.
    pub id: i64,
    /// The plugin that owns the migration (shared by the rows that name the same plugin:
    /// a long history repeats a handful of values thousands of times).
    pub plugin: Arc<str>,
    /// The migration's version.
    pub version: Version,
    /// The migration's name.
    pub name: Box<str>,
    /// Checksum of the up script that was applied, with the algorithm that computed it.
    pub checksum: Checksum,
    /// The down script as it was when the migration was applied; only read for commands
    /// that roll back (see the engine's `read_history`).
    pub down_sql: Option<String>,
    /// The row's state.
    pub state: RowState,
    /// The run that applied it.
    pub batch: i64,
    /// When it was applied (ISO 8601, UTC).
    pub applied_at: Box<str>,
    /// When it was rolled back or cleared.
    pub rolled_back_at: Option<Box<str>>,
    /// How long applying took.
    pub duration_ms: Option<i64>,
    /// Who applied it (shared, like `plugin`).
    pub applied_by: Arc<str>,
    /// The ferry version that applied it (shared, like `plugin`).
    pub ferry_version: Arc<str>,
    /// For a failure: the error.
    pub error: Option<Box<str>>,
    /// For a failure: the 1-based index of the statement that failed.
    pub failed_statement: Option<i64>,
    /// Recorded by `baseline`, not run.
    pub baseline: bool,
    /// Ran without an outer transaction.
    pub no_transaction: bool,
}

impl HistoryRow {
    /// Recorded as started and never finished: still running, or its runner died.
    pub fn is_unfinished(&self) -> bool {
        match self.state {
            RowState::Running | RowState::RollingBack => true,
            RowState::Failed => {
                self.failed_statement.is_none() && self.error.as_deref() == Some(UNFINISHED)
            }
            _ => false,
        }
    }

    /// Failed or interrupted while rolling back: part of the down script may have run, so
    /// only a human can say whether the migration is still applied or rolled back.
    pub fn failed_rolling_back(&self) -> bool {
        match self.state {
            RowState::RollingBack => true,
            RowState::Failed => {
                (self.error.as_deref()).is_some_and(|e| e.starts_with("rollback failed:"))
            }
            _ => false,
        }
    }

    /// What went wrong with a failed or unfinished row, for messages.
    pub fn problem(&self) -> Option<String> {
        match self.state {
            RowState::Running => Some(UNFINISHED.to_owned()),
            RowState::RollingBack => Some(UNFINISHED_ROLLBACK.to_owned()),
            _ => self.error.as_deref().map(str::to_owned),
        }
    }
}

/// The rows of the history table, as read.
#[derive(Clone, Debug, Default)]
pub struct History {
    rows: Vec<HistoryRow>,
}

impl History {
    /// Wraps rows read from the database.
    pub fn new(mut rows: Vec<HistoryRow>) -> History {
        // Ids are unique, so an unstable sort gives the same order without a copy of the rows.
        rows.sort_unstable_by_key(|r| r.id);
        History { rows }
    }

    /// Every row, oldest first.
    pub fn rows(&self) -> &[HistoryRow] {
        &self.rows
    }

    /// The latest row of each version of `plugin`: the version's current state. Keyed by
    /// the version's text, which identifies it in every kind (a changeset's place in its
    /// changelog is known from the files only).
    pub fn current(&self, plugin: &str) -> BTreeMap<&str, &HistoryRow> {
        let mut latest = BTreeMap::new();
        for row in self.rows.iter().filter(|r| &*r.plugin == plugin) {
            latest.insert(row.version.as_str(), row);
        }
        latest
    }

    /// The batch number the next run records.
    pub fn next_batch(&self) -> i64 {
        self.rows.iter().map(|r| r.batch).max().unwrap_or(0) + 1
    }
}
