//! The planner: what is applied, what is pending, and what migrate or rollback would do.
//!
//! Everything here is a pure function of the migration files and the history, so
//! `status`, `migrate`, `--dry-run`, `validate` and `rollback` all decide from the same values.

mod request;

pub use request::{Action, Plan, RepairRequest, Request, Step, plan};

use crate::{Checksum, History, HistoryRow, LoadError, Migration, RowState, Script, Version};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

/// The state of one migration, as `status` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Applied, and the file is unchanged.
    Applied,
    /// Not applied yet.
    Pending,
    /// Failed or interrupted part-way; needs a human and `repair --clear-failed`.
    Failed,
    /// Applied, but the file has changed since.
    Modified,
    /// Applied, but the file is gone.
    Missing,
    /// Applied once and rolled back; `migrate` applies it again.
    RolledBack,
    /// Started without a transaction by a runner that still holds the lock.
    Running,
}

impl State {
    /// The name shown by `status`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Pending => "pending",
            State::Failed => "failed",
            State::Modified => "modified",
            State::Missing => "missing",
            State::RolledBack => "rolled_back",
            State::Running => "running",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One migration's line in the status: its file, its latest history row, and its state.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    /// The version.
    pub version: &'a Version,
    /// The version as written in the file name (or as stored, if the file is gone).
    pub label: &'a str,
    /// The name.
    pub name: &'a str,
    /// The derived state.
    pub state: State,
    /// The file, if present.
    pub migration: Option<&'a Migration>,
    /// The latest history row, if any.
    pub row: Option<&'a HistoryRow>,
    /// Pending although a newer version is already applied.
    pub out_of_order: bool,
}

/// One migration's line in `status --json`: what the entry and its latest row say.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StatusLine<'a> {
    /// The plugin.
    pub plugin: &'a str,
    /// The version as written.
    pub version: &'a str,
    /// The name.
    pub name: &'a str,
    /// The state.
    pub state: State,
    /// Pending although a newer version is applied.
    pub out_of_order: bool,
    /// The batch of its latest row.
    pub batch: Option<i64>,
    /// When its latest row was applied.
    pub applied_at: Option<&'a str>,
    /// How long it took.
    pub duration_ms: Option<i64>,
    /// Who applied it.
    pub applied_by: Option<&'a str>,
}

impl<'a> Entry<'a> {
    /// The entry's status line for `plugin`.
    pub fn line(&self, plugin: &'a str) -> StatusLine<'a> {
        let row = self.row;
        StatusLine {
            plugin,
            version: self.label,
            name: self.name,
            state: self.state,
            out_of_order: self.out_of_order,
            batch: row.map(|r| r.batch),
            applied_at: row.map(|r| &*r.applied_at),
            duration_ms: row.and_then(|r| r.duration_ms),
            applied_by: row.map(|r| &*r.applied_by),
        }
    }
}

/// What `validate` found.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Validation {
    /// No problem is an error.
    pub valid: bool,
    /// How many migrations were checked.
    pub migrations: usize,
    /// Every problem, errors and warnings.
    pub problems: Vec<Problem>,
}

impl Entry<'_> {
    /// Whether `migrate` would apply this migration.
    pub fn is_pending(&self) -> bool {
        self.migration.is_some() && matches!(self.state, State::Pending | State::RolledBack)
    }

    /// Whether the database holds this migration's changes (per the history).
    pub fn is_applied(&self) -> bool {
        self.row.is_some_and(|r| r.state == RowState::Applied)
    }
}

