//! `sqlite-foreign-keys-pragma` (SQLite): `PRAGMA foreign_keys = OFF` lets rows break their
//! keys unseen; a migration that turns the checks off must look with `PRAGMA
//! foreign_key_check` before it ends.

use super::Ctx;
use crate::model::{Risk, Rule};
use ferry_core::Dialect;

/// The rule.
pub static RULE: Rule = Rule {
    id: "sqlite-foreign-keys-pragma",
    engines: &[Dialect::Sqlite],
    risk: Risk::Medium,
    lock: "none",
    rewrites: false,
    scans: false,
    in_transaction: false,
    destroys_data: false,
    breaks_app: false,
    fix: "end the migration with `PRAGMA foreign_key_check;` (ferry fails the migration if it returns rows)",
    default_on: true,
};

/// foreign_keys turned off with no foreign_key_check after it.
pub(crate) fn check(c: &Ctx) -> Option<String> {
    let squeezed =
        |s: &ferry_core::Statement| s.sql.to_lowercase().split_whitespace().collect::<String>();
    let text = squeezed(c.statement);
    let off = [
        "pragmaforeign_keys=off",
        "pragmaforeign_keys=0",
        "pragmaforeign_keys=false",
    ];
    if !off.iter().any(|o| text.starts_with(o)) {
        return None;
    }
    let checked = c.script[c.index + 1..]
        .iter()
        .any(|s| squeezed(s).starts_with("pragmaforeign_key_check"));
    (!checked).then(|| {
        "foreign key checks are turned off and nothing checks the keys afterwards".to_owned()
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{found_on, lint_on};
    use ferry_core::Dialect;

    #[test]
    fn triggers() {
        insta::assert_snapshot!(lint_on(
            Dialect::Sqlite,
            super::RULE.id,
            "PRAGMA foreign_keys = OFF;\nDELETE FROM orgs;"
        ));
    }

    #[test]
    fn a_check_afterwards_passes() {
        assert!(!found_on(
            Dialect::Sqlite,
            super::RULE.id,
            "PRAGMA foreign_keys = OFF;\nDELETE FROM orgs;\nPRAGMA foreign_key_check;"
        ));
    }
}
