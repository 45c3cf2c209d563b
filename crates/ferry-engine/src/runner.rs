//! The runner: executes plans made by `ferry_core::plan` under the migration lock, keeps
//! the history and the events table, and reports progress as [`Event`]s.

use crate::{
    DbError, Driver, EngineError, Event, EventSink, Files, Location, MigrationFailure, NewEvent,
    NewRow, RowUpdate, lock,
};
use ferry_core::plan::{self, Entry, MigrateOptions, MigrationRef, RollbackTarget};
use ferry_core::{
    History, Migration, RowState, Script, Statement, TxMode, Version, transaction_mode,
};
use std::time::{Duration, Instant};

/// Who runs, and how long to wait for the lock.
#[derive(Clone, Debug)]
pub struct RunContext {
    /// Recorded as `applied_by` and in events.
    pub actor: String,
    /// How long to wait for another runner.
    pub lock_timeout: Duration,
}

/// What a history-changing command works on: one plugin's migrations, and who runs.
#[derive(Clone, Copy, Debug)]
pub struct Job<'a> {
    /// The plugin's migrations for this engine, in version order (perhaps still being read).
    pub files: &'a Files,
    /// The plugin.
    pub plugin: &'a str,
    /// Who runs, and how long to wait for the lock.
    pub ctx: &'a RunContext,
}

/// A script that ran.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Done {
    /// Version as written.
    pub version: String,
    /// Name.
    pub name: String,
    /// How long it took.
    pub duration_ms: i64,
}

/// Reads the history without creating anything (for read-only commands); the stored down
/// scripts only `with_down_sql`.
pub async fn read_history(
    db: &mut dyn Driver,
    with_down_sql: bool,
) -> Result<History, EngineError> {
    if !db
        .history_exists()
        .await
        .map_err(EngineError::db("looking for the history table"))?
    {
        return Ok(History::default());
    }
    let rows = db.read_history(with_down_sql).await?;
    tracing::debug!(rows = rows.len(), "read history");
    Ok(History::new(rows))
}

/// Who holds the migration lock right now (`Some("another ferry")` if the engine cannot
/// say), or `None` if it is free. Takes the lock for an instant to find out.
pub async fn lock_holder(db: &mut dyn Driver) -> Result<Option<String>, EngineError> {
    let mut the_lock = db.lock();
    let free = (the_lock.try_acquire(db).await)
        .map_err(EngineError::db("looking at the migration lock"))?;
    if free {
        let _ = the_lock.release(db).await;
        return Ok(None);
    }
    let holder = the_lock.holder(db).await;
    Ok(Some(holder.unwrap_or_else(|| "another ferry".into())))
}

/// Runs `body` holding the migration lock, and releases the lock whatever `body` returns.
async fn locked<T>(
    db: &mut dyn Driver,
    ctx: &RunContext,
    sink: &mut dyn EventSink,
    body: impl AsyncFnOnce(&mut dyn Driver, &mut dyn EventSink) -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    let mut the_lock = db.lock();
    lock::acquire(the_lock.as_mut(), db, ctx.lock_timeout, |holder| {
        sink.event(&Event::LockWaiting {
            holder: holder.map(str::to_owned),
        })
    })
    .await?;
    tracing::debug!("locked");
    sink.event(&Event::LockAcquired);
    let result = body(db, sink).await;
    if let Err(e) = the_lock.release(db).await {
        // The server drops the lock with the connection anyway.
        tracing::warn!("releasing the migration lock: {e}");
    }
    result
}

/// Appends to the events table; a failure to log must not hide the real outcome.
async fn record<T>(
    db: &mut dyn Driver,
    job: &Job<'_>,
    command: &str,
    result: &Result<T, EngineError>,
    ok: String,
) {
    let (outcome, message) = match result {
        Ok(_) => ("ok", ok),
        Err(EngineError::Plan(e)) => ("refused", e.to_string()),
        Err(e) => ("failed", e.to_string()),
    };
    let event = NewEvent {
        command,
        plugin: Some(job.plugin),
        actor: &job.ctx.actor,
        outcome,
        message: &message,
    };
    if let Err(e) = db.insert_event(&event).await {
        tracing::warn!("writing the events table: {e}");
    }
}

/// A history-changing command: its name, whether it creates the history tables when they
/// are missing, whether it needs the stored down scripts, and how its success reads in the
/// events table.
struct Command<'a> {
    name: &'a str,
    creates_history: bool,
    rolls_back: bool,
    summary: &'a dyn Fn(usize) -> String,
}

