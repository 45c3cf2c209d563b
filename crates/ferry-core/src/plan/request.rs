//! One typed plan for every command that changes the history: a pure function from what
//! the command asks ([`Request`]), every migration's state and the history, to a [`Plan`]
//! of [`Step`]s, each with its migration, what it does, and the script it runs; or a typed
//! refusal ([`PlanError`]). The runner executes plans; dry runs render them.

use super::{
    Entry, MigrateOptions, MigrationRef, PlanError, RollbackTarget, State, changed_down,
    plan_migrate, plan_rollback,
};
use crate::{HistoryRow, Migration, RowState, Script, Version};
use std::borrow::Cow;

/// What a command asks of the planner.
#[derive(Clone, Debug)]
pub enum Request {
    /// Apply pending migrations.
    Migrate(MigrateOptions),
    /// Roll back applied ones.
    Rollback(RollbackTarget),
    /// Roll back the last applied migration and apply it again.
    Redo,
    /// Record every pending migration up to this version as applied, running nothing.
    Baseline(Version),
    /// Fix the history after a human has looked.
    Repair(RepairRequest),
}

/// What `repair` is asked to fix.
#[derive(Clone, Debug, Default)]
pub struct RepairRequest {
    /// Record modified files' new checksums (and down scripts).
    pub accept_checksums: bool,
    /// Clear failed entries so migrate can retry them.
    pub clear_failed: bool,
    /// Store the down scripts of applied migrations whose file's down script changed.
    pub accept_downs: bool,
    /// A failed migration a human has finished or undone by hand, and what it now is.
    pub mark: Option<(Version, RowState)>,
}

/// What a step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Runs the up script and records the migration applied.
    Apply,
    /// Runs the down script and records the migration rolled back.
    Revert,
    /// Records the migration applied without running it.
    Baseline,
    /// Records the file's new checksum (and down script).
    AcceptChecksum,
    /// Records the file's down script.
    AcceptDown,
    /// Records a failed migration as applied (a human finished it).
    MarkApplied,
    /// Records a failed migration as rolled back (a human undid it).
    MarkRolledBack,
    /// Clears a failed entry, so that migrate retries it.
    Clear,
}

impl Action {
    /// What the step records, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Apply => "apply",
            Action::Revert => "roll back",
            Action::Baseline => "baseline",
            Action::AcceptChecksum => "accepted new checksum",
            Action::AcceptDown => "recorded the file's down script",
            Action::MarkApplied => "marked applied",
            Action::MarkRolledBack => "marked rolled back",
            Action::Clear => "cleared failed entry",
        }
    }
}

/// One step of a plan.
#[derive(Clone, Debug)]
pub struct Step<'a> {
    /// What it does.
    pub action: Action,
    /// The version as written.
    pub label: String,
    /// The name.
    pub name: String,
    /// The migration's files, where they are needed (apply, baseline, accept).
    pub migration: Option<&'a Migration>,
    /// The history row it changes (revert, repair).
    pub row: Option<&'a HistoryRow>,
    /// The script it runs: the up script to apply, the down script to revert.
    pub script: Option<Cow<'a, Script>>,
    /// A revert's down script comes from the history, not from the file.
    pub stored_down: bool,
}

/// What a command will do, step by step.
#[derive(Clone, Debug)]
pub struct Plan<'a> {
    /// The command (`migrate`, `rollback`, `redo`, `baseline`, `repair`).
    pub command: &'static str,
    /// The steps, in order.
    pub steps: Vec<Step<'a>>,
}

/// The plan for `request` from every migration's state.
pub fn plan<'a>(request: &Request, entries: &[Entry<'a>]) -> Result<Plan<'a>, PlanError> {
    let (command, steps) = match request {
        Request::Migrate(options) => ("migrate", apply_steps(plan_migrate(entries, options)?)),
        Request::Rollback(target) => ("rollback", revert_steps(entries, target)?),
        Request::Redo => ("redo", redo_steps(entries)?),
        Request::Baseline(target) => ("baseline", baseline_steps(entries, target)?),
        Request::Repair(repair) => ("repair", repair_steps(entries, repair)?),
    };
    Ok(Plan { command, steps })
}

