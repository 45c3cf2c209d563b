//! `require-concurrent-reindex` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "require-concurrent-reindex",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "ACCESS EXCLUSIVE",
    rewrites: false,
    scans: true,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "REINDEX ... CONCURRENTLY, without a transaction",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "REINDEX INDEX t_id;"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "-- ferry:no-transaction
REINDEX INDEX CONCURRENTLY t_id;"));
    }
}
