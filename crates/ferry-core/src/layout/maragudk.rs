//! maragudk/migrate: the whole file stem is the key and migrations run in name order
//! (numeric prefixes may repeat): `x.up.sql` / `x.down.sql`, or `x_up.sql` / `x_down.sql`.

use super::{Convention, Entry, Found, code_migration};
use crate::naming::{Direction, ParsedName};
use crate::{Version, VersionKind};

/// maragudk/migrate's layout.
pub struct Maragudk;

/// The key and direction of a maragudk file name.
pub(super) fn split(file: &str) -> Option<(&str, Direction)> {
    let stem = file.strip_suffix(".sql")?;
    for (suffix, direction) in [
        (".up", Direction::Up),
        ("_up", Direction::Up),
        (".down", Direction::Down),
        ("_down", Direction::Down),
    ] {
        if let Some(key) = stem.strip_suffix(suffix).filter(|k| !k.is_empty()) {
            return Some((key, direction));
        }
    }
    None
}

impl Convention for Maragudk {
    fn name(&self) -> &'static str {
        "maragudk"
    }

    fn version_kind(&self) -> VersionKind {
        VersionKind::Text
    }

    fn classify(&self, entry: Entry<'_>) -> Found {
        let Some(file) = entry.top_file() else {
            return Found::NotMigration;
        };
        let Some((key, direction)) = split(file) else {
            return match file.ends_with(".sql") {
                true => Found::Unread(
                    "maragudk names end in `.up.sql`/`_up.sql` or `.down.sql`/`_down.sql`".into(),
                ),
                false => code_migration(file).map_or(Found::NotMigration, Found::Unread),
            };
        };
        let Some(version) = Version::text(key) else {
            return Found::Unread("the name holds spaces or control characters".into());
        };
        Found::Script {
            name: ParsedName {
                label: key.to_owned(),
                version,
                name: key.to_owned(),
                direction,
                dialect: None,
            },
            both: false,
            no_transaction: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stem_is_the_key_in_either_spelling() {
        assert_eq!(split("1-users.up.sql"), Some(("1-users", Direction::Up)));
        assert_eq!(
            split("1-users_down.sql"),
            Some(("1-users", Direction::Down))
        );
        assert_eq!(split("up.sql"), None);
        let found = |path| {
            Maragudk.classify(Entry {
                path,
                is_dir: false,
            })
        };
        assert!(matches!(found("a.up.sql"), Found::Script { .. }));
        assert!(matches!(found("a.sql"), Found::Unread(_)));
    }
}
