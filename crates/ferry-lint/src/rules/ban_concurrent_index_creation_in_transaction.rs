//! `ban-concurrent-index-creation-in-transaction` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "ban-concurrent-index-creation-in-transaction",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "none",
    rewrites: false,
    scans: true,
    in_transaction: false,
    destroys_data: false,
    breaks_app: false,
    fix: "mark the migration `-- ferry:no-transaction`: CONCURRENTLY cannot run in a transaction",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "CREATE TABLE t (id bigint);
CREATE INDEX CONCURRENTLY t_id ON t (id);"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "-- ferry:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS t_id ON t (id);"));
    }
}
