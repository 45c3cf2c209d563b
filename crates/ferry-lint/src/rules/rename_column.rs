//! `rename-column` (MySQL/MariaDB, SQLite): running code still uses the old name.
//! (PostgreSQL: `renaming-column`.)

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::{AlterTableOperation, Statement};

/// The rule.
pub static RULE: Rule = Rule {
    id: "rename-column",
    engines: &[Dialect::Mysql, Dialect::Sqlite],
    risk: Risk::High,
    lock: "INSTANT (MySQL 8, MariaDB 10.5+); database write lock (SQLite)",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: false,
    breaks_app: true,
    fix: "add the new column, write both, move readers, then drop the old one (expand and contract)",
    default_on: true,
};

/// RENAME COLUMN, or CHANGE old new (MySQL).
pub(crate) fn check(c: &Ctx) -> Option<String> {
    let Some(Statement::AlterTable(alter)) = c.ast else {
        return None;
    };
    alter.operations.iter().find_map(|op| match op {
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => Some(format!(
            "renaming {}.{old_column_name} to {new_column_name} breaks code that uses the old name",
            alter.name
        )),
        AlterTableOperation::ChangeColumn {
            old_name, new_name, ..
        } if old_name.value != new_name.value => Some(format!(
            "CHANGE renames {}.{old_name} to {new_name}, which breaks code that uses the old name",
            alter.name
        )),
        _ => None,
    })
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
            "ALTER TABLE users RENAME COLUMN email TO mail;"
        ));
    }

    #[test]
    fn adding_passes() {
        assert!(!found_on(
            Dialect::Sqlite,
            super::RULE.id,
            "ALTER TABLE users ADD COLUMN mail TEXT;"
        ));
    }
}
