//! `unparsed`: a statement ferry could not parse, so no rule could check it.

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "unparsed",
    engines: &[Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite],
    risk: Risk::Medium,
    lock: "unknown",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "check the statement by hand (ferry's rehearsal, `ferry test`, runs it on a scratch database)",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found_on, lint_on};
    use ferry_core::Dialect;

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_on(
            Dialect::Mysql,
            super::RULE.id,
            "ALTER TABLE t ENGINE=InnoDB;"
        ));
        insta::assert_snapshot!(
            "postgres",
            lint_on(Dialect::Postgres, super::RULE.id, "CREATE TABLE (;")
        );
    }

    #[test]
    fn parsed_statements_pass() {
        assert!(!found_on(
            Dialect::Mysql,
            super::RULE.id,
            "ALTER TABLE t ADD COLUMN c INT;"
        ));
    }
}
