//! ferry's pure core: migrations, versions, checksums, history rows, other tools' folder
//! conventions ([`layout`]), statement splitting and the planner. Nothing here touches a
//! database, the file system, the network or the clock: the `ferry-source` crate lists and
//! reads folders, and hands scripts to [`Source::build`].
#![deny(missing_docs)]

pub mod checksum;
pub mod database_url;
mod dialect;
mod directive;
pub mod doctor;
mod execution;
mod history;
pub mod import;
pub mod layout;
pub mod naming;
pub mod plan;
pub mod plugin;
pub mod portable;
mod redact;
pub mod rollback;
pub mod schema;
mod source;
mod split;
pub mod tools;
mod txmode;
mod version;

pub use checksum::{CURRENT_ALGORITHM, Checksum, UnknownAlgorithm};
pub use dialect::Dialect;
pub use directive::{DirectiveError, Directives, PortableMeta, StepGuard, parse_directives};
pub use execution::{Check, Execution, FOREIGN_KEY_CHECK, Guard, execution};
pub use history::{History, HistoryRow, RowState, UNFINISHED};
pub use redact::{redact_url, scrub_password};
pub use source::{
    DownScript, LoadError, Migration, MigrationSource, NamedFile, ROLLBACK_DIR, ReadText, Script,
    ScriptFile, Source, Summary,
};
pub use split::{SplitError, Statement, split};
pub use txmode::{NoTxReason, ServerFacts, TxMode, transaction_mode};
pub use version::{Version, VersionKind};

/// The 1-based line and column (in characters) of byte `offset` in `text`, for errors in
/// configuration files that report byte spans (ferry.toml, plugin.toml).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
