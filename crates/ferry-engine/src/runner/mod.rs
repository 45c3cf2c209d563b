//! The runner: executes plans made by `ferry_core::plan` under the migration lock, keeps
//! the history and the events table, and reports progress as [`Event`]s.

mod execute;
pub(crate) mod import;
mod rehearse;
mod script;
mod snapshot;
mod upgrade;

use crate::{Driver, EngineError, Event, EventSink, Files, NewEvent, NewRow, RowUpdate, lock};
use execute::run_plan;
pub use execute::{PlanView, Prepared, StepView, prepare_plan, refuse_if_applied_elsewhere, view};
use ferry_core::plan::{
    self, Entry, MigrateOptions, MigrationRef, RepairRequest, Request, RollbackTarget, Step,
};
use ferry_core::{Execution, History, Migration, RowState, Script, Version, VersionKind};
pub use import::import_history;
pub use rehearse::{Checked, RehearseOptions, StatementLocks, rehearse};
use script::{Failed, Tail, elapsed_ms, reset, run_atomically, run_each};
pub use script::{no_transaction_reason, prepare};
use std::time::{Duration, Instant};
pub use upgrade::{Upgrade, upgrade};

/// Who runs, and how long to wait for the lock.
#[derive(Clone, Debug)]
pub struct RunContext {
    /// Recorded as `applied_by` and in events.
    pub actor: String,
    /// How long to wait for another runner.
    pub lock_timeout: Duration,
    /// A portable step that changes other than its `expectedChanges.rows` is let through
    /// with a warning instead of failing its migration.
    pub expected_changes_warn: bool,
    /// Store a schema snapshot after each command that runs scripts (off for rehearsals).
    pub snapshots: bool,
}

/// What a history-changing command works on: one plugin's migrations, and who runs.
#[derive(Clone, Copy, Debug)]
pub struct Job<'a> {
    /// The plugin's migrations for this engine, in version order (perhaps still being read).
    pub files: &'a Files,
    /// The plugin.
    pub plugin: &'a str,
    /// How the plugin's versions compare (its source's convention).
    pub version_kind: VersionKind,
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
    /// Something the user must know about this step (an empty down script).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Reads the history without creating anything (for read-only commands); the stored down
/// scripts only `with_down_sql`.
pub async fn read_history(
    db: &mut dyn Driver,
    with_down_sql: bool,
    plugin: &str,
    kind: VersionKind,
) -> Result<History, EngineError> {
    if !db
        .history_exists()
        .await
        .map_err(EngineError::db("looking for the history table"))?
    {
        return Ok(History::default());
    }
    let rows = db.read_history(with_down_sql, plugin, kind).await?;
    tracing::debug!(rows = rows.len(), "read history");
    Ok(History::new(rows))
}

