//! Running one script: in a transaction with its history row, or statement by statement
//! with its row recorded first; locating a failure in the file; restoring the session.

use crate::{DbError, Driver, EngineError, Location, MigrationFailure, NewRow};
use ferry_core::plan::MigrationRef;
use ferry_core::{Check, Execution, Guard, Script, Statement, TxMode, execution};
use std::time::Instant;

/// Reads, splits and arranges a script for this driver's server; nothing runs.
pub fn prepare(db: &dyn Driver, script: &Script) -> Result<Execution, EngineError> {
    let statements = script.statements(db.dialect())?;
    let run = execution(&script.directives, statements, db.server_facts());
    if let Some(open) = &run.unclosed {
        return Err(EngineError::Load(ferry_core::LoadError::Split {
            path: script.path.clone(),
            error: ferry_core::SplitError {
                line: open.line,
                column: open.column,
                message: "this opens a transaction the file never ends; add its COMMIT (ferry would record the migration inside it, and closing the connection would undo both)".into(),
            },
        }));
    }
    if let TxMode::NoTransaction(reason) = &run.mode
        && let Some((step, what)) = needs_undo(&run.guards)
    {
        return Err(EngineError::Load(ferry_core::LoadError::Unusable {
            path: script.path.clone(),
            message: format!(
                "step `{step}`: {what} needs the step undone when it fails, but this migration runs without a transaction ({reason}); make it transactional (on MySQL/MariaDB: no DDL in the same migration) or remove {what}"
            ),
        }));
    }
    Ok(run)
}

/// The first guard that can only keep its promise inside a transaction: a postValidation
/// or expectedChanges that fails must undo the step, a skipOnError step must leave nothing.
fn needs_undo(guards: &[Guard]) -> Option<(&str, &'static str)> {
    guards.iter().find_map(|g| {
        let s = &g.step;
        let what = [
            (s.post_validation.is_some(), "postValidation"),
            (s.expected_rows.is_some(), "expectedChanges"),
            (s.skip_on_error, "skipOnError"),
        ]
        .into_iter()
        .find_map(|(has, what)| has.then_some(what))?;
        Some((s.id.as_str(), what))
    })
}

/// Why a script runs without a transaction, or `None` if it runs in one.
pub fn no_transaction_reason(mode: &TxMode) -> Option<String> {
    match mode {
        TxMode::NoTransaction(reason) => Some(reason.to_string()),
        TxMode::Transaction => None,
    }
}

pub(super) fn elapsed_ms(started: Instant) -> i64 {
    started.elapsed().as_millis() as i64
}

/// Why a script did not run, or did not commit.
pub(super) enum Failed {
    /// The transaction could not be opened.
    Begin(DbError),
    /// A statement failed; a position in `error` is relative to it. `tx_open` says
    /// whether a transaction is open and must be rolled back.
    Statement {
        statement: Statement,
        error: DbError,
        tx_open: bool,
    },
    /// The check before COMMIT found rows.
    Check { check: Check, rows: Vec<String> },
    /// The script ran, but its history row or the COMMIT failed (a deferred constraint,
    /// for one); the transaction is rolled back.
    Record(DbError),
}

impl Failed {
    /// Whether a transaction is open and must be rolled back.
    pub(super) fn tx_open(&self) -> bool {
        match self {
            Failed::Begin(_) => false,
            Failed::Statement { tx_open, .. } => *tx_open,
            Failed::Check { .. } | Failed::Record(_) => true,
        }
    }

    pub(super) fn into_error(
        self,
        what: &MigrationRef,
        direction: &'static str,
        script: &Script,
        atomic: bool,
    ) -> EngineError {
        match self {
            Failed::Begin(error) => EngineError::Db {
                context: format!("starting the transaction of migration {what}"),
                error,
            },
            Failed::Statement {
                statement, error, ..
            } => failure(what, direction, script, &statement, error, atomic),
            Failed::Check { check, rows } => EngineError::CheckFailed {
                migration: what.clone(),
                path: script.path.clone(),
                meaning: check.meaning,
                rows,
            },
            Failed::Record(error) => EngineError::Db {
                context: format!("committing migration {what} (nothing of it was kept)"),
                error,
            },
        }
    }
}

/// What goes before a script sent as one batch.
const BATCH_PREFIX: &str = "BEGIN;\n";

