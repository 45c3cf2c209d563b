//! One plan across plugins: what `migrate`, `plugin install`, `update` and `rollback` run,
//! in which order. Each plugin is brought to a target version: its pending migrations that
//! belong to that version are applied, or its applied migrations introduced after it are
//! rolled back. Every migration of every plugin in the project is one node of a
//! dependency graph (`-- ferry:requires`, a portable migration's `dependencies`), ordered
//! topologically with a stable tie-break: the plugins' order, then each migration's place.
//! A cycle anywhere is reported even if the plan would not touch it.

use super::graph::{self, GraphError, Node};
use crate::plan::{self, Entry, MigrateOptions, Plan, PlanError, Request, RollbackTarget, Step};
use crate::{History, Migration, Version};
use std::collections::{BTreeMap, BTreeSet};

/// What a plan does to one plugin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Applies its pending migrations that belong to the target version.
    Up,
    /// Rolls back its applied migrations introduced after the target version.
    Down,
    /// Nothing: it takes part so that dependencies on it and conflicts with it are known.
    Keep,
}

/// One plugin in a plan.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    /// The plugin.
    pub plugin: &'a str,
    /// The version the plan brings it to; `None` (the application) takes every migration.
    pub to: Option<&'a semver::Version>,
    /// Its migrations for this engine, in version order.
    pub migrations: &'a [Migration],
    /// What the plan does to it.
    pub change: Change,
}

/// Whether `m` belongs to a plugin at version `to`: introduced (`ferry:since`) at or before
/// it. A migration that names no version belongs to every version.
pub fn belongs(m: &Migration, to: Option<&semver::Version>) -> bool {
    match (&m.up.directives.since, to) {
        (Some(since), Some(to)) => since <= to,
        _ => true,
    }
}

/// A plan that cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum UpgradeError {
    /// One plugin's own plan is refused (a failed or modified migration, ...).
    #[error("plugin {plugin}: {}", repair_for(plugin, error))]
    Plan {
        /// The plugin.
        plugin: String,
        /// Why.
        error: PlanError,
    },
    /// The migrations cannot be ordered (a cycle) or name what does not exist.
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// A migration to apply needs one that is not applied and not in the plan.
    #[error("{from} requires {to}, {why}")]
    Unmet {
        /// The migration.
        from: String,
        /// What it requires, as written.
        to: String,
        /// Why that is not there, and what to do.
        why: String,
        /// It names no migration at all (bad input, rather than one not installed yet).
        unknown: bool,
    },
    /// A migration to apply conflicts with one that is (or would be) applied.
    #[error(
        "{migration} conflicts with {other}, which {state}; they cannot both be applied: roll back one plugin or choose another version"
    )]
    Conflict {
        /// The migration.
        migration: String,
        /// The one it conflicts with.
        other: String,
        /// "is applied" or "this plan applies".
        state: &'static str,
    },
    /// A rollback would leave an applied migration of another plugin without what it needs.
    #[error(
        "rolling back {dependency} would leave {dependent} applied without it; pass --cascade to roll back {dependent} (and what depends on it) first"
    )]
    Dependents {
        /// The migration being rolled back.
        dependency: String,
        /// The applied migration that requires it.
        dependent: String,
    },
}

/// A refusal's advice, with the repair command that reaches a plugin's history.
fn repair_for(plugin: &str, error: &PlanError) -> String {
    error.to_string().replace(
        "`ferry repair --",
        &format!("`ferry plugin repair {plugin} --"),
    )
}

impl UpgradeError {
    /// Whether the input itself is wrong (a cycle, a reference to nothing), rather than a
    /// policy saying no.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            UpgradeError::Graph(_) | UpgradeError::Unmet { unknown: true, .. }
        )
    }
}

/// A migration: its plugin's place among the targets and its version's text.
type Key<'a> = (usize, &'a str);

/// Every target with every migration's state.
struct Project<'t, 'a> {
    targets: &'t [Target<'a>],
    entries: Vec<Vec<Entry<'a>>>,
}

