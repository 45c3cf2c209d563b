//! `adding-foreign-key-constraint` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "adding-foreign-key-constraint",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "SHARE ROW EXCLUSIVE on both tables (scans the table)",
    rewrites: false,
    scans: true,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT in a later migration",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "ALTER TABLE t ADD CONSTRAINT t_org FOREIGN KEY (org_id) REFERENCES orgs (id);"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "ALTER TABLE t ADD CONSTRAINT t_org FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;"));
    }
}