/// Runs a transactional script: its `before` statements, then `BEGIN`, the body and the
/// check, then with `Tail::Insert` the history row's INSERT. Where the engine takes
/// batches, that goes as one round trip, and with `Tail::Insert` the session reset and the
/// `COMMIT` too: returns `true` when the batch committed, `false` when the caller must
/// write what it records, commit and reset the session.
pub(super) async fn run_atomically(
    db: &mut dyn Driver,
    text: &str,
    run: &Execution,
    tail: Tail<'_>,
    notes: &mut Vec<String>,
) -> Result<bool, Failed> {
    if batchable(db, text, run) {
        let record = match tail {
            Tail::Insert(row) => db.insert_history_sql(row),
            Tail::None => None,
        };
        let Some(record) = record else {
            run_batch(db, text, &run.body, "").await?;
            return Ok(false);
        };
        let reset = db.reset_session_sql().unwrap_or_default().to_owned();
        // The newline ends a trailing `--` comment; the `;` a last statement without one.
        // The session is reset before the row is written: a script's `SET ROLE` or
        // `search_path` must not decide who writes ferry's history, or where.
        let tail = format!("\n;\n{reset};\n{record};\nCOMMIT;");
        run_batch(db, text, &run.body, &tail).await?;
        return Ok(true);
    }
    run_each(db, &run.before, false, &[], notes).await?;
    db.begin().await.map_err(Failed::Begin)?;
    run_each(db, &run.body, true, &run.guards, notes).await?;
    if let Some(check) = run.check {
        check_passes(db, check).await?;
    }
    if let Tail::Insert(row) = tail {
        if db.capabilities().batch_scripts {
            // As in the batch (PostgreSQL, whose session settings are transactional).
            db.reset_session().await.map_err(Failed::Record)?;
        }
        db.insert_history(row).await.map_err(Failed::Record)?;
    }
    Ok(false)
}

/// What a transactional script's transaction records besides the script.
pub(super) enum Tail<'a> {
    /// The applied row, inserted before COMMIT.
    Insert(&'a NewRow<'a>),
    /// Nothing: the caller records what it must before committing.
    None,
}

/// Whether the engine can take `text` as one batch after a `BEGIN`.
fn batchable(db: &dyn Driver, text: &str, run: &Execution) -> bool {
    db.capabilities().batch_scripts
        && run.before.is_empty()
        && run.check.is_none()
        && run.guards.is_empty()
        && !run.body.is_empty()
        && !text.starts_with('\u{feff}')
}

/// Sends `BEGIN`, the script's own text (so that the server's error position is a position
/// in the file) and `tail` as one batch.
async fn run_batch(
    db: &mut dyn Driver,
    text: &str,
    statements: &[Statement],
    tail: &str,
) -> Result<(), Failed> {
    match db
        .execute_batch(&format!("{BATCH_PREFIX}{text}{tail}"))
        .await
    {
        Ok(()) => Ok(()),
        // Nothing completed and no position: the BEGIN itself failed.
        Err((0, error)) if error.position.is_none() => Err(Failed::Begin(error)),
        Err((completed, error)) => Err(in_batch(text, statements, tail, completed, error)),
    }
}

/// Which statement of a batch failed: the one holding the error's position if the server
/// gave one (a syntax error anywhere fails the whole batch before anything runs), else
/// the one after the `completed` ones (the BEGIN counts). With a `tail`, an error past the
/// script is in the tail: the history row or the COMMIT.
fn in_batch(
    text: &str,
    statements: &[Statement],
    tail: &str,
    completed: usize,
    mut error: DbError,
) -> Failed {
    let prefix = BATCH_PREFIX.chars().count();
    let script_done = completed.saturating_sub(1);
    let past_script = !tail.is_empty()
        && match error.position {
            Some(position) => position > prefix + text.chars().count(),
            None => script_done >= statements.len(),
        };
    if past_script {
        error.position = None;
        return Failed::Record(error);
    }
    let mut index = script_done.min(statements.len() - 1);
    if let Some(position) = error.position.take() {
        let in_script = position.saturating_sub(prefix);
        if let Some((byte, _)) = text.char_indices().nth(in_script.saturating_sub(1)) {
            index = statements
                .iter()
                .rposition(|s| s.offset <= byte)
                .unwrap_or(0);
            let start = statements[index].offset;
            error.position = Some(text[start..byte].chars().count() + 1);
        }
    }
    Failed::Statement {
        statement: statements[index].clone(),
        error,
        // A batch that failed before its BEGIN completed opened no transaction.
        tx_open: completed > 0,
    }
}