impl<'a> Project<'_, 'a> {
    fn name(&self, (t, v): Key<'_>) -> String {
        let plugin = self.targets[t].plugin;
        let label = (self.entries[t].iter())
            .find(|e| e.version.as_str() == v)
            .map_or(v, |e| e.label);
        format!("{plugin}:{label}")
    }

    /// What a `requires`/`conflicts` reference written in `from`'s migration names: a
    /// version (as written or canonical) or a portable migration's id, of the same plugin
    /// unless `plugin:` says otherwise. `Err` says why it names nothing, and whether the
    /// plugin is there (then the reference itself is wrong).
    fn resolve(&self, from: usize, reference: &str) -> Result<Key<'a>, (String, bool)> {
        let (plugin, what) = match reference.rsplit_once(':') {
            Some((p, w)) => (p, w),
            None => (self.targets[from].plugin, reference),
        };
        let Some(t) = self.targets.iter().position(|t| t.plugin == plugin) else {
            return Err((
                format!(
                    "but plugin {plugin} is not installed: install it first (ferry plugin install {plugin})"
                ),
                false,
            ));
        };
        let canonical = Version::parse(what);
        let found = self.entries[t].iter().find(|e| {
            e.version.as_str() == what
                || e.label == what
                || canonical.as_ref().is_some_and(|c| c == e.version)
                || (e.migration)
                    .and_then(|m| m.up.directives.portable.as_ref())
                    .is_some_and(|p| p.id == what)
        });
        match found {
            Some(e) => Ok((t, e.version.as_str())),
            None => Err((
                format!(
                    "which no migration of {plugin} is (at the version this plan brings it to)"
                ),
                true,
            )),
        }
    }

    fn has_file(&self, (t, v): Key<'_>) -> bool {
        (self.entries[t].iter()).any(|e| e.version.as_str() == v && e.migration.is_some())
    }

    fn applied(&self) -> BTreeSet<Key<'a>> {
        (self.entries.iter().enumerate())
            .flat_map(|(t, es)| {
                (es.iter())
                    .filter(|e| e.is_applied())
                    .map(move |e| (t, e.version.as_str()))
            })
            .collect()
    }

    /// Each migration with a file, and the keys it requires (references that name nothing
    /// are left to the planned migrations' check, which says why).
    fn edges(&self) -> Vec<(Key<'a>, Key<'a>)> {
        let mut edges = Vec::new();
        for (t, es) in self.entries.iter().enumerate() {
            for e in es {
                let Some(m) = e.migration else { continue };
                for r in &m.up.directives.requires {
                    // Between migrations with files: a requirement on one the files no
                    // longer have is the planned migrations' check to explain.
                    if let Ok(to) = self.resolve(t, r)
                        && self.has_file(to)
                    {
                        edges.push(((t, e.version.as_str()), to));
                    }
                }
            }
        }
        edges
    }

    /// Every migration with a file in dependency order; a cycle is an error naming it.
    fn order(&self, edges: &[(Key<'a>, Key<'a>)]) -> Result<Vec<Key<'a>>, GraphError> {
        let mut nodes = Vec::new();
        let mut keys = Vec::new();
        for (t, es) in self.entries.iter().enumerate() {
            for (position, e) in es.iter().filter(|e| e.migration.is_some()).enumerate() {
                let key = (t, e.version.as_str());
                nodes.push(Node {
                    key: self.name(key),
                    plugin: self.targets[t].plugin.to_owned(),
                    position,
                });
                keys.push(key);
            }
        }
        let plugins: Vec<String> = self.targets.iter().map(|t| t.plugin.to_owned()).collect();
        let dependencies: Vec<(String, String)> = (edges.iter())
            .map(|&(from, to)| (self.name(from), self.name(to)))
            .collect();
        let sorted = graph::order(&nodes, &plugins, &dependencies)?;
        Ok(sorted.into_iter().map(|i| keys[i]).collect())
    }
}

