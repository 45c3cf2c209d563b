//! Which convention a folder follows, from its names and, where names cannot tell, the
//! first lines of a few files.

use super::{Entry, Layout, maragudk};
use crate::naming::{Direction, parse_file_name};
use std::collections::HashSet;

/// How many `.sql` files detection reads the start of.
const PEEKS: usize = 3;

/// The layout of a folder listed as `entries`, and why. `peek` returns the start of a
/// top-level file's text (or `None` if it cannot be read).
pub fn detect(
    entries: &[Entry<'_>],
    peek: &mut dyn FnMut(&str) -> Option<String>,
) -> (Layout, String) {
    let top_sql: Vec<&str> = (entries.iter())
        .filter(|e| {
            !e.is_dir && e.parent().is_none() && e.path.to_ascii_lowercase().ends_with(".sql")
        })
        .map(|e| e.path)
        .collect();
    let diesel = (entries.iter())
        .filter(|e| e.file_name() == "up.sql")
        .filter_map(|e| e.parent())
        .filter(|p| !p.contains('/') && p.starts_with(|c: char| c.is_ascii_digit()))
        .count();
    if diesel > 0 {
        return (
            Layout::Diesel,
            format!("{diesel} folder(s) named by version hold an up.sql"),
        );
    }
    if let Some(file) = top_sql.iter().find(|f| popx_only(f)) {
        return (
            Layout::Popx,
            format!("`{file}` carries a popx tag (cockroach, mssql or autocommit)"),
        );
    }
    let mut sample: Vec<&str> = top_sql.clone();
    sample.sort_unstable();
    for file in sample.iter().take(PEEKS) {
        let Some(text) = peek(file) else { continue };
        if let Some((layout, marker)) = markers(&text) {
            return (layout, format!("`{file}` has a `{marker}` line"));
        }
    }
    if maragudk_names(&top_sql) {
        return (Layout::Maragudk, "the `.up.sql`/`_up.sql` names are keys without a distinct leading version (maragudk/migrate)".into());
    }
    (
        Layout::Ferry,
        "numbered files (ferry, sqlx, golang-migrate, Flyway, postgres-migrations)".into(),
    )
}

/// Whether a name has a tag only popx uses.
fn popx_only(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    let Some(stem) = lower
        .strip_suffix(".up.sql")
        .or_else(|| lower.strip_suffix(".down.sql"))
    else {
        return false;
    };
    stem.split('.')
        .skip(1)
        .any(|t| matches!(t, "cockroach" | "mssql" | "autocommit"))
}

/// The single-file convention whose section marker a text has, and the marker.
fn markers(text: &str) -> Option<(Layout, &'static str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in text.lines() {
        let Some(words) = super::sections::comment_words(line.trim()) else {
            continue;
        };
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        // Either section's marker tells: a file may hold only its down section.
        match words.as_slice() {
            [first, ..] if *first == "migrate:up" => {
                return Some((Layout::Dbmate, "-- migrate:up"));
            }
            [first, ..] if *first == "migrate:down" => {
                return Some((Layout::Dbmate, "-- migrate:down"));
            }
            ["+goose", "up", ..] => return Some((Layout::Goose, "-- +goose Up")),
            ["+goose", "down", ..] => return Some((Layout::Goose, "-- +goose Down")),
            ["up", "migration"] => return Some((Layout::NodePgMigrate, "-- Up Migration")),
            ["down", "migration"] => return Some((Layout::NodePgMigrate, "-- Down Migration")),
            ["liquibase", "formatted", "sql"] => {
                return Some((Layout::Liquibase, "--liquibase formatted sql"));
            }
            _ => {}
        }
    }
    None
}

/// Whether every `.sql` name is a maragudk name and ferry's numbered names cannot read the
/// folder: none starts with a version, or versions repeat and no name joins its number to
/// its name with `_` (as sqlx, golang-migrate and ferry do: there a repeat is a duplicate,
/// reported, never a reason to run the folder in name order).
fn maragudk_names(files: &[&str]) -> bool {
    if files.is_empty() || !files.iter().all(|f| maragudk::split(f).is_some()) {
        return false;
    }
    let parsed: Vec<_> = files.iter().map(|f| parse_file_name(f, false)).collect();
    if parsed.iter().all(|p| !matches!(p, Ok(Some(_)))) {
        return true;
    }
    let mut versions = HashSet::new();
    let repeated = (parsed.iter().flatten().flatten()).any(|p| {
        p.direction == Direction::Up && p.dialect.is_none() && !versions.insert(p.version.clone())
    });
    let numbered_with_underscore = files.iter().any(|f| {
        let digits = f.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && f.as_bytes().get(digits) == Some(&b'_')
    });
    repeated && !numbered_with_underscore
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(paths: &[(&str, bool)], text: &str) -> Layout {
        let entries: Vec<Entry<'_>> = paths
            .iter()
            .map(|&(path, is_dir)| Entry { path, is_dir })
            .collect();
        detect(&entries, &mut |_| Some(text.to_owned())).0
    }

    #[test]
    fn each_convention_is_told_apart() {
        let f = |p| (p, false);
        assert_eq!(
            layout(
                &[
                    ("2020-01-01-000000_a", true),
                    f("2020-01-01-000000_a/up.sql")
                ],
                ""
            ),
            Layout::Diesel
        );
        assert_eq!(
            layout(&[f("1_a.cockroach.up.sql"), f("1_a.up.sql")], ""),
            Layout::Popx
        );
        assert_eq!(
            layout(&[f("1_a.sql")], "-- migrate:up\nSELECT 1;"),
            Layout::Dbmate
        );
        assert_eq!(
            layout(&[f("1_a.sql")], "-- +goose Up\nSELECT 1;"),
            Layout::Goose
        );
        assert_eq!(
            layout(&[f("1_a.sql")], "-- Up Migration\nSELECT 1;"),
            Layout::NodePgMigrate
        );
        assert_eq!(
            layout(&[f("users.up.sql"), f("users.down.sql")], ""),
            Layout::Maragudk
        );
        assert_eq!(
            layout(&[f("1-users.up.sql"), f("1-posts.up.sql")], ""),
            Layout::Maragudk
        );
        // sqlx-style names with a repeated number are a duplicate, not name order.
        let merged = [
            f("1_a.up.sql"),
            f("2_b.up.sql"),
            f("5_e.up.sql"),
            f("5_f.up.sql"),
            f("10_j.up.sql"),
        ];
        assert_eq!(layout(&merged, ""), Layout::Ferry);
        assert_eq!(
            layout(&[f("1_users.up.sql"), f("2_posts.up.sql")], ""),
            Layout::Ferry
        );
        assert_eq!(
            layout(
                &[f("001_a.sql"), ("rollback", true), f("rollback/001_a.sql")],
                "CREATE TABLE t (a int);"
            ),
            Layout::Ferry
        );
        assert_eq!(layout(&[], ""), Layout::Ferry);
    }
}
