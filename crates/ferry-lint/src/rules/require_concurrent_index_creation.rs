//! `require-concurrent-index-creation` (PostgreSQL; found by squawk's rule of the same id).

use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "require-concurrent-index-creation",
    engines: &[Dialect::Postgres],
    risk: Risk::High,
    lock: "SHARE (blocks writes while the index builds)",
    rewrites: false,
    scans: true,
    in_transaction: true,
    destroys_data: false,
    breaks_app: false,
    fix: "CREATE INDEX CONCURRENTLY in a migration marked `-- ferry:no-transaction`",
    default_on: true,
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found, lint_postgres};

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_postgres(super::RULE.id, "CREATE TABLE t (id int);
CREATE INDEX t_id ON big (id);"));
    }

    #[test]
    fn the_safe_form_passes() {
        assert!(!found(super::RULE.id, "CREATE INDEX CONCURRENTLY t_id ON big (id);"));
    }
}