/// Derives every migration's state for `plugin` from the files and the history.
pub fn status<'a>(
    migrations: &'a [Migration],
    history: &'a History,
    plugin: &str,
) -> Vec<Entry<'a>> {
    let current = history.current(plugin);
    let known: BTreeSet<&str> = migrations.iter().map(|m| m.version.as_str()).collect();
    // A portable migration is its id: renumbered, it still matches the row it left (the
    // row's name is the id), unless a file has that row's version.
    let by_id: BTreeMap<&str, &HistoryRow> = match migrations.iter().any(is_portable) {
        true => (current.values())
            .filter(|r| !known.contains(r.version.as_str()))
            .map(|r| (&*r.name, *r))
            .collect(),
        false => BTreeMap::new(),
    };
    let mut moved: BTreeSet<&str> = BTreeSet::new();
    let mut entries: Vec<Entry<'a>> = Vec::new();
    for m in migrations {
        let renumbered = || {
            let id = m.up.directives.portable.as_ref()?.id.as_str();
            by_id.get(id).copied()
        };
        let row = current.get(m.version.as_str()).copied().or_else(renumbered);
        if let Some(r) = row.filter(|r| r.version != m.version) {
            moved.insert(r.version.as_str());
        }
        let state = match row {
            None => State::Pending,
            Some(r) => match r.state {
                RowState::Cleared => State::Pending,
                RowState::RolledBack => State::RolledBack,
                RowState::Failed | RowState::Running | RowState::RollingBack => State::Failed,
                RowState::Applied if checksum_matches(r, &m.up) => State::Applied,
                // A repeatable migration that changed is applied again (Flyway's rule).
                RowState::Applied if m.version.is_repeatable() => State::Pending,
                RowState::Applied => State::Modified,
            },
        };
        entries.push(Entry {
            version: &m.version,
            label: &m.label,
            name: &m.name,
            state,
            migration: Some(m),
            row,
            out_of_order: false,
        });
    }
    for (text, row) in current {
        if known.contains(text) || moved.contains(text) || row.state == RowState::Cleared {
            continue;
        }
        let version = &row.version;
        let state = match row.state {
            RowState::Applied => State::Missing,
            RowState::Failed | RowState::Running | RowState::RollingBack => State::Failed,
            RowState::RolledBack | RowState::Cleared => State::RolledBack,
        };
        entries.push(Entry {
            version,
            label: version.as_str(),
            name: &row.name,
            state,
            migration: None,
            row: Some(row),
            out_of_order: false,
        });
    }
    // Versions are unique here: files have one each, and history-only rows are the others.
    entries.sort_unstable_by(|a, b| a.version.cmp(b.version));
    // Only applied rows count: a cleared or rolled-back newer version makes nothing late.
    // Repeatable migrations have no place in the order: they run after the others.
    let newest_applied = (entries.iter())
        .filter(|e| e.is_applied() && !e.version.is_repeatable())
        .map(|e| e.version)
        .max();
    for e in &mut entries {
        e.out_of_order = e.is_pending()
            && !e.version.is_repeatable()
            && newest_applied.is_some_and(|n| e.version < n);
    }
    entries
}

fn is_portable(m: &Migration) -> bool {
    m.up.directives.portable.is_some()
}

fn checksum_matches(row: &HistoryRow, script: &Script) -> bool {
    if row.checksum.algorithm == script.checksum.algorithm {
        return row.checksum == script.checksum;
    }
    // An older algorithm's row: the text is hashed again the way that row was.
    (script.text().ok())
        .and_then(|text| Checksum::with_algorithm(row.checksum.algorithm, text).ok())
        .is_some_and(|c| c == row.checksum)
}

/// Marks as running the failed entries that were started and never finished, for when
/// another runner holds the lock: they are its migrations in progress, not failures.
pub fn mark_running(entries: &mut [Entry<'_>]) {
    for e in entries.iter_mut() {
        if e.state == State::Failed && e.row.is_some_and(HistoryRow::is_unfinished) {
            e.state = State::Running;
        }
    }
}

/// A short reference to a migration, for messages.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MigrationRef {
    /// The version as written.
    pub label: String,
    /// The name.
    pub name: String,
}

impl fmt::Display for MigrationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.is_empty() {
            write!(f, "{}", self.label)
        } else {
            write!(f, "{} {}", self.label, self.name)
        }
    }
}

impl From<&Entry<'_>> for MigrationRef {
    fn from(e: &Entry<'_>) -> Self {
        MigrationRef {
            label: e.label.to_owned(),
            name: e.name.to_owned(),
        }
    }
}

