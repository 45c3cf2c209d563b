//! What the rules' snapshot tests share: lint a snippet and show one rule's findings.

use crate::{Options, lint};
use ferry_core::Dialect;

fn options(rule: &str, sql: &str) -> Options {
    Options {
        enabled: vec![rule.to_owned()],
        no_transaction: sql.contains("-- ferry:no-transaction"),
        // The newest rules' behaviour (prefer-repack needs 19).
        pg_version: Some("19".into()),
        ..Options::default()
    }
}

/// The findings of `rule` for `sql` on `dialect`, one per line:
/// `line:column risk lock: message (fix)`.
pub(crate) fn lint_on(dialect: Dialect, rule: &str, sql: &str) -> String {
    let findings = lint("test.sql", sql, dialect, &options(rule, sql));
    let lines: Vec<String> = (findings.iter())
        .filter(|f| f.rule == rule)
        .map(|f| {
            format!(
                "{}:{} {} [{}] {}\n  fix: {}",
                f.line,
                f.column,
                f.risk.as_str(),
                f.lock,
                f.message,
                f.fix
            )
        })
        .collect();
    assert!(
        !lines.is_empty(),
        "{rule} did not trigger on:\n{sql}\nfound: {findings:#?}"
    );
    lines.join("\n")
}

/// [`lint_on`] PostgreSQL.
pub(crate) fn lint_postgres(rule: &str, sql: &str) -> String {
    lint_on(Dialect::Postgres, rule, sql)
}

/// Whether `rule` finds anything in `sql` on PostgreSQL.
pub(crate) fn found(rule: &str, sql: &str) -> bool {
    found_on(Dialect::Postgres, rule, sql)
}

/// Whether `rule` finds anything in `sql` on `dialect`.
pub(crate) fn found_on(dialect: Dialect, rule: &str, sql: &str) -> bool {
    let findings = lint("test.sql", sql, dialect, &options(rule, sql));
    findings.iter().any(|f| f.rule == rule)
}
