//! `identifier-too-long` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "identifier-too-long",
    engines: &[Dialect::Postgres],
    risk: Risk::Medium,
    lock: "none",
    rewrites: false,
    scans: false,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "keep identifiers to 63 bytes: PostgreSQL cuts longer ones silently",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "CREATE TABLE t (a_column_name_that_is_very_much_longer_than_sixty_three_bytes_in_all_xx bigint);"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "CREATE TABLE t (short bigint);"));
    }
}
