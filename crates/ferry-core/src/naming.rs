//! What a migration file's name says: version, name, direction and engine.
//!
//! Accepted forms, so that existing projects work as they are:
//! - `001_add_customers.sql` with `rollback/001_add_customers.sql` or
//!   `rollback/001_rollback_add_customers.sql` (down scripts are matched by version);
//! - `001_add_customers.up.sql` / `001_add_customers.down.sql` (sqlx, golang-migrate);
//! - `V0001.Name.up.sql`, and Flyway's `V2.1__name.sql` / `U2.1__name.sql` (undo), where
//!   underscores in the version stand for dots (`V2_1__x` is 2.1);
//! - any of these with an engine tag before `.sql` or before `.up`/`.down`:
//!   `001_x.postgres.sql`, `001_x.mysql.up.sql`, `001_x.up.sqlite.sql`.

use crate::{Dialect, Version};

/// Whether a script applies or reverts its migration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// Applies the migration.
    Up,
    /// Reverts the migration.
    Down,
}

/// What a file name says about the script inside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedName {
    /// The version, as compared.
    pub version: Version,
    /// The version as written in the name, for display (`001`, `2.1`).
    pub label: String,
    /// The descriptive part of the name.
    pub name: String,
    /// Up or down.
    pub direction: Direction,
    /// The engine this variant is for; `None` for the plain file.
    pub dialect: Option<Dialect>,
}

/// Why a `.sql` file name is not a migration name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// The name does not start with a version.
    #[error(
        "the name does not start with a version; name it like `001_add_customers.sql` (or `.up.sql`/`.down.sql`)"
    )]
    NoVersion,
    /// A repeatable migration given a direction or put among down scripts.
    #[error(
        "a repeatable migration (R__) is applied again when it changes and has no down script; remove `.up`/`.down` or move it out of rollback/"
    )]
    RepeatableDown,
}

/// Parses a file name (not a path). `in_rollback_dir` marks files under `rollback/`, which are
/// down scripts whatever their name. Returns `Ok(None)` for files that are not SQL.
pub fn parse_file_name(
    file_name: &str,
    in_rollback_dir: bool,
) -> Result<Option<ParsedName>, NameError> {
    let Some(stem) = strip_suffix_ci(file_name, ".sql") else {
        return Ok(None);
    };
    if let Some(rest) = stem.strip_prefix(crate::version::REPEATABLE_PREFIX) {
        return Ok(Some(repeatable(rest, in_rollback_dir)?));
    }
    let (version_text, label, rest, flyway_direction) =
        split_version(stem).ok_or(NameError::NoVersion)?;
    let version = Version::parse(version_text).ok_or(NameError::NoVersion)?;
    let (mut name, mut direction, dialect) = strip_tags(rest);
    if let Some(d) = flyway_direction {
        direction = direction.or(Some(d));
    }
    if in_rollback_dir {
        direction = Some(Direction::Down);
        if let Some(stripped) = strip_prefix_ci(&name, "rollback_") {
            name = stripped.to_owned();
        }
    }
    Ok(Some(ParsedName {
        version,
        label,
        name,
        direction: direction.unwrap_or(Direction::Up),
        dialect,
    }))
}

/// A Flyway repeatable migration, `R__name.sql` (engine tags allowed); it has no down script.
fn repeatable(rest: &str, in_rollback: bool) -> Result<ParsedName, NameError> {
    let (name, direction, dialect) = strip_tags(rest);
    if in_rollback || direction.is_some() {
        return Err(NameError::RepeatableDown);
    }
    let version = Version::repeatable(&name).ok_or(NameError::NoVersion)?;
    Ok(ParsedName {
        label: version.to_string(),
        version,
        name,
        direction: Direction::Up,
        dialect,
    })
}

/// Splits `stem` into (version text, label, rest, direction given by a Flyway prefix).
fn split_version(stem: &str) -> Option<(&str, String, &str, Option<Direction>)> {
    let first = stem.chars().next()?;
    let after_prefix = &stem[first.len_utf8()..];
    let prefixed = matches!(first, 'V' | 'v' | 'U' | 'u')
        && after_prefix.starts_with(|c: char| c.is_ascii_digit());
    if prefixed && let Some((version, rest)) = after_prefix.split_once("__") {
        // Flyway: `V2_1__name`; `U` is an undo script.
        let direction = if first.eq_ignore_ascii_case(&'U') {
            Direction::Down
        } else {
            Direction::Up
        };
        return Some((version, version.replace('_', "."), rest, Some(direction)));
    }
    let body = if prefixed && first.eq_ignore_ascii_case(&'V') {
        after_prefix
    } else {
        stem
    };
    let mut end = 0;
    let bytes = body.as_bytes();
    while end < bytes.len() {
        let digits = bytes[end..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            break;
        }
        end += digits;
        // A dot continues the version only when digits follow it.
        if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
            end += 1;
        } else {
            break;
        }
    }
    if end == 0 {
        return None;
    }
    let (version, rest) = body.split_at(end);
    let rest = match rest.chars().next() {
        None => "",
        Some('_' | '.' | '-') => &rest[1..],
        Some(_) => return None,
    };
    Some((version, version.to_owned(), rest, None))
}

