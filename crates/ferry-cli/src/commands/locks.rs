//! A rehearsal's lock check: each lint finding's predicted PostgreSQL lock against the locks
//! its statement really took on the scratch database (`pg_locks`): Confirmed or Mismatch.

use crate::config::Config;
use ferry_core::{Dialect, Migration};
use ferry_engine::runner::Checked;

/// One finding's predicted lock and what was seen.
#[derive(Clone, Debug, serde::Serialize)]
pub struct LockVerdict {
    /// The lint rule.
    pub rule: &'static str,
    /// Line of the statement in the up script.
    pub line: u32,
    /// The lock mode the rule predicts (`ACCESS EXCLUSIVE`).
    pub predicted: String,
    /// The locks the statement took (`SHARE on users`).
    pub held: Vec<String>,
    /// The predicted mode is among them.
    pub confirmed: bool,
}

/// PostgreSQL's lock modes, strongest first, as lint rules name them.
const MODES: [&str; 8] = [
    "ACCESS EXCLUSIVE",
    "EXCLUSIVE",
    "SHARE ROW EXCLUSIVE",
    "SHARE UPDATE EXCLUSIVE",
    "SHARE",
    "ROW EXCLUSIVE",
    "ROW SHARE",
    "ACCESS SHARE",
];

/// The verdict for each finding of `c`'s migration that predicts a lock mode, where the
/// rehearsal observed its statements' locks.
pub fn verdicts(c: &Checked, migrations: &[Migration], config: &Config) -> Vec<LockVerdict> {
    if c.locks.is_empty() {
        return Vec::new();
    }
    let Some(m) = migrations.iter().find(|m| m.label == c.version) else {
        return Vec::new();
    };
    let Ok(text) = m.up.text() else {
        return Vec::new();
    };
    let options = config.lint_options(false, None);
    let findings = ferry_lint::lint(
        &m.up.path.display().to_string(),
        text,
        Dialect::Postgres,
        &options,
    );
    let mut out = Vec::new();
    for f in &findings {
        let Some(predicted) = predicted(f.lock) else {
            continue;
        };
        let Some(statement) = c
            .locks
            .iter()
            .find(|s| f.span.0 >= s.span.0 && f.span.0 <= s.span.1)
        else {
            continue;
        };
        let named = |locks: &[(String, String)]| -> Vec<(String, String)> {
            (locks.iter())
                .map(|(table, mode)| (words(mode), table.clone()))
                .collect()
        };
        let taken = named(&statement.taken);
        // A lock an earlier statement already took is held, not taken again (found by an
        // adversarial trial: it read as a MISMATCH).
        let held = named(&statement.held);
        let took = taken.iter().any(|(mode, _)| *mode == predicted);
        let confirmed = took || held.iter().any(|(mode, _)| *mode == predicted);
        let shown = if took || !confirmed { &taken } else { &held };
        out.push(LockVerdict {
            rule: f.rule,
            line: statement.line,
            confirmed,
            held: shown
                .iter()
                .map(|(mode, table)| format!("{mode} on {table}"))
                .collect(),
            predicted: predicted.to_owned(),
        });
    }
    out
}

/// The migrations (versions as written) with a lint finding that predicts a PostgreSQL
/// lock mode: the ones whose locks the rehearsal observes.
pub fn predicting(migrations: &[Migration], dialect: Dialect, config: &Config) -> Vec<String> {
    if dialect != Dialect::Postgres {
        return Vec::new();
    }
    let options = config.lint_options(false, None);
    (migrations.iter())
        .filter(|m| {
            let text = m.up.text().unwrap_or_default();
            let findings = ferry_lint::lint("", text, dialect, &options);
            findings.iter().any(|f| predicted(f.lock).is_some())
        })
        .map(|m| m.label.clone())
        .collect()
}

/// The lock mode a rule's lock text starts with.
fn predicted(lock: &str) -> Option<&'static str> {
    // Longest names first: SHARE is the start of three others.
    let mut modes = MODES;
    modes.sort_by_key(|m| std::cmp::Reverse(m.len()));
    modes.into_iter().find(|m| lock.starts_with(m))
}

/// `ShareRowExclusiveLock` as `SHARE ROW EXCLUSIVE`.
fn words(mode: &str) -> String {
    let mode = mode.strip_suffix("Lock").unwrap_or(mode);
    let mut out = String::new();
    for (i, ch) in mode.char_indices() {
        if ch.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn lock_modes_read_both_ways() {
        assert_eq!(super::words("ShareRowExclusiveLock"), "SHARE ROW EXCLUSIVE");
        assert_eq!(
            super::predicted("SHARE ROW EXCLUSIVE on both tables"),
            Some("SHARE ROW EXCLUSIVE")
        );
        assert_eq!(super::predicted("SHARE (blocks writes)"), Some("SHARE"));
        assert_eq!(super::predicted("none"), None);
    }
}