/// What a plan across plugins may do beyond bringing each plugin to its version.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// A rollback takes back other plugins' migrations that depend on what it removes.
    pub cascade: bool,
    /// Pending migrations older than a plugin's newest applied one are applied too (after a
    /// cascade took one back, say).
    pub allow_out_of_order: bool,
}

/// The plan that brings every target to its version, or why it cannot be made.
pub fn plan<'a>(
    targets: &[Target<'a>],
    history: &'a History,
    options: Options,
) -> Result<Plan<'a>, UpgradeError> {
    let project = Project {
        targets,
        entries: (targets.iter())
            .map(|t| plan::status(t.migrations, history, t.plugin))
            .collect(),
    };
    let edges = project.edges();
    let order = project.order(&edges)?;
    let mut steps = apply_steps(&project, &order, options.allow_out_of_order)?;
    steps.extend(revert_steps(&project, &edges, &order, options.cascade)?);
    Ok(Plan {
        command: "upgrade",
        steps,
    })
}

/// The applies, in dependency order, after checking what each requires and conflicts with.
fn apply_steps<'a>(
    project: &Project<'_, 'a>,
    order: &[Key<'a>],
    allow_out_of_order: bool,
) -> Result<Vec<Step<'a>>, UpgradeError> {
    let options = MigrateOptions {
        allow_out_of_order,
        ..MigrateOptions::default()
    };
    let mut planned: BTreeMap<Key<'a>, &'a Migration> = BTreeMap::new();
    for (t, target) in project.targets.iter().enumerate() {
        if target.change != Change::Up {
            continue;
        }
        let entries: Vec<Entry<'a>> = (project.entries[t].iter())
            .filter(|e| e.migration.is_none_or(|m| belongs(m, target.to)))
            .cloned()
            .collect();
        let pending =
            plan::plan_migrate(&entries, &options).map_err(|error| UpgradeError::Plan {
                plugin: target.plugin.to_owned(),
                error,
            })?;
        planned.extend(pending.into_iter().map(|m| ((t, m.version.as_str()), m)));
    }
    let applied = project.applied();
    check_requirements(project, &planned, &applied)?;
    check_conflicts(project, &planned, &applied)?;
    Ok((order.iter())
        .filter_map(|key| Some((key, *planned.get(key)?)))
        .map(|(&(t, _), m)| Step {
            action: plan::Action::Apply,
            label: format!("{}:{}", project.targets[t].plugin, m.label),
            name: m.name.clone(),
            migration: Some(m),
            row: None,
            script: Some(std::borrow::Cow::Borrowed(&m.up)),
            stored_down: false,
        })
        .collect())
}

/// Every planned migration's requirements are applied or planned.
fn check_requirements<'a>(
    project: &Project<'_, 'a>,
    planned: &BTreeMap<Key<'a>, &'a Migration>,
    applied: &BTreeSet<Key<'a>>,
) -> Result<(), UpgradeError> {
    for (&(t, v), m) in planned {
        for r in &m.up.directives.requires {
            let unmet = |(why, unknown): (String, bool)| UpgradeError::Unmet {
                from: project.name((t, v)),
                to: r.clone(),
                why,
                unknown,
            };
            let key = project.resolve(t, r).map_err(unmet)?;
            if applied.contains(&key) || planned.contains_key(&key) {
                continue;
            }
            let target = &project.targets[key.0];
            let since = (project.entries[key.0].iter())
                .find(|e| e.version.as_str() == key.1)
                .and_then(|e| e.migration)
                .and_then(|m| m.up.directives.since.as_ref());
            let why = match since {
                Some(since) => format!(
                    "which is not applied: it comes with {} {since}; update {} first",
                    target.plugin, target.plugin
                ),
                None => "which is not applied and this plan does not apply it".to_owned(),
            };
            return Err(unmet((why, false)));
        }
    }
    Ok(())
}

