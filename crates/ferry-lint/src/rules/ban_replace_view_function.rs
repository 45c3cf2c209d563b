//! `ban-replace-view-function` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "ban-replace-view-function",
    engines: &[Dialect::Postgres],
    risk: Risk::Medium,
    lock: "ACCESS EXCLUSIVE",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: false,
    breaks_app: true,
    fix: "create a new view or function and move callers to it",
    default_on: false,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "CREATE OR REPLACE VIEW v AS SELECT 1;"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "CREATE VIEW v AS SELECT 1;"));
    }
}
