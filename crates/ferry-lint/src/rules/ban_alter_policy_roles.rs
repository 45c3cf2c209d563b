//! `ban-alter-policy-roles` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "ban-alter-policy-roles",
    engines: &[Dialect::Postgres],
    risk: Risk::Medium,
    lock: "ACCESS EXCLUSIVE",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: false,
    breaks_app: true,
    fix: "check who gains or loses access",
    default_on: false,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "ALTER POLICY p ON t TO app;"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "SELECT 1;"));
    }
}
