//! Portable JSON migrations, `portable-migration-v1` (seed 003): one migration per file,
//! with steps that carry SQL per engine (or a universal one), data transforms, checks
//! before and after, and what each step is expected to change.
//!
//! Reading is strict, so that nothing is ever silently skipped: an unknown field or an
//! unknown engine key (a typo such as `postgre`) is an error naming its JSON path, line and
//! column ([`parse`]); what the types cannot say is checked after ([`check`]): step ids
//! unique, dependencies that name steps, a version that is semver. The JSON Schema in
//! `schemas/portable-migration-v1.schema.json` is generated from these types ([`schema`]).

pub mod convert;
mod types;

pub use types::{
    Category, Engine, ExpectedChanges, FieldMapping, FieldTransform, Format, MigrationType,
    PortableFile, PortableMigration, RiskLevel, Severity, Sql, Step, Steps, Transform,
    TransformKind, ValidationRule,
};

use crate::Dialect;
use crate::StepGuard;

/// A portable migration file that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PortableError {
    /// The JSON does not parse, or does not fit the format.
    #[error("{line}:{column}: at `{path}`: {message}")]
    Invalid {
        /// The JSON path of the offending value (`migration.steps.up[0].sql`).
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The file fits the format but says something impossible.
    #[error("at `{path}`: {message}")]
    Inconsistent {
        /// The JSON path.
        path: String,
        /// What is wrong and what to do.
        message: String,
    },
}

/// Reads a portable migration file, strictly: every error names its JSON path.
pub fn parse(text: &str) -> Result<PortableFile, PortableError> {
    // A byte order mark is no JSON, but editors write one.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let invalid = |e: serde_json::Error, path: String| PortableError::Invalid {
        path,
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    };
    let file: PortableFile = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        PortableError::Invalid {
            path: if path == "." {
                "(the file)".into()
            } else {
                path
            },
            line: inner.line(),
            column: inner.column(),
            message: strip_position(&inner.to_string()),
        }
    })?;
    // Nothing but white space may follow the migration: a second object is never skipped.
    de.end()
        .map_err(|e| invalid(e, "(after the migration)".into()))?;
    check(&file)?;
    Ok(file)
}

/// serde_json's message without its own " at line L column C" (the error has them apart).
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// What the types cannot say: a semver version, unique step ids, dependencies that name
/// steps of the same direction, and a step that runs something.
pub fn check(file: &PortableFile) -> Result<(), PortableError> {
    let m = &file.migration;
    let bad = |path: String, message: String| Err(PortableError::Inconsistent { path, message });
    if semver::Version::parse(&m.version).is_err() {
        return bad(
            "migration.version".into(),
            format!("`{}` is not a semantic version (like 1.2.0)", m.version),
        );
    }
    if m.id.trim().is_empty() {
        return bad(
            "migration.id".into(),
            "the id is empty; give the migration an id that never changes".into(),
        );
    }
    if m.steps.up.is_empty() {
        return bad(
            "migration.steps.up".into(),
            "a migration needs at least one up step".into(),
        );
    }
    for (direction, steps) in [("up", &m.steps.up), ("down", &m.steps.down)] {
        for (i, step) in steps.iter().enumerate() {
            check_step(step, &format!("migration.steps.{direction}[{i}]"))?;
        }
    }
    for (direction, steps) in [("up", &m.steps.up), ("down", &m.steps.down)] {
        let mut seen = std::collections::BTreeSet::new();
        for (i, step) in steps.iter().enumerate() {
            let path = format!("migration.steps.{direction}[{i}]");
            if !seen.insert(step.id.as_str()) {
                return bad(
                    format!("{path}.id"),
                    format!("step id `{}` is used twice", step.id),
                );
            }
            if step.sql.is_none() && step.transform.is_none() {
                return bad(path, "a step needs `sql` or a `transform`".into());
            }
            // Steps run in the order written: a step can only depend on an earlier one.
            if let Some(dep) = step
                .dependencies
                .iter()
                .find(|d| !steps[..i].iter().any(|s| &&s.id == d))
            {
                return bad(
                    format!("{path}.dependencies"),
                    format!(
                        "`{dep}` is no earlier step of the {direction} steps; steps run in the order written, so move it before this one"
                    ),
                );
            }
        }
    }
    Ok(())
}

