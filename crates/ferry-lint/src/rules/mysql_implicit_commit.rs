//! `mysql-implicit-commit` (MySQL/MariaDB): DDL commits on its own, so a migration with more
//! than one statement cannot be rolled back as a whole: a failure leaves the statements
//! before it applied.

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "mysql-implicit-commit",
    engines: &[Dialect::Mysql],
    risk: Risk::Medium,
    lock: "none",
    rewrites: false,
    scans: false,
    in_transaction: false,
    destroys_data: false,
    breaks_app: false,
    fix: "one DDL statement per migration, or statements that can run again (IF [NOT] EXISTS), so that a failed migration can be finished",
    default_on: true,
};

/// The script's first DDL statement, when the script has others.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    (c.first_ddl? == c.index && c.script.len() > 1).then(|| {
        format!("this migration has {} statements and DDL commits on its own: a failure part-way leaves the statements before it applied", c.script.len())
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
            "CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);"
        ));
    }

    #[test]
    fn one_statement_passes() {
        assert!(!found_on(
            Dialect::Mysql,
            super::RULE.id,
            "CREATE TABLE a (id INT);"
        ));
    }
}
