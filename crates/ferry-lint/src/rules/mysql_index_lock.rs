//! `mysql-index-lock` (MySQL/MariaDB): an index added without `LOCK=NONE`: INPLACE lets
//! writes go on, but where the server cannot, it silently takes a stronger lock instead of
//! failing.

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::{AlterTableLock, AlterTableOperation, Statement, TableConstraint};

/// The rule.
pub static RULE: Rule = Rule {
    id: "mysql-index-lock",
    engines: &[Dialect::Mysql],
    risk: Risk::Medium,
    lock: "INPLACE (writes go on), unless the server falls back to a stronger lock",
    rewrites: false,
    scans: true,
    in_transaction: false,
    destroys_data: false,
    breaks_app: false,
    fix: "add `ALGORITHM=INPLACE, LOCK=NONE`: the server then refuses rather than blocking writes",
    default_on: true,
};

fn lock_none(ops: &[AlterTableOperation]) -> bool {
    ops.iter().any(|op| {
        matches!(
            op,
            AlterTableOperation::Lock {
                lock: AlterTableLock::None,
                ..
            }
        )
    })
}

/// CREATE INDEX or ADD INDEX/UNIQUE without LOCK=NONE.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    match c.ast? {
        Statement::CreateIndex(index) if !lock_none(&index.alter_options) => Some(format!(
            "CREATE INDEX on {} does not say LOCK=NONE",
            index.table_name
        )),
        Statement::AlterTable(alter) if !lock_none(&alter.operations) => {
            let adds_index = alter.operations.iter().any(|op| {
                matches!(
                    op,
                    AlterTableOperation::AddConstraint {
                        constraint: TableConstraint::Index(_) | TableConstraint::Unique(_),
                        ..
                    }
                )
            });
            adds_index.then(|| format!("adding an index to {} does not say LOCK=NONE", alter.name))
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
            Dialect::Mysql,
            super::RULE.id,
            "CREATE INDEX users_email ON users (email);"
        ));
    }

    #[test]
    fn lock_none_passes() {
        assert!(!found_on(
            Dialect::Mysql,
            super::RULE.id,
            "ALTER TABLE users ADD INDEX users_email (email), ALGORITHM=INPLACE, LOCK=NONE;"
        ));
    }
}
