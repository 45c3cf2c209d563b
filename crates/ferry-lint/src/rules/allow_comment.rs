//! `allow-comment`: a `-- ferry:allow` comment that gives no reason or names no rule.

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "allow-comment",
    engines: &[Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite],
    risk: Risk::Medium,
    lock: "none",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "write `-- ferry:allow rule-id why it is safe here`",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(
            super::RULE.id,
            "-- ferry:allow ban-drop-table\nDROP TABLE t;\n-- ferry:allow no-such-rule because\nSELECT 1;"
        ));
    }

    /// Found by an adversarial trial.
    #[test]
    fn an_allow_after_a_statement_is_for_that_statement_and_one_in_a_block_comment_is_none() {
        let sql = "DROP TABLE t; -- ferry:allow ban-drop-table t is empty\nDROP TABLE u;\n/* -- ferry:allow ban-drop-table x */ DROP TABLE v;";
        let findings = crate::lint(
            "x.sql",
            sql,
            ferry_core::Dialect::Postgres,
            &Default::default(),
        );
        let allowed = |table: &str| {
            let at = sql.find(&format!("DROP TABLE {table}")).unwrap();
            findings
                .iter()
                .find(|f| f.rule == "ban-drop-table" && f.span.0 == at)
                .unwrap()
                .allowed
                .clone()
        };
        assert_eq!(allowed("t").as_deref(), Some("t is empty"));
        assert_eq!(allowed("u"), None);
        assert_eq!(allowed("v"), None);
        let upper = "-- FERRY:ALLOW ban-drop-table \u{1b}[31mred\nDROP TABLE t;";
        let findings = crate::lint(
            "x.sql",
            upper,
            ferry_core::Dialect::Postgres,
            &Default::default(),
        );
        let f = findings
            .iter()
            .find(|f| f.rule == "ban-drop-table")
            .unwrap();
        assert_eq!(f.allowed.as_deref(), Some("\\u{1b}[31mred"));
    }

    #[test]
    fn an_allow_with_a_reason_passes_and_allows() {
        let sql = "-- ferry:allow ban-drop-table the table was emptied in 041\nDROP TABLE t;";
        assert!(!found(super::RULE.id, sql));
        let findings = crate::lint(
            "x.sql",
            sql,
            ferry_core::Dialect::Postgres,
            &Default::default(),
        );
        let drop = findings
            .iter()
            .find(|f| f.rule == "ban-drop-table")
            .unwrap();
        assert_eq!(
            drop.allowed.as_deref(),
            Some("the table was emptied in 041")
        );
    }
}
