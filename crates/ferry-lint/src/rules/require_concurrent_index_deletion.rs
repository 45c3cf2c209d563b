//! `require-concurrent-index-deletion` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "require-concurrent-index-deletion",
    engines: &[Dialect::Postgres],
    risk: Risk::Medium,
    lock: "ACCESS EXCLUSIVE",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "DROP INDEX CONCURRENTLY in a migration marked `-- ferry:no-transaction`",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "DROP INDEX t_id;"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "DROP INDEX CONCURRENTLY t_id;"));
    }
}
