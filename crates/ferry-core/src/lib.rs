//! ferry's pure core: migration files, versions, checksums, history rows, statement
//! splitting and the planner. Nothing here touches a database or the network; the only IO
//! is reading a migrations folder ([`Source::load`]) and its summary cache ([`cache`]),
//! which also looks at the clock to tell settled files from ones still being written.
#![deny(missing_docs)]

pub mod cache;
mod checksum;
pub mod database_url;
mod dialect;
mod directive;
mod execution;
mod history;
pub mod naming;
pub mod plan;
mod redact;
mod source;
mod split;
mod txmode;
mod version;

pub use checksum::{CURRENT_ALGORITHM, Checksum, UnknownAlgorithm};
pub use dialect::Dialect;
pub use directive::{DirectiveError, Directives, parse_directives};
pub use execution::{Check, Execution, FOREIGN_KEY_CHECK, execution};
pub use history::{History, HistoryRow, RowState, UNFINISHED};
pub use redact::{redact_url, scrub_password};
pub use source::{DownScript, LoadError, Migration, ROLLBACK_DIR, Script, Source};
pub use split::{SplitError, Statement, split};
pub use txmode::{NoTxReason, ServerFacts, TxMode, transaction_mode};
pub use version::Version;
