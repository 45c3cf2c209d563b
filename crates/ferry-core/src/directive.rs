//! `-- ferry:` directives in a script's leading comments.
//!
//! Directives are read from the comment lines before the first statement:
//! - `-- ferry:no-transaction` runs the script without an outer transaction;
//! - `-- ferry:description TEXT` describes the migration;
//! - `-- ferry:since 1.1.0` names the plugin version that introduced the migration;
//! - `-- ferry:requires stripe:003, jobs:2` names migrations (`plugin:version`, or a
//!   version of the same plugin) that must be applied before this one;
//! - `-- ferry:conflicts legacy:7` names migrations that may not be applied with it.
//!
//! An unknown `ferry:` directive is an error, so a typo never silently changes behaviour.
//!
//! Other tools' "no transaction" markers are honoured in the leading comments (where those
//! tools put them, and where no string literal can hold them), so a folder written for
//! them runs as they would run it:
//! - sqlx: `-- no-transaction`;
//! - goose: `-- +goose NO TRANSACTION`;
//! - dbmate: `-- migrate:up transaction:false` (and `migrate:down`);
//! - postgres-migrations: `-- postgres-migrations disable-transaction`;
//! - Liquibase formatted SQL: `--changeset author:id runInTransaction:false`.
//!
//! postgres-migrations' `-- postgres-migrations ignore` records a migration as applied
//! without running it (the way that tool replaces such a file with `SELECT 1`).
//!
//! Another tool's down-section marker (`-- +goose Down`, `-- migrate:down`,
//! `-- Down Migration`) is noted wherever it is: in a file read as one up script, what
//! follows it would run as part of the up migration, so the source refuses such a file.

/// The directives a script declares.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Directives {
    /// The marker that says the script runs without a transaction, as written
    /// (`-- ferry:no-transaction`, or another tool's marker); `None` if there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_transaction: Option<String>,
    /// `-- ferry:description ...`, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The marker that says the migration is recorded without running its statements
    /// (postgres-migrations' `-- postgres-migrations ignore`), as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_only: Option<String>,
    /// The first line that marks another tool's down section, and the marker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub down_marker: Option<(u32, String)>,
    /// `-- ferry:since VERSION`: the plugin version that introduced the migration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<semver::Version>,
    /// `-- ferry:requires ...`: migrations that must be applied first, as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    /// `-- ferry:conflicts ...`: migrations that may not be applied with this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<String>,
    /// What a portable JSON migration declares beside its SQL (its id, risk, backup need
    /// and duration); `None` for a SQL file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portable: Option<PortableMeta>,
}

/// What a portable JSON migration says of itself that plans show.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PortableMeta {
    /// Its id, kept across renames: dependencies may name it.
    pub id: String,
    /// `riskLevel`, lower-case.
    pub risk_level: Option<String>,
    /// `requiresBackup`.
    pub requires_backup: bool,
    /// `estimatedDuration`, in seconds.
    pub estimated_duration: Option<u64>,
    /// Each step of this direction, with what must hold around it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepGuard>,
}

/// One step of a portable migration, as the executor sees it: where its SQL is in the
/// script ferry made of the steps, and what must hold before and after it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StepGuard {
    /// The step's id.
    pub id: String,
    /// The byte range of its SQL in the script.
    pub start: usize,
    /// The end of that range.
    pub end: usize,
    /// A query that must hold (return true, or no rows) before the step runs.
    pub pre_validation: Option<String>,
    /// A query that must hold after it.
    pub post_validation: Option<String>,
    /// The step's statement timeout, in seconds.
    pub timeout_s: Option<u64>,
    /// The rows its statements must change in all (`expectedChanges.rows`).
    pub expected_rows: Option<u64>,
    /// A failure of the step is reported and the migration goes on without it.
    pub skip_on_error: bool,
}

/// A malformed or unknown directive.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DirectiveError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column of the directive's name.
    pub column: u32,
    /// What is wrong and what to do.
    pub message: String,
}

/// The directive names ferry knows, for error messages.
const KNOWN: &str = "ferry:no-transaction, ferry:description, ferry:since, ferry:requires, ferry:conflicts, ferry:allow";

