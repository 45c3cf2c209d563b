//! `adding-serial-column` (PostgreSQL; strong_migrations' `add_column_auto_incrementing`):
//! a serial or identity column added to a table that has rows fills every row, rewriting
//! the table under ACCESS EXCLUSIVE.

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::ColumnOption;

/// The rule.
pub static RULE: Rule = Rule {
    id: "adding-serial-column",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "ACCESS EXCLUSIVE (rewrites the table)",
    rewrites: true,
    scans: true,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "add a nullable bigint column, attach a sequence as its default, backfill it in batches, then SET NOT NULL through a validated CHECK",
    default_on: true,
};

/// ADD COLUMN of a serial type, or GENERATED ... AS IDENTITY.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    c.added_columns().into_iter().find_map(|(table, column)| {
        let ty = column.data_type.to_string().to_ascii_lowercase();
        let serial = matches!(
            ty.as_str(),
            "serial" | "bigserial" | "smallserial" | "serial4" | "serial8" | "serial2"
        );
        let identity = (column.options.iter()).any(|o| {
            matches!(
                o.option,
                ColumnOption::Generated {
                    generation_expr: None,
                    ..
                }
            )
        });
        (serial || identity).then(|| {
            format!(
                "{table}.{} numbers every existing row: the table is rewritten",
                column.name
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(
            super::RULE.id,
            "ALTER TABLE events ADD COLUMN seq bigserial;"
        ));
        insta::assert_snapshot!(
            "identity",
            lint_postgres(
                super::RULE.id,
                "ALTER TABLE events ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;"
            )
        );
    }

    #[test]
    fn a_plain_column_passes() {
        assert!(!found(
            super::RULE.id,
            "ALTER TABLE events ADD COLUMN seq bigint;"
        ));
    }
}
