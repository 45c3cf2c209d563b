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
    fn a_script_that_cannot_be_split_is_high_risk() {
        // Found by an adversarial trial: an unterminated quote hid a DROP TABLE.
        let sql = "SELECT 'oops;\nDROP TABLE users;";
        let findings = crate::lint("x.sql", sql, Dialect::Postgres, &Default::default());
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].risk, crate::Risk::High);
        assert!(
            findings[0].message.contains("cannot split this script"),
            "{findings:#?}"
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