/// Reads the directives of `script`'s leading comments (`--` comments, blank lines and
/// `/* */` blocks before the first statement, several on a line or across lines). A
/// `-- ferry:` line after the first statement is an error: it would otherwise be ignored
/// without a word. `ferry:` is matched in any case, after any number of dashes.
pub fn parse_directives(script: &str) -> Result<Directives, DirectiveError> {
    let mut found = Directives::default();
    let script = script.strip_prefix('\u{feff}').unwrap_or(script);
    let mut leading = true;
    let mut in_block = false;
    for (n, line) in script.lines().enumerate() {
        let mut rest = line;
        loop {
            if in_block {
                let Some(end) = rest.find("*/") else { break };
                rest = &rest[end + 2..];
                in_block = false;
                continue;
            }
            rest = rest.trim_start();
            if let Some(comment) = rest.strip_prefix("--") {
                line_comment(&mut found, comment, leading, n + 1, line.len())?;
                break;
            }
            match rest.strip_prefix("/*") {
                Some(after) if leading => {
                    rest = after;
                    in_block = true;
                }
                // A statement (or, once past the leading comments, anything else).
                _ => {
                    leading &= rest.is_empty();
                    break;
                }
            }
        }
    }
    Ok(found)
}

/// Handles the text after a line comment's `--` that ends `line` (of `line_len` bytes).
fn line_comment(
    found: &mut Directives,
    comment: &str,
    leading: bool,
    line: usize,
    line_len: usize,
) -> Result<(), DirectiveError> {
    let body = comment.trim_start_matches('-').trim_start();
    if found.down_marker.is_none() && down_marker(body) {
        found.down_marker = Some((line as u32, format!("-- {}", body.trim_end())));
    }
    if leading && found.no_transaction.is_none() && other_tools_marker(body) {
        found.no_transaction = Some(format!("-- {}", body.trim_end()));
        return Ok(());
    }
    if leading
        && found.record_only.is_none()
        && body
            .trim_end()
            .eq_ignore_ascii_case("postgres-migrations ignore")
    {
        found.record_only = Some(format!("-- {}", body.trim_end()));
        return Ok(());
    }
    let is_directive = body
        .get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("ferry:"));
    if !is_directive {
        return Ok(());
    }
    let directive = &body[6..];
    let err = |message: String| DirectiveError {
        line: line as u32,
        column: (line_len - body.len()) as u32 + 1,
        message,
    };
    // `ferry lint` reads `ferry:allow` anywhere: before a statement it allows a rule there.
    let name = directive.split_whitespace().next().unwrap_or_default();
    if !leading && name.eq_ignore_ascii_case("allow") {
        return Ok(());
    }
    if !leading {
        return Err(err(format!(
            "`ferry:{}` comes after the first statement, where ferry does not read directives; move it to the comments at the top of the file",
            directive.split_whitespace().next().unwrap_or_default()
        )));
    }
    apply(found, directive).map_err(err)
}

/// Records one directive (the text after `ferry:`), or says what is wrong with it.
fn apply(found: &mut Directives, directive: &str) -> Result<(), String> {
    let (name, arg) = directive
        .split_once(char::is_whitespace)
        .unwrap_or((directive, ""));
    let arg = arg.trim();
    match name.to_ascii_lowercase().as_str() {
        "no-transaction" if arg.is_empty() => {
            found.no_transaction = Some("-- ferry:no-transaction".into());
        }
        "no-transaction" => return Err("`ferry:no-transaction` takes no argument".into()),
        "description" if !arg.is_empty() => found.description = Some(arg.to_owned()),
        "description" => return Err("`ferry:description` needs a text after it".into()),
        "since" if found.since.is_some() => {
            return Err("`ferry:since` is given twice; keep one".into());
        }
        "since" => {
            let version = semver::Version::parse(arg).map_err(|e| {
                format!("`ferry:since {arg}`: not a semantic version like 1.1.0 ({e})")
            })?;
            found.since = Some(version);
        }
        "requires" => found.requires.extend(references("requires", arg)?),
        "conflicts" => found.conflicts.extend(references("conflicts", arg)?),
        // `ferry lint` reads these (and reports one without a reason); nothing to run.
        "allow" if !arg.is_empty() => {}
        "allow" => return Err("`ferry:allow` needs a rule id and a reason after it".into()),
        other => {
            return Err(format!(
                "unknown directive `ferry:{other}`; known directives: {KNOWN}"
            ));
        }
    }
    Ok(())
}

