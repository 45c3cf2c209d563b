//! `ban-truncate-cascade` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "ban-truncate-cascade",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "ACCESS EXCLUSIVE on every table it reaches",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: true,
    breaks_app: false,
    fix: "TRUNCATE the tables you mean, by name",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "TRUNCATE t CASCADE;"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "TRUNCATE t;"));
    }
}
