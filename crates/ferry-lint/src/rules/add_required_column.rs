//! `add-required-column` (MySQL/MariaDB, SQLite): ADD COLUMN NOT NULL without a default.
//! SQLite refuses it; MySQL fills existing rows with the type's implicit default (0, ''),
//! which is rarely what was meant. (PostgreSQL: `adding-required-field`.)

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::ColumnOption;

/// The rule.
pub static RULE: Rule = Rule {
    id: "add-required-column",
    engines: &[Dialect::Mysql, Dialect::Sqlite],
    risk: Risk::High,
    lock: "INSTANT (MySQL 8, MariaDB 10.3+); database write lock (SQLite)",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "add the column nullable or with a DEFAULT, backfill it, then make it NOT NULL",
    default_on: true,
};

/// ADD COLUMN ... NOT NULL with no DEFAULT.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    c.added_columns().into_iter().find_map(|(table, column)| {
        let has = |f: fn(&ColumnOption) -> bool| column.options.iter().any(|o| f(&o.option));
        let required = has(|o| matches!(o, ColumnOption::NotNull));
        let defaulted =
            has(|o| matches!(o, ColumnOption::Default(_) | ColumnOption::Generated { .. }));
        (required && !defaulted).then(|| {
            let what = match c.dialect {
                Dialect::Sqlite => "SQLite refuses it on a table that has rows",
                _ => "existing rows get the type's implicit default (0, '')",
            };
            format!(
                "{table}.{} is added NOT NULL without a DEFAULT: {what}",
                column.name
            )
        })
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
            "ALTER TABLE users ADD COLUMN email TEXT NOT NULL;"
        ));
    }

    #[test]
    fn a_default_passes() {
        assert!(!found_on(
            Dialect::Mysql,
            super::RULE.id,
            "ALTER TABLE users ADD COLUMN email VARCHAR(100) NOT NULL DEFAULT '';"
        ));
    }
}
