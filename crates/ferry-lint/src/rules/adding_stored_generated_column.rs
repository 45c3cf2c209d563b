//! `adding-stored-generated-column` (PostgreSQL; strong_migrations'
//! `add_column_generated_stored`): a STORED generated column is computed for every existing
//! row, rewriting the table under ACCESS EXCLUSIVE.

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::{ColumnOption, GeneratedExpressionMode};

/// The rule.
pub static RULE: Rule = Rule {
    id: "adding-stored-generated-column",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "ACCESS EXCLUSIVE (rewrites the table)",
    rewrites: true,
    scans: true,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "add a plain column, fill it in batches and keep it current with a trigger; or compute the value in a view",
    default_on: true,
};

/// ADD COLUMN ... GENERATED ALWAYS AS (...) STORED.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    c.added_columns().into_iter().find_map(|(table, column)| {
        let stored = column.options.iter().any(|o| {
            matches!(o.option, ColumnOption::Generated { generation_expr: Some(_), generation_expr_mode: Some(GeneratedExpressionMode::Stored), .. })
        });
        stored.then(|| format!("the stored generated column {table}.{} is computed for every row: the table is rewritten", column.name))
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(
            super::RULE.id,
            "ALTER TABLE orders ADD COLUMN total numeric GENERATED ALWAYS AS (price * quantity) STORED;"
        ));
    }

    #[test]
    fn a_plain_column_passes() {
        assert!(!found(
            super::RULE.id,
            "ALTER TABLE orders ADD COLUMN total numeric;"
        ));
    }
}
