//! Ory popx (fizz-style SQL): `<version>_<name>[.<dialect>][.autocommit].(up|down).sql`.
//! A dialect tag ferry does not run (`cockroach`, `mssql`, any unknown one) marks another
//! engine's variant, which is skipped, never a duplicate; `.autocommit` means no
//! transaction; a dialect's file overrides the generic one for its version. popx compares
//! versions as strings.

use super::{Convention, Entry, Found, code_migration};
use crate::naming::{Direction, ParsedName};
use crate::{Dialect, Version, VersionKind};

/// popx's layout.
pub struct Popx;

impl Convention for Popx {
    fn name(&self) -> &'static str {
        "popx"
    }

    fn version_kind(&self) -> VersionKind {
        VersionKind::Text
    }

    fn classify(&self, entry: Entry<'_>) -> Found {
        let Some(file) = entry.top_file() else {
            return Found::NotMigration;
        };
        let Some(stem) = file.strip_suffix(".sql") else {
            return code_migration(file).map_or(Found::NotMigration, Found::Unread);
        };
        let (stem, direction) = if let Some(s) = stem.strip_suffix(".up") {
            (s, Direction::Up)
        } else if let Some(s) = stem.strip_suffix(".down") {
            (s, Direction::Down)
        } else {
            return Found::Unread("popx names end in `.up.sql` or `.down.sql`".into());
        };
        let mut parts = stem.split('.');
        let head = parts.next().unwrap_or_default();
        let (version, name) = head.split_once('_').unwrap_or((head, ""));
        let Some(version) =
            Version::text(version).filter(|_| version.bytes().all(|b| b.is_ascii_digit()))
        else {
            return Found::Unread(
                "the name does not start with a version (`<digits>_<name>`)".into(),
            );
        };
        let (mut dialect, mut autocommit) = (None, false);
        for tag in parts {
            match tag {
                "autocommit" => autocommit = true,
                _ if dialect.is_some() => {
                    return Found::Unread(format!("a second dialect tag `.{tag}`"));
                }
                _ => match Dialect::from_file_tag(tag) {
                    Some(d) => dialect = Some(d),
                    // An engine's name starts with a letter: `v1.2` in a name is not one.
                    None if tag.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                        return Found::OtherEngine(tag.to_owned());
                    }
                    None => {
                        return Found::Unread(format!(
                            "`.{tag}` is not a dialect tag (popx names may not hold dots: `<version>_<name>[.<dialect>][.autocommit].(up|down).sql`)"
                        ));
                    }
                },
            }
        }
        Found::Script {
            name: ParsedName {
                label: version.to_string(),
                version,
                name: name.to_owned(),
                direction,
                dialect,
            },
            both: false,
            no_transaction: autocommit.then_some("`.autocommit` in the file name"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(path: &str) -> Found {
        Popx.classify(Entry {
            path,
            is_dir: false,
        })
    }

    #[test]
    fn tags_choose_engine_and_transaction() {
        let Found::Script {
            name,
            no_transaction,
            ..
        } = found("20210101000000_users.postgres.autocommit.up.sql")
        else {
            panic!("a script");
        };
        assert_eq!(name.dialect, Some(Dialect::Postgres));
        assert_eq!(name.version.as_str(), "20210101000000");
        assert!(no_transaction.is_some());
        let Found::Script {
            name,
            no_transaction,
            ..
        } = found("20210101000000_users.sqlite3.down.sql")
        else {
            panic!("a script");
        };
        assert_eq!(
            (name.dialect, name.direction, no_transaction),
            (Some(Dialect::Sqlite), Direction::Down, None)
        );
        assert_eq!(
            found("20210101000000_users.cockroach.up.sql"),
            Found::OtherEngine("cockroach".into())
        );
        assert_eq!(
            found("20210101000000_users.mssql.autocommit.up.sql"),
            Found::OtherEngine("mssql".into())
        );
        assert!(matches!(
            found("20210101000000_users.up.fizz"),
            Found::Unread(_)
        ));
        assert!(matches!(
            found("20210101000000_users.sql"),
            Found::Unread(_)
        ));
        assert_eq!(found("README.md"), Found::NotMigration);
    }
}
