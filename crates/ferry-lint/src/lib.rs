//! ferry's migration linter. Every statement of a migration is parsed with a real parser
//! (PostgreSQL: squawk's lossless, error-tolerant one and its rules; MySQL/MariaDB and
//! SQLite: sqlparser and ferry's own rules, with the first words of a statement that does
//! not parse) and each hazard found becomes a [`Finding`] of one [`Rule`]: its risk, the
//! lock it takes, whether it rewrites or scans the table, may run in a transaction, destroys
//! data or breaks running code, and the safe alternative.
//!
//! Rules are switched off per file or per statement with `-- ferry:allow rule-id reason`
//! (the reason is required and reported), or for a project in ferry.toml.
#![deny(missing_docs)]

mod allow;
pub mod facts;
mod model;
mod native;
mod postgres;
pub mod render;
pub mod rules;

pub use model::{Finding, Risk, Rule, TableFacts};

use ferry_core::Dialect;

/// What to lint with.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Rules switched off for the project (ferry.toml), with the reason.
    pub disabled: Vec<(String, String)>,
    /// Opt-in rules switched on.
    pub enabled: Vec<String>,
    /// The script runs without a transaction (`-- ferry:no-transaction`).
    pub no_transaction: bool,
    /// The PostgreSQL server's version (`15.4`), when known: some hazards depend on it.
    pub pg_version: Option<String>,
}

/// Lints one script of `dialect`; `file` names it in findings.
pub fn lint(file: &str, text: &str, dialect: Dialect, options: &Options) -> Vec<Finding> {
    // A script ferry cannot even split (a NUL byte, an unterminated quote) would be refused
    // by migrate, and hides whatever follows the break: that fails the lint.
    if let Err(e) = ferry_core::split(text, dialect) {
        let message = format!(
            "ferry cannot split this script into statements ({e}); nothing after this point was checked, and migrate will refuse it"
        );
        let mut f = Finding::new(&rules::unparsed::RULE, message, file, (0, 0));
        f.risk = Risk::High;
        let mut findings = vec![f];
        place(&mut findings, text);
        return findings;
    }
    let mut findings = match dialect {
        Dialect::Postgres => {
            // squawk's rules, then ferry's own for PostgreSQL (squawk reports what it cannot
            // parse; sqlparser's failures there are not news).
            let mut found = postgres::lint(file, text, options);
            let own = native::lint(file, text, dialect, options);
            found.extend(
                own.into_iter()
                    .filter(|f| f.rule != rules::unparsed::RULE.id),
            );
            found
        }
        Dialect::Mysql | Dialect::Sqlite => native::lint(file, text, dialect, options),
    };
    allow::apply(&mut findings, (file, text, dialect), options);
    findings.sort_by_key(|f| (f.span.0, f.rule));
    place(&mut findings, text);
    findings
}

/// Each finding's 1-based line and column (in characters), from one pass over the text:
/// the findings are sorted by offset, so a large file costs its length once, not once per
/// finding.
fn place(findings: &mut [Finding], text: &str) {
    let (mut line, mut line_start, mut at) = (1u32, 0usize, 0usize);
    for f in findings.iter_mut() {
        let mut offset = f.span.0.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        if offset < at {
            (line, line_start, at) = (1, 0, 0);
        }
        for (i, b) in text.as_bytes()[at..offset].iter().enumerate() {
            if *b == b'\n' {
                line += 1;
                line_start = at + i + 1;
            }
        }
        at = offset;
        let column = text[line_start..offset].chars().count() + 1;
        f.line = line;
        f.column = u32::try_from(column).unwrap_or(u32::MAX);
    }
}
