//! `ban-drop-column` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "ban-drop-column",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "ACCESS EXCLUSIVE (brief)",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: true,
    breaks_app: true,
    fix: "stop reading and writing the column in a release first; keep a backup of its values; then drop it",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "ALTER TABLE t DROP COLUMN legacy;"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "ALTER TABLE t ADD COLUMN legacy text;"));
    }
}
