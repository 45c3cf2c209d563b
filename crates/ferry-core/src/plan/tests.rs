//! The planner from files and history alone: no database.

use super::*;
use crate::{Dialect, Source};
use std::sync::Arc;

/// Migrations 1..=n, each `SELECT i;` with a `SELECT -i;` down file.
fn files(n: u32) -> Vec<Migration> {
    let mut all = Vec::new();
    for i in 1..=n {
        let up = (
            PathBuf::from(format!("00{i}_m{i}.sql")),
            format!("SELECT {i};"),
            false,
        );
        let down = (
            PathBuf::from(format!("rollback/00{i}_m{i}.sql")),
            format!("SELECT -{i};"),
            true,
        );
        all.extend([up, down]);
    }
    Source::from_files("app", all)
        .unwrap()
        .resolve(Dialect::Postgres)
}

/// A history row for version `v` of the files above, `id` and `batch` as given.
fn row(v: u32, state: RowState, id: i64, batch: i64) -> HistoryRow {
    HistoryRow {
        id,
        plugin: Arc::from("app"),
        version: Version::parse(&v.to_string()).unwrap(),
        name: format!("m{v}").into(),
        checksum: Checksum::of(&format!("SELECT {v};")),
        down_sql: Some(format!("SELECT -{v}; -- stored")),
        state,
        batch,
        ..HistoryRow::default()
    }
}

fn applied(versions: &[u32]) -> History {
    let rows = versions.iter().enumerate();
    History::new(
        rows.map(|(i, v)| row(*v, RowState::Applied, i as i64 + 1, 1))
            .collect(),
    )
}

