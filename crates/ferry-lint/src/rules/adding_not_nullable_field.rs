//! `adding-not-nullable-field` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "adding-not-nullable-field",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "ACCESS EXCLUSIVE (scans the table)",
    rewrites: false,
    scans: true,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (it uses the check) and drop the check",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "ALTER TABLE t ALTER COLUMN email SET NOT NULL;"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "ALTER TABLE t ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;"));
    }
}
