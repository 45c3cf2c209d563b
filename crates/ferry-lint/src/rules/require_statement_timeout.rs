//! `require-statement-timeout` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "require-statement-timeout",
    engines: &[Dialect::Postgres],
    risk: Risk::Low,
    lock: "none",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "SET statement_timeout first, so a statement cannot hold its lock for ever",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "SET lock_timeout = '2s';
ALTER TABLE t ADD COLUMN c text;"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER TABLE t ADD COLUMN c text;"));
    }
}
