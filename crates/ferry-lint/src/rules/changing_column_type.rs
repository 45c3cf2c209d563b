//! `changing-column-type` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "changing-column-type",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "ACCESS EXCLUSIVE (rewrites the table)",
    rewrites: true,
    scans: true,
    in_transaction: true,
    destroys_data: false,
    breaks_app: true,
    fix: "add a new column, keep both written (a dual-write trigger), backfill in batches, switch readers, then drop the old one",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "ALTER TABLE t ALTER COLUMN id TYPE bigint;"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "ALTER TABLE t ADD COLUMN id_big bigint;"));
    }
}