/// Runs statements in order, stopping at the first failure; the statements of a portable
/// migration's step run with its guards ([`run_step`]). What the user must know (a
/// skipped step, an unenforced timeout, a mismatch let through) is added to `notes`.
pub(super) async fn run_each(
    db: &mut dyn Driver,
    statements: &[Statement],
    tx_open: bool,
    guards: &[Guard],
    notes: &mut Vec<String>,
) -> Result<(), Failed> {
    let mut i = 0;
    while let Some(statement) = statements.get(i) {
        let Some(guard) = guards.iter().find(|g| g.first == statement.index) else {
            run_one(db, statement, tx_open).await?;
            i += 1;
            continue;
        };
        let end = (statements[i..].iter())
            .position(|s| s.index > guard.last)
            .map_or(statements.len(), |n| i + n);
        run_step(db, guard, &statements[i..end], tx_open, notes).await?;
        i = end;
    }
    Ok(())
}

/// Runs one statement; returns the rows it changed.
async fn run_one(db: &mut dyn Driver, statement: &Statement, tx_open: bool) -> Result<u64, Failed> {
    (db.execute_counted(&statement.sql).await).map_err(|error| Failed::Statement {
        statement: statement.clone(),
        error,
        tx_open,
    })
}

/// The name of the savepoint a step that may fail runs under.
const STEP_SAVEPOINT: &str = "ferry_step";

/// Runs a step's statements: its preValidation must hold first, its timeout limits each
/// statement, its postValidation must hold after, and the rows changed must be the
/// `expectedChanges.rows` it declares. A step that may fail (`skipOnError`) runs under a
/// savepoint inside a transaction; its failure is undone, noted, and the migration goes on.
async fn run_step(
    db: &mut dyn Driver,
    guard: &Guard,
    statements: &[Statement],
    tx_open: bool,
    notes: &mut Vec<String>,
) -> Result<(), Failed> {
    let step = &guard.step;
    let (Some(first), Some(last)) = (statements.first(), statements.last()) else {
        return Ok(());
    };
    let fail = |s: &Statement, message: String| Failed::Statement {
        statement: s.clone(),
        error: DbError::msg(format!("step `{}`: {message}", step.id)),
        tx_open,
    };
    if let Some(query) = &step.pre_validation {
        validate(db, query, "preValidation", "the step did not run")
            .await
            .map_err(|m| fail(first, m))?;
    }
    let savepoint = step.skip_on_error && tx_open;
    if savepoint {
        let set = format!("SAVEPOINT {STEP_SAVEPOINT}");
        db.execute(&set)
            .await
            .map_err(|e| fail(first, format!("{set}: {e}")))?;
    }
    if let Some(seconds) = step.timeout_s {
        let limited = (db.statement_timeout(Some(seconds)).await)
            .map_err(|e| fail(first, format!("setting its {seconds}s timeout: {e}")))?;
        if !limited {
            notes.push(format!(
                "step `{}`: its {seconds}s timeout is not enforced: {} has no statement time limit",
                step.id,
                db.dialect()
            ));
        }
    }
    let mut changed = 0;
    let mut outcome = Ok(());
    for statement in statements {
        match run_one(db, statement, tx_open).await {
            Ok(rows) => changed += rows,
            Err(failed) => {
                outcome = Err(failed);
                break;
            }
        }
    }
    if let Err(failed) = outcome {
        if !step.skip_on_error {
            let _ = db.statement_timeout(None).await;
            return Err(failed);
        }
        if savepoint {
            let undo = format!("ROLLBACK TO SAVEPOINT {STEP_SAVEPOINT}");
            db.execute(&undo)
                .await
                .map_err(|e| fail(first, format!("{undo}: {e}")))?;
        }
        let _ = db.statement_timeout(None).await;
        let why = match &failed {
            Failed::Statement { error, .. } => error.to_string(),
            _ => "it failed".to_owned(),
        };
        notes.push(format!(
            "step `{}` failed and was skipped (skipOnError): {why}",
            step.id
        ));
        return Ok(());
    }
    (db.statement_timeout(None).await)
        .map_err(|e| fail(last, format!("putting back the statement timeout: {e}")))?;
    if savepoint {
        let release = format!("RELEASE SAVEPOINT {STEP_SAVEPOINT}");
        db.execute(&release)
            .await
            .map_err(|e| fail(last, format!("{release}: {e}")))?;
    }
    if let Some(query) = &step.post_validation {
        validate(db, query, "postValidation", "the migration is not kept")
            .await
            .map_err(|m| fail(last, m))?;
    }
    match step.expected_rows {
        Some(want) if want != changed => {
            let message =
                format!("changed {changed} row(s), but its expectedChanges.rows is {want}");
            if !guard.warn_on_mismatch {
                return Err(fail(
                    last,
                    format!(
                        "{message} (set expected_changes = \"warn\" under [portable] in ferry.toml to let it through)"
                    ),
                ));
            }
            notes.push(format!("step `{}` {message}", step.id));
        }
        _ => {}
    }
    Ok(())
}

