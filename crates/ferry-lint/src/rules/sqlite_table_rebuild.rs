//! `sqlite-table-rebuild` (SQLite): SQLite cannot ALTER a column or add or drop a
//! constraint, so the change needs the table rebuilt (create the new shape, copy the rows,
//! drop the old table, rename); a rebuild must recreate the table's indexes, triggers and
//! views, and run with foreign keys off and `PRAGMA foreign_key_check` after.

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::{AlterTableOperation, ObjectType, RenameTableNameKind, Statement};

/// The rule.
pub static RULE: Rule = Rule {
    id: "sqlite-table-rebuild",
    engines: &[Dialect::Sqlite],
    risk: Risk::High,
    lock: "database write lock for the whole copy",
    rewrites: true,
    scans: true,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "follow SQLite's 12-step ALTER TABLE recipe: PRAGMA foreign_keys=OFF (ferry runs it before the transaction), create the new table, INSERT ... SELECT, drop the old one, rename, recreate its indexes, triggers and views, then PRAGMA foreign_key_check",
    default_on: true,
};

/// An ALTER SQLite cannot do, or a rename onto a table the script dropped (the recipe).
pub(crate) fn check(c: &Ctx) -> Option<String> {
    let Some(Statement::AlterTable(alter)) = c.ast else {
        return None;
    };
    for op in &alter.operations {
        match op {
            AlterTableOperation::AlterColumn { column_name, .. } => {
                return Some(format!(
                    "SQLite cannot alter {}.{column_name}: the table must be rebuilt",
                    alter.name
                ));
            }
            AlterTableOperation::AddConstraint { .. }
            | AlterTableOperation::DropConstraint { .. } => {
                return Some(format!(
                    "SQLite cannot add or drop a constraint of {}: the table must be rebuilt",
                    alter.name
                ));
            }
            AlterTableOperation::RenameTable { table_name } => {
                let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
                let dropped = c.script[..c.index].iter().any(|s| {
                    let parsed = sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::SQLiteDialect {}, &s.sql);
                    parsed.ok().and_then(|p| p.into_iter().next()).is_some_and(|st| matches!(
                        st,
                        Statement::Drop { object_type: ObjectType::Table, names, .. }
                            if names.iter().any(|n| n.to_string().eq_ignore_ascii_case(&new.to_string()))
                    ))
                });
                if dropped && !recreates_after(c) {
                    return Some(format!(
                        "{} is rebuilt under the name {new}: its indexes and triggers went with the old table and are not created again here",
                        alter.name
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether a CREATE INDEX or CREATE TRIGGER follows.
fn recreates_after(c: &Ctx) -> bool {
    c.script[c.index + 1..].iter().any(|s| {
        let w: Vec<&str> = s.words.iter().map(String::as_str).collect();
        matches!(w.as_slice(), ["CREATE", "INDEX" | "TRIGGER" | "UNIQUE", ..])
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found_on, lint_on};
    use ferry_core::Dialect;

    const RECIPE: &str = "CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\n\
        INSERT INTO users_new SELECT id, email FROM users;\nDROP TABLE users;\nALTER TABLE users_new RENAME TO users;";

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_on(Dialect::Sqlite, super::RULE.id, RECIPE));
        insta::assert_snapshot!(
            "alter",
            lint_on(
                Dialect::Sqlite,
                super::RULE.id,
                "ALTER TABLE users ADD CONSTRAINT c CHECK (id > 0);"
            )
        );
    }

    #[test]
    fn a_recipe_that_recreates_its_index_passes() {
        let sql = format!("{RECIPE}\nCREATE INDEX users_email ON users (email);");
        assert!(!found_on(Dialect::Sqlite, super::RULE.id, &sql));
    }
}
