//! `ban-drop-table` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "ban-drop-table",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "ACCESS EXCLUSIVE",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: true,
    breaks_app: true,
    fix: "stop using the table in a release first; keep a backup (or rename it and drop it later)",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "DROP TABLE t;"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "CREATE TABLE t (id bigint);"));
    }
}
