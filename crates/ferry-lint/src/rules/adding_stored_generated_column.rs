//! `adding-stored-generated-column` (PostgreSQL; strong_migrations'
//! `add_column_generated_stored`): a STORED generated column is computed for every existing
//! row, rewriting the table under ACCESS EXCLUSIVE.

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::{AlterTableOperation, ColumnOption, GeneratedExpressionMode, Statement};

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
    let Some(Statement::AlterTable(alter)) = c.ast else {
        return None;
    };
    alter.operations.iter().find_map(|op| {
        let AlterTableOperation::AddColumn { column_def, .. } = op else {
            return None;
        };
        let stored = column_def.options.iter().any(|o| {
            matches!(o.option, ColumnOption::Generated { generation_expr: Some(_), generation_expr_mode: Some(GeneratedExpressionMode::Stored), .. })
        });
        stored.then(|| format!("the stored generated column {}.{} is computed for every row: the table is rewritten", alter.name, column_def.name))
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
