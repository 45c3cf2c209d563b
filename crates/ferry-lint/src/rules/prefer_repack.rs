//! `prefer-repack` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "prefer-repack",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "ACCESS EXCLUSIVE (rewrites the table)",
    rewrites: true,
    scans: true,
    in_transaction: false,
    destroys_data: false,
    breaks_app: false,
    fix: "pg_repack, or REPACK (CONCURRENTLY) on PostgreSQL 19+",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "CLUSTER t USING t_pkey;"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "SELECT 1;"));
    }
}
