//! A rule, and what one finding of it says.

use ferry_core::Dialect;
use serde::Serialize;

/// How risky a change is, by seed 002's complexity matrix: low (additive, no lock worth
/// waiting for), medium (locks or scans briefly, or needs care), high (rewrites or blocks a
/// table, destroys data, or breaks running code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Additive, quick.
    Low,
    /// Needs care.
    Medium,
    /// Blocks, rewrites, destroys or breaks.
    High,
}

impl Risk {
    /// `low`, `medium` or `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }

    /// Parses `low`, `medium` or `high`.
    pub fn parse(text: &str) -> Option<Risk> {
        match text.to_ascii_lowercase().as_str() {
            "low" => Some(Risk::Low),
            "medium" => Some(Risk::Medium),
            "high" => Some(Risk::High),
            _ => None,
        }
    }
}

/// One hazard ferry knows: what it is and what to do instead.
#[derive(Debug, Serialize)]
pub struct Rule {
    /// Its id (`require-concurrent-index-creation`; squawk's ids where squawk has the rule).
    pub id: &'static str,
    /// The engines it applies to.
    #[serde(skip)]
    pub engines: &'static [Dialect],
    /// Its risk.
    pub risk: Risk,
    /// The lock the statement takes (PostgreSQL lock level; MySQL/MariaDB `INSTANT`,
    /// `INPLACE` or `COPY`; SQLite's database write lock), or `none`.
    pub lock: &'static str,
    /// It rewrites the table.
    pub rewrites: bool,
    /// It reads the whole table (under its lock).
    pub scans: bool,
    /// It may run inside a transaction.
    pub in_transaction: bool,
    /// It destroys data.
    pub destroys_data: bool,
    /// It breaks application code that is running (renames, drops, type changes).
    pub breaks_app: bool,
    /// The safe alternative.
    pub fix: &'static str,
    /// On unless switched on in ferry.toml (`[lint] enable`).
    pub default_on: bool,
}

/// One hazard found in one statement.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// The rule's id.
    pub rule: &'static str,
    /// Its risk.
    pub risk: Risk,
    /// The lock taken.
    pub lock: &'static str,
    /// Rewrites the table.
    pub rewrites: bool,
    /// Scans the table.
    pub scans: bool,
    /// May run in a transaction.
    pub in_transaction: bool,
    /// Destroys data.
    pub destroys_data: bool,
    /// Breaks running application code.
    pub breaks_app: bool,
    /// What was found.
    pub message: String,
    /// The safe alternative.
    pub fix: String,
    /// The file.
    pub file: String,
    /// 1-based line of the offending text.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Byte range of the offending text in the file.
    pub span: (usize, usize),
    /// Switched off by `-- ferry:allow` or ferry.toml, with the reason given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<String>,
    /// The table the statement touches, with what the live database says of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<TableFacts>,
}

/// What the live database says of the table a finding's statement touches.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TableFacts {
    /// The table.
    pub name: String,
    /// Its rows (PostgreSQL and MySQL: the catalog's estimate).
    pub rows: Option<u64>,
    /// Its size on disk, indexes included.
    pub bytes: Option<u64>,
    /// How long a rewrite or scan would hold its lock, roughly.
    pub lock_seconds: Option<f64>,
}

impl Finding {
    /// A finding of `rule` at byte range `span` of `file`.
    /// (Its line and column are filled in once per file, by [`crate::lint`].)
    pub fn new(rule: &'static Rule, message: String, file: &str, span: (usize, usize)) -> Finding {
        let (line, column) = (0, 0);
        Finding {
            rule: rule.id,
            risk: rule.risk,
            lock: rule.lock,
            rewrites: rule.rewrites,
            scans: rule.scans,
            in_transaction: rule.in_transaction,
            destroys_data: rule.destroys_data,
            breaks_app: rule.breaks_app,
            message,
            fix: rule.fix.to_owned(),
            file: file.to_owned(),
            line,
            column,
            span,
            allowed: None,
            table: None,
        }
    }
}
