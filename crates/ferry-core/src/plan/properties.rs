//! Properties of the planner over random file sets and histories (proptest): whatever the
//! files and the history hold, the plans keep their promises.

use super::*;
use crate::{Dialect, Source};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A history row as generated: its version, its state, and whether the checksum it stored
/// is the file's (false: the file was tampered with after it was applied).
#[derive(Clone, Debug)]
struct RowSpec {
    version: u32,
    state: RowState,
    same_text: bool,
}

fn row_state() -> impl Strategy<Value = RowState> {
    prop_oneof![
        4 => Just(RowState::Applied),
        1 => Just(RowState::RolledBack),
        1 => Just(RowState::Failed),
        1 => Just(RowState::Cleared),
        1 => Just(RowState::Running),
        1 => Just(RowState::RollingBack),
    ]
}

fn scenario() -> impl Strategy<Value = (BTreeSet<u32>, Vec<RowSpec>)> {
    let files = proptest::collection::btree_set(0u32..24, 0..16);
    let rows = proptest::collection::vec(
        (0u32..24, row_state(), prop::bool::weighted(0.85)).prop_map(
            |(version, state, same_text)| RowSpec {
                version,
                state,
                same_text,
            },
        ),
        0..24,
    );
    (files, rows)
}

fn migrations(versions: &BTreeSet<u32>) -> Vec<Migration> {
    let files = versions
        .iter()
        .map(|v| {
            (
                PathBuf::from(format!("{v:03}_m{v}.sql")),
                format!("SELECT {v};"),
                false,
            )
        })
        .collect();
    Source::from_files("app", files)
        .expect("generated names are valid")
        .resolve(Dialect::Postgres)
}

fn history(rows: &[RowSpec]) -> History {
    let rows = rows.iter().enumerate().map(|(i, r)| HistoryRow {
        id: i as i64 + 1,
        plugin: Arc::from("app"),
        version: Version::parse(&r.version.to_string()).expect("a number"),
        name: format!("m{}", r.version).into(),
        checksum: match r.same_text {
            true => Checksum::of(&format!("SELECT {};", r.version)),
            false => Checksum::of(&format!("SELECT 'edited {}';", r.version)),
        },
        down_sql: Some(format!("SELECT -{};", r.version)),
        state: r.state,
        batch: i as i64 / 3 + 1,
        ..HistoryRow::default()
    });
    History::new(rows.collect())
}

/// The latest row of each version, as the history defines a version's state.
fn latest(rows: &[RowSpec]) -> BTreeMap<u32, &RowSpec> {
    rows.iter().map(|r| (r.version, r)).collect()
}

proptest! {
    #[test]
    fn a_migrate_plan_never_includes_an_applied_version((files, rows) in scenario()) {
        let (migrations, history) = (migrations(&files), history(&rows));
        let entries = status(&migrations, &history, "app");
        let options = MigrateOptions { allow_out_of_order: true, ..MigrateOptions::default() };
        if let Ok(plan) = plan_migrate(&entries, &options) {
            let current = latest(&rows);
            for m in plan {
                let v: u32 = m.label.parse().expect("a number");
                let state = current.get(&v).map(|r| r.state);
                prop_assert!(
                    matches!(state, None | Some(RowState::RolledBack | RowState::Cleared)),
                    "{v} is planned although its row is {state:?}"
                );
            }
        }
    }

    #[test]
    fn a_rollback_plan_is_the_exact_reverse_of_applied_order((files, rows) in scenario()) {
        let (migrations, history) = (migrations(&files), history(&rows));
        let entries = status(&migrations, &history, "app");
        let Ok(steps) = plan_rollback(&entries, &RollbackTarget::All) else {
            // Refused only while a failed or unfinished entry waits for a human.
            prop_assert!(entries.iter().any(|e| e.state == State::Failed));
            return Ok(());
        };
        let mut applied: Vec<&HistoryRow> = history
            .current("app")
            .into_values()
            .filter(|r| r.state == RowState::Applied)
            .collect();
        applied.sort_by_key(|r| std::cmp::Reverse(r.id));
        let planned: Vec<i64> = steps.iter().map(|s| s.row.id).collect();
        let expected: Vec<i64> = applied.iter().map(|r| r.id).collect();
        prop_assert_eq!(planned, expected);
    }

    #[test]
    fn status_covers_every_version_once((files, rows) in scenario()) {
        let (migrations, history) = (migrations(&files), history(&rows));
        let entries = status(&migrations, &history, "app");
        let shown: Vec<u32> = entries.iter().map(|e| e.version.to_string().parse().expect("a number")).collect();
        let mut expected: BTreeSet<u32> = files.clone();
        expected.extend(latest(&rows).values().filter(|r| r.state != RowState::Cleared).map(|r| r.version));
        prop_assert_eq!(shown, expected.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn validate_flags_every_tampering((files, rows) in scenario()) {
        let (migrations, history) = (migrations(&files), history(&rows));
        let entries = status(&migrations, &history, "app");
        let problems = validate(&entries);
        let flagged = |v: u32, kind: &str| {
            problems.iter().any(|p| {
                let doc = serde_json::to_value(p).expect("serialisable");
                doc["kind"] == kind && doc["migration"]["label"].as_str().and_then(|l| l.parse::<u32>().ok()) == Some(v)
            })
        };
        for (v, r) in latest(&rows) {
            match r.state {
                RowState::Applied if !files.contains(&v) => prop_assert!(flagged(v, "missing"), "{v} missing"),
                RowState::Applied if !r.same_text => prop_assert!(flagged(v, "modified"), "{v} modified"),
                RowState::Failed | RowState::Running | RowState::RollingBack => {
                    prop_assert!(flagged(v, "failed"), "{v} failed")
                }
                _ => {}
            }
        }
    }
}