/// The migrations a `requires` or `conflicts` directive names: `plugin:version` or a
/// version of the same plugin, separated by commas or spaces.
fn references(directive: &str, arg: &str) -> Result<Vec<String>, String> {
    let list: Vec<String> = (arg.split([',', ' ', '\t']))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let bad = list.iter().find(|r| {
        let (plugin, version) = r.rsplit_once(':').unwrap_or(("", r));
        version.is_empty() || plugin.contains(':') || r.starts_with(':')
    });
    match (list.is_empty(), bad) {
        (true, _) => Err(format!(
            "`ferry:{directive}` needs migrations after it, like `stripe:003` (plugin:version)"
        )),
        (_, Some(bad)) => Err(format!(
            "`ferry:{directive}`: `{bad}` is not a migration; write plugin:version, like `stripe:003`"
        )),
        _ => Ok(list),
    }
}

/// Whether a line comment's text (after `--`) starts another tool's down section.
fn down_marker(body: &str) -> bool {
    let lower = body.trim_end().to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    matches!(
        words.as_slice(),
        ["+goose", "down"] | ["down", "migration"] | ["migrate:down", ..]
    )
}

/// Whether a line comment's text (after `--`) is another tool's "no transaction" marker.
fn other_tools_marker(body: &str) -> bool {
    let lower = body.trim_end().to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    match words.as_slice() {
        ["no-transaction"] => true,
        ["+goose", "no", "transaction"] => true,
        ["postgres-migrations", "disable-transaction"] => true,
        [first, rest @ ..] if first.starts_with("migrate:") => rest.contains(&"transaction:false"),
        ["changeset", _, rest @ ..] => rest.contains(&"runintransaction:false"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_leading_directives() {
        let d = parse_directives(
            "-- header\n-- ferry:no-transaction\n--ferry:description Adds  x\n\nSELECT 1;",
        )
        .unwrap();
        assert_eq!(d.no_transaction.as_deref(), Some("-- ferry:no-transaction"));
        assert_eq!(d.description.as_deref(), Some("Adds  x"));
    }

    #[test]
    fn a_directive_after_the_first_statement_is_an_error() {
        let err = parse_directives("SELECT 1;\n-- ferry:no-transaction\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 4));
        assert!(err.message.contains("after the first statement"), "{err:?}");
        // Plain comments there are fine, and lint's allows are read before any statement.
        assert!(parse_directives("SELECT 1;\n-- ferry is a tool\n").is_ok());
        let allow = "SELECT 1;\n-- ferry:allow ban-drop-table emptied in 041\nDROP TABLE t;";
        assert!(parse_directives(allow).is_ok());
    }

    #[test]
    fn plugin_directives_name_a_version_and_migrations() {
        let d = parse_directives(
            "-- ferry:since 1.1.0\n-- ferry:requires stripe:003, jobs:2\n-- ferry:requires 004\n-- ferry:conflicts legacy:7\nSELECT 1;",
        )
        .unwrap();
        assert_eq!(d.since, Some(semver::Version::new(1, 1, 0)));
        assert_eq!(d.requires, ["stripe:003", "jobs:2", "004"]);
        assert_eq!(d.conflicts, ["legacy:7"]);
        for (bad, says) in [
            ("-- ferry:since 1.1", "not a semantic version"),
            ("-- ferry:requires", "needs migrations"),
            ("-- ferry:requires stripe:", "not a migration"),
            ("-- ferry:conflicts a:b:c", "not a migration"),
        ] {
            let err = parse_directives(bad).unwrap_err();
            assert!(err.message.contains(says), "{bad}: {err}");
            assert_eq!((err.line, err.column), (1, 4), "{bad}");
        }
    }

    #[test]
    fn directives_beside_block_comments_and_in_any_spelling_are_checked() {
        // Found by an adversarial trial.
        for script in [
            "/* hi */ -- ferry:no-transactoin\nselect 1;",
            "/* a */ /* b */\n-- ferry:no-transactoin\nselect 1;",
            "-- FERRY:no-transactoin\nselect 1;",
            "--- ferry:no-transactoin\nselect 1;",
        ] {
            let err = parse_directives(script).unwrap_err();
            assert!(
                err.message.contains("unknown directive"),
                "{script}: {err:?}"
            );
        }
        let d = parse_directives("/* hi */ -- ferry:no-transaction\nselect 1;").unwrap();
        assert!(d.no_transaction.is_some());
        let d = parse_directives("-- FERRY:No-Transaction\nselect 1;").unwrap();
        assert!(d.no_transaction.is_some());
    }

    #[test]
    fn directives_after_block_comments_are_read_and_checked() {
        let d = parse_directives(
            "/* header\n spans lines */\n/* one */\n-- ferry:no-transaction\nSELECT 1;",
        )
        .unwrap();
        assert!(d.no_transaction.is_some());
        let err = parse_directives("/* licence */\n-- ferry:no-transacton\nSELECT 1;").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("unknown directive"), "{err:?}");
    }

    #[test]
    fn unknown_directive_is_located() {
        let err = parse_directives("-- ok\n  -- ferry:no-transation\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 6));
        assert!(
            err.message
                .contains("unknown directive `ferry:no-transation`")
        );
    }

    #[test]
    fn other_tools_markers_are_honoured_in_the_leading_comments() {
        for (script, marker) in [
            (
                "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);",
                "-- no-transaction",
            ),
            (
                "-- +goose Up\n-- +goose NO TRANSACTION\nSELECT 1;",
                "-- +goose NO TRANSACTION",
            ),
            (
                "-- migrate:up transaction:false\nSELECT 1;",
                "-- migrate:up transaction:false",
            ),
            (
                "-- postgres-migrations disable-transaction\nSELECT 1;",
                "-- postgres-migrations disable-transaction",
            ),
            (
                "--changeset ann:1 runInTransaction:false\nSELECT 1;",
                "-- changeset ann:1 runInTransaction:false",
            ),
        ] {
            let d = parse_directives(script).unwrap();
            assert_eq!(d.no_transaction.as_deref(), Some(marker), "{script}");
        }
        for script in [
            "-- migrate:up\nSELECT 1;",
            "-- +goose Up\nSELECT 1;",
            "-- no transaction needed here\nSELECT 1;",
            "--changeset ann:1 runInTransaction:true\nSELECT 1;",
            // After a statement a marker may sit in a string literal: not read there.
            "INSERT INTO t VALUES ('\n-- no-transaction\n');",
            "SELECT 1;\n-- +goose NO TRANSACTION\n",
            "SELECT 1;\n/*\n-- postgres-migrations disable-transaction\n*/",
        ] {
            assert_eq!(
                parse_directives(script).unwrap().no_transaction,
                None,
                "{script}"
            );
        }
    }

    #[test]
    fn another_tools_down_marker_is_noted_wherever_it_is() {
        let d = parse_directives(
            "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n",
        )
        .unwrap();
        assert_eq!(d.down_marker, Some((3, "-- +goose Down".into())));
        let d = parse_directives("SELECT 1;\n-- Down Migration\n").unwrap();
        assert_eq!(d.down_marker.map(|m| m.0), Some(2));
        let d = parse_directives("SELECT 1;\n-- migrate:down transaction:false\n").unwrap();
        assert!(d.down_marker.is_some());
        // A down section's own marker line says how the down script runs.
        let d = parse_directives("\n\n-- migrate:down transaction:false\nDROP INDEX i;\n").unwrap();
        assert!(d.down_marker.is_some() && d.no_transaction.is_some());
        assert!(
            parse_directives("SELECT 1; -- going down\n")
                .unwrap()
                .down_marker
                .is_none()
        );
        let d = parse_directives("INSERT INTO t VALUES ('\n-- postgres-migrations ignore\n');")
            .unwrap();
        assert_eq!(d.record_only, None, "not after a statement");
    }
}