fn refs<'a>(entries: impl Iterator<Item = &'a Entry<'a>>) -> Vec<MigrationRef> {
    entries.map(MigrationRef::from).collect()
}

fn list(refs: &[MigrationRef]) -> String {
    refs.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Problem {
    /// Whether this is only a warning: worth saying, not failing `validate` for.
    pub fn is_warning(&self) -> bool {
        matches!(self, Problem::DownChanged { .. })
    }
}

/// Why the planner refuses.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A failed entry must be looked at first.
    #[error(
        "migration {} failed earlier and may be partly applied{}; check the database by hand, then run `ferry repair --clear-failed`",
        list(.0), failed_detail(.1)
    )]
    Failed(Vec<MigrationRef>, Option<String>),
    /// Applied files were edited.
    #[error(
        "applied migration {} was modified after it was applied; restore the file, or run `ferry repair --accept-checksums` if the change is intended",
        list(.0)
    )]
    Modified(Vec<MigrationRef>),
    /// Pending migrations are older than the newest applied one.
    #[error(
        "pending migration {} is older than the newest applied one ({newest}); apply it with --allow-out-of-order (or `allow_out_of_order = true` in ferry.toml) after checking it does not conflict",
        list(pending)
    )]
    OutOfOrder {
        /// The out-of-order pending migrations.
        pending: Vec<MigrationRef>,
        /// The newest applied version.
        newest: String,
    },
    /// A pending file holds exactly the script of an applied migration whose file is gone:
    /// most likely that file was renamed, and applying it would run it twice.
    #[error(
        "pending migration {pending} has the same checksum as applied migration {applied}, whose file is gone: it was probably renamed. Rename it back, or if it really must run again, change its text"
    )]
    ProbableRename {
        /// The pending migration.
        pending: MigrationRef,
        /// The applied migration whose file is missing.
        applied: MigrationRef,
    },
    /// `repair --clear-failed` met migrations that failed while rolling back.
    #[error(
        "migration {} failed while rolling back, so part of its down script may have run; finish or undo that by hand, then run `ferry repair --mark-rolled-back VERSION` (the down script is now fully done) or `ferry repair --mark-applied VERSION` (you undid what ran of it)",
        list(.0)
    )]
    RollbackNeedsDecision(Vec<MigrationRef>),
    /// `repair --mark-...` names a version that is not failed.
    #[error("migration {0} is not failed; `ferry status` shows which ones are")]
    NotFailed(String),
    /// `redo` found the last applied migration's file gone.
    #[error(
        "cannot redo {0}: its file is gone, so it could be rolled back but not applied again; restore the file, or use `ferry rollback`"
    )]
    RedoWithoutFile(MigrationRef),
    /// `--to` names no known migration.
    #[error("no migration has version {0}; `ferry status` lists them")]
    UnknownTarget(String),
    /// A migration to roll back has no down script anywhere.
    #[error(
        "migration {0} has no down script, neither stored in the history nor on disk; write rollback/{label}_{name}.sql (or {label}_{name}.down.sql) first",
        label = .0.label, name = .0.name
    )]
    NoDownScript(MigrationRef),
    /// A stored down script could not be read.
    #[error(transparent)]
    Load(Box<LoadError>),
}

fn failed_detail(error: &Option<String>) -> String {
    error
        .as_ref()
        .map(|e| format!(" ({e})"))
        .unwrap_or_default()
}

impl PlanError {
    /// Whether this is a validation failure (modified or failed entries) rather than a policy.
    pub fn is_validation(&self) -> bool {
        matches!(
            self,
            PlanError::Failed(..)
                | PlanError::Modified(_)
                | PlanError::ProbableRename { .. }
                | PlanError::RedoWithoutFile(_)
                | PlanError::RollbackNeedsDecision(_)
        )
    }
}

/// Options of `migrate`.
#[derive(Clone, Debug, Default)]
pub struct MigrateOptions {
    /// Apply only up to and including this version.
    pub target: Option<Version>,
    /// Apply pending migrations older than the newest applied one.
    pub allow_out_of_order: bool,
    /// Apply this one migration and nothing else (for `redo`).
    pub only: Option<Version>,
    /// Apply even though another tool's history in the database says some of the pending
    /// migrations are applied (ferry's own history being empty).
    pub ignore_other_tools: bool,
}

