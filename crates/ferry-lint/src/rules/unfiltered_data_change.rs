//! `unfiltered-data-change` (every engine): TRUNCATE, or DELETE or UPDATE without a WHERE,
//! changes every row of the table: data a down cannot bring back without a backup.

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::Statement;

/// The rule.
pub static RULE: Rule = Rule {
    id: "unfiltered-data-change",
    engines: &[Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite],
    risk: Risk::High,
    lock: "ROW EXCLUSIVE on every row (TRUNCATE: ACCESS EXCLUSIVE)",
    rewrites: false,
    scans: true,
    in_transaction: true,
    destroys_data: true,
    breaks_app: false,
    fix: "take a backup of the table first (ferry's backup, or CREATE TABLE ... AS SELECT), and change the rows in batches with a WHERE",
    default_on: true,
};

/// TRUNCATE, DELETE or UPDATE of every row.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    match c.ast? {
        Statement::Truncate(t) => {
            let names: Vec<String> = t.table_names.iter().map(|n| n.name.to_string()).collect();
            Some(format!("TRUNCATE empties {}", names.join(", ")))
        }
        Statement::Delete(d) if d.selection.is_none() => {
            Some("DELETE without WHERE removes every row".into())
        }
        Statement::Update(u) if u.selection.is_none() => {
            Some("UPDATE without WHERE changes every row".into())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found_on, lint_on};
    use ferry_core::Dialect;

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_on(
            Dialect::Postgres,
            super::RULE.id,
            "TRUNCATE audit_log;"
        ));
        insta::assert_snapshot!(
            "delete",
            lint_on(Dialect::Mysql, super::RULE.id, "DELETE FROM sessions;")
        );
        insta::assert_snapshot!(
            "update",
            lint_on(
                Dialect::Sqlite,
                super::RULE.id,
                "UPDATE users SET active = 0;"
            )
        );
    }

    #[test]
    fn a_filtered_change_passes() {
        assert!(!found_on(
            Dialect::Postgres,
            super::RULE.id,
            "DELETE FROM sessions WHERE expires_at < now();"
        ));
        assert!(!found_on(
            Dialect::Mysql,
            super::RULE.id,
            "UPDATE users SET active = 0 WHERE id = 1;"
        ));
    }
}
