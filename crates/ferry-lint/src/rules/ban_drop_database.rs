//! `ban-drop-database` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "ban-drop-database",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "ACCESS EXCLUSIVE on the database",
    rewrites: false,
    scans: false,
    in_transaction: false,
    destroys_data: true,
    breaks_app: true,
    fix: "drop databases by hand, never in a migration",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "DROP DATABASE app;"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "SELECT 1;"));
    }
}
