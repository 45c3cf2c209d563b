//! `mysql-inline-references` (MySQL; Atlas's MySQL analyzers): MySQL parses a column's
//! inline `REFERENCES t (c)` and ignores it: no foreign key is created. (MariaDB 10.5+
//! creates it.)

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::{ColumnDef, ColumnOption, Statement};

/// The rule.
pub static RULE: Rule = Rule {
    id: "mysql-inline-references",
    engines: &[Dialect::Mysql],
    risk: Risk::Medium,
    lock: "none",
    rewrites: false,
    scans: false,
    in_transaction: false,
    destroys_data: false,
    breaks_app: false,
    fix: "declare the key as a table constraint: FOREIGN KEY (col) REFERENCES t (c)",
    default_on: true,
};

/// A column-level REFERENCES.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    let inline = |d: &ColumnDef| {
        (d.options
            .iter()
            .any(|o| matches!(o.option, ColumnOption::ForeignKey(_))))
        .then(|| d.name.to_string())
    };
    let column = match c.ast? {
        Statement::CreateTable(t) => t.columns.iter().find_map(inline),
        Statement::AlterTable(_) => c.added_columns().into_iter().find_map(|(_, d)| inline(d)),
        _ => None,
    }?;
    Some(format!(
        "MySQL ignores the inline REFERENCES of column {column}: no foreign key is created"
    ))
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
            "CREATE TABLE orders (id INT PRIMARY KEY, user_id INT REFERENCES users (id));"
        ));
    }

    #[test]
    fn a_table_constraint_passes() {
        assert!(!found_on(
            Dialect::Mysql,
            super::RULE.id,
            "CREATE TABLE orders (id INT PRIMARY KEY, user_id INT, FOREIGN KEY (user_id) REFERENCES users (id));"
        ));
    }
}
