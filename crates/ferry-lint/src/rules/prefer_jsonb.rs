//! `prefer-jsonb` (PostgreSQL; strong_migrations' `add_column_json`): a `json` column has
//! no equality operator, so `SELECT DISTINCT`, `UNION` and `GROUP BY` over rows holding it
//! fail.

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::{ColumnDef, DataType, Statement};

/// The rule.
pub static RULE: Rule = Rule {
    id: "prefer-jsonb",
    engines: &[Dialect::Postgres],
    risk: Risk::Low,
    lock: "none",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "use jsonb",
    default_on: true,
};

/// A json column, created or added.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    let json = |d: &ColumnDef| matches!(d.data_type, DataType::JSON).then(|| d.name.to_string());
    let found = match c.ast? {
        Statement::CreateTable(t) => t.columns.iter().find_map(json),
        Statement::AlterTable(_) => c.added_columns().into_iter().find_map(|(_, d)| json(d)),
        _ => None,
    }?;
    Some(format!(
        "column {found} is json, which has no equality operator: DISTINCT, UNION and GROUP BY over it fail"
    ))
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(
            super::RULE.id,
            "ALTER TABLE users ADD COLUMN settings json;"
        ));
    }

    #[test]
    fn jsonb_passes() {
        assert!(!found(
            super::RULE.id,
            "ALTER TABLE users ADD COLUMN settings jsonb;"
        ));
    }
}