/// Refuses when a failed or modified migration needs a human first.
pub fn check_blockers(entries: &[Entry<'_>]) -> Result<(), PlanError> {
    refuse_failed(entries)?;
    let modified = refs(entries.iter().filter(|e| e.state == State::Modified));
    if !modified.is_empty() {
        return Err(PlanError::Modified(modified));
    }
    if let Some((pending, applied)) = probable_renames(entries).into_iter().next() {
        return Err(PlanError::ProbableRename { pending, applied });
    }
    Ok(())
}

/// Pending migrations whose up script has the checksum of an applied migration whose file
/// is missing, each with that applied migration.
pub fn probable_renames(entries: &[Entry<'_>]) -> Vec<(MigrationRef, MigrationRef)> {
    let missing: Vec<(&Entry<'_>, &HistoryRow)> = (entries.iter())
        .filter(|e| e.state == State::Missing)
        .filter_map(|e| Some((e, e.row?)))
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let pending = (entries.iter())
        .filter(|e| !e.version.is_repeatable())
        .filter_map(|e| Some((e, e.migration.filter(|_| e.is_pending())?)));
    let mut found = Vec::new();
    for (e, m) in pending {
        if let Some((gone, _)) = missing.iter().find(|(_, row)| checksum_matches(row, &m.up)) {
            found.push((MigrationRef::from(e), MigrationRef::from(*gone)));
        }
    }
    found
}

/// Refuses when a failed migration needs a human first.
pub fn refuse_failed(entries: &[Entry<'_>]) -> Result<(), PlanError> {
    let failed: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.state == State::Failed)
        .collect();
    match failed.first() {
        None => Ok(()),
        Some(first) => {
            let error = first.row.and_then(HistoryRow::problem);
            Err(PlanError::Failed(refs(failed.iter().copied()), error))
        }
    }
}

/// The migrations `migrate` applies, in order.
pub fn plan_migrate<'a>(
    entries: &[Entry<'a>],
    options: &MigrateOptions,
) -> Result<Vec<&'a Migration>, PlanError> {
    check_blockers(entries)?;
    let target = match &options.target {
        Some(t) => {
            Some(resolve(entries, t).ok_or_else(|| PlanError::UnknownTarget(t.to_string()))?)
        }
        None => None,
    };
    let only = options.only.as_ref().and_then(|v| resolve(entries, v));
    let pending: Vec<&Entry<'a>> = entries
        .iter()
        .filter(|e| e.is_pending() && target.is_none_or(|t| e.version <= t))
        .filter(|e| options.only.is_none() || only == Some(e.version))
        .collect();
    let out_of_order = refs(pending.iter().copied().filter(|e| e.out_of_order));
    if !out_of_order.is_empty() && !options.allow_out_of_order {
        let newest = entries
            .iter()
            .filter(|e| e.is_applied())
            .map(|e| e.label)
            .next_back()
            .unwrap_or_default();
        return Err(PlanError::OutOfOrder {
            pending: out_of_order,
            newest: newest.to_owned(),
        });
    }
    Ok(pending.into_iter().filter_map(|e| e.migration).collect())
}

/// The version of the entry `v` names: versions given on the command line are matched by
/// their text, since only the files know a changeset's place in its changelog.
pub fn resolve<'a>(entries: &[Entry<'a>], v: &Version) -> Option<&'a Version> {
    entries
        .iter()
        .find(|e| e.version.as_str() == v.as_str())
        .map(|e| e.version)
}

/// What `rollback` undoes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RollbackTarget {
    /// The last N applied migrations.
    Steps(usize),
    /// Everything applied after this version.
    To(Version),
    /// The last batch.
    LastBatch,
    /// Everything (`reset`).
    All,
    /// These applied versions (by their text), newest application first: what a plugin's
    /// rollback to an earlier release takes back.
    Only(Vec<String>),
}

