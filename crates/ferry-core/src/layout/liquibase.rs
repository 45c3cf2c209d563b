//! Liquibase formatted SQL: changelog files that start with `--liquibase formatted sql`,
//! each holding changesets (`--changeset author:id attr:value ...`) with their SQL and their
//! `--rollback` lines. A changeset's key is `author:id`; changesets run in changelog order
//! (files in name order, then top to bottom). Liquibase's own lines (`--changeset`,
//! `--rollback`, `--comment`, ...) are blanked in the SQL that runs: MySQL reads `--x`
//! without a space as an operator, not a comment. Attributes honoured:
//! `runInTransaction:false`, `dbms` naming one engine.
//! `--ignoreLines:start`/`:end`/`:N` leave lines out. Ignored: `context`, `labels`,
//! `comment`. Refused, so that nothing runs other than Liquibase would run it:
//! `endDelimiter`, `splitStatements:false`, `runAlways`, `runOnChange`, preconditions,
//! several `dbms`, and SQL before the first changeset.

use super::sections::SectionError;
use super::{Convention, Entry, Found, code_migration};
use crate::{Dialect, VersionKind};

/// Liquibase's formatted SQL layout.
pub struct Liquibase;

/// The first line of a formatted SQL changelog.
pub const HEADER: &str = "--liquibase formatted sql";

/// One changeset of a changelog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changeset {
    /// `author:id`.
    pub key: String,
    /// The id.
    pub id: String,
    /// 1-based line of the `--changeset` line: the changeset's text starts there.
    pub line: u32,
    /// The changeset's SQL, from its `--changeset` line (blanked, like every line of
    /// Liquibase's own) to the next changeset: its checksum is its own text's, wherever it
    /// stands in the file.
    pub up: String,
    /// The `--rollback` SQL at the same lines (others blanked), if it has any.
    pub down: Option<String>,
    /// The one engine `dbms` names, if any.
    pub dialect: Option<Dialect>,
    /// `runInTransaction:false`, as written.
    pub no_transaction: Option<String>,
}

impl Convention for Liquibase {
    fn name(&self) -> &'static str {
        "liquibase"
    }

    fn version_kind(&self) -> VersionKind {
        VersionKind::Sequence
    }

    fn classify(&self, entry: Entry<'_>) -> Found {
        let Some(file) = entry.top_file() else {
            return Found::NotMigration;
        };
        match file.to_ascii_lowercase().ends_with(".sql") {
            true => Found::Changelog,
            false => code_migration(file).map_or(Found::NotMigration, Found::Unread),
        }
    }

    fn changesets(&self, text: &str) -> Result<Vec<Changeset>, SectionError> {
        changesets(text)
    }
}

/// The text after `--` and spaces, lower-cased for matching, if `line` is a `--` comment.
fn comment(line: &str) -> Option<&str> {
    line.trim_start_matches('\u{feff}')
        .trim()
        .strip_prefix("--")
        .map(str::trim_start)
}

/// Where a changeset starts, and what its `--changeset` line says.
struct Start {
    line: usize,
    key: String,
    id: String,
    dialect: Option<Dialect>,
    no_transaction: Option<String>,
}

/// The lines `--ignoreLines:start` ... `--ignoreLines:end` and `--ignoreLines:N` leave out.
fn ignored_lines(lines: &[&str]) -> Result<Vec<usize>, (usize, String)> {
    let mut ignored = Vec::new();
    let mut from = None;
    for (n, line) in lines.iter().enumerate() {
        let Some(c) = comment(line) else { continue };
        let lower = c.to_ascii_lowercase();
        let Some(arg) = lower.strip_prefix("ignorelines:") else {
            continue;
        };
        match (arg.trim(), from) {
            ("start", None) => from = Some(n),
            ("end", Some(start)) => {
                ignored.extend(start..=n);
                from = None;
            }
            (count, None) => match count.parse::<usize>() {
                Ok(k) => ignored.extend(n..=n + k),
                Err(_) => {
                    return Err((
                        n,
                        format!("`--ignoreLines:{count}`: a count, `start` or `end`"),
                    ));
                }
            },
            (_, Some(_)) => return Err((n, "`--ignoreLines` inside an ignored block".into())),
        }
    }
    match from {
        Some(start) => Err((
            start,
            "`--ignoreLines:start` without `--ignoreLines:end`".into(),
        )),
        None => Ok(ignored),
    }
}

