//! `sqlite-non-constant-default` (SQLite): ADD COLUMN with a default that is not a constant
//! (CURRENT_TIMESTAMP, an expression) is refused: "Cannot add a column with non-constant
//! default".

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::{ColumnOption, Expr};

/// The rule.
pub static RULE: Rule = Rule {
    id: "sqlite-non-constant-default",
    engines: &[Dialect::Sqlite],
    risk: Risk::High,
    lock: "database write lock",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "add the column with a constant default (or none), then UPDATE it; or rebuild the table",
    default_on: true,
};

/// ADD COLUMN ... DEFAULT <not a literal>.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    c.added_columns().into_iter().find_map(|(_, column)| {
        column.options.iter().find_map(|o| match &o.option {
            ColumnOption::Default(e) if !constant(e) => Some(format!(
                "SQLite refuses ADD COLUMN {} with the non-constant default {e}",
                column.name
            )),
            _ => None,
        })
    })
}

fn constant(e: &Expr) -> bool {
    match e {
        Expr::Value(_) => true,
        Expr::UnaryOp { expr, .. } | Expr::Nested(expr) => constant(expr),
        _ => false,
    }
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
            "ALTER TABLE users ADD COLUMN created TEXT DEFAULT CURRENT_TIMESTAMP;"
        ));
    }

    #[test]
    fn a_constant_passes() {
        assert!(!found_on(
            Dialect::Sqlite,
            super::RULE.id,
            "ALTER TABLE users ADD COLUMN active INTEGER DEFAULT -1;"
        ));
    }
}