/// Who holds the migration lock right now (`Some("another ferry")` if the engine cannot
/// say), or `None` if it is free. Takes the lock for an instant to find out.
pub async fn lock_holder(db: &mut dyn Driver) -> Result<Option<String>, EngineError> {
    let mut the_lock = db.lock();
    let free =
        (the_lock.is_free(db).await).map_err(EngineError::db("looking at the migration lock"))?;
    if free {
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

/// ferry's tables, opened for writing only once the plan is made and every script it runs
/// is read and split: a refusal decided from the files changes nothing, not even by
/// creating the tables or logging an event.
struct Tables {
    exists: bool,
    may_create: bool,
    opened: bool,
}

impl Tables {
    /// Creates the tables if they are missing and the command may create them.
    async fn open(&mut self, db: &mut dyn Driver) -> Result<(), EngineError> {
        if !self.exists && self.may_create {
            db.create_history()
                .await
                .map_err(EngineError::db("creating the history table"))?;
            self.exists = true;
        }
        self.opened = true;
        Ok(())
    }
}

/// What a command's body works from: the history, every migration's state, and the tables
/// to open before its first write.
struct Work<'w, 'e> {
    history: &'w History,
    entries: &'w [Entry<'e>],
    tables: &'w mut Tables,
}

/// Runs `body` under the lock with the history and every migration's state, then records
/// the outcome in the events table if the body got as far as opening the tables.
async fn command(
    db: &mut dyn Driver,
    job: &Job<'_>,
    sink: &mut dyn EventSink,
    cmd: Command<'_>,
    body: impl AsyncFnOnce(
        &mut dyn Driver,
        Work<'_, '_>,
        &mut dyn EventSink,
    ) -> Result<Vec<Done>, EngineError>,
) -> Result<Vec<Done>, EngineError> {
    locked(db, job.ctx, sink, async |db, sink| {
        let exists = (db.history_exists().await)
            .map_err(EngineError::db("looking for the history table"))?;
        let history = match exists {
            true => History::new(
                db.read_history(cmd.rolls_back, job.plugin, job.version_kind)
                    .await?,
            ),
            false => History::default(),
        };
        tracing::debug!(rows = history.rows().len(), "read history");
        // A file error returns before anything is recorded: nothing was attempted.
        let migrations = job.files.get().await?;
        let entries = plan::status(migrations, &history, job.plugin);
        let mut tables = Tables {
            exists,
            may_create: cmd.creates_history,
            opened: false,
        };
        let work = Work {
            history: &history,
            entries: &entries,
            tables: &mut tables,
        };
        let result = body(db, work, sink).await;
        if tables.opened && tables.exists {
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
    let request = Request::Migrate(options.clone());
    run_plan(db, job, sink, cmd, &request).await
}

/// A migration to apply, read and split, with the down script its row will store.
struct ReadyUp<'a> {
    /// As the plan shows it (`stripe:003` in a plan across plugins).
    label: String,
    migration: &'a Migration,
    run: Execution,
    down: Option<String>,
}

async fn apply_one(
    db: &mut dyn Driver,
    up: ReadyUp<'_>,
    batch: i64,
    ctx: &RunContext,
    sink: &mut dyn EventSink,
) -> Result<Done, EngineError> {
    let m = up.migration;
    let reason = no_transaction_reason(&up.run.mode);
    let what = MigrationRef {
        label: up.label.clone(),
        name: m.name.clone(),
    };
    sink.event(&Event::Started {
        direction: "up".into(),
        version: up.label.clone(),
        name: m.name.clone(),
        no_transaction: reason.clone(),
    });
    let started = Instant::now();
    let mut row = NewRow {
        no_transaction: reason.is_some(),
        ..NewRow::applied(m, up.down.as_deref(), batch, &ctx.actor)
    };
    let mut run = up.run;
    for g in &mut run.guards {
        g.warn_on_mismatch = ctx.expected_changes_warn;
    }
    let mut notes = Vec::new();
    let ran = match reason {
        None => apply_atomically(db, m, &run, &mut row, started, &mut notes).await,
        Some(_) => apply_unguarded(db, &what, &run, &mut row, started, &mut notes).await,
    };
    // Whatever happened, the next migration starts from the connection's own state.
    if !matches!(ran, Ok(true)) {
        reset_after(db, &what, ran.is_ok()).await?;
    }
    ran.map_err(|f| f.into_error_for(&what, "up", &m.up))?;
    let marker = (run.record_only.as_ref())
        .map(|marker| format!("recorded without running: the file says {marker}"));
    notes.extend(marker);
    let note = (!notes.is_empty()).then(|| notes.join("; "));
    Ok(finished(sink, "up", &what, started, note))
}

/// A migration and its history row in one transaction; `Ok(true)` if the session was reset
/// in the same batch.
async fn apply_atomically(
    db: &mut dyn Driver,
    m: &Migration,
    run: &Execution,
    row: &mut NewRow<'_>,
    started: Instant,
    notes: &mut Vec<String>,
) -> Result<bool, Outcome> {
    let text = m.up.text().map_err(|e| Outcome::Engine(e.into()))?;
    row.duration_ms = Some(elapsed_ms(started));
    let committed = match run_atomically(db, text, run, Tail::Insert(row), notes).await {
        Ok(committed) => committed,
        Err(failed) => return Err(Outcome::rolled_back(db, failed, true).await),
    };
    if !committed && let Err(e) = db.commit().await {
        return Err(Outcome::rolled_back(db, Failed::Record(e), true).await);
    }
    Ok(committed)
}

/// A migration without a transaction: its row is recorded as running before the first
/// statement, so that a crash leaves a truthful entry.
async fn apply_unguarded(
    db: &mut dyn Driver,
    what: &MigrationRef,
    run: &Execution,
    row: &mut NewRow<'_>,
    started: Instant,
    notes: &mut Vec<String>,
) -> Result<bool, Outcome> {
    row.state = RowState::Running;
    let id = (db.insert_history(row).await).map_err(|e| {
        Outcome::Engine(EngineError::db(format!(
            "recording migration {what} as started"
        ))(e))
    })?;
    run_recorded(db, id, run, started, "", notes).await?;
    // ferry writes its row as the preamble left the session, not as the script did.
    reset(db, what).await.map_err(Outcome::Engine)?;
    let update = RowUpdate::Finished {
        duration_ms: elapsed_ms(started),
    };
    db.update_history(id, &update).await.map_err(|e| {
        Outcome::Engine(EngineError::db(format!(
            "recording migration {what} as applied"
        ))(e))
    })?;
    Ok(true)
}

/// Runs a script without a transaction, statement by statement; a failing statement is
/// recorded on history row `id` (its error after `prefix`, its number, the time taken).
async fn run_recorded(
    db: &mut dyn Driver,
    id: i64,
    run: &Execution,
    started: Instant,
    prefix: &str,
    notes: &mut Vec<String>,
) -> Result<(), Outcome> {
    let statements: Vec<_> = run.before.iter().chain(&run.body).cloned().collect();
    let Err(failed) = run_each(db, &statements, false, &run.guards, notes).await else {
        return Ok(());
    };
    if run.own_transaction {
        // The script's own transaction may be open (and aborted): end it before recording.
        let _ = db.rollback().await;
    }
    // The failure is recorded as the preamble left the session, not as the script did.
    let _ = db.reset_session().await;
    if let Failed::Statement {
        statement, error, ..
    } = &failed
    {
        let update = RowUpdate::Failed {
            error: format!("{prefix}{error}"),
            statement: statement.index as i64 + 1,
            duration_ms: elapsed_ms(started),
        };
        let _ = db.update_history(id, &update).await;
    }
    Err(Outcome::Failed(failed, false))
}

/// How running one script ended, when it did not succeed.
enum Outcome {
    /// The script failed; `bool` says whether it ran in a transaction (nothing is left).
    Failed(Failed, bool),
    /// Something else failed (reading the script, writing the history).
    Engine(EngineError),
}

impl Outcome {
    /// Rolls back the open transaction, if any, after `failed`.
    async fn rolled_back(db: &mut dyn Driver, failed: Failed, atomic: bool) -> Outcome {
        if failed.tx_open() {
            let _ = db.rollback().await;
        }
        Outcome::Failed(failed, atomic)
    }

    /// The error to report for migration `what`, whose `direction` script is `script`.
    fn into_error_for(
        self,
        what: &MigrationRef,
        direction: &'static str,
        script: &ferry_core::Script,
    ) -> EngineError {
        match self {
            Outcome::Failed(failed, atomic) => failed.into_error(what, direction, script, atomic),
            Outcome::Engine(e) => e,
        }
    }
}

/// Restores the session after a migration; when the migration itself failed (`ok` false),
/// a failure to restore is logged and the migration's own error is what gets reported.
async fn reset_after(
    db: &mut dyn Driver,
    what: &MigrationRef,
    ok: bool,
) -> Result<(), EngineError> {
    match reset(db, what).await {
        Err(e) if !ok => {
            tracing::warn!("{e}");
            Ok(())
        }
        other => other,
    }
}

/// Reports a finished script and returns its result line.
fn finished(
    sink: &mut dyn EventSink,
    direction: &str,
    what: &MigrationRef,
    started: Instant,
    note: Option<String>,
) -> Done {
    let duration_ms = elapsed_ms(started);
    sink.event(&Event::Finished {
        direction: direction.into(),
        version: what.label.clone(),
        name: what.name.clone(),
        duration_ms,
        note: note.clone(),
    });
    Done {
        version: what.label.clone(),
        name: what.name.clone(),
        duration_ms,
        note,
    }
}

/// The migration's down script text, read from disk if it was left there, and checked as
/// its up script is (directives, splitting for this engine): a broken down script is
/// refused before it is stored, not found at rollback time.
fn down_text(db: &dyn Driver, m: &Migration) -> Result<Option<String>, EngineError> {
    let Some(down) = &m.down else {
        return Ok(None);
    };
    let script = down.load()?;
    script.statements(db.dialect())?;
    Ok(Some(script.text()?.to_owned()))
}

/// Rolls back the job's applied migrations as `target` says; `command_name` is what the
/// events table records (rollback, reset).
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
    run_plan(db, job, sink, cmd, &Request::Rollback(target.clone())).await
}

/// What `--json` and the text output say of a rollback whose down script runs nothing.
pub const EMPTY_DOWN: &str = "down script empty: nothing undone";

async fn revert_one(
    db: &mut dyn Driver,
    step: &Step<'_>,
    run: &Execution,
    ctx: &RunContext,
    sink: &mut dyn EventSink,
) -> Result<Done, EngineError> {
    let mut run = run.clone();
    for g in &mut run.guards {
        g.warn_on_mismatch = ctx.expected_changes_warn;
    }
    let run = &run;
    let reason = no_transaction_reason(&run.mode);
    let what = MigrationRef {
        label: step.label.clone(),
        name: step.name.clone(),
    };
    let (Some(row), Some(script)) = (step.row, step.script.as_deref()) else {
        return Err(EngineError::Plan(plan::PlanError::NoDownScript(what)));
    };
    sink.event(&Event::Started {
        direction: "down".into(),
        version: step.label.clone(),
        name: what.name.clone(),
        no_transaction: reason.clone(),
    });
    let started = Instant::now();
    let mut notes = Vec::new();
    let ran = match reason {
        None => revert_atomically(db, row.id, script, run, &mut notes).await,
        Some(_) => revert_unguarded(db, &what, row.id, run, started, &mut notes).await,
    };
    if !matches!(ran, Ok(true)) {
        reset_after(db, &what, ran.is_ok()).await?;
    }
    ran.map_err(|o| o.into_error_for(&what, "down", script))?;
    notes.extend(run.is_empty().then(|| EMPTY_DOWN.to_owned()));
    let note = (!notes.is_empty()).then(|| notes.join("; "));
    Ok(finished(sink, "down", &what, started, note))
}

/// A down script and the row's new state in one transaction; `Ok(true)` if the session
/// was reset inside it (PostgreSQL, whose settings are transactional).
async fn revert_atomically(
    db: &mut dyn Driver,
    id: i64,
    script: &Script,
    run: &Execution,
    notes: &mut Vec<String>,
) -> Result<bool, Outcome> {
    let text = script.text().map_err(|e| Outcome::Engine(e.into()))?;
    if let Err(failed) = run_atomically(db, text, run, Tail::None, notes).await {
        return Err(Outcome::rolled_back(db, failed, true).await);
    }
    let reset_inside = db.capabilities().batch_scripts;
    // The row's new state commits with the down script, or neither does; it is written as
    // the preamble left the session where settings are transactional.
    let update = RowUpdate::Reverted(RowState::RolledBack);
    let saved = async {
        if reset_inside {
            db.reset_session().await?;
        }
        db.update_history(id, &update).await?;
        db.commit().await
    }
    .await;
    if let Err(e) = saved {
        return Err(Outcome::rolled_back(db, Failed::Record(e), true).await);
    }
    Ok(reset_inside)
}

/// A down script without a transaction: the row says `rolling_back` before the first
/// statement, so that a crash never leaves it claiming to be applied.
async fn revert_unguarded(
    db: &mut dyn Driver,
    what: &MigrationRef,
    id: i64,
    run: &Execution,
    started: Instant,
    notes: &mut Vec<String>,
) -> Result<bool, Outcome> {
    let recorded = |doing: &str| {
        let context = format!("{doing} the rollback of {what}");
        move |e| Outcome::Engine(EngineError::db(context)(e))
    };
    (db.update_history(id, &RowUpdate::RollingBack).await)
        .map_err(recorded("recording the start of"))?;
    run_recorded(db, id, run, started, "rollback failed: ", notes).await?;
    reset(db, what).await.map_err(Outcome::Engine)?;
    (db.update_history(id, &RowUpdate::Reverted(RowState::RolledBack))
        .await)
        .map_err(recorded("recording"))?;
    Ok(true)
}

/// Rolls back the last applied migration and applies exactly that one again, as one plan
/// under one lock: refused before anything runs when either half cannot complete (no down
/// script, no up file, a script that does not split).
pub async fn redo(
    db: &mut dyn Driver,
    job: &Job<'_>,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let cmd = Command {
        name: "redo",
        creates_history: false,
        rolls_back: true,
        summary: &|n| format!("redid {n} migration(s)"),
    };
    run_plan(db, job, sink, cmd, &Request::Redo).await
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
    run_plan(db, job, sink, cmd, &Request::Baseline(target.clone())).await
}

/// Fixes the history after a human has looked.
pub async fn repair(
    db: &mut dyn Driver,
    job: &Job<'_>,
    options: RepairRequest,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let cmd = Command {
        name: "repair",
        creates_history: false,
        rolls_back: options.accept_downs,
        summary: &|n| format!("repaired {n} entr(ies)"),
    };
    run_plan(db, job, sink, cmd, &Request::Repair(options)).await
}