fn step<'a>(action: Action, e: &Entry<'a>) -> Step<'a> {
    Step {
        action,
        label: e.label.to_owned(),
        name: e.name.to_owned(),
        migration: e.migration,
        row: e.row,
        script: None,
        stored_down: false,
    }
}

fn apply_steps(migrations: Vec<&Migration>) -> Vec<Step<'_>> {
    (migrations.into_iter())
        .map(|m| Step {
            action: Action::Apply,
            label: m.label.clone(),
            name: m.name.clone(),
            migration: Some(m),
            row: None,
            script: Some(Cow::Borrowed(&m.up)),
            stored_down: false,
        })
        .collect()
}

fn revert_steps<'a>(
    entries: &[Entry<'a>],
    target: &RollbackTarget,
) -> Result<Vec<Step<'a>>, PlanError> {
    let steps = plan_rollback(entries, target)?;
    Ok((steps.into_iter())
        .map(|s| Step {
            action: Action::Revert,
            name: s.row.name.to_string(),
            // By text: a changeset's place is known from the files, not from its row.
            migration: (entries.iter())
                .find(|e| e.version.as_str() == s.row.version.as_str())
                .and_then(|e| e.migration),
            label: s.label,
            row: Some(s.row),
            script: Some(Cow::Owned(s.down)),
            stored_down: s.stored,
        })
        .collect())
}

/// Redo: the last applied migration rolled back, then that one applied again; refused
/// before anything runs without its file.
fn redo_steps<'a>(entries: &[Entry<'a>]) -> Result<Vec<Step<'a>>, PlanError> {
    let mut steps = revert_steps(entries, &RollbackTarget::Steps(1))?;
    let Some(revert) = steps.first() else {
        return Ok(steps);
    };
    let Some(m) = revert.migration else {
        return Err(PlanError::RedoWithoutFile(MigrationRef {
            label: revert.label.clone(),
            name: revert.name.clone(),
        }));
    };
    steps.extend(apply_steps(vec![m]));
    Ok(steps)
}

fn baseline_steps<'a>(entries: &[Entry<'a>], target: &Version) -> Result<Vec<Step<'a>>, PlanError> {
    let target = super::resolve(entries, target)
        .ok_or_else(|| PlanError::UnknownTarget(target.to_string()))?;
    Ok((entries.iter())
        .filter(|e| e.is_pending() && e.version <= target)
        .map(|e| step(Action::Baseline, e))
        .collect())
}

/// Repair: every fix asked for, decided before anything is written; a failed rollback
/// that clearing would turn into a pending migration is refused.
fn repair_steps<'a>(entries: &[Entry<'a>], r: &RepairRequest) -> Result<Vec<Step<'a>>, PlanError> {
    if let Some((version, _)) = &r.mark
        && !entries
            .iter()
            .any(|e| e.version == version && e.state == State::Failed)
    {
        return Err(PlanError::NotFailed(version.to_string()));
    }
    let mut steps = Vec::new();
    let mut undecided = Vec::new();
    for e in entries {
        let Some(row) = e.row else { continue };
        let changed_down = match (e.migration, r.accept_downs) {
            (Some(m), true) if e.is_applied() => changed_down(row, m)
                .map_err(|e| PlanError::Load(Box::new(e)))?
                .is_some(),
            _ => false,
        };
        let marked = r
            .mark
            .as_ref()
            .filter(|(v, _)| v.as_str() == e.version.as_str());
        let action = match (e.state, e.migration) {
            (State::Modified, Some(_)) if r.accept_checksums => Action::AcceptChecksum,
            _ if changed_down => Action::AcceptDown,
            (State::Failed, _) if marked.is_some() => match marked.map(|(_, s)| *s) {
                Some(RowState::Applied) => Action::MarkApplied,
                _ => Action::MarkRolledBack,
            },
            // Clearing makes it pending: right after a failed apply, wrong after a rollback
            // that may have left it applied.
            (State::Failed, _) if r.clear_failed && row.failed_rolling_back() => {
                undecided.push(MigrationRef::from(e));
                continue;
            }
            (State::Failed, _) if r.clear_failed => Action::Clear,
            _ => continue,
        };
        steps.push(step(action, e));
    }
    if !undecided.is_empty() {
        return Err(PlanError::RollbackNeedsDecision(undecided));
    }
    Ok(steps)
}
