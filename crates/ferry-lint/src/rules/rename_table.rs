//! `rename-table` (MySQL/MariaDB, SQLite): running code still uses the old name.
//! (PostgreSQL: `renaming-table`.)

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::{AlterTableOperation, Statement};

/// The rule.
pub static RULE: Rule = Rule {
    id: "rename-table",
    engines: &[Dialect::Mysql, Dialect::Sqlite],
    risk: Risk::High,
    lock: "metadata lock, exclusive (MySQL); database write lock (SQLite)",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: false,
    breaks_app: true,
    fix: "create a view under the new name (or the old one), move readers, then drop the old name",
    default_on: true,
};

/// ALTER TABLE ... RENAME TO, RENAME TABLE (MySQL).
pub(crate) fn check(c: &Ctx) -> Option<String> {
    if let Some(Statement::AlterTable(alter)) = c.ast
        && alter
            .operations
            .iter()
            .any(|op| matches!(op, AlterTableOperation::RenameTable { .. }))
    {
        return Some(format!(
            "renaming {} breaks code that uses the old name",
            alter.name
        ));
    }
    (matches!(c.ast, Some(Statement::RenameTable(_)))
        || (c.ast.is_none() && c.starts_with(&["RENAME", "TABLE"])))
    .then(|| "RENAME TABLE breaks code that uses the old name".to_owned())
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
            "ALTER TABLE users RENAME TO people;"
        ));
        insta::assert_snapshot!(
            "mysql",
            lint_on(
                Dialect::Mysql,
                super::RULE.id,
                "RENAME TABLE users TO people;"
            )
        );
    }

    #[test]
    fn creating_passes() {
        assert!(!found_on(
            Dialect::Mysql,
            super::RULE.id,
            "CREATE TABLE people (id INT);"
        ));
    }
}