/// Whether a query names a statement that changes something (a data-modifying `WITH`
/// holds one): keywords outside strings and comments.
fn writes(query: &str) -> bool {
    use sqlparser::keywords::Keyword;
    use sqlparser::tokenizer::{Token, Tokenizer};
    let dialect = sqlparser::dialect::GenericDialect {};
    let Ok(tokens) = Tokenizer::new(&dialect, query).tokenize() else {
        return true;
    };
    tokens.iter().any(|t| {
        matches!(t, Token::Word(w) if matches!(w.keyword,
            Keyword::INSERT | Keyword::UPDATE | Keyword::DELETE | Keyword::MERGE
                | Keyword::TRUNCATE | Keyword::DROP | Keyword::ALTER | Keyword::CREATE
                | Keyword::GRANT | Keyword::REVOKE | Keyword::CALL | Keyword::COPY
                | Keyword::REPLACE | Keyword::LOCK | Keyword::SET))
    })
}

/// The longest statement timeout every engine takes (PostgreSQL's, in seconds).
const MAX_TIMEOUT_S: u64 = 2_147_483;

/// A step's SQL is never empty, its validations are one query each, its timeout fits.
fn check_step(step: &Step, path: &str) -> Result<(), PortableError> {
    let bad = |at: String, message: String| Err(PortableError::Inconsistent { path: at, message });
    if let Some(sql) = &step.sql {
        let keys = [
            ("postgresql", &sql.postgresql),
            ("mysql", &sql.mysql),
            ("sqlite", &sql.sqlite),
            ("mssql", &sql.mssql),
            ("universal", &sql.universal),
        ];
        for (key, text) in keys {
            // Only comments or `;`: as empty as no text at all.
            let empty = text.as_deref().is_some_and(|t| {
                crate::split(t, crate::Dialect::Postgres).is_ok_and(|s| s.is_empty())
            });
            if empty {
                return bad(
                    format!("{path}.sql.{key}"),
                    "the SQL runs nothing; remove the key (the step then runs `universal`) or write the SQL".into(),
                );
            }
        }
    }
    for (key, query) in [
        ("preValidation", &step.pre_validation),
        ("postValidation", &step.post_validation),
    ] {
        let Some(query) = query else { continue };
        let one_query = crate::split(query, crate::Dialect::Postgres).is_ok_and(|s| {
            s.len() == 1
                && matches!(
                    s[0].words.first().map(String::as_str),
                    Some("SELECT" | "VALUES" | "WITH")
                )
        }) && !writes(query);
        if !one_query {
            return bad(
                format!("{path}.{key}"),
                "a validation is one query (SELECT, VALUES or WITH) that returns true or no rows; it may not change anything".into(),
            );
        }
    }
    if step.timeout.is_some_and(|t| t == 0 || t > MAX_TIMEOUT_S) {
        return bad(
            format!("{path}.timeout"),
            format!("a timeout is between 1 and {MAX_TIMEOUT_S} seconds"),
        );
    }
    Ok(())
}

/// The SQL a step runs on `dialect`: the engine's own, else the universal one; an error
/// naming the migration and the step when it has neither (said at plan time, before
/// anything runs, never skipped).
pub fn sql_for<'a>(
    migration: &PortableMigration,
    direction: &str,
    index: usize,
    step: &'a Step,
    dialect: Dialect,
) -> Result<&'a str, PortableError> {
    let sql = step.sql.as_ref();
    let own = sql.and_then(|s| match dialect {
        Dialect::Postgres => s.postgresql.as_deref(),
        Dialect::Mysql => s.mysql.as_deref(),
        Dialect::Sqlite => s.sqlite.as_deref(),
    });
    own.or_else(|| sql.and_then(|s| s.universal.as_deref()))
        .ok_or_else(|| PortableError::Inconsistent {
            path: format!("migration.steps.{direction}[{index}].sql"),
            message: format!(
                "step `{}` of migration `{}` has no SQL for {dialect} and no `universal` SQL",
                step.id, migration.id
            ),
        })
}