/// Runs `body` under the lock with the history and every migration's state, then records
/// the outcome in the events table (when there is one).
async fn command(
    db: &mut dyn Driver,
    job: &Job<'_>,
    sink: &mut dyn EventSink,
    cmd: Command<'_>,
    body: impl AsyncFnOnce(
        &mut dyn Driver,
        &History,
        &[Entry<'_>],
        &mut dyn EventSink,
    ) -> Result<Vec<Done>, EngineError>,
) -> Result<Vec<Done>, EngineError> {
    locked(db, job.ctx, sink, async |db, sink| {
        let exists = (db.history_exists().await)
            .map_err(EngineError::db("looking for the history table"))?;
        if cmd.creates_history && !exists {
            // Bad files must change nothing, not even create the tables.
            job.files.get().await?;
            db.create_history()
                .await
                .map_err(EngineError::db("creating the history table"))?;
        }
        let history = match exists {
            true => History::new(db.read_history(cmd.rolls_back).await?),
            false => History::default(),
        };
        tracing::debug!(rows = history.rows().len(), "read history");
        // A file error returns before anything is recorded: nothing was attempted.
        let migrations = job.files.get().await?;
        let entries = plan::status(migrations, &history, job.plugin);
        let result = body(db, &history, &entries, sink).await;
        if exists || cmd.creates_history {
            let ok = result
                .as_ref()
                .map_or(String::new(), |d| (cmd.summary)(d.len()));
            record(db, job, cmd.name, &result, ok).await;
            tracing::debug!("recorded the event");
        }
        result
    })
    .await
}

/// Applies the job's pending migrations in one batch.
pub async fn migrate(
    db: &mut dyn Driver,
    job: &Job<'_>,
    options: &MigrateOptions,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let cmd = Command {
        name: "migrate",
        creates_history: true,
        rolls_back: false,
        summary: &|n| format!("applied {n} migration(s)"),
    };
    command(db, job, sink, cmd, async |db, history, entries, sink| {
        let batch = history.next_batch();
        apply_pending(db, entries, batch, options, job.ctx, sink).await
    })
    .await
}

async fn apply_pending(
    db: &mut dyn Driver,
    entries: &[Entry<'_>],
    batch: i64,
    options: &MigrateOptions,
    ctx: &RunContext,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let steps = plan::plan_migrate(entries, options)?;
    sink.event(&Event::Planned {
        command: "migrate".into(),
        count: steps.len(),
    });
    let mut done = Vec::new();
    for (i, m) in steps.iter().enumerate() {
        match apply_one(db, m, batch, ctx, sink).await {
            Ok(d) => done.push(d),
            Err(EngineError::MigrationFailed(mut failure)) => {
                failure.applied_before = steps[..i].iter().map(|m| m.version.clone()).collect();
                return Err(EngineError::MigrationFailed(failure));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// How a script will run on this driver: in a transaction, or not and why.
pub fn run_mode(db: &dyn Driver, script: &Script) -> Result<(Vec<Statement>, TxMode), EngineError> {
    let statements = script.statements(db.dialect())?;
    let mode = transaction_mode(&script.directives, &statements, db.server_facts());
    Ok((statements, mode))
}

/// Why a script runs without a transaction, or `None` if it runs in one.
pub fn no_transaction_reason(mode: &TxMode) -> Option<String> {
    match mode {
        TxMode::NoTransaction(reason) => Some(reason.to_string()),
        TxMode::Transaction => None,
    }
}

async fn apply_one(
    db: &mut dyn Driver,
    m: &Migration,
    batch: i64,
    ctx: &RunContext,
    sink: &mut dyn EventSink,
) -> Result<Done, EngineError> {
    let (statements, mode) = run_mode(db, &m.up)?;
    let reason = no_transaction_reason(&mode);
    let what = MigrationRef {
        label: m.label.clone(),
        name: m.name.clone(),
    };
    sink.event(&Event::Started {
        direction: "up".into(),
        version: m.label.clone(),
        name: m.name.clone(),
        no_transaction: reason.clone(),
    });
    let started = Instant::now();
    let down = down_text(m)?;
    let mut row = NewRow {
        no_transaction: reason.is_some(),
        ..NewRow::applied(m, down.as_deref(), batch, &ctx.actor)
    };
    if reason.is_none() {
        // The script and its history row commit together, or not at all.
        let text = m.up.text()?;
        if let Err(failed) = apply_atomically(db, text, &statements, &mut row, started).await {
            let _ = db.rollback().await;
            return Err(failed.into_error(&what, "up", &m.up, &statements, true));
        }
    } else {
        // Recorded as failed before it starts, so a crash leaves a truthful entry.
        row.state = RowState::Failed;
        row.error = Some(ferry_core::UNFINISHED.into());
        let id = db
            .insert_history(&row)
            .await
            .map_err(EngineError::db(format!(
                "recording migration {what} as started"
            )))?;
        if let Err((index, error)) = run_statements(db, &statements).await {
            let update = RowUpdate::Failed {
                error: error.to_string(),
                statement: index as i64 + 1,
                duration_ms: elapsed_ms(started),
            };
            let _ = db.update_history(id, &update).await;
            return Err(failure(
                &what,
                "up",
                &m.up,
                &statements,
                index,
                error,
                false,
            ));
        }
        let update = RowUpdate::Finished {
            duration_ms: elapsed_ms(started),
        };
        db.update_history(id, &update)
            .await
            .map_err(EngineError::db(format!(
                "recording migration {what} as applied"
            )))?;
    }
    let duration_ms = elapsed_ms(started);
    sink.event(&Event::Finished {
        direction: "up".into(),
        version: m.label.clone(),
        name: m.name.clone(),
        duration_ms,
    });
    Ok(Done {
        version: m.label.clone(),
        name: m.name.clone(),
        duration_ms,
    })
}

/// The migration's down script text, read from disk if it was left there.
fn down_text(m: &Migration) -> Result<Option<String>, EngineError> {
    let script = m.down.as_ref().map(|d| d.load()).transpose()?;
    Ok(script.map(|s| s.text().map(str::to_owned)).transpose()?)
}

fn elapsed_ms(started: Instant) -> i64 {
    started.elapsed().as_millis() as i64
}

/// Why a script did not run, or did not commit.
enum Failed {
    /// The transaction could not be opened.
    Begin(DbError),
    /// Statement `index` (0-based) failed; a position in `error` is relative to it.
    Statement { index: usize, error: DbError },
    /// The script ran, but its history row or the COMMIT failed (a deferred constraint,
    /// for one); the transaction is rolled back.
    Record(DbError),
}

impl Failed {
    fn into_error(
        self,
        what: &MigrationRef,
        direction: &'static str,
        script: &Script,
        statements: &[Statement],
        atomic: bool,
    ) -> EngineError {
        match self {
            Failed::Begin(error) => EngineError::Db {
                context: "starting a transaction".into(),
                error,
            },
            Failed::Statement { index, error } => {
                failure(what, direction, script, statements, index, error, atomic)
            }
            Failed::Record(error) => EngineError::Db {
                context: format!("committing migration {what} (nothing of it was kept)"),
                error,
            },
        }
    }
}

/// What goes before a script sent as one batch.
const BATCH_PREFIX: &str = "BEGIN;\n";

/// Opens a transaction and runs `statements` (split from `text`) in it: as one round trip
/// where the engine can (the script's own text, so the server's error position is a
/// position in the file).
async fn begin_and_run(
    db: &mut dyn Driver,
    text: &str,
    statements: &[Statement],
) -> Result<(), Failed> {
    if batchable(db, text, statements) {
        return run_batch(db, text, statements, "").await;
    }
    db.begin().await.map_err(Failed::Begin)?;
    run_statements(db, statements)
        .await
        .map_err(|(index, error)| Failed::Statement { index, error })
}

/// Runs a script and inserts its history row in one transaction, uncommitted only on
/// failure. Where the engine takes batches, the script, the INSERT and the COMMIT go as one
/// (one round trip per migration); otherwise the row follows the script, then the COMMIT.
async fn apply_atomically(
    db: &mut dyn Driver,
    text: &str,
    statements: &[Statement],
    row: &mut NewRow<'_>,
    started: Instant,
) -> Result<(), Failed> {
    if batchable(db, text, statements)
        && let Some(insert) = db.insert_history_sql(row)
    {
        // The newline ends a trailing `--` comment; the `;` a last statement without one.
        return run_batch(db, text, statements, &format!("\n;\n{insert};\nCOMMIT;")).await;
    }
    begin_and_run(db, text, statements).await?;
    row.duration_ms = Some(elapsed_ms(started));
    db.insert_history(row).await.map_err(Failed::Record)?;
    db.commit().await.map_err(Failed::Record)
}

/// Whether the engine can take `text` as one batch after a `BEGIN`.
fn batchable(db: &dyn Driver, text: &str, statements: &[Statement]) -> bool {
    db.capabilities().batch_scripts && !statements.is_empty() && !text.starts_with('\u{feff}')
}

/// Sends `BEGIN`, the script's own text and `tail` as one batch.
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
        Err((0, error)) => Err(Failed::Begin(error)),
        Err((completed, error)) => Err(in_batch(text, statements, tail, completed - 1, error)),
    }
}

/// Which statement of a batch failed: the one holding the error's position if the server
/// gave one (made relative to that statement), else the one after the `completed` ones.
/// With a `tail`, an error past the script is in the tail: the history row or the COMMIT.
fn in_batch(
    text: &str,
    statements: &[Statement],
    tail: &str,
    completed: usize,
    mut error: DbError,
) -> Failed {
    let past_script = !tail.is_empty()
        && match error.position {
            Some(position) => position > BATCH_PREFIX.chars().count() + text.chars().count(),
            None => completed >= statements.len(),
        };
    if past_script {
        error.position = None;
        return Failed::Record(error);
    }
    let mut index = completed.min(statements.len() - 1);
    if let Some(position) = error.position.take() {
        let in_script = position.saturating_sub(BATCH_PREFIX.chars().count());
        if let Some((byte, _)) = text.char_indices().nth(in_script.saturating_sub(1)) {
            index = statements
                .iter()
                .rposition(|s| s.offset <= byte)
                .unwrap_or(0);
            let start = statements[index].offset;
            error.position = Some(text[start..byte].chars().count() + 1);
        }
    }
    Failed::Statement { index, error }
}

/// Runs statements in order; on failure, the 0-based index of the failing one.
async fn run_statements(
    db: &mut dyn Driver,
    statements: &[Statement],
) -> Result<(), (usize, DbError)> {
    for (i, statement) in statements.iter().enumerate() {
        db.execute(&statement.sql).await.map_err(|e| (i, e))?;
    }
    Ok(())
}

fn failure(
    m: &MigrationRef,
    direction: &'static str,
    script: &Script,
    statements: &[Statement],
    index: usize,
    error: DbError,
    atomic: bool,
) -> EngineError {
    let statement = &statements[index];
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
            statement: index + 1,
        },
        error,
        atomic,
        applied_statements: index,
        applied_before: Vec::new(),
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

/// Rolls back the job's applied migrations as `target` says; `command_name` is what the
/// events table records (rollback, redo, reset).
pub async fn rollback(
    db: &mut dyn Driver,
    job: &Job<'_>,
    target: &RollbackTarget,
    command_name: &str,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let cmd = Command {
        name: command_name,
        creates_history: false,
        rolls_back: true,
        summary: &|n| format!("rolled back {n} migration(s)"),
    };
    command(db, job, sink, cmd, async |db, _, entries, sink| {
        revert_planned(db, entries, target, command_name, sink).await
    })
    .await
}

async fn revert_planned(
    db: &mut dyn Driver,
    entries: &[Entry<'_>],
    target: &RollbackTarget,
    command: &str,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let steps = plan::plan_rollback(entries, target)?;
    sink.event(&Event::Planned {
        command: command.into(),
        count: steps.len(),
    });
    let mut done = Vec::new();
    for step in &steps {
        done.push(revert_one(db, step, sink).await?);
    }
    Ok(done)
}

async fn revert_one(
    db: &mut dyn Driver,
    step: &plan::RollbackStep<'_>,
    sink: &mut dyn EventSink,
) -> Result<Done, EngineError> {
    let (statements, mode) = run_mode(db, &step.down)?;
    let reason = no_transaction_reason(&mode);
    let what = MigrationRef {
        label: step.label.clone(),
        name: step.row.name.to_string(),
    };
    sink.event(&Event::Started {
        direction: "down".into(),
        version: step.label.clone(),
        name: what.name.clone(),
        no_transaction: reason.clone(),
    });
    let started = Instant::now();
    let atomic = reason.is_none();
    let ran = if atomic {
        begin_and_run(db, step.down.text()?, &statements).await
    } else {
        run_statements(db, &statements)
            .await
            .map_err(|(index, error)| Failed::Statement { index, error })
    };
    if let Err(failed) = ran {
        if atomic {
            let _ = db.rollback().await;
        } else if let Failed::Statement { index, error } = &failed {
            let update = RowUpdate::Failed {
                error: format!("rollback failed: {error}"),
                statement: *index as i64 + 1,
                duration_ms: elapsed_ms(started),
            };
            let _ = db.update_history(step.row.id, &update).await;
        }
        return Err(failed.into_error(&what, "down", &step.down, &statements, atomic));
    }
    let saved = db
        .update_history(step.row.id, &RowUpdate::Reverted(RowState::RolledBack))
        .await;
    let saved = if atomic {
        saved.and(db.commit().await)
    } else {
        saved
    };
    if let Err(e) = saved {
        if atomic {
            let _ = db.rollback().await;
        }
        return Err(EngineError::Db {
            context: format!("recording the rollback of {what}"),
            error: e,
        });
    }
    let duration_ms = elapsed_ms(started);
    sink.event(&Event::Finished {
        direction: "down".into(),
        version: step.label.clone(),
        name: what.name.clone(),
        duration_ms,
    });
    Ok(Done {
        version: step.label.clone(),
        name: what.name,
        duration_ms,
    })
}

/// Marks every migration up to `target` as applied without running it.
pub async fn baseline(
    db: &mut dyn Driver,
    job: &Job<'_>,
    target: &Version,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let cmd = Command {
        name: "baseline",
        creates_history: true,
        rolls_back: false,
        summary: &|n| format!("baselined {n} migration(s) up to {target}"),
    };
    command(db, job, sink, cmd, async |db, history, entries, sink| {
        let batch = history.next_batch();
        baseline_rows(db, entries, batch, target, job.ctx, sink).await
    })
    .await
}

async fn baseline_rows(
    db: &mut dyn Driver,
    entries: &[Entry<'_>],
    batch: i64,
    target: &Version,
    ctx: &RunContext,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    if !entries.iter().any(|e| e.version == target) {
        return Err(plan::PlanError::UnknownTarget(target.to_string()).into());
    }
    let mut done = Vec::new();
    for m in entries
        .iter()
        .filter(|e| e.is_pending() && e.version <= target)
        .filter_map(|e| e.migration)
    {
        let down = down_text(m)?;
        let row = NewRow {
            duration_ms: Some(0),
            baseline: true,
            ..NewRow::applied(m, down.as_deref(), batch, &ctx.actor)
        };
        db.insert_history(&row)
            .await
            .map_err(EngineError::db(format!(
                "recording baseline of {}",
                m.label
            )))?;
        sink.event(&Event::Recorded {
            version: m.label.clone(),
            name: m.name.clone(),
            what: "baseline".into(),
        });
        done.push(Done {
            version: m.label.clone(),
            name: m.name.clone(),
            duration_ms: 0,
        });
    }
    Ok(done)
}

/// What `repair` should fix.
#[derive(Clone, Copy, Debug, Default)]
pub struct RepairOptions {
    /// Record modified files' new checksums (and down scripts).
    pub accept_checksums: bool,
    /// Clear failed entries so migrate can retry them.
    pub clear_failed: bool,
}

/// Fixes the history after a human has looked.
pub async fn repair(
    db: &mut dyn Driver,
    job: &Job<'_>,
    options: RepairOptions,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let cmd = Command {
        name: "repair",
        creates_history: false,
        rolls_back: false,
        summary: &|n| format!("repaired {n} entr(ies)"),
    };
    command(db, job, sink, cmd, async |db, _, entries, sink| {
        repair_rows(db, entries, options, sink).await
    })
    .await
}

async fn repair_rows(
    db: &mut dyn Driver,
    entries: &[Entry<'_>],
    options: RepairOptions,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let mut done = Vec::new();
    for e in entries {
        let (Some(row), migration) = (e.row, e.migration) else {
            continue;
        };
        let what = match (e.state, migration) {
            (plan::State::Modified, Some(m)) if options.accept_checksums => {
                let down = down_text(m)?;
                let update = RowUpdate::Checksum {
                    checksum: m.up.checksum,
                    down_sql: down.as_deref(),
                    name: &m.name,
                };
                db.update_history(row.id, &update)
                    .await
                    .map_err(EngineError::db(format!("updating {}", e.label)))?;
                "accepted new checksum"
            }
            (plan::State::Failed, _) if options.clear_failed => {
                db.update_history(row.id, &RowUpdate::Reverted(RowState::Cleared))
                    .await
                    .map_err(EngineError::db(format!("clearing {}", e.label)))?;
                "cleared failed entry"
            }
            _ => continue,
        };
        sink.event(&Event::Recorded {
            version: e.label.to_owned(),
            name: e.name.to_owned(),
            what: what.into(),
        });
        done.push(Done {
            version: e.label.to_owned(),
            name: e.name.to_owned(),
            duration_ms: 0,
        });
    }
    Ok(done)
}