/// Removes trailing `.up`/`.down` and engine tags from a name, in either order.
fn strip_tags(rest: &str) -> (String, Option<Direction>, Option<Dialect>) {
    let mut name = rest;
    let mut direction = None;
    let mut dialect = None;
    while let Some((head, tag)) = name.rsplit_once('.') {
        if direction.is_none() && tag.eq_ignore_ascii_case("up") {
            direction = Some(Direction::Up);
        } else if direction.is_none() && tag.eq_ignore_ascii_case("down") {
            direction = Some(Direction::Down);
        } else if let (None, Some(d)) = (dialect, Dialect::from_file_tag(tag)) {
            dialect = Some(d);
        } else {
            break;
        }
        name = head;
    }
    // `001.up.sql` leaves the tag itself as the whole name.
    if let Some(d) = Dialect::from_file_tag(name).filter(|_| dialect.is_none()) {
        dialect = Some(d);
        name = "";
    } else if direction.is_none()
        && (name.eq_ignore_ascii_case("up") || name.eq_ignore_ascii_case("down"))
    {
        direction = Some(if name.eq_ignore_ascii_case("up") {
            Direction::Up
        } else {
            Direction::Down
        });
        name = "";
    }
    (name.to_owned(), direction, dialect)
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(cut) && s[cut..].eq_ignore_ascii_case(suffix)).then(|| &s[..cut])
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix))
    .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str) -> (String, String, Direction, Option<Dialect>) {
        let p = parse_file_name(name, false).unwrap().unwrap();
        (p.version.to_string(), p.name, p.direction, p.dialect)
    }

    #[test]
    fn seed_layout() {
        assert_eq!(
            parse("001_add_customers.sql"),
            ("1".into(), "add_customers".into(), Direction::Up, None)
        );
        let down = parse_file_name("001_rollback_initial.sql", true)
            .unwrap()
            .unwrap();
        assert_eq!(
            (down.name.as_str(), down.direction),
            ("initial", Direction::Down)
        );
    }

    #[test]
    fn up_down_pairs_and_engine_tags() {
        assert_eq!(
            parse("1_create_users.down.sql"),
            ("1".into(), "create_users".into(), Direction::Down, None)
        );
        assert_eq!(
            parse("003_x.postgres.sql"),
            (
                "3".into(),
                "x".into(),
                Direction::Up,
                Some(Dialect::Postgres)
            )
        );
        assert_eq!(
            parse("003_x.mysql.down.sql"),
            (
                "3".into(),
                "x".into(),
                Direction::Down,
                Some(Dialect::Mysql)
            )
        );
        assert_eq!(
            parse("003_x.down.sqlite.sql"),
            (
                "3".into(),
                "x".into(),
                Direction::Down,
                Some(Dialect::Sqlite)
            )
        );
    }

    #[test]
    fn flyway_and_v_prefixed_names() {
        assert_eq!(
            parse("V0001.Name.up.sql"),
            ("1".into(), "Name".into(), Direction::Up, None)
        );
        assert_eq!(
            parse("V2.1__add_x.sql"),
            ("2.1".into(), "add_x".into(), Direction::Up, None)
        );
        assert_eq!(
            parse("V2_1__add_x.sql"),
            ("2.1".into(), "add_x".into(), Direction::Up, None)
        );
        assert_eq!(
            parse("U2.1__add_x.sql"),
            ("2.1".into(), "add_x".into(), Direction::Down, None)
        );
        assert_eq!(
            parse_file_name("V2_1__x.sql", false)
                .unwrap()
                .unwrap()
                .label,
            "2.1"
        );
    }

    #[test]
    fn timestamps_and_dotted_versions() {
        assert_eq!(parse("20260130120000_init.sql").0, "20260130120000");
        assert_eq!(parse("1.2_x.sql").0, "1.2");
        assert_eq!(parse("001.sql").1, "");
    }

    #[test]
    fn a_name_starting_with_a_multibyte_character_is_refused_not_a_panic() {
        for name in ["ü001_x.sql", "é.sql", "日本_1.sql", "Ü__x.sql", "ü"] {
            assert!(matches!(
                parse_file_name(name, false),
                Err(NameError::NoVersion) | Ok(None)
            ));
        }
    }

    #[test]
    fn non_sql_files_are_not_migrations() {
        assert_eq!(parse_file_name("README.md", false), Ok(None));
    }

    #[test]
    fn bad_names_are_errors() {
        assert_eq!(
            parse_file_name("schema.sql", false),
            Err(NameError::NoVersion)
        );
        assert_eq!(
            parse_file_name("1x_bad.sql", false),
            Err(NameError::NoVersion)
        );
        assert_eq!(
            parse_file_name("R__views.down.sql", false),
            Err(NameError::RepeatableDown)
        );
        let r = parse_file_name("R__Blue_cars.sql", false).unwrap().unwrap();
        assert_eq!(
            (r.label.as_str(), r.version.is_repeatable()),
            ("R__Blue_cars", true)
        );
    }
}