/// One migration to roll back.
#[derive(Clone, Debug)]
pub struct RollbackStep<'a> {
    /// The history row being reverted.
    pub row: &'a HistoryRow,
    /// The version as written.
    pub label: String,
    /// The down script to run.
    pub down: Script,
    /// Whether `down` came from the history (true) or from the file on disk.
    pub stored: bool,
}

/// The migrations `rollback` reverts, newest application first.
pub fn plan_rollback<'a>(
    entries: &[Entry<'a>],
    target: &RollbackTarget,
) -> Result<Vec<RollbackStep<'a>>, PlanError> {
    refuse_failed(entries)?;
    // Each applied entry with its row, newest application first.
    let mut applied: Vec<(&Entry<'a>, &'a HistoryRow)> = (entries.iter())
        .filter_map(|e| Some((e, e.row.filter(|r| r.state == RowState::Applied)?)))
        .collect();
    applied.sort_by_key(|(_, r)| std::cmp::Reverse(r.id));
    // Repeatable migrations have no down script and are never rolled back (as in Flyway);
    // they still count towards the last batch, so an older batch is never undone instead.
    let last_batch = applied.iter().map(|(_, r)| r.batch).max();
    applied.retain(|(e, _)| !e.version.is_repeatable());
    let chosen: Vec<(&Entry<'a>, &'a HistoryRow)> = match target {
        RollbackTarget::Steps(n) => applied.into_iter().take(*n).collect(),
        RollbackTarget::To(v) => {
            // Version 0 means "before the first migration", a version-0 migration included.
            let before_all = v.is_zero();
            let target = resolve(entries, v);
            if !before_all && target.is_none() {
                return Err(PlanError::UnknownTarget(v.to_string()));
            }
            (applied.into_iter())
                .filter(|(e, _)| before_all || target.is_some_and(|t| e.version > t))
                .collect()
        }
        RollbackTarget::LastBatch => applied
            .into_iter()
            .filter(|(_, r)| Some(r.batch) == last_batch)
            .collect(),
        RollbackTarget::All => applied,
        RollbackTarget::Only(versions) => (applied.into_iter())
            .filter(|(e, _)| versions.iter().any(|v| v == e.version.as_str()))
            .collect(),
    };
    (chosen.into_iter())
        .map(|(entry, row)| rollback_step(entry, row))
        .collect()
}

fn rollback_step<'a>(
    entry: &Entry<'a>,
    row: &'a HistoryRow,
) -> Result<RollbackStep<'a>, PlanError> {
    let file = entry.migration.and_then(|m| m.down.as_ref());
    // What the file's name or settings say of the down script (popx's `.autocommit`,
    // diesel's metadata.toml, a Liquibase attribute) is not in its text: kept from the file.
    let named_marker = match file {
        Some(crate::DownScript::Read(script)) => script.directives.no_transaction.clone(),
        _ => None,
    };
    // A portable migration's step guards are not in its text: kept from the file while the
    // stored text is the file's.
    let guards = match file {
        Some(crate::DownScript::Read(script)) if row.down_sql.as_deref() == script.text().ok() => {
            script.directives.portable.clone()
        }
        _ => None,
    };
    let (down, stored) = match (&row.down_sql, file) {
        (Some(text), _) => {
            let origin = PathBuf::from(format!("history:{}/{}", row.plugin, entry.label));
            let mut script =
                Script::new(origin, text.clone()).map_err(|e| PlanError::Load(Box::new(e)))?;
            if script.directives.no_transaction.is_none() {
                script.directives.no_transaction = named_marker;
            }
            script.directives.portable = guards;
            (script, true)
        }
        // The only file this planner reads: a down script the history holds no copy of.
        (None, Some(file)) => (
            file.load()
                .map_err(|e| PlanError::Load(Box::new(e)))?
                .into_owned(),
            false,
        ),
        (None, None) => return Err(PlanError::NoDownScript(MigrationRef::from(entry))),
    };
    Ok(RollbackStep {
        row,
        label: entry.label.to_owned(),
        down,
        stored,
    })
}

