//! Executing a plan: every script a plan runs is read and split first ([`prepare_plan`]),
//! so that a bad file N stops the command before step 1 runs; then one executor runs the
//! steps in order, whatever they do.

use super::{Command, Done, Job, ReadyUp, RunContext, apply_one, command, down_text, revert_one};
use crate::{Driver, EngineError, Event, EventSink, NewRow, RowUpdate};
use ferry_core::plan::{self, Action, Plan, Request, Step};
use ferry_core::{Execution, RowState, Version};

/// A plan step with its scripts read and split: what runs, and the down script an applied
/// (or re-checksummed) row stores.
#[derive(Debug)]
pub struct Prepared<'a> {
    /// The step.
    pub step: Step<'a>,
    /// How its script runs, if it runs one.
    pub run: Option<Execution>,
    /// The down script its row stores.
    pub down: Option<String>,
}

/// Reads and splits every script `plan` runs or stores.
pub fn prepare_plan<'a>(db: &dyn Driver, plan: Plan<'a>) -> Result<Vec<Prepared<'a>>, EngineError> {
    (plan.steps.into_iter())
        .map(|step| {
            let run = step
                .script
                .as_deref()
                .map(|s| super::prepare(db, s))
                .transpose()?;
            let down = match (step.action, step.migration) {
                (
                    Action::Apply | Action::Baseline | Action::AcceptChecksum | Action::AcceptDown,
                    Some(m),
                ) => down_text(db, m)?,
                _ => None,
            };
            Ok(Prepared { step, run, down })
        })
        .collect()
}

/// Plans `request` under the lock, prepares every step, opens ferry's tables and runs the
/// steps: the one path of migrate, rollback, redo, baseline and repair.
pub(super) async fn run_plan(
    db: &mut dyn Driver,
    job: &Job<'_>,
    sink: &mut dyn EventSink,
    cmd: Command<'_>,
    request: &Request,
) -> Result<Vec<Done>, EngineError> {
    let name = cmd.name.to_owned();
    command(db, job, sink, cmd, async |db, work, sink| {
        let plan = plan::plan(request, work.entries)?;
        refuse_if_applied_elsewhere(db, job, request, work.entries, &plan).await?;
        let runs_scripts = matches!(
            request,
            Request::Migrate(_) | Request::Rollback(_) | Request::Redo
        );
        let prepared = prepare_plan(db, plan)?;
        work.tables.open(db).await?;
        if runs_scripts {
            sink.event(&Event::Planned {
                command: name,
                count: prepared.len(),
            });
        }
        execute(db, prepared, work.history.next_batch(), job.ctx, sink).await
    })
    .await
}

