//! dbmate: one file per migration, `<version>_<name>.sql`, with `-- migrate:up` and
//! `-- migrate:down` sections; `transaction:false` after either marker runs that section
//! without a transaction (read by [`crate::parse_directives`]). dbmate orders versions as
//! strings and keeps them as written.

use super::sections::{Marker, SectionError, Sections, comment_words, split_at_markers};
use super::{Convention, Entry, Found, code_migration};
use crate::naming::{Direction, ParsedName};
use crate::{Version, VersionKind};

/// dbmate's layout.
pub struct Dbmate;

/// The version and name of a single-file migration `<digits>_<name>.sql`.
pub(super) fn single_file(file: &str, kind: VersionKind) -> Option<ParsedName> {
    let stem = file.strip_suffix(".sql")?;
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    let (version, rest) = stem.split_at(digits);
    let name = match rest.chars().next() {
        None => "",
        Some('_' | '-' | '.') => &rest[1..],
        Some(_) => return None,
    };
    Some(ParsedName {
        version: Version::parse_as(kind, version)?,
        label: version.to_owned(),
        name: name.to_owned(),
        direction: Direction::Up,
        dialect: None,
    })
}

/// What a single-file convention makes of a top-level entry.
pub(super) fn classify_single(entry: Entry<'_>, kind: VersionKind) -> Found {
    let Some(file) = entry.top_file() else {
        return Found::NotMigration;
    };
    match single_file(file, kind) {
        Some(name) => Found::Script {
            name,
            both: true,
            no_transaction: None,
        },
        None if file.to_ascii_lowercase().ends_with(".sql") => {
            Found::Unread("the name does not start with a version (`<digits>_<name>.sql`)".into())
        }
        None => code_migration(file).map_or(Found::NotMigration, Found::Unread),
    }
}

impl Convention for Dbmate {
    fn name(&self) -> &'static str {
        "dbmate"
    }

    fn version_kind(&self) -> VersionKind {
        VersionKind::Text
    }

    fn classify(&self, entry: Entry<'_>) -> Found {
        classify_single(entry, self.version_kind())
    }

    fn sections(&self, text: &str) -> Result<Sections, SectionError> {
        split_at_markers(text, "-- migrate:up", |line| {
            let words = comment_words(line)?;
            match words.first()?.as_str() {
                "migrate:up" => Some(Marker::Up),
                "migrate:down" => Some(Marker::Down),
                _ => None,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_names() {
        let s = Dbmate
            .sections("-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n-- migrate:down\nDROP INDEX i;\n")
            .unwrap();
        assert!(s.up.contains("CREATE INDEX") && !s.up.contains("DROP"));
        assert!(s.down.unwrap().contains("DROP INDEX"));
        assert!(Dbmate.sections("CREATE TABLE t (a int);\n").is_err());
        let Found::Script { name, both, .. } = Dbmate.classify(Entry {
            path: "20200101120000_users.sql",
            is_dir: false,
        }) else {
            panic!("a script");
        };
        assert!(both);
        assert_eq!(
            (name.version.as_str(), name.name.as_str()),
            ("20200101120000", "users")
        );
        assert!(matches!(
            Dbmate.classify(Entry {
                path: "schema.sql",
                is_dir: false
            }),
            Found::Unread(_)
        ));
    }
}