/// The text of `m`'s down script file when it differs from the copy `row` stored at apply
/// time (compared by checksum, so line endings and trailing blanks do not count); `None`
/// when they agree, or when the file has no down script.
pub fn changed_down(row: &HistoryRow, m: &Migration) -> Result<Option<String>, LoadError> {
    let Some(file) = &m.down else {
        return Ok(None);
    };
    let script = file.load()?;
    let text = script.text()?;
    let same =
        (row.down_sql.as_deref()).is_some_and(|stored| Checksum::of(stored) == Checksum::of(text));
    Ok((!same).then(|| text.to_owned()))
}

/// A problem `validate` reports.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// A failed entry needs repair.
    Failed {
        /// The migration.
        migration: MigrationRef,
        /// The recorded error.
        error: Option<String>,
    },
    /// An applied file was edited.
    Modified {
        /// The migration.
        migration: MigrationRef,
        /// The file.
        path: String,
    },
    /// An applied migration's file is gone.
    Missing {
        /// The migration.
        migration: MigrationRef,
    },
    /// A pending migration is older than the newest applied one.
    OutOfOrder {
        /// The migration.
        migration: MigrationRef,
    },
    /// An applied migration's down script file differs from the copy stored when it was
    /// applied, which is what rollback runs (a warning).
    DownChanged {
        /// The migration.
        migration: MigrationRef,
        /// The down script file.
        path: String,
    },
    /// A pending migration holds the script of a missing applied one.
    ProbableRename {
        /// The pending migration.
        migration: MigrationRef,
        /// The applied migration whose file is gone.
        applied: MigrationRef,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Failed { migration, error } => {
                write!(
                    f,
                    "{migration}: failed{}; check the database, then `ferry repair --clear-failed`",
                    failed_detail(error)
                )
            }
            Problem::Modified { migration, path } => write!(
                f,
                "{migration}: {path} changed after it was applied; restore it or `ferry repair --accept-checksums`"
            ),
            Problem::Missing { migration } => {
                write!(f, "{migration}: applied, but its file is gone; restore it")
            }
            Problem::OutOfOrder { migration } => {
                write!(
                    f,
                    "{migration}: pending but older than the newest applied migration (out of order)"
                )
            }
            Problem::DownChanged { migration, path } => write!(
                f,
                "{migration}: {path} differs from the down script stored when it was applied, which is what rollback runs; `ferry repair --accept-down` stores the file's version"
            ),
            Problem::ProbableRename { migration, applied } => write!(
                f,
                "{migration}: pending, with the same checksum as applied migration {applied} whose file is gone (probably renamed; rename it back)"
            ),
        }
    }
}

/// Everything wrong between the files and the history.
pub fn validate(entries: &[Entry<'_>]) -> Vec<Problem> {
    let renames = probable_renames(entries)
        .into_iter()
        .map(|(migration, applied)| Problem::ProbableRename { migration, applied });
    let problems = entries.iter().filter_map(|e| {
        let migration = MigrationRef::from(e);
        Some(match e.state {
            State::Failed => Problem::Failed {
                migration,
                error: e.row.and_then(HistoryRow::problem),
            },
            State::Modified => Problem::Modified {
                migration,
                path: e
                    .migration
                    .map(|m| m.up.path.display().to_string())
                    .unwrap_or_default(),
            },
            State::Missing => Problem::Missing { migration },
            _ if e.out_of_order => Problem::OutOfOrder { migration },
            _ => return None,
        })
    });
    problems.chain(renames).collect()
}

/// Applied migrations whose down script file differs from the stored copy (needs the
/// history read with its down scripts).
pub fn changed_downs(entries: &[Entry<'_>]) -> Result<Vec<Problem>, LoadError> {
    let mut found = Vec::new();
    for e in entries.iter().filter(|e| e.is_applied()) {
        let (Some(row), Some(m)) = (e.row, e.migration) else {
            continue;
        };
        if row.down_sql.is_some() && changed_down(row, m)?.is_some() {
            found.push(Problem::DownChanged {
                migration: MigrationRef::from(e),
                path: (m.down.as_ref())
                    .map(|d| d.path().display().to_string())
                    .unwrap_or_default(),
            });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