fn states(entries: &[Entry<'_>]) -> Vec<(String, State, bool)> {
    let shown = entries.iter();
    shown
        .map(|e| (e.label.to_owned(), e.state, e.out_of_order))
        .collect()
}

fn labels(migrations: &[&Migration]) -> Vec<String> {
    migrations.iter().map(|m| m.label.clone()).collect()
}

#[test]
fn every_state_is_derived_from_files_and_history() {
    let mut migrations = files(5);
    migrations.retain(|m| m.label != "004");
    let mut rows = applied(&[1, 2]).rows().to_vec();
    rows[1].checksum = Checksum::of("SELECT 'edited';");
    rows.push(row(3, RowState::Failed, 3, 2));
    rows.push(row(4, RowState::Applied, 4, 2));
    rows.push(row(5, RowState::RolledBack, 5, 2));
    let history = History::new(rows);
    let entries = status(&migrations, &history, "app");
    assert_eq!(
        states(&entries),
        [
            ("001".into(), State::Applied, false),
            ("002".into(), State::Modified, false),
            ("003".into(), State::Failed, false),
            ("4".into(), State::Missing, false),
            ("005".into(), State::RolledBack, false),
        ]
    );
}

#[test]
fn other_plugins_rows_are_not_this_plugins_history() {
    let migrations = files(1);
    let mut other = row(1, RowState::Applied, 1, 1);
    other.plugin = Arc::from("billing");
    let history = History::new(vec![other]);
    let entries = status(&migrations, &history, "app");
    assert_eq!(states(&entries), [("001".into(), State::Pending, false)]);
}

#[test]
fn migrate_applies_pending_in_order_up_to_a_target() {
    let migrations = files(4);
    let history = applied(&[1]);
    let entries = status(&migrations, &history, "app");
    let all = plan_migrate(&entries, &MigrateOptions::default()).unwrap();
    assert_eq!(labels(&all), ["002", "003", "004"]);
    let options = MigrateOptions {
        target: Version::parse("3"),
        ..MigrateOptions::default()
    };
    assert_eq!(
        labels(&plan_migrate(&entries, &options).unwrap()),
        ["002", "003"]
    );
    let unknown = MigrateOptions {
        target: Version::parse("9"),
        ..MigrateOptions::default()
    };
    assert!(matches!(
        plan_migrate(&entries, &unknown),
        Err(PlanError::UnknownTarget(_))
    ));
}

#[test]
fn only_applies_exactly_one_migration() {
    let migrations = files(3);
    let history = applied(&[3]);
    let entries = status(&migrations, &history, "app");
    let options = MigrateOptions {
        only: Version::parse("2"),
        allow_out_of_order: true,
        ..MigrateOptions::default()
    };
    assert_eq!(labels(&plan_migrate(&entries, &options).unwrap()), ["002"]);
}

#[test]
fn out_of_order_is_refused_unless_allowed_and_never_skipped() {
    let migrations = files(3);
    let history = applied(&[1, 3]);
    let entries = status(&migrations, &history, "app");
    assert!(entries[1].out_of_order);
    let err = plan_migrate(&entries, &MigrateOptions::default()).unwrap_err();
    assert!(matches!(&err, PlanError::OutOfOrder { newest, .. } if newest == "003"));
    assert!(!err.is_validation(), "a policy, not a validation failure");
    let allowed = MigrateOptions {
        allow_out_of_order: true,
        ..MigrateOptions::default()
    };
    assert_eq!(labels(&plan_migrate(&entries, &allowed).unwrap()), ["002"]);
}

#[test]
fn failed_and_modified_entries_block_migrate() {
    let migrations = files(2);
    let mut rows = applied(&[1]).rows().to_vec();
    rows.push(row(2, RowState::Failed, 2, 2));
    let history = History::new(rows);
    let entries = status(&migrations, &history, "app");
    let err = plan_migrate(&entries, &MigrateOptions::default()).unwrap_err();
    assert!(matches!(err, PlanError::Failed(..)) && err.is_validation());
    let mut rows = applied(&[1]).rows().to_vec();
    rows[0].checksum = Checksum::of("other");
    let history = History::new(rows);
    let entries = status(&migrations, &history, "app");
    let err = plan_migrate(&entries, &MigrateOptions::default()).unwrap_err();
    assert!(matches!(err, PlanError::Modified(_)) && err.is_validation());
}

#[test]
fn a_cleared_failure_is_pending_again() {
    let migrations = files(1);
    let history = History::new(vec![row(1, RowState::Cleared, 1, 1)]);
    let entries = status(&migrations, &history, "app");
    assert_eq!(states(&entries), [("001".into(), State::Pending, false)]);
}

#[test]
fn rollback_targets_pick_newest_applications_first() {
    let migrations = files(4);
    let mut rows = applied(&[1, 2]).rows().to_vec();
    rows.push(row(3, RowState::Applied, 3, 2));
    rows.push(row(4, RowState::Applied, 4, 2));
    let history = History::new(rows);
    let entries = status(&migrations, &history, "app");
    let pick = |target| -> Vec<String> {
        let steps = plan_rollback(&entries, &target).unwrap();
        steps.into_iter().map(|s| s.label).collect()
    };
    assert_eq!(pick(RollbackTarget::Steps(1)), ["004"]);
    assert_eq!(pick(RollbackTarget::Steps(3)), ["004", "003", "002"]);
    assert_eq!(pick(RollbackTarget::LastBatch), ["004", "003"]);
    assert_eq!(
        pick(RollbackTarget::To(Version::parse("2").unwrap())),
        ["004", "003"]
    );
    assert_eq!(
        pick(RollbackTarget::To(Version::parse("0").unwrap())).len(),
        4
    );
    assert_eq!(pick(RollbackTarget::All).len(), 4);
}

#[test]
fn rollback_prefers_the_stored_down_script_then_the_file() {
    let migrations = files(2);
    let mut rows = applied(&[1, 2]).rows().to_vec();
    rows[1].down_sql = None;
    let history = History::new(rows);
    let entries = status(&migrations, &history, "app");
    let steps = plan_rollback(&entries, &RollbackTarget::All).unwrap();
    let shown: Vec<(bool, &str)> = (steps.iter())
        .map(|s| (s.stored, s.down.text().unwrap()))
        .collect();
    assert_eq!(
        shown,
        [(false, "SELECT -2;"), (true, "SELECT -1; -- stored")]
    );
}

#[test]
fn rollback_without_any_down_script_is_refused() {
    let migrations: Vec<Migration> = files(1)
        .into_iter()
        .map(|m| Migration { down: None, ..m })
        .collect();
    let mut rows = applied(&[1]).rows().to_vec();
    rows[0].down_sql = None;
    let history = History::new(rows);
    let entries = status(&migrations, &history, "app");
    assert!(matches!(
        plan_rollback(&entries, &RollbackTarget::Steps(1)),
        Err(PlanError::NoDownScript(_))
    ));
}

#[test]
fn validate_lists_every_problem() {
    let migrations = files(3);
    let mut rows = applied(&[1, 3, 4]).rows().to_vec();
    rows[0].checksum = Checksum::of("other");
    let history = History::new(rows);
    let entries = status(&migrations, &history, "app");
    let kinds: Vec<String> = validate(&entries)
        .iter()
        .map(|p| serde_json::to_value(p).unwrap()["kind"].to_string())
        .collect();
    assert_eq!(kinds, ["\"modified\"", "\"out_of_order\"", "\"missing\""]);
}

#[test]
fn only_unfinished_failures_can_be_running() {
    let migrations = files(2);
    let mut unfinished = row(1, RowState::Failed, 1, 1);
    unfinished.error = Some(crate::UNFINISHED.into());
    let mut failed = row(2, RowState::Failed, 2, 1);
    failed.error = Some("syntax error".into());
    failed.failed_statement = Some(1);
    let history = History::new(vec![unfinished, failed]);
    let mut entries = status(&migrations, &history, "app");
    mark_running(&mut entries);
    let shown: Vec<State> = entries.iter().map(|e| e.state).collect();
    assert_eq!(shown, [State::Running, State::Failed]);
}

#[test]
fn running_and_rolling_back_rows_are_real_states() {
    let migrations = files(3);
    let history = History::new(vec![
        row(1, RowState::Applied, 1, 1),
        row(2, RowState::Running, 2, 2),
        row(3, RowState::RollingBack, 3, 2),
    ]);
    let entries = status(&migrations, &history, "app");
    let shown: Vec<State> = entries.iter().map(|e| e.state).collect();
    assert_eq!(shown, [State::Applied, State::Failed, State::Failed]);
    let err = plan_migrate(&entries, &MigrateOptions::default()).unwrap_err();
    assert!(err.to_string().contains("interrupted"), "{err}");
    assert!(matches!(
        plan_rollback(&entries, &RollbackTarget::Steps(1)),
        Err(PlanError::Failed(..))
    ));
    let problems = validate(&entries);
    assert!(
        problems[1].to_string().contains("rollback"),
        "{}",
        problems[1]
    );
    let mut entries = entries;
    mark_running(&mut entries);
    let shown: Vec<State> = entries.iter().map(|e| e.state).collect();
    assert_eq!(shown, [State::Applied, State::Running, State::Running]);
}

#[test]
fn rollback_to_zero_includes_a_version_zero_migration() {
    let all = Source::from_files(
        "app",
        vec![
            (PathBuf::from("0000_init.sql"), "SELECT 0;".into(), false),
            (PathBuf::from("0001_a.sql"), "SELECT 1;".into(), false),
        ],
    )
    .unwrap()
    .resolve(Dialect::Postgres);
    let mut rows = applied(&[0, 1]).rows().to_vec();
    rows[0].checksum = Checksum::of("SELECT 0;");
    let history = History::new(rows);
    let entries = status(&all, &history, "app");
    let steps = plan_rollback(&entries, &RollbackTarget::To(Version::parse("0").unwrap()));
    let labels: Vec<String> = steps.unwrap().into_iter().map(|s| s.label).collect();
    assert_eq!(labels, ["0001", "0000"]);
}

#[test]
fn out_of_order_compares_only_against_applied_rows() {
    // 2 was applied, failed later on a rerun and was cleared; 1 is not late.
    let migrations = files(2);
    let history = History::new(vec![row(2, RowState::Cleared, 1, 1)]);
    let entries = status(&migrations, &history, "app");
    assert!(entries.iter().all(|e| !e.out_of_order));
    let plan = plan_migrate(&entries, &MigrateOptions::default()).unwrap();
    assert_eq!(labels(&plan), ["001", "002"]);
}

#[test]
fn a_renamed_applied_file_is_a_probable_rename_not_a_new_migration() {
    // 003 was applied; its file now sits under version 4 with the same text.
    let migrations: Vec<Migration> = Source::from_files(
        "app",
        vec![
            (PathBuf::from("001_m1.sql"), "SELECT 1;".into(), false),
            (PathBuf::from("004_m3.sql"), "SELECT 3;".into(), false),
        ],
    )
    .unwrap()
    .resolve(Dialect::Postgres);
    let history = applied(&[1, 3]);
    let entries = status(&migrations, &history, "app");
    let err = plan_migrate(&entries, &MigrateOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(err.is_validation(), "{text}");
    assert!(text.contains("004 m3") && text.contains("3 m3"), "{text}");
    let kinds: Vec<String> = validate(&entries)
        .iter()
        .map(|p| serde_json::to_value(p).unwrap()["kind"].to_string())
        .collect();
    assert!(
        kinds.contains(&"\"probable_rename\"".to_owned()),
        "{kinds:?}"
    );
}

#[test]
fn repeatable_migrations_run_last_again_when_changed_and_are_never_rolled_back() {
    let source = |views: &str| {
        let mut all: Vec<(PathBuf, String, bool)> = (1..=2)
            .map(|i| {
                (
                    PathBuf::from(format!("V{i}__m{i}.sql")),
                    format!("SELECT {i};"),
                    false,
                )
            })
            .collect();
        all.push(("U2__m2.sql".into(), "SELECT -2;".into(), false));
        all.push(("R__views.sql".into(), views.to_owned(), false));
        Source::from_files("app", all)
            .unwrap()
            .resolve(Dialect::Postgres)
    };
    let migrations = source("CREATE VIEW v AS SELECT 1;");
    let none = History::default();
    let planned = plan_migrate(
        &status(&migrations, &none, "app"),
        &MigrateOptions::default(),
    )
    .unwrap();
    assert_eq!(labels(&planned), ["1", "2", "R__views"]);
    // All applied in batch 1, the repeatable last.
    let mut rows: Vec<HistoryRow> = [1, 2]
        .map(|v| row(v, RowState::Applied, v as i64, 1))
        .to_vec();
    rows.push(HistoryRow {
        id: 3,
        version: Version::repeatable("views").unwrap(),
        name: "views".into(),
        checksum: Checksum::of("CREATE VIEW v AS SELECT 1;"),
        down_sql: None,
        ..row(1, RowState::Applied, 3, 1)
    });
    let history = History::new(rows.clone());
    let entries = status(&migrations, &history, "app");
    assert!(
        plan_migrate(&entries, &MigrateOptions::default())
            .unwrap()
            .is_empty()
    );
    // Changed: pending again, not modified, and not out of order.
    let changed = source("CREATE OR REPLACE VIEW v AS SELECT 2;");
    let entries = status(&changed, &history, "app");
    assert_eq!(
        states(&entries),
        [
            ("1".into(), State::Applied, false),
            ("2".into(), State::Applied, false),
            ("R__views".into(), State::Pending, false),
        ]
    );
    assert!(validate(&entries).is_empty());
    assert_eq!(
        labels(&plan_migrate(&entries, &MigrateOptions::default()).unwrap()),
        ["R__views"]
    );
    // A pending versioned migration is not "out of order" behind an applied repeatable.
    let only_first = History::new(vec![rows[0].clone(), rows[2].clone()]);
    let entries = status(&migrations, &only_first, "app");
    assert!(entries.iter().all(|e| !e.out_of_order));
    // Rolling back the last batch undoes 2 (its U file) and leaves the repeatable alone.
    let entries = status(&migrations, &history, "app");
    let steps = plan_rollback(&entries, &RollbackTarget::LastBatch).unwrap();
    let undone: Vec<&str> = steps.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(undone, ["2", "1"]);
}

fn actions(plan: &Plan<'_>) -> Vec<(Action, String)> {
    plan.steps
        .iter()
        .map(|s| (s.action, s.label.clone()))
        .collect()
}

#[test]
fn one_plan_for_every_command_that_changes_the_history() {
    let migrations = files(3);
    let history = applied(&[1, 2]);
    let entries = status(&migrations, &history, "app");
    let migrate = plan(&Request::Migrate(MigrateOptions::default()), &entries).unwrap();
    assert_eq!(actions(&migrate), [(Action::Apply, "003".into())]);
    assert!(
        migrate.steps[0]
            .script
            .as_deref()
            .is_some_and(|s| s.text().unwrap() == "SELECT 3;")
    );
    let rollback = plan(&Request::Rollback(RollbackTarget::Steps(1)), &entries).unwrap();
    assert_eq!(actions(&rollback), [(Action::Revert, "002".into())]);
    assert!(rollback.steps[0].stored_down, "the stored down script runs");
    let redo = plan(&Request::Redo, &entries).unwrap();
    assert_eq!(
        actions(&redo),
        [
            (Action::Revert, "002".into()),
            (Action::Apply, "002".into())
        ]
    );
    let baseline = plan(&Request::Baseline(Version::parse("3").unwrap()), &entries).unwrap();
    assert_eq!(actions(&baseline), [(Action::Baseline, "003".into())]);
    assert!(matches!(
        plan(&Request::Baseline(Version::parse("9").unwrap()), &entries),
        Err(PlanError::UnknownTarget(_))
    ));
}

#[test]
fn redo_and_repair_refuse_before_any_step() {
    // Redo of a migration whose file is gone.
    let mut migrations = files(2);
    migrations.pop();
    let history = applied(&[1, 2]);
    let entries = status(&migrations, &history, "app");
    assert!(matches!(
        plan(&Request::Redo, &entries),
        Err(PlanError::RedoWithoutFile(_))
    ));
    // Clearing a failed rollback together with a failed apply: refused whole.
    let migrations = files(3);
    let mut rows = applied(&[1]).rows().to_vec();
    rows.push(HistoryRow {
        error: Some("rollback failed: boom".into()),
        ..row(2, RowState::Failed, 2, 1)
    });
    rows.push(HistoryRow {
        error: Some("boom".into()),
        ..row(3, RowState::Failed, 3, 2)
    });
    let history = History::new(rows);
    let entries = status(&migrations, &history, "app");
    let clear = RepairRequest {
        clear_failed: true,
        ..RepairRequest::default()
    };
    assert!(matches!(
        plan(&Request::Repair(clear), &entries),
        Err(PlanError::RollbackNeedsDecision(v)) if v.len() == 1 && v[0].label == "002"
    ));
    let mark = |v: &str, state| RepairRequest {
        mark: Some((Version::parse(v).unwrap(), state)),
        ..RepairRequest::default()
    };
    let marked = plan(&Request::Repair(mark("2", RowState::RolledBack)), &entries).unwrap();
    assert_eq!(actions(&marked), [(Action::MarkRolledBack, "002".into())]);
    assert!(matches!(
        plan(&Request::Repair(mark("1", RowState::Applied)), &entries),
        Err(PlanError::NotFailed(_))
    ));
}
