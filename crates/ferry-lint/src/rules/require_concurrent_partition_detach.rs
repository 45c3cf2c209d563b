//! `require-concurrent-partition-detach` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "require-concurrent-partition-detach",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "ACCESS EXCLUSIVE on the parent",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+), without a transaction",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "ALTER TABLE t DETACH PARTITION t_2024;"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "-- ferry:no-transaction
ALTER TABLE t DETACH PARTITION t_2024 CONCURRENTLY;"));
    }
}
