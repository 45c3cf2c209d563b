//! `ban-alter-system-options` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "ban-alter-system-options",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "none",
    rewrites: false,
    scans: false,
    in_transaction: false,
    destroys_data: false,
    breaks_app: true,
    fix: "change server settings outside migrations",
    default_on: false,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "ALTER SYSTEM SET work_mem = '64MB';"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "SELECT 1;"));
    }
}
