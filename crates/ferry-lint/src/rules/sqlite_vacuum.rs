//! `sqlite-vacuum` (SQLite): VACUUM rewrites the whole database under an exclusive lock and
//! cannot run in a transaction.

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "sqlite-vacuum",
    engines: &[Dialect::Sqlite],
    risk: Risk::High,
    lock: "exclusive lock on the database while it is rewritten",
    rewrites: true,
    scans: true,
    in_transaction: false,
    destroys_data: false,
    breaks_app: false,
    fix: "run VACUUM outside migrations, at a quiet time; in a migration it needs `-- ferry:no-transaction`",
    default_on: true,
};

/// VACUUM.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    c.starts_with(&["VACUUM"]).then(|| {
        let tx = if c.no_transaction {
            ""
        } else {
            ", and it fails inside the migration's transaction"
        };
        format!("VACUUM rewrites the whole database while nothing else can write{tx}")
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found_on, lint_on};
    use ferry_core::Dialect;

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_on(Dialect::Sqlite, super::RULE.id, "VACUUM;"));
    }

    #[test]
    fn analyze_passes() {
        assert!(!found_on(Dialect::Sqlite, super::RULE.id, "ANALYZE;"));
    }
}
