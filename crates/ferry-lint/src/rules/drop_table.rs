//! `drop-table` (MySQL/MariaDB, SQLite): DROP TABLE destroys the rows and breaks the code
//! that still reads them. (PostgreSQL: `ban-drop-table`.)

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::{ObjectType, Statement};

/// The rule.
pub static RULE: Rule = Rule {
    id: "drop-table",
    engines: &[Dialect::Mysql, Dialect::Sqlite],
    risk: Risk::High,
    lock: "metadata lock, exclusive (MySQL); database write lock (SQLite)",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: true,
    breaks_app: true,
    fix: "stop using the table in a release first; keep a backup (or rename it and drop it later)",
    default_on: true,
};

/// DROP TABLE.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    let dropped = match c.ast {
        Some(Statement::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        }) => names.iter().map(ToString::to_string).collect(),
        None if c.starts_with(&["DROP", "TABLE"]) => {
            vec![c.statement.words.get(2).cloned().unwrap_or_default()]
        }
        _ => return None,
    };
    Some(format!(
        "DROP TABLE {} destroys its rows",
        dropped.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found_on, lint_on};
    use ferry_core::Dialect;

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_on(
            Dialect::Mysql,
            super::RULE.id,
            "DROP TABLE IF EXISTS legacy;"
        ));
    }

    #[test]
    fn other_drops_pass() {
        assert!(!found_on(
            Dialect::Sqlite,
            super::RULE.id,
            "DROP INDEX legacy_idx;"
        ));
    }
}
