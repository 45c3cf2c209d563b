//! `drop-column` (MySQL/MariaDB, SQLite): DROP COLUMN destroys its values and breaks the
//! code that reads them; MySQL rebuilds the table for it (INPLACE), SQLite rewrites it.
//! (PostgreSQL: `ban-drop-column`.)

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::{AlterTableOperation, Statement};

/// The rule.
pub static RULE: Rule = Rule {
    id: "drop-column",
    engines: &[Dialect::Mysql, Dialect::Sqlite],
    risk: Risk::High,
    lock: "INPLACE, rebuilds the table (MySQL; INSTANT from MySQL 8.0.29); database write lock (SQLite)",
    rewrites: true,
    scans: true,
    in_transaction: true,
    destroys_data: true,
    breaks_app: true,
    fix: "stop reading and writing the column in a release first; keep a backup of its values; then drop it",
    default_on: true,
};

/// ALTER TABLE ... DROP COLUMN.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    let Some(Statement::AlterTable(alter)) = c.ast else {
        return None;
    };
    let columns: Vec<String> = (alter.operations.iter())
        .filter_map(|op| match op {
            AlterTableOperation::DropColumn { column_names, .. } => {
                Some(column_names.iter().map(ToString::to_string))
            }
            _ => None,
        })
        .flatten()
        .collect();
    (!columns.is_empty()).then(|| {
        format!(
            "dropping {}.{} destroys its values",
            alter.name,
            columns.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found_on, lint_on};
    use ferry_core::Dialect;

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_on(
            Dialect::Sqlite,
            super::RULE.id,
            "ALTER TABLE users DROP COLUMN legacy;"
        ));
    }

    #[test]
    fn adding_passes() {
        assert!(!found_on(
            Dialect::Mysql,
            super::RULE.id,
            "ALTER TABLE users ADD COLUMN nick VARCHAR(20);"
        ));
    }
}