/// Refuses to apply migrations that another tool's history in the same database says are
/// applied: running them again could duplicate their changes.
/// A table of a tool's name that cannot be read as the tool's is refused too (it may be
/// the tool's in a shape ferry does not know); `--ignore-other-tools` says it is not.
pub async fn refuse_if_applied_elsewhere(
    db: &mut dyn Driver,
    job: &Job<'_>,
    request: &Request,
    entries: &[ferry_core::plan::Entry<'_>],
    plan: &Plan<'_>,
) -> Result<(), EngineError> {
    // On every migrate, not only the first: a partial run must not open the way to the rest.
    let asked = matches!(request, Request::Migrate(o) if !o.ignore_other_tools);
    if !asked || plan.steps.is_empty() {
        return Ok(());
    }
    // Every file, not only the planned ones: golang-migrate's one row names the newest.
    let all: Vec<ferry_core::Migration> = entries
        .iter()
        .filter_map(|e| e.migration.cloned())
        .collect();
    // Only migrations ferry's history has never recorded: for one it applied, rolled back
    // or saw fail, ferry's own history is the authority (the old table never changes).
    let recorded = |v: &str| {
        entries
            .iter()
            .any(|e| e.version.as_str() == v && e.row.is_some())
    };
    let planned: Vec<&str> = (plan.steps.iter())
        .filter_map(|s| s.migration.map(|m| m.version.as_str()))
        .filter(|v| !recorded(v))
        .collect();
    if planned.is_empty() {
        return Ok(());
    }
    let tables = (db.table_names().await).map_err(EngineError::db("listing tables"))?;
    let found = ferry_core::tools::found_in(&tables);
    let mut unreadable: Vec<(ferry_core::tools::Tool, &str, crate::DbError)> = Vec::new();
    let mut read_tables: Vec<&str> = Vec::new();
    for &(tool, table) in &found {
        let columns = ferry_core::import::Columns {
            table,
            ..ferry_core::import::columns(tool)
        };
        let refuse = |what: String| {
            EngineError::ImportRefused(format!(
                "this database holds {}'s history ({table}), {what}, which ferry's history does not: running them again could apply their changes twice. Record that history with `ferry import-history --from {}` (or pass --ignore-other-tools if that table is about other migrations)",
                tool.name(),
                tool.name()
            ))
        };
        let rows = match db.read_foreign(&columns).await {
            Ok(Some(rows)) => rows,
            Ok(None) => continue,
            Err(e) => {
                unreadable.push((tool, table, e));
                continue;
            }
        };
        read_tables.push(table);
        let claimed = ferry_core::import::claimed(tool, rows, &all, job.version_kind);
        let again: Vec<&ferry_core::Migration> = (claimed.into_iter())
            .filter(|m| planned.contains(&m.version.as_str()))
            .collect();
        if let Some(first) = again.first() {
            return Err(refuse(format!(
                "which says {} of the pending migrations are applied (the first: {} {})",
                again.len(),
                first.label,
                first.name
            )));
        }
    }
    // A table no tool of its name can read (golang-migrate's and dbmate's share one).
    if let Some((tool, table, e)) = unreadable
        .into_iter()
        .find(|(_, t, _)| !read_tables.contains(t))
    {
        return Err(EngineError::ImportRefused(format!(
            "this database holds a table named like {}'s history ({table}) that ferry cannot read ({e}); if it records these migrations, run `ferry import-history --from TOOL` first, else pass --ignore-other-tools",
            tool.name()
        )));
    }
    Ok(())
}

/// Runs prepared steps in order, then (if any script ran and the context asks) stores the
/// schema snapshot.
pub(super) async fn execute(
    db: &mut dyn Driver,
    prepared: Vec<Prepared<'_>>,
    batch: i64,
    ctx: &RunContext,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let applies = prepared.iter().any(|p| p.step.action == Action::Apply);
    let reverts = prepared.iter().any(|p| p.step.action == Action::Revert);
    let command = match (applies, reverts) {
        (true, true) => "redo",
        (true, false) => "migrate",
        (false, true) => "rollback",
        (false, false) => return run_steps(db, prepared, batch, ctx, sink).await,
    };
    if !ctx.snapshots {
        return run_steps(db, prepared, batch, ctx, sink).await;
    }
    let counts = super::snapshot::counts_before(db).await;
    let result = run_steps(db, prepared, batch, ctx, sink).await;
    super::snapshot::store_after(db, command, counts.as_deref()).await;
    result
}

/// Runs prepared steps in order. A failed apply names the migrations applied before it.
async fn run_steps(
    db: &mut dyn Driver,
    prepared: Vec<Prepared<'_>>,
    batch: i64,
    ctx: &RunContext,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let mut done = Vec::new();
    let mut applied: Vec<Version> = Vec::new();
    for p in prepared {
        let outcome = match (p.step.action, p.step.migration, p.run) {
            (Action::Apply, Some(migration), Some(run)) => {
                let ready = ReadyUp {
                    label: p.step.label.clone(),
                    migration,
                    run,
                    down: p.down,
                };
                let version = migration.version.clone();
                let result = apply_one(db, ready, batch, ctx, sink).await;
                if result.is_ok() {
                    applied.push(version);
                }
                result
            }
            (Action::Revert, _, Some(run)) => revert_one(db, &p.step, &run, ctx, sink).await,
            _ => record(db, &p.step, p.down.as_deref(), batch, ctx, sink).await,
        };
        match outcome {
            Ok(d) => done.push(d),
            Err(EngineError::MigrationFailed(mut failure)) => {
                failure.applied_before = applied;
                return Err(EngineError::MigrationFailed(failure));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// A step that only writes the history (baseline, repair).
async fn record(
    db: &mut dyn Driver,
    step: &Step<'_>,
    down: Option<&str>,
    batch: i64,
    ctx: &RunContext,
    sink: &mut dyn EventSink,
) -> Result<Done, EngineError> {
    let failed = |doing: &str| EngineError::db(format!("{doing} {}", step.label));
    let row_id = step.row.map(|r| r.id).unwrap_or_default();
    let updated = match (step.action, step.migration) {
        (Action::Baseline, Some(m)) => {
            let row = NewRow {
                duration_ms: Some(0),
                baseline: true,
                ..NewRow::applied(m, down, batch, &ctx.actor)
            };
            db.insert_history(&row)
                .await
                .map(drop)
                .map_err(failed("recording baseline of"))
        }
        (Action::AcceptChecksum, Some(m)) => {
            let update = RowUpdate::Checksum {
                checksum: m.up.checksum,
                down_sql: down,
                name: &m.name,
            };
            db.update_history(row_id, &update)
                .await
                .map_err(failed("updating"))
        }
        (Action::AcceptDown, _) => {
            let update = RowUpdate::DownScript { down_sql: down };
            db.update_history(row_id, &update)
                .await
                .map_err(failed("updating"))
        }
        (Action::MarkApplied | Action::MarkRolledBack, _) => {
            let state = match step.action {
                Action::MarkApplied => RowState::Applied,
                _ => RowState::RolledBack,
            };
            db.update_history(row_id, &RowUpdate::Mark(state))
                .await
                .map_err(failed("marking"))
        }
        (Action::Clear, _) => {
            let update = RowUpdate::Reverted(RowState::Cleared);
            db.update_history(row_id, &update)
                .await
                .map_err(failed("clearing"))
        }
        // Baseline and accepted checksums come from files the planner found.
        (action, None) => Err(EngineError::db(format!("{action:?} of {}", step.label))(
            crate::DbError::msg("the migration's file is not known"),
        )),
        (Action::Apply | Action::Revert, Some(_)) => {
            Err(EngineError::db(format!("running {}", step.label))(
                crate::DbError::msg("the step's script was not prepared"),
            ))
        }
    };
    updated?;
    sink.event(&Event::Recorded {
        version: step.label.clone(),
        name: step.name.clone(),
        what: step.action.describe().into(),
    });
    Ok(Done {
        version: step.label.clone(),
        name: step.name.clone(),
        duration_ms: 0,
        note: None,
    })
}

/// A prepared plan as the edges show it (dry runs, `--json`): each step with what it
/// does, the file it runs, how it runs and why, and its exact SQL.
#[derive(Debug, serde::Serialize)]
pub struct PlanView {
    /// The command.
    pub command: String,
    /// The steps, in order.
    pub steps: Vec<StepView>,
}

/// One step of a [`PlanView`].
#[derive(Debug, serde::Serialize)]
pub struct StepView {
    /// The version as written.
    pub version: String,
    /// The name.
    pub name: String,
    /// What the step does.
    pub action: Action,
    /// The script it runs (`history:...` for a down script stored in the history).
    pub file: Option<String>,
    /// Whether it runs in one transaction with its history row.
    pub transaction: bool,
    /// Why it runs without one.
    pub no_transaction_reason: Option<String>,
    /// Statements that run before the transaction opens.
    pub before_transaction: Vec<String>,
    /// The statements, in order.
    pub statements: Vec<String>,
    /// A query that must return no rows before the transaction commits.
    pub check_before_commit: Option<&'static str>,
    /// Recorded without running its statements, because the script says so.
    pub record_only: Option<String>,
    /// The risk its file declares (a portable migration's `riskLevel`).
    pub risk: Option<String>,
    /// Its file says a backup should be taken first.
    pub requires_backup: bool,
    /// The duration its file estimates, in seconds.
    pub estimated_duration_s: Option<u64>,
    /// A portable migration's steps and what must hold around each (validations,
    /// timeout, expected changes, skipOnError).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub guards: Vec<ferry_core::StepGuard>,
}

/// The view of a prepared plan.
pub fn view(command: &str, prepared: &[Prepared<'_>]) -> PlanView {
    let sqls = |list: &[ferry_core::Statement]| list.iter().map(|st| st.sql.clone()).collect();
    let steps = (prepared.iter())
        .map(|p| {
            let run = p.run.as_ref();
            let reason = run.and_then(|r| super::no_transaction_reason(&r.mode));
            let portable = (p.step.migration).and_then(|m| m.up.directives.portable.as_ref());
            StepView {
                version: p.step.label.clone(),
                name: p.step.name.clone(),
                action: p.step.action,
                file: p
                    .step
                    .script
                    .as_deref()
                    .map(|s| s.path.display().to_string()),
                transaction: run.is_some() && reason.is_none(),
                no_transaction_reason: reason,
                before_transaction: run.map(|r| sqls(&r.before)).unwrap_or_default(),
                statements: run.map(|r| sqls(&r.body)).unwrap_or_default(),
                check_before_commit: run.and_then(|r| r.check.map(|c| c.sql)),
                record_only: run.and_then(|r| r.record_only.clone()),
                risk: portable.and_then(|m| m.risk_level.clone()),
                requires_backup: portable.is_some_and(|m| m.requires_backup),
                estimated_duration_s: portable.and_then(|m| m.estimated_duration),
                guards: run
                    .map(|r| r.guards.iter().map(|g| g.step.clone()).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    PlanView {
        command: command.to_owned(),
        steps,
    }
}
