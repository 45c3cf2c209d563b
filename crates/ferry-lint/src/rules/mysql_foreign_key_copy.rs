//! `mysql-foreign-key-copy` (MySQL/MariaDB): ADD FOREIGN KEY while foreign_key_checks is
//! on runs with ALGORITHM=COPY (INPLACE only with the checks off) and checks every row.

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::{AlterTableOperation, Statement, TableConstraint};

/// The rule.
pub static RULE: Rule = Rule {
    id: "mysql-foreign-key-copy",
    engines: &[Dialect::Mysql],
    risk: Risk::High,
    lock: "COPY: the table is rebuilt and writes wait",
    rewrites: true,
    scans: true,
    in_transaction: false,
    destroys_data: false,
    breaks_app: false,
    fix: "SET foreign_key_checks = 0 before it (the key is then added INPLACE without checking rows), then check for orphans with `ferry verify`",
    default_on: true,
};

/// ADD FOREIGN KEY with the checks on.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    let Some(Statement::AlterTable(alter)) = c.ast else {
        return None;
    };
    let adds = alter.operations.iter().any(|op| {
        matches!(
            op,
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::ForeignKey(_),
                ..
            }
        )
    });
    if !adds {
        return None;
    }
    let checks_off = c.script[..c.index].iter().any(|s| {
        let t = s.sql.to_lowercase().replace(' ', "");
        t.contains("foreign_key_checks=0") || t.contains("foreign_key_checks=off")
    });
    (!checks_off).then(|| {
        format!(
            "adding a foreign key to {} with foreign_key_checks on copies the table",
            alter.name
        )
    })
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
            "ALTER TABLE users ADD CONSTRAINT fk_org FOREIGN KEY (org_id) REFERENCES orgs (id);"
        ));
    }

    #[test]
    fn with_the_checks_off_it_passes() {
        let sql = "SET foreign_key_checks = 0;\nALTER TABLE users ADD CONSTRAINT fk_org FOREIGN KEY (org_id) REFERENCES orgs (id);";
        assert!(!found_on(Dialect::Mysql, super::RULE.id, sql));
    }
}