/// No planned migration conflicts with an applied or planned one, either way round.
fn check_conflicts<'a>(
    project: &Project<'_, 'a>,
    planned: &BTreeMap<Key<'a>, &'a Migration>,
    applied: &BTreeSet<Key<'a>>,
) -> Result<(), UpgradeError> {
    let declared = (project.entries.iter().enumerate()).flat_map(|(t, es)| {
        es.iter().filter_map(move |e| {
            let m = e.migration?;
            Some(((t, e.version.as_str()), m))
        })
    });
    for (key, m) in declared {
        let is_planned = planned.contains_key(&key);
        if !is_planned && !applied.contains(&key) {
            continue;
        }
        for c in &m.up.directives.conflicts {
            // A conflict with a plugin that is not there cannot happen.
            let Ok(other) = project.resolve(key.0, c) else {
                continue;
            };
            // The one declaring the conflict first, then the state of the other.
            let state = match (applied.contains(&other), planned.contains_key(&other)) {
                (true, _) if is_planned => "is applied",
                (_, true) => "this plan applies",
                _ => continue,
            };
            return Err(UpgradeError::Conflict {
                migration: project.name(key),
                other: project.name(other),
                state,
            });
        }
    }
    Ok(())
}

/// The rollbacks: each `Down` target's migrations introduced after its version, and (with
/// `cascade`) every applied migration that depends on them; newest application first.
fn revert_steps<'a>(
    project: &Project<'_, 'a>,
    edges: &[(Key<'a>, Key<'a>)],
    order: &[Key<'a>],
    cascade: bool,
) -> Result<Vec<Step<'a>>, UpgradeError> {
    let mut chosen: BTreeSet<Key<'a>> = BTreeSet::new();
    for (t, target) in project.targets.iter().enumerate() {
        if target.change == Change::Down {
            // A failed entry needs a human first, as in a plain rollback.
            plan::refuse_failed(&project.entries[t]).map_err(|error| UpgradeError::Plan {
                plugin: target.plugin.to_owned(),
                error,
            })?;
            chosen.extend(
                (project.entries[t].iter())
                    .filter(|e| e.is_applied())
                    .filter(|e| e.migration.is_none_or(|m| !belongs(m, target.to)))
                    .map(|e| (t, e.version.as_str())),
            );
        }
    }
    let applied = project.applied();
    loop {
        let dependent = (edges.iter()).find(|(from, to)| {
            chosen.contains(to) && applied.contains(from) && !chosen.contains(from)
        });
        let Some(&(from, to)) = dependent else { break };
        if !cascade {
            return Err(UpgradeError::Dependents {
                dependency: project.name(to),
                dependent: project.name(from),
            });
        }
        chosen.insert(from);
    }
    let mut steps = Vec::new();
    for (t, target) in project.targets.iter().enumerate() {
        let versions: Vec<String> = (chosen.iter())
            .filter(|(u, _)| *u == t)
            .map(|(_, v)| (*v).to_owned())
            .collect();
        if versions.is_empty() {
            continue;
        }
        let request = Request::Rollback(RollbackTarget::Only(versions));
        let plan =
            plan::plan(&request, &project.entries[t]).map_err(|error| UpgradeError::Plan {
                plugin: target.plugin.to_owned(),
                error,
            })?;
        steps.extend(plan.steps.into_iter().map(|mut s| {
            s.label = format!("{}:{}", target.plugin, s.label);
            s
        }));
    }
    // Dependents before what they depend on (the graph's order, reversed), whatever order
    // they were applied in; migrations whose files are gone first, newest first.
    let rank = |s: &Step<'_>| {
        let at = s.migration.and_then(|m| {
            let plugin = &*m.plugin;
            order
                .iter()
                .position(|(t, v)| project.targets[*t].plugin == plugin && *v == m.version.as_str())
        });
        (
            std::cmp::Reverse(at.unwrap_or(usize::MAX)),
            std::cmp::Reverse(s.row.map(|r| r.id)),
        )
    };
    steps.sort_by_key(rank);
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Checksum, Dialect, HistoryRow, RowState, Source};
    use std::path::PathBuf;
    use std::sync::Arc;

    /// A plugin's migrations from (file name, leading directives) pairs; each runs
    /// `SELECT 'plugin:file'` and has a down script.
    fn plugin(name: &str, files: &[(&str, &str)]) -> Vec<Migration> {
        let mut all = Vec::new();
        for (file, head) in files {
            let up = format!("{head}\nSELECT '{name}:{file}';");
            all.push((PathBuf::from(file), up, false));
            let down = (
                PathBuf::from(format!("rollback/{file}")),
                "SELECT 0;".into(),
                true,
            );
            all.push(down);
        }
        Source::from_files(name, all)
            .unwrap()
            .resolve(Dialect::Postgres)
    }

    fn applied(rows: &[(&str, &Migration)]) -> History {
        let rows = (rows.iter().enumerate()).map(|(i, (plugin, m))| HistoryRow {
            id: i as i64 + 1,
            plugin: Arc::from(*plugin),
            version: m.version.clone(),
            name: m.name.clone().into(),
            checksum: Checksum::of(m.up.text().unwrap()),
            down_sql: Some("SELECT 0;".into()),
            state: RowState::Applied,
            batch: 1,
            ..HistoryRow::default()
        });
        History::new(rows.collect())
    }

    fn target<'a>(
        plugin: &'a str,
        to: Option<&'a semver::Version>,
        migrations: &'a [Migration],
        change: Change,
    ) -> Target<'a> {
        Target {
            plugin,
            to,
            migrations,
            change,
        }
    }

    const CASCADE: Options = Options {
        cascade: true,
        allow_out_of_order: false,
    };

    fn labels(plan: &Plan<'_>) -> Vec<String> {
        plan.steps.iter().map(|s| s.label.clone()).collect()
    }

    fn v(s: &str) -> semver::Version {
        semver::Version::parse(s).unwrap()
    }

    #[test]
    fn cross_plugin_dependencies_order_the_applies_and_versions_choose_the_migrations() {
        let jobs = plugin(
            "jobs",
            &[
                ("001_queue.sql", ""),
                ("002_retry.sql", "-- ferry:since 1.1.0"),
            ],
        );
        let stripe = plugin(
            "stripe",
            &[
                ("001_customers.sql", ""),
                ("002_charges.sql", "-- ferry:requires jobs:002"),
            ],
        );
        let history = History::default();
        let (j11, s1) = (v("1.1.0"), v("1.0.0"));
        // Plugin order says stripe first; the dependency pulls jobs:002 before stripe:002.
        let targets = [
            target("stripe", Some(&s1), &stripe, Change::Up),
            target("jobs", Some(&j11), &jobs, Change::Up),
        ];
        let made = plan(&targets, &history, Options::default()).unwrap();
        assert_eq!(
            labels(&made),
            ["stripe:001", "jobs:001", "jobs:002", "stripe:002"]
        );
        // At jobs 1.0.0, jobs:002 does not belong: stripe:002 cannot be applied.
        let j10 = v("1.0.0");
        let targets = [
            target("stripe", Some(&s1), &stripe, Change::Up),
            target("jobs", Some(&j10), &jobs, Change::Up),
        ];
        let err = plan(&targets, &history, Options::default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "stripe:002 requires jobs:002, which is not applied: it comes with jobs 1.1.0; update jobs first"
        );
        // Without jobs at all.
        let targets = [target("stripe", Some(&s1), &stripe, Change::Up)];
        let err = plan(&targets, &history, Options::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("plugin jobs is not installed"), "{err}");
    }

    #[test]
    fn a_cycle_names_every_member_and_a_conflict_names_both() {
        let a = plugin("a", &[("001_x.sql", "-- ferry:requires b:1")]);
        let b = plugin(
            "b",
            &[("001_y.sql", "-- ferry:requires c:1"), ("002_z.sql", "")],
        );
        let c = plugin("c", &[("001_w.sql", "-- ferry:requires a:001")]);
        let history = History::default();
        let targets = [
            target("a", None, &a, Change::Up),
            target("b", None, &b, Change::Up),
            target("c", None, &c, Change::Up),
        ];
        let err = plan(&targets, &history, Options::default()).unwrap_err();
        assert!(err.is_input());
        assert_eq!(
            err.to_string(),
            "a dependency cycle among a:001, b:001, c:001; break it by removing one of their dependencies"
        );

        let legacy = plugin("legacy", &[("001_old.sql", "")]);
        let new = plugin("billing", &[("001_new.sql", "-- ferry:conflicts legacy:1")]);
        let history = applied(&[("legacy", &legacy[0])]);
        let targets = [
            target("legacy", None, &legacy, Change::Keep),
            target("billing", None, &new, Change::Up),
        ];
        let err = plan(&targets, &history, Options::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("billing:001 conflicts with legacy:001, which is applied"),
            "{err}"
        );
    }

    #[test]
    fn a_rollback_to_a_version_takes_back_what_came_after_and_cascades_only_when_asked() {
        let jobs = plugin(
            "jobs",
            &[
                ("001_queue.sql", ""),
                ("002_retry.sql", "-- ferry:since 2.0.0"),
            ],
        );
        let stripe = plugin(
            "stripe",
            &[("001_c.sql", ""), ("002_d.sql", "-- ferry:requires jobs:2")],
        );
        let history = applied(&[
            ("jobs", &jobs[0]),
            ("stripe", &stripe[0]),
            ("jobs", &jobs[1]),
            ("stripe", &stripe[1]),
        ]);
        let j1 = v("1.0.0");
        let targets = [
            target("jobs", Some(&j1), &jobs, Change::Down),
            target("stripe", None, &stripe, Change::Keep),
        ];
        let err = plan(&targets, &history, Options::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("rolling back jobs:002 would leave stripe:002 applied without it"),
            "{err}"
        );
        let made = plan(&targets, &history, CASCADE).unwrap();
        assert_eq!(labels(&made), ["stripe:002", "jobs:002"]);
        assert!(made.steps.iter().all(|s| s.action == plan::Action::Revert));
    }

    #[test]
    fn a_cascade_undoes_dependents_first_whatever_order_they_were_applied_in() {
        // Found by an adversarial trial: app:001 was applied before jobs:002, which it needs.
        let jobs = plugin(
            "jobs",
            &[
                ("001_queue.sql", ""),
                ("002_retry.sql", "-- ferry:since 2.0.0"),
            ],
        );
        let app = plugin("app", &[("001_a.sql", "-- ferry:requires jobs:2")]);
        let history = applied(&[("jobs", &jobs[0]), ("app", &app[0]), ("jobs", &jobs[1])]);
        let j1 = v("1.0.0");
        let targets = [
            target("app", None, &app, Change::Keep),
            target("jobs", Some(&j1), &jobs, Change::Down),
        ];
        let made = plan(&targets, &history, CASCADE).unwrap();
        assert_eq!(labels(&made), ["app:001", "jobs:002"]);
    }

    #[test]
    fn portable_ids_are_references_too() {
        let mut jobs = plugin("jobs", &[("001_queue.sql", "")]);
        jobs[0].up.directives.portable = Some(crate::PortableMeta {
            id: "jobs-create-queue".into(),
            ..Default::default()
        });
        let app = plugin(
            "app",
            &[("001_a.sql", "-- ferry:requires jobs:jobs-create-queue")],
        );
        let history = History::default();
        let targets = [
            target("app", None, &app, Change::Up),
            target("jobs", None, &jobs, Change::Up),
        ];
        let made = plan(&targets, &history, Options::default()).unwrap();
        assert_eq!(labels(&made), ["jobs:001", "app:001"]);
    }
}