/// Runs a validation query: it holds when it returns no rows, or true (`t`, `true`, `1`)
/// in its first column. `Err` says what it returned, or why it failed.
async fn validate(db: &mut dyn Driver, query: &str, which: &str, then: &str) -> Result<(), String> {
    let rows =
        (db.query_text(query).await).map_err(|e| format!("its {which} `{query}` failed: {e}"))?;
    let first = rows.first().and_then(|r| r.first()).cloned().flatten();
    let holds = match (&first, rows.is_empty()) {
        (_, true) => true,
        (Some(v), false) => matches!(v.to_ascii_lowercase().as_str(), "t" | "true" | "1"),
        (None, false) => false,
    };
    if holds {
        return Ok(());
    }
    Err(format!(
        "its {which} does not hold: `{query}` returned {}; {then}",
        first.as_deref().unwrap_or("NULL")
    ))
}

/// Runs `check`; any row it returns fails the migration.
async fn check_passes(db: &mut dyn Driver, check: Check) -> Result<(), Failed> {
    let rows = (db.query_text(check.sql).await).map_err(|error| Failed::Statement {
        statement: Statement {
            sql: check.sql.to_owned(),
            offset: 0,
            line: 0,
            column: 0,
            words: Vec::new(),
            index: 0,
        },
        error,
        tx_open: true,
    })?;
    if rows.is_empty() {
        return Ok(());
    }
    let shown = rows
        .iter()
        .map(|r| {
            (r.iter())
                .map(|c| c.as_deref().unwrap_or("NULL"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    Err(Failed::Check { check, rows: shown })
}

/// Restores the session state a migration may have changed, after it ran or failed.
pub(super) async fn reset(db: &mut dyn Driver, what: &MigrationRef) -> Result<(), EngineError> {
    db.reset_session().await.map_err(EngineError::db(format!(
        "restoring the session's settings after migration {what}"
    )))
}

fn failure(
    m: &MigrationRef,
    direction: &'static str,
    script: &Script,
    statement: &Statement,
    error: DbError,
    atomic: bool,
) -> EngineError {
    let (line, column) = match error.position {
        Some(position) => locate(&statement.sql, position, statement),
        None => (statement.line, statement.column),
    };
    EngineError::MigrationFailed(Box::new(MigrationFailure {
        migration: m.clone(),
        direction,
        location: Location {
            path: script.path.clone(),
            line,
            column,
            statement: statement.index + 1,
        },
        error,
        atomic,
        applied_statements: statement.index,
        applied_before: Vec::new(),
        repair: crate::error::REPAIR.to_owned(),
    }))
}

/// The file line and column of a 1-based character position inside a statement.
fn locate(sql: &str, position: usize, statement: &Statement) -> (u32, u32) {
    let before: String = sql.chars().take(position.saturating_sub(1)).collect();
    let newlines = before.matches('\n').count() as u32;
    match before.rfind('\n') {
        None => (
            statement.line,
            statement.column + before.chars().count() as u32,
        ),
        Some(i) => (
            statement.line + newlines,
            before[i + 1..].chars().count() as u32 + 1,
        ),
    }
}