/// The JSON Schema of the format, generated from the types.
pub fn schema() -> String {
    let schema = schemars::schema_for!(PortableFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests;

/// A portable migration as one engine runs it: its up and down SQL (the steps' SQL in
/// order), what says it runs without a transaction, and each step's guards (validations,
/// timeout, expected changes, skipOnError). `Err` says why this ferry cannot run it on
/// `dialect` (said at plan time, never skipped): an engine the migration does not support,
/// a step without SQL for it, or a data transform, which the executor does not run yet.
pub fn for_engine(file: &PortableFile, dialect: Dialect) -> Result<EngineScripts, String> {
    let m = &file.migration;
    let engine = match dialect {
        Dialect::Postgres => Engine::Postgresql,
        Dialect::Mysql => Engine::Mysql,
        Dialect::Sqlite => Engine::Sqlite,
    };
    if !m.database_engines.is_empty() && !m.database_engines.contains(&engine) {
        return Err(format!(
            "migration `{}` does not support {dialect} (databaseEngines)",
            m.id
        ));
    }
    let text = |direction: &str, steps: &[Step]| -> Result<Direction, String> {
        let mut made = Direction::default();
        for (i, step) in steps.iter().enumerate() {
            let at = format!("migration.steps.{direction}[{i}]");
            if step.transform.is_some() {
                return Err(format!(
                    "{at}: step `{}` is a data transform, which this ferry does not run yet; write its SQL instead",
                    step.id
                ));
            }
            if !step.transactional && made.no_transaction.is_none() {
                made.no_transaction = Some(format!("\"transactional\": false in {at}"));
            }
            if direction == "up" && !step.rollback_supported && made.irreversible.is_none() {
                made.irreversible = Some(format!("{at} (`{}`)", step.id));
            }
            let sql = sql_for(m, direction, i, step, dialect).map_err(|e| e.to_string())?;
            let start = made.text.len();
            // The `;` on a line of its own: a step ending in a `--` comment keeps it.
            made.text
                .push_str(sql.trim_end().trim_end_matches(';').trim_end());
            made.text.push_str("\n;\n");
            made.steps.push(StepGuard {
                id: step.id.clone(),
                start,
                end: made.text.len(),
                pre_validation: step.pre_validation.clone(),
                post_validation: step.post_validation.clone(),
                timeout_s: step.timeout,
                expected_rows: step.expected_changes.as_ref().and_then(|e| e.rows),
                skip_on_error: step.skip_on_error,
            });
        }
        Ok(made)
    };
    let up = text("up", &m.steps.up)?;
    // A migration with a step that cannot be undone has no down script to run.
    let down = match (m.steps.down.is_empty(), &up.irreversible) {
        (false, None) => Some(text("down", &m.steps.down)?),
        _ => None,
    };
    Ok(EngineScripts {
        irreversible: up.irreversible.clone(),
        up_steps: up.steps,
        up: up.text,
        no_transaction: up.no_transaction,
        down_no_transaction: down.as_ref().and_then(|d| d.no_transaction.clone()),
        down_steps: down.as_ref().map(|d| d.steps.clone()).unwrap_or_default(),
        down: down.map(|d| d.text),
    })
}

/// One direction's script as [`for_engine`] builds it.
#[derive(Default)]
struct Direction {
    text: String,
    steps: Vec<StepGuard>,
    no_transaction: Option<String>,
    irreversible: Option<String>,
}

/// The directives a portable migration declares: the plugin version that introduced it
/// (`version`), its dependencies and conflicts, and what plans show of it.
pub fn directives(file: &PortableFile) -> crate::Directives {
    let m = &file.migration;
    crate::Directives {
        since: semver::Version::parse(&m.version).ok(),
        requires: m.dependencies.clone(),
        conflicts: m.conflicts.clone(),
        description: m.description.clone(),
        portable: Some(crate::PortableMeta {
            id: m.id.clone(),
            risk_level: m.risk_level.map(|r| format!("{r:?}").to_lowercase()),
            requires_backup: m.requires_backup,
            estimated_duration: m.estimated_duration,
            steps: Vec::new(),
        }),
        ..Default::default()
    }
}

/// What [`for_engine`] gives: the SQL of each direction and the no-transaction marker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineScripts {
    /// The up steps' SQL.
    pub up: String,
    /// The down steps' SQL, if the migration has down steps.
    pub down: Option<String>,
    /// Why the up script runs without a transaction, if one of its steps says so.
    pub no_transaction: Option<String>,
    /// The same for the down script.
    pub down_no_transaction: Option<String>,
    /// The up steps, with what must hold around each.
    pub up_steps: Vec<StepGuard>,
    /// The down steps.
    pub down_steps: Vec<StepGuard>,
    /// The first up step that says `rollbackSupported: false` (then there is no down).
    pub irreversible: Option<String>,
}
