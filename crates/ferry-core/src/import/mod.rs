//! Another tool's history, read as ferry's: `ferry import-history --from TOOL` reads the
//! tool's tracking table ([`columns`] says which columns, the engine builds the query),
//! and [`plan`] turns its rows into the equivalent ferry history, or lists every way the
//! old table and the files disagree. Pure.

mod columns;
mod rows;

pub use columns::{ChecksumShape, Columns, columns};
pub use rows::{Difference, Imported, claimed, plan};

/// One row of another tool's history table, every column as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ForeignRow {
    /// The version as the tool stored it (`None`: a Flyway repeatable).
    pub version: Option<String>,
    /// The description or name, where the tool keeps one.
    pub name: Option<String>,
    /// When it was applied, as UTC text (`YYYY-MM-DD HH:MM:SS[.ffffff]`).
    pub applied_at: Option<String>,
    /// The tool's checksum (hex, or Flyway's signed integer).
    pub checksum: Option<String>,
    /// Whether the tool's row says the migration succeeded (`false`: failed or dirty).
    pub ok: Option<bool>,
    /// Flyway's `type` (`SQL`, `BASELINE`, `UNDO_SQL`, ...).
    pub kind: Option<String>,
    /// Flyway's `script` (the file name).
    pub script: Option<String>,
}
