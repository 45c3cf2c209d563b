//! ferry's own names (see [`crate::naming`]), which are also sqlx's, golang-migrate's,
//! postgres-migrations' and Flyway's (`V`, `U` and repeatable `R__` files): flat files,
//! down scripts beside their up scripts (`.down.sql`) or in `rollback/`.

use super::{Convention, Entry, Found, code_migration};
use crate::ROLLBACK_DIR;
use crate::naming::parse_file_name;

/// ferry's layout.
pub struct Ferry;

impl Convention for Ferry {
    fn name(&self) -> &'static str {
        "ferry"
    }

    fn classify(&self, entry: Entry<'_>) -> Found {
        let name = entry.file_name();
        let in_rollback = match entry.parent() {
            None => false,
            Some(ROLLBACK_DIR) => true,
            Some(_) => return Found::NotMigration,
        };
        if entry.is_dir {
            return match name {
                ROLLBACK_DIR if !in_rollback => Found::Folder,
                _ if name.starts_with(|c: char| c.is_ascii_digit()) => Found::Unread(
                    "is a folder, not a file (a folder per migration is diesel's layout: set `layout = \"diesel\"`)".into(),
                ),
                _ => Found::NotMigration,
            };
        }
        if let Some(stem) = name.strip_suffix(".json").filter(|_| !in_rollback) {
            // `NNN_name.json` is a portable migration, named like an SQL one.
            match parse_file_name(&format!("{stem}.sql"), false) {
                Ok(Some(parsed)) if parsed.direction == crate::naming::Direction::Up => {
                    return Found::Portable(parsed);
                }
                // Found by an adversarial trial: `.down.json` must never run as an up.
                Ok(Some(_)) => {
                    return Found::Unread(
                        "a portable migration holds both directions (`steps.up`, `steps.down`): name it `NNN_name.json`".into(),
                    );
                }
                _ => {}
            }
        }
        match parse_file_name(name, in_rollback) {
            Ok(Some(parsed)) => Found::Script {
                name: parsed,
                both: false,
                no_transaction: None,
            },
            Ok(None) => code_migration(name).map_or(Found::NotMigration, Found::Unread),
            Err(e) => Found::Unread(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(path: &str, is_dir: bool) -> Found {
        Ferry.classify(Entry { path, is_dir })
    }

    #[test]
    fn files_folders_and_other_languages() {
        assert!(matches!(found("001_a.sql", false), Found::Script { .. }));
        assert!(matches!(found("rollback", true), Found::Folder));
        let Found::Script { name, .. } = found("rollback/001_rollback_a.sql", false) else {
            panic!("a down script");
        };
        assert_eq!(
            (name.name.as_str(), name.direction),
            ("a", crate::naming::Direction::Down)
        );
        assert!(matches!(found("README.md", false), Found::NotMigration));
        assert!(matches!(found("archive", true), Found::NotMigration));
        assert!(matches!(found("002_x", true), Found::Unread(_)));
        assert!(matches!(found("003_x.go", false), Found::Unread(_)));
        assert!(matches!(found("004_x.json", false), Found::Portable(_)));
        assert!(matches!(found("004_x.down.json", false), Found::Unread(_)));
        assert_eq!(found("package.json", false), Found::NotMigration);
        assert!(matches!(
            found("V3__Backfill.java", false),
            Found::Unread(_)
        ));
        assert!(matches!(found("R__views.sql", false), Found::Script { .. }));
        assert!(matches!(
            found("rollback/R__views.sql", false),
            Found::Unread(_)
        ));
        assert!(matches!(found("schema.sql", false), Found::Unread(_)));
    }
}
