//! Which tables a script touches, read from its statements with sqlparser: a rehearsal
//! reads the catalog and the rows of those tables only. A script with a statement that may
//! reach further (a function, a trigger, a DO block, anything not parsed) touches
//! everything: `None`.

use crate::Dialect;
use sqlparser::ast::{
    AlterTableOperation, ObjectName, ObjectType, RenameTableNameKind, Statement, visit_relations,
};
use sqlparser::parser::Parser;
use std::collections::BTreeSet;
use std::ops::ControlFlow;

/// The names of the relations `sql`'s statements name (tables, and the indexes and views
/// DROP names), as written (`audit.log`); `None` when they cannot be known.
pub fn touched(sql: &str, dialect: Dialect) -> Option<BTreeSet<String>> {
    let statements = Parser::parse_sql(dialect.parser_dialect().as_ref(), sql).ok()?;
    let mut names = BTreeSet::new();
    for statement in &statements {
        if !contained(statement) {
            return None;
        }
        let _ = visit_relations(statement, |name| {
            names.insert(text(name, dialect));
            ControlFlow::<()>::Continue(())
        });
        if let Statement::AlterTable(alter) = statement {
            for op in &alter.operations {
                if let AlterTableOperation::RenameTable { table_name } = op {
                    let (RenameTableNameKind::As(new) | RenameTableNameKind::To(new)) = table_name;
                    names.insert(text(new, dialect));
                }
            }
        }
        // DROP's names are not relations to the visitor (they may be indexes).
        if let Statement::Drop {
            names: dropped,
            table,
            ..
        } = statement
        {
            names.extend(dropped.iter().chain(table).map(|n| text(n, dialect)));
        }
    }
    Some(names)
}

/// Statements whose effects stay within the relations they name.
fn contained(statement: &Statement) -> bool {
    match statement {
        Statement::CreateTable(_)
        | Statement::AlterTable(_)
        | Statement::CreateIndex(_)
        | Statement::CreateView(_)
        | Statement::Insert(_)
        | Statement::Update(_)
        | Statement::Delete(_)
        | Statement::Truncate(_)
        | Statement::Query(_)
        | Statement::Comment { .. } => true,
        Statement::Drop { object_type, .. } => matches!(
            object_type,
            ObjectType::Table | ObjectType::Index | ObjectType::View
        ),
        _ => false,
    }
}

/// A name as the catalog shows it: parts joined by dots, unquoted; PostgreSQL folds
/// unquoted names to lower case.
fn text(name: &ObjectName, dialect: Dialect) -> String {
    let parts = name.0.iter().filter_map(|p| p.as_ident()).map(|ident| {
        let raw = match (dialect, ident.quote_style) {
            (Dialect::Postgres, None) => ident.value.to_lowercase(),
            _ => ident.value.clone(),
        };
        super::name_part(&raw)
    });
    parts.collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod tests {
    use super::touched;
    use crate::Dialect;

    fn names(sql: &str) -> Option<Vec<String>> {
        touched(sql, Dialect::Postgres).map(|s| s.into_iter().collect())
    }

    #[test]
    fn names_the_tables_of_contained_statements() {
        let sql = "CREATE TABLE Users (id int REFERENCES orgs (id)); CREATE INDEX i ON users (id);\n\
                   INSERT INTO audit.\"Log\" SELECT * FROM users; DROP INDEX idx_x; ALTER TABLE a RENAME TO b;";
        assert_eq!(
            names(sql).unwrap(),
            ["a", "audit.Log", "b", "idx_x", "users"]
        );
        assert_eq!(
            names("DELETE FROM \"audit.log\"").unwrap(),
            ["\"audit.log\""]
        );
    }

    #[test]
    fn anything_that_may_reach_further_touches_everything() {
        assert_eq!(
            names("CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql"),
            None
        );
        assert_eq!(names("DO $$ BEGIN END $$"), None);
        assert_eq!(names("not sql at all"), None);
        assert_eq!(names("DROP SCHEMA s CASCADE"), None);
    }
}
