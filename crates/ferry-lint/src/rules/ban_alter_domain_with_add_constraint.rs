//! `ban-alter-domain-with-add-constraint` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "ban-alter-domain-with-add-constraint",
    engines: &[Dialect::Postgres],
    risk: Risk::Medium,
    lock: "SHARE (scans every column of the domain)",
    rewrites: false,
    scans: true,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "put the CHECK on the tables' columns instead",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "ALTER DOMAIN positive ADD CONSTRAINT p CHECK (VALUE > 0);"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "ALTER DOMAIN positive SET DEFAULT 1;"));
    }
}