/// Whether `line` is one of Liquibase's own (`--changeset`, `--comment`, ...).
fn is_meta(line: &str) -> bool {
    let Some(c) = comment(line) else { return false };
    let lower = c.to_ascii_lowercase();
    [
        "changeset",
        "comment",
        "liquibase",
        "validchecksum",
        "ignorelines",
        "rollback",
    ]
    .iter()
    .any(|w| lower.starts_with(w))
}

/// Reads every changeset of a formatted SQL changelog.
pub fn changesets(text: &str) -> Result<Vec<Changeset>, SectionError> {
    let err = |line: usize, message: String| SectionError {
        line: line as u32 + 1,
        message,
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if !lines
        .first()
        .and_then(|l| comment(l))
        .is_some_and(|c| c.eq_ignore_ascii_case("liquibase formatted sql"))
    {
        return Err(err(
            0,
            format!("a Liquibase formatted SQL changelog starts with `{HEADER}`"),
        ));
    }
    let mut starts: Vec<Start> = Vec::new();
    for (n, line) in lines.iter().enumerate().skip(1) {
        let Some(c) = comment(line) else { continue };
        let lower = c.to_ascii_lowercase();
        if lower.starts_with("precondition") {
            return Err(err(
                n,
                "Liquibase preconditions are not supported; run the changeset's check by hand"
                    .into(),
            ));
        }
        let Some(rest) = lower
            .strip_prefix("changeset")
            .filter(|r| r.starts_with(char::is_whitespace))
        else {
            continue;
        };
        let original = &c[c.len() - rest.len()..];
        let mut words = original.split_whitespace();
        let key = words.next().unwrap_or_default();
        let Some((author, id)) = key
            .split_once(':')
            .filter(|(a, i)| !a.is_empty() && !i.is_empty())
        else {
            return Err(err(n, format!("`{key}` is not `author:id`")));
        };
        let (mut dialect, mut no_transaction) = (None, None);
        for attribute in words {
            let (name, value) = attribute.split_once(':').unwrap_or((attribute, ""));
            match name.to_ascii_lowercase().as_str() {
                "enddelimiter" | "runalways" | "runonchange" if value != "false" => {
                    return Err(err(
                        n,
                        format!("the changeset attribute `{attribute}` is not supported yet"),
                    ));
                }
                // Statements are split as ferry splits them: a body meant whole is refused.
                "splitstatements" if value.eq_ignore_ascii_case("false") => {
                    return Err(err(
                        n,
                        format!("the changeset attribute `{attribute}` is not supported yet"),
                    ));
                }
                "runintransaction" if value.eq_ignore_ascii_case("false") => {
                    no_transaction = Some(format!("--changeset {key} {attribute}"));
                }
                "dbms" if value.contains(',') || value.starts_with('!') => {
                    return Err(err(
                        n,
                        format!("`{attribute}`: name one engine per changeset"),
                    ));
                }
                "dbms" => match Dialect::from_file_tag(value) {
                    Some(d) => dialect = Some(d),
                    None => {
                        return Err(err(
                            n,
                            format!(
                                "`{attribute}`: ferry runs postgresql, mysql, mariadb and sqlite"
                            ),
                        ));
                    }
                },
                _ => {}
            }
        }
        starts.push(Start {
            line: n,
            key: format!("{author}:{id}"),
            id: id.to_owned(),
            dialect,
            no_transaction,
        });
    }
    let first = starts.first().map_or(lines.len(), |s| s.line);
    let stray = (1..first).find(|&n| comment(lines[n]).is_none() && !lines[n].trim().is_empty());
    if let Some(n) = stray {
        return Err(err(
            n,
            "SQL before the first `--changeset` belongs to no changeset and would never run; move it into one".into(),
        ));
    }
    let ignored = ignored_lines(&lines).map_err(|(n, m)| err(n, m))?;
    let mut found = Vec::new();
    for (i, set) in starts.iter().enumerate() {
        let (start, end) = (set.line, starts.get(i + 1).map_or(lines.len(), |s| s.line));
        let (mut up, mut down, mut has_down) = (String::new(), String::new(), false);
        for (n, line) in lines.iter().enumerate().take(end).skip(start) {
            let ending = &line[line.trim_end_matches(['\n', '\r']).len()..];
            let rollback = comment(line).and_then(|c| {
                let lower = c.to_ascii_lowercase();
                lower
                    .starts_with("rollback")
                    .then(|| c["rollback".len()..].trim())
            });
            match rollback {
                Some(sql) => {
                    has_down = true;
                    let nothing =
                        matches!(sql.to_ascii_lowercase().as_str(), "not required" | "empty");
                    up.push_str(ending);
                    down.push_str(if nothing { "" } else { sql });
                    down.push_str(ending);
                }
                None if is_meta(line) || ignored.contains(&n) => {
                    up.push_str(ending);
                    down.push_str(ending);
                }
                None => {
                    up.push_str(line);
                    down.push_str(ending);
                }
            }
        }
        found.push(Changeset {
            key: set.key.clone(),
            id: set.id.clone(),
            line: start as u32 + 1,
            up,
            down: has_down.then_some(down),
            dialect: set.dialect,
            no_transaction: set.no_transaction.clone(),
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANGELOG: &str = "--liquibase formatted sql\n\n--changeset ann:1\nCREATE TABLE a (id int);\n--rollback DROP TABLE a;\n\n--changeset bob:2 runInTransaction:false dbms:postgresql\nCREATE INDEX CONCURRENTLY i ON a (id);\n--rollback DROP INDEX i;\n";

    #[test]
    fn changesets_with_their_rollbacks_at_their_lines() {
        let sets = changesets(CHANGELOG).unwrap();
        assert_eq!(
            sets.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(),
            ["ann:1", "bob:2"]
        );
        // Each text starts at its `--changeset` line (blanked): line 3 of the file is 0.
        assert_eq!(sets[0].line, 3);
        assert_eq!(sets[0].up.lines().nth(1), Some("CREATE TABLE a (id int);"));
        assert!(!sets[0].up.contains("DROP") && !sets[0].up.contains("INDEX"));
        let down = sets[0].down.as_deref().unwrap();
        assert_eq!(down.lines().nth(2), Some("DROP TABLE a;"));
        assert_eq!(sets[1].dialect, Some(Dialect::Postgres));
        assert_eq!(
            sets[1].up.lines().next(),
            Some(""),
            "Liquibase's own lines are blanked"
        );
        assert_eq!(
            sets[1].no_transaction.as_deref(),
            Some("--changeset bob:2 runInTransaction:false")
        );
        assert_eq!(sets[1].line, 7);
        // Lines added above a changeset do not change its text (nor its checksum).
        let moved =
            changesets(&CHANGELOG.replace("\n\n--changeset bob", "\n-- note\n\n--changeset bob"))
                .unwrap();
        assert_eq!(moved[1].up, sets[1].up);
    }

    #[test]
    fn ignored_lines_never_run() {
        let text = format!(
            "{HEADER}\n--changeset a:1\nSELECT 1;\n--ignoreLines:start\nDROP TABLE keep;\n--ignoreLines:end\n--ignoreLines:1\nDROP TABLE keep2;\nSELECT 2;\n"
        );
        let sets = changesets(&text).unwrap();
        assert!(
            !sets[0].up.contains("DROP") && sets[0].up.contains("SELECT 2;"),
            "{}",
            sets[0].up
        );
        let before = format!("{HEADER}\nCREATE TABLE lost (id int);\n--changeset a:1\nSELECT 1;\n");
        assert_eq!(changesets(&before).unwrap_err().line, 2);
    }

    #[test]
    fn what_liquibase_would_do_otherwise_is_refused() {
        assert!(changesets("CREATE TABLE a (id int);").is_err());
        for bad in [
            "--changeset nobody\nSELECT 1;",
            "--changeset a:1 runOnChange:true\nSELECT 1;",
            "--changeset a:1 dbms:oracle\nSELECT 1;",
            "--changeset a:1 dbms:postgresql,h2\nSELECT 1;",
            "--changeset a:1\n--preconditions onFail:MARK_RAN\nSELECT 1;",
            "--changeset a:1 splitStatements:false\nSELECT 1;",
        ] {
            let text = format!("{HEADER}\n{bad}\n");
            assert_eq!(
                changesets(&text).unwrap_err().line,
                if bad.contains("preconditions") { 3 } else { 2 },
                "{bad}"
            );
        }
    }
}
