//! `mysql-copy-alter` (MySQL/MariaDB): an ALTER TABLE the server runs with
//! ALGORITHM=COPY: the table is copied row by row while writes wait (a column's type
//! changed by MODIFY/CHANGE, the primary key dropped, ENGINE= or CONVERT TO CHARACTER SET,
//! or COPY asked for).

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;
use sqlparser::ast::{AlterTableAlgorithm, AlterTableOperation, Statement};

/// The rule.
pub static RULE: Rule = Rule {
    id: "mysql-copy-alter",
    engines: &[Dialect::Mysql],
    risk: Risk::High,
    lock: "COPY: the table is rebuilt and writes wait (LOCK=SHARED)",
    rewrites: true,
    scans: true,
    in_transaction: false,
    destroys_data: false,
    breaks_app: false,
    fix: "say ALGORITHM=INPLACE, LOCK=NONE (or INSTANT) so the server refuses instead of copying; for a type change use a new column, backfill in batches and swap, or an online schema change tool (gh-ost, pt-online-schema-change)",
    default_on: true,
};

/// A copying ALTER TABLE without ALGORITHM=INPLACE|INSTANT.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    let Some(Statement::AlterTable(alter)) = c.ast else {
        let text = c.statement.sql.to_uppercase();
        let copying = [
            "ENGINE",
            "CONVERT TO CHARACTER SET",
            "ALGORITHM=COPY",
            "ALGORITHM = COPY",
        ];
        return (c.starts_with(&["ALTER", "TABLE"]) && copying.iter().any(|k| text.contains(k)))
            .then(|| "this ALTER TABLE rebuilds the table with ALGORITHM=COPY".to_owned());
    };
    let online = alter.operations.iter().any(|op| {
        matches!(
            op,
            AlterTableOperation::Algorithm {
                algorithm: AlterTableAlgorithm::Inplace | AlterTableAlgorithm::Instant,
                ..
            }
        )
    });
    if online {
        return None;
    }
    alter.operations.iter().find_map(|op| match op {
        AlterTableOperation::ModifyColumn {
            col_name,
            data_type,
            ..
        } => Some(format!(
            "MODIFY {}.{col_name} {data_type} copies the table when the type changes",
            alter.name
        )),
        AlterTableOperation::ChangeColumn {
            old_name,
            data_type,
            ..
        } => Some(format!(
            "CHANGE {}.{old_name} ... {data_type} copies the table when the type changes",
            alter.name
        )),
        AlterTableOperation::DropPrimaryKey { .. } => Some(format!(
            "dropping the primary key of {} copies the table",
            alter.name
        )),
        AlterTableOperation::Algorithm {
            algorithm: AlterTableAlgorithm::Copy,
            ..
        } => Some(format!(
            "ALGORITHM=COPY rebuilds {} while writes wait",
            alter.name
        )),
        _ => None,
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
            "ALTER TABLE users MODIFY email VARCHAR(500) NOT NULL;"
        ));
        insta::assert_snapshot!(
            "engine",
            lint_on(
                Dialect::Mysql,
                super::RULE.id,
                "ALTER TABLE users ENGINE=InnoDB;"
            )
        );
    }

    #[test]
    fn an_online_algorithm_passes() {
        assert!(!found_on(
            Dialect::Mysql,
            super::RULE.id,
            "ALTER TABLE users MODIFY email VARCHAR(500) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE;"
        ));
        assert!(!found_on(
            Dialect::Mysql,
            super::RULE.id,
            "ALTER TABLE users ADD COLUMN nick VARCHAR(20);"
        ));
    }
}
