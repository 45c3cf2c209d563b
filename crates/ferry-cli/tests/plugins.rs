//! Plugins end to end, on every engine: install, patch/minor/major updates (with the
//! confirmation), rollback to an earlier version (and --cascade), cross-plugin order,
//! cycles, conflicts, a portable JSON migration with per-engine SQL, and bad input that
//! changes nothing.

mod common;

use common::{Project, copy_tree};
use ferry_testkit::{Engine, TestDb};
use std::path::Path;

const ALL: [Engine; 3] = [Engine::Postgres, Engine::Mysql, Engine::Sqlite];

/// A project holding a copy of `examples/plugins` (its plugins and releases).
fn example(engine: Engine) -> Project {
    let p = Project::new(TestDb::new(engine));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/plugins");
    copy_tree(&root.join("plugins"), &p.dir.path().join("plugins"));
    copy_tree(&root.join("releases"), &p.dir.path().join("releases"));
    p.config("[plugins]\ndir = \"plugins\"\nreleases = \"releases\"\n");
    p
}

/// Writes plugin `name` at `version` under `plugins/` with `extra` manifest lines and
/// migrations (file, up, down).
fn plugin(p: &Project, name: &str, version: &str, extra: &str, files: &[(&str, &str, &str)]) {
    let dir = p.dir.path().join("plugins").join(name);
    std::fs::create_dir_all(dir.join("migrations/rollback")).unwrap();
    let manifest = format!("name = \"{name}\"\nversion = \"{version}\"\n{extra}");
    std::fs::write(dir.join("plugin.toml"), manifest).unwrap();
    for (file, up, down) in files {
        std::fs::write(dir.join("migrations").join(file), up).unwrap();
        std::fs::write(dir.join("migrations/rollback").join(file), down).unwrap();
    }
}

/// `name|version` of every row of ferry_plugins.
fn installed(p: &Project) -> Vec<String> {
    p.db.query("SELECT name FROM ferry_plugins ORDER BY name")
        .into_iter()
        .zip(p.db.query("SELECT version FROM ferry_plugins ORDER BY name"))
        .map(|(n, v)| format!("{n}|{v}"))
        .collect()
}

fn has_table(p: &Project, table: &str) -> bool {
    p.db.tables().iter().any(|t| t == table)
}

#[test]
fn install_then_patch_minor_and_major_updates_with_the_breaking_changes_confirmed() {
    for engine in ALL {
        let p = example(engine);
        // stripe needs jobs: refused before anything runs (not even ferry's tables).
        let (_, err) = p.expect(&["plugin", "install", "stripe", "--version", "1.0.0"], 5);
        assert!(
            err.contains("requires jobs >=1.0, <2, which is not installed"),
            "{engine:?}: {err}"
        );
        assert!(!has_table(&p, "ferry_migrations"), "{engine:?}");

        p.expect(&["plugin", "install", "jobs", "--version", "1.0.0"], 0);
        let (out, _) = p.expect(&["plugin", "install", "stripe", "--version", "1.0.0"], 0);
        assert!(out.contains("stripe is now at 1.0.0"), "{engine:?}: {out}");
        assert_eq!(installed(&p), ["jobs|1.0.0", "stripe|1.0.0"], "{engine:?}");
        assert!(has_table(&p, "stripe_charges") && !has_table(&p, "stripe_charge_retries"));

        let (out, _) = p.expect(&["plugin", "updates"], 0);
        assert!(
            out.contains("minor 1.1.0 available") && out.contains("major 2.0.0 available"),
            "{out}"
        );
        // A patch update by default: 1.1.0 is a minor, so nothing happens.
        let (out, _) = p.expect(&["plugin", "update", "jobs"], 0);
        assert!(
            out.contains("up to date at 1.0.0; 1.1.0 is a minor update: pass --minor"),
            "{out}"
        );
        let (_, err) = p.expect(&["plugin", "update", "jobs", "--version", "1.1.0"], 5);
        assert!(err.contains("pass --minor"), "{err}");
        p.expect(&["plugin", "update", "jobs", "--minor"], 0);
        assert_eq!(installed(&p), ["jobs|1.1.0", "stripe|1.0.0"], "{engine:?}");

        // A major: the breaking changes are printed, and without --yes (no terminal)
        // nothing changes.
        let (_, err) = p.expect(&["plugin", "update", "stripe", "--major"], 5);
        assert!(
            err.contains("BREAKING CHANGES") && err.contains("legacy_card is dropped"),
            "{err}"
        );
        assert!(err.contains("pass --yes"), "{err}");
        assert_eq!(installed(&p), ["jobs|1.1.0", "stripe|1.0.0"], "{engine:?}");
        assert!(!has_table(&p, "stripe_charge_retries"), "{engine:?}");
        p.expect(&["plugin", "update", "stripe", "--major", "--yes"], 0);
        assert_eq!(installed(&p), ["jobs|1.1.0", "stripe|2.0.0"], "{engine:?}");
        assert!(has_table(&p, "stripe_charge_retries"), "{engine:?}");
        let (out, _) = p.expect(&["plugin", "status", "stripe"], 0);
        assert!(
            out.contains("stripe 2.0.0") && out.contains("4 applied, 0 pending"),
            "{out}"
        );
    }
}

#[test]
fn a_rollback_to_an_earlier_version_takes_back_what_came_after_it() {
    for engine in ALL {
        let p = example(engine);
        for args in [
            ["plugin", "install", "jobs"],
            ["plugin", "install", "stripe"],
            ["plugin", "install", "notifications"],
        ] {
            p.expect(&args, 0);
        }
        assert_eq!(
            installed(&p),
            ["jobs|1.1.0", "notifications|1.0.0", "stripe|2.0.0"],
            "{engine:?}"
        );
        // stripe 2.0.0 needs jobs 1.1: jobs cannot go back under it.
        let (_, err) = p.expect(&["plugin", "rollback", "jobs", "--to-version", "1.0.0"], 5);
        assert!(
            err.contains("stripe 2.0.0 requires jobs >=1.1, <2"),
            "{err}"
        );
        let (out, _) = p.expect(
            &["plugin", "rollback", "stripe", "--to-version", "1.0.0"],
            0,
        );
        let order: Vec<&str> = (out.lines())
            .filter(|l| l.contains("rolled back ") && l.contains(":0"))
            .filter_map(|l| l.split_whitespace().nth(2))
            .collect();
        assert_eq!(order, ["stripe:004", "stripe:003"], "{engine:?}: {out}");
        assert!(!has_table(&p, "stripe_charge_retries") && has_table(&p, "stripe_charges"));
        let cols = match engine {
            Engine::Postgres => {
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'stripe_customers'"
            }
            Engine::Mysql => {
                "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'stripe_customers'"
            }
            Engine::Sqlite => "SELECT name FROM pragma_table_info('stripe_customers')",
        };
        assert!(
            p.db.query(cols).iter().any(|c| c == "legacy_card"),
            "{engine:?}: the dropped column is back"
        );
        p.expect(&["plugin", "rollback", "jobs", "--to-version", "1.0.0"], 0);
        assert_eq!(
            installed(&p),
            ["jobs|1.0.0", "notifications|1.0.0", "stripe|1.0.0"],
            "{engine:?}"
        );
        // And forward again.
        p.expect(&["plugin", "update", "jobs", "--minor"], 0);
        p.expect(&["plugin", "update", "stripe", "--major", "--yes"], 0);
        assert!(has_table(&p, "stripe_charge_retries"), "{engine:?}");
    }
}

#[test]
fn a_rollback_that_would_strand_another_plugins_migration_needs_cascade() {
    for engine in ALL {
        let p = Project::new(TestDb::new(engine));
        let table = |t: &str| {
            (
                format!("CREATE TABLE {t} (id INTEGER)"),
                format!("DROP TABLE {t}"),
            )
        };
        let (a1, a1d) = table("casc_a1");
        let (a2, a2d) = table("casc_a2");
        let (b1, b1d) = table("casc_b1");
        plugin(&p, "a", "1.0.0", "", &[("001_a1.sql", &a1, &a1d)]);
        p.expect(&["plugin", "install", "a"], 0);
        let a2 = format!("-- ferry:since 2.0.0\n{a2}");
        plugin(
            &p,
            "a",
            "2.0.0",
            "",
            &[("001_a1.sql", &a1, &a1d), ("002_a2.sql", &a2, &a2d)],
        );
        // Release 1.0.0 stays known through a releases folder.
        let rel = p.dir.path().join("releases/a/1.0.0");
        std::fs::create_dir_all(rel.join("migrations/rollback")).unwrap();
        std::fs::write(
            rel.join("plugin.toml"),
            "name = \"a\"\nversion = \"1.0.0\"\n",
        )
        .unwrap();
        std::fs::write(rel.join("migrations/001_a1.sql"), &a1).unwrap();
        std::fs::write(rel.join("migrations/rollback/001_a1.sql"), &a1d).unwrap();
        p.config("[plugins]\nreleases = \"releases\"\n");
        p.expect(&["plugin", "update", "a", "--major", "--yes"], 0);
        let b1 = format!("-- ferry:requires a:002\n{b1}");
        plugin(
            &p,
            "b",
            "1.0.0",
            "[requires]\na = \"*\"\n",
            &[("001_b1.sql", &b1, &b1d)],
        );
        p.expect(&["plugin", "install", "b"], 0);

        let (_, err) = p.expect(&["plugin", "rollback", "a", "--to-version", "1.0.0"], 5);
        assert!(
            err.contains("rolling back a:002 would leave b:001 applied without it; pass --cascade"),
            "{engine:?}: {err}"
        );
        assert!(
            has_table(&p, "casc_a2") && has_table(&p, "casc_b1"),
            "{engine:?}"
        );
        let (out, _) = p.expect(
            &[
                "plugin",
                "rollback",
                "a",
                "--to-version",
                "1.0.0",
                "--cascade",
            ],
            0,
        );
        let b = out.find("b:001").expect("b rolled back");
        let a = out.find("a:002").expect("a rolled back");
        assert!(b < a, "{engine:?}: the dependent goes first\n{out}");
        assert!(!has_table(&p, "casc_a2") && !has_table(&p, "casc_b1") && has_table(&p, "casc_a1"));
    }
}

#[test]
fn plans_order_across_plugins_and_cycles_and_conflicts_change_nothing() {
    for engine in ALL {
        let p = example(engine);
        p.expect(&["plugin", "install", "jobs", "--version", "1.0.0"], 0);
        p.expect(&["plugin", "install", "stripe", "--version", "1.0.0"], 0);
        let (out, _) = p.expect(&["plan", "--plugin", "notifications", "--json"], 0);
        let plan: serde_json::Value = serde_json::from_str(&out).expect("plan json");
        let steps: Vec<(&str, Option<&str>)> = (plan["steps"].as_array().unwrap().iter())
            .map(|s| (s["version"].as_str().unwrap(), s["risk"].as_str()))
            .collect();
        assert_eq!(
            steps,
            [
                // riskLevel "low", or its lint's if higher (MySQL ignores the inline
                // REFERENCES of both: mysql-inline-references).
                (
                    "notifications:001",
                    Some(if engine == Engine::Mysql {
                        "medium"
                    } else {
                        "low"
                    })
                ),
                (
                    "notifications:002",
                    Some(if engine == Engine::Mysql {
                        "medium"
                    } else {
                        "low"
                    })
                )
            ],
            "{engine:?}"
        );
        // The portable migration carries per-engine SQL.
        let sql = plan["steps"][0]["statements"][0].as_str().unwrap();
        let expected = match engine {
            Engine::Postgres => "BIGSERIAL",
            Engine::Mysql => "AUTO_INCREMENT",
            Engine::Sqlite => "AUTOINCREMENT",
        };
        assert!(sql.contains(expected), "{engine:?}: {sql}");
        p.expect(&["plugin", "install", "notifications"], 0);
        assert!(has_table(&p, "notifications") && has_table(&p, "notification_receipts"));

        // A cycle: every member named, exit 2, nothing run.
        let q = Project::new(TestDb::new(engine));
        plugin(
            &q,
            "x",
            "1.0.0",
            "",
            &[
                (
                    "001_x.sql",
                    "-- ferry:requires 003\nCREATE TABLE cyc_x (id INTEGER)",
                    "DROP TABLE cyc_x",
                ),
                (
                    "002_y.sql",
                    "-- ferry:requires x:001\nCREATE TABLE cyc_y (id INTEGER)",
                    "DROP TABLE cyc_y",
                ),
                (
                    "003_z.sql",
                    "-- ferry:requires x:2\nCREATE TABLE cyc_z (id INTEGER)",
                    "DROP TABLE cyc_z",
                ),
            ],
        );
        let (_, err) = q.expect(&["plugin", "install", "x"], 2);
        assert!(
            err.contains("a dependency cycle among x:001, x:002, x:003"),
            "{engine:?}: {err}"
        );
        assert!(
            !has_table(&q, "cyc_x") && !has_table(&q, "ferry_migrations"),
            "{engine:?}"
        );

        // A conflict: both named, exit 5, nothing run.
        let r = Project::new(TestDb::new(engine));
        plugin(
            &r,
            "old",
            "1.0.0",
            "",
            &[(
                "001_o.sql",
                "CREATE TABLE conf_o (id INTEGER)",
                "DROP TABLE conf_o",
            )],
        );
        plugin(
            &r,
            "new",
            "1.0.0",
            "",
            &[(
                "001_n.sql",
                "-- ferry:conflicts old:1\nCREATE TABLE conf_n (id INTEGER)",
                "DROP TABLE conf_n",
            )],
        );
        r.expect(&["plugin", "install", "old"], 0);
        let (_, err) = r.expect(&["plugin", "install", "new"], 5);
        assert!(
            err.contains("new:001 conflicts with old:001, which is applied"),
            "{engine:?}: {err}"
        );
        assert!(!has_table(&r, "conf_n"), "{engine:?}");
    }
}

#[test]
fn bad_plugins_and_versions_are_refused_before_anything_runs() {
    for engine in ALL {
        let p = example(engine);
        let (_, err) = p.expect(&["plugin", "install", "shopify"], 2);
        assert!(
            err.contains("unknown plugin `shopify`") && err.contains("jobs, notifications, stripe"),
            "{err}"
        );
        let (_, err) = p.expect(&["plugin", "install", "jobs", "--version", "3.0.0"], 2);
        assert!(
            err.contains("jobs has no release 3.0.0; released versions: 1.0.0, 1.1.0"),
            "{err}"
        );
        let (_, err) = p.expect(&["plugin", "install", "jobs", "--version", "one"], 2);
        assert!(err.contains("not a semantic version"), "{err}");
        // Not supported here, or a server too old.
        plugin(
            &p,
            "pgonly",
            "1.0.0",
            "[engines]\npostgresql = \">=12\"\n",
            &[],
        );
        plugin(
            &p,
            "future",
            "1.0.0",
            "[engines]\npostgresql = \">=99\"\nmariadb = \">=99\"\nsqlite = \">=99\"\n",
            &[],
        );
        let (code, _, err) = p.run(&["plugin", "install", "pgonly"]);
        match engine {
            Engine::Postgres => assert_eq!(code, 0, "{err}"),
            _ => {
                assert_eq!(code, 5, "{err}");
                assert!(err.contains("does not support"), "{err}");
            }
        }
        let (_, err) = p.expect(&["plugin", "install", "future"], 5);
        assert!(
            err.contains("needs") && err.contains(">=99; this server is"),
            "{err}"
        );
        // A malformed manifest: file, line and column.
        std::fs::write(
            p.dir.path().join("plugins/future/plugin.toml"),
            "name = \"future\"\nversion = 1\n",
        )
        .unwrap();
        let (_, err) = p.expect(&["plugin", "list"], 2);
        assert!(err.contains("plugin.toml:2:11:"), "{err}");
        assert_eq!(
            installed_or_none(&p),
            engine == Engine::Postgres,
            "{engine:?}"
        );
    }
}

/// Whether anything was recorded in ferry_plugins.
fn installed_or_none(p: &Project) -> bool {
    p.db.tables().iter().any(|t| t == "ferry_plugins") && !installed(p).is_empty()
}

#[test]
fn migrate_applies_the_application_and_every_installed_plugin_in_one_plan() {
    for engine in ALL {
        let p = example(engine);
        p.expect(&["plugin", "install", "jobs"], 0);
        // A new migration of the application, and one of jobs 1.1.0 that requires it.
        p.write("001_app_users.sql", "CREATE TABLE app_users (id INTEGER)");
        p.write("rollback/001_app_users.sql", "DROP TABLE app_users");
        let jobs = p.dir.path().join("plugins/jobs/migrations");
        std::fs::write(
            jobs.join("003_user_jobs.sql"),
            "-- ferry:since 1.1.0\n-- ferry:requires app:001\nCREATE TABLE jobs_by_user (user_id INTEGER)",
        )
        .unwrap();
        std::fs::write(
            jobs.join("rollback/003_user_jobs.sql"),
            "DROP TABLE jobs_by_user",
        )
        .unwrap();
        let (out, _) = p.expect(&["migrate", "--dry-run"], 0);
        assert!(
            out.contains("1. apply app:001") && out.contains("2. apply jobs:003"),
            "{engine:?}: {out}"
        );
        assert!(!has_table(&p, "app_users"), "{engine:?}");
        let (_, err) = p.expect(&["migrate", "--to", "1"], 2);
        assert!(err.contains("with plugins installed"), "{err}");
        let (out, _) = p.expect(&["migrate"], 0);
        assert!(out.contains("applied 2 migration(s)"), "{engine:?}: {out}");
        assert!(
            has_table(&p, "app_users") && has_table(&p, "jobs_by_user"),
            "{engine:?}"
        );
        let (out, _) = p.expect(&["plan"], 0);
        assert_eq!(out.trim(), "plan: nothing to do", "{engine:?}");
    }
}

/// The files under `dir`, relative, with their texts.
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                files.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn convert_writes_a_plugin_as_portable_json_that_installs_and_converts_back_unchanged() {
    for engine in ALL {
        let p = example(engine);
        let json = p.dir.path().join("stripe-json");
        let (out, _) = p.expect(
            &[
                "convert",
                "--to",
                "json",
                "--plugin",
                "stripe",
                "--out",
                json.to_str().unwrap(),
            ],
            0,
        );
        assert!(out.contains("converted 4 migration(s) of stripe"), "{out}");
        // Back to SQL: the very files it came from.
        let sql = p.dir.path().join("stripe-sql");
        let args = [
            "convert",
            "--to",
            "sql",
            "--dir",
            json.to_str().unwrap(),
            "--out",
            sql.to_str().unwrap(),
        ];
        p.expect(&args, 0);
        let original = p.dir.path().join("plugins/stripe/migrations");
        assert_eq!(tree(&sql), tree(&original), "{engine:?}");
        // Nothing is overwritten.
        let (_, err) = p.expect(&args, 2);
        assert!(err.contains("not empty"), "{err}");
        // The JSON plugin installs like the SQL one did.
        std::fs::remove_dir_all(&original).unwrap();
        copy_tree(&json, &original);
        p.expect(&["plugin", "install", "jobs"], 0);
        let (out, _) = p.expect(&["plugin", "install", "stripe"], 0);
        assert!(out.contains("applied 4 migration(s)"), "{engine:?}: {out}");
        assert!(has_table(&p, "stripe_charge_retries"), "{engine:?}");
        assert_eq!(
            p.db.query("SELECT name FROM ferry_migrations WHERE plugin = 'stripe' ORDER BY id")[0],
            "stripe-001-create_customers",
            "{engine:?}"
        );
    }
}

/// Installs jobs and stripe 1.0.0, with stripe 2.0.0's last migration made to fail after
/// its first statement; returns that file and its good text.
fn break_stripe_2(p: &Project) -> (std::path::PathBuf, String) {
    let fourth = p
        .dir
        .path()
        .join("plugins/stripe/migrations/004_drop_legacy_card.sql");
    let text = std::fs::read_to_string(&fourth).unwrap();
    let broken = format!("{text}ALTER TABLE no_such_table ADD COLUMN x INTEGER;\n");
    std::fs::write(&fourth, broken).unwrap();
    p.expect(&["plugin", "install", "jobs"], 0);
    p.expect(&["plugin", "install", "stripe", "--version", "1.0.0"], 0);
    (fourth, text)
}

/// Found by an adversarial trial: what a failed update leaves is shown, and a rollback to
/// the recorded version takes it back; requirements hold for the application's own
/// migrations too; a prerelease is installed only when named.
#[test]
fn a_failed_update_is_shown_and_taken_back_and_requirements_bind_the_application_too() {
    for engine in [Engine::Postgres, Engine::Sqlite] {
        let p = example(engine);
        break_stripe_2(&p);
        p.expect(&["plugin", "update", "stripe", "--major", "--yes"], 1);
        assert_eq!(installed(&p), ["jobs|1.1.0", "stripe|1.0.0"], "{engine:?}");
        let (out, _) = p.expect(&["plugin", "status", "stripe"], 0);
        assert!(
            out.contains("incomplete: applied beyond 1.0.0: stripe:3"),
            "{engine:?}: {out}"
        );
        p.expect(
            &["plugin", "rollback", "stripe", "--to-version", "1.0.0"],
            0,
        );
        assert!(!has_table(&p, "stripe_charge_retries"), "{engine:?}");
        let (out, _) = p.expect(&["plugin", "status", "stripe"], 0);
        assert!(!out.contains("incomplete"), "{engine:?}: {out}");
    }
    for engine in ALL {
        let p = example(engine);
        // An application migration that needs a plugin that is not installed.
        p.write(
            "001_app.sql",
            "-- ferry:requires jobs:001\nCREATE TABLE app_jobs (id INTEGER)",
        );
        let (_, err) = p.expect(&["migrate"], 5);
        assert!(
            err.contains("app:001 requires jobs:001, but plugin jobs is not installed"),
            "{err}"
        );
        assert!(!has_table(&p, "app_jobs"), "{engine:?}");
        // A prerelease is never the default.
        let rc = p.dir.path().join("releases/jobs/2.0.0-rc.1");
        copy_tree(&p.dir.path().join("releases/jobs/1.0.0"), &rc);
        let manifest = std::fs::read_to_string(rc.join("plugin.toml")).unwrap();
        std::fs::write(
            rc.join("plugin.toml"),
            manifest.replace("1.0.0", "2.0.0-rc.1"),
        )
        .unwrap();
        p.expect(&["plugin", "install", "jobs"], 0);
        assert_eq!(installed(&p), ["jobs|1.1.0"], "{engine:?}");
        p.expect(&["migrate"], 0);
        assert!(has_table(&p, "app_jobs"), "{engine:?}");
    }
}

/// Found by an adversarial trial: a plugin's migration that failed part-way on MariaDB
/// (whose DDL commits) names the repair that reaches the plugin's history, and after it
/// the update goes on.
#[test]
fn a_failed_plugin_migration_is_repaired_through_plugin_repair() {
    let p = example(Engine::Mysql);
    let (fourth, text) = break_stripe_2(&p);
    let (_, err) = p.expect(&["plugin", "update", "stripe", "--major", "--yes"], 1);
    assert!(
        err.contains("ferry plugin repair stripe --clear-failed"),
        "{err}"
    );
    let (out, _) = p.expect(&["plugin", "status", "stripe"], 0);
    assert!(out.contains("failed: stripe:4"), "{out}");
    let (_, err) = p.expect(&["plugin", "update", "stripe", "--major", "--yes"], 4);
    assert!(
        err.contains("ferry plugin repair stripe --clear-failed"),
        "{err}"
    );
    // The human undoes what ran, fixes the file, clears the entry; the update goes on.
    p.db.execute("ALTER TABLE stripe_customers ADD COLUMN legacy_card VARCHAR(40)");
    std::fs::write(&fourth, text).unwrap();
    p.expect(&["plugin", "repair", "stripe", "--clear-failed"], 0);
    let states = "SELECT state FROM ferry_migrations WHERE plugin = 'stripe' AND version = '4'";
    assert_eq!(p.db.query(states), ["cleared"]);
    // The application's repair does not reach a plugin's history.
    let (out, _) = p.expect(&["repair", "--clear-failed"], 0);
    assert!(out.contains("nothing to repair"), "{out}");
    p.expect(&["plugin", "update", "stripe", "--major", "--yes"], 0);
    assert_eq!(installed(&p), ["jobs|1.1.0", "stripe|2.0.0"]);
}

#[test]
fn changelog_shows_every_release_or_one() {
    let p = example(Engine::Sqlite);
    let (out, _) = p.expect(&["plugin", "changelog", "stripe"], 0);
    assert!(
        out.starts_with("## 2.0.0") && out.contains("## 1.0.0"),
        "{out}"
    );
    let (out, _) = p.expect(&["plugin", "changelog", "stripe", "--version", "1.0.0"], 0);
    assert_eq!(
        out.trim(),
        "## 1.0.0\nFirst release: stripe_customers and stripe_charges."
    );
    let (_, err) = p.expect(&["plugin", "changelog", "stripe", "--version", "3.0.0"], 2);
    assert!(err.contains("no section for 3.0.0"), "{err}");
}

#[test]
fn a_high_risk_plugin_install_in_production_needs_allow_risk() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.db.execute("CREATE TABLE legacy (id int, note text)");
    p.config("[plugins]\ndir = \"plugins\"\n");
    plugin(
        &p,
        "cleanup",
        "1.0.0",
        "",
        &[(
            "001_drop_note.sql",
            "ALTER TABLE legacy DROP COLUMN note;",
            "ALTER TABLE legacy ADD COLUMN note text;",
        )],
    );
    let (_, err) = p.expect(
        &[
            "--env",
            "production",
            "--yes",
            "plugin",
            "install",
            "cleanup",
        ],
        5,
    );
    assert!(err.contains("1 high-risk step(s) in the plan"), "{err}");
    assert!(
        err.contains("cleanup:001 drop_note [ban-drop-column]"),
        "{err}"
    );
    assert!(
        !p.db.tables().iter().any(|t| t == "ferry_plugins"),
        "nothing was recorded"
    );
    p.expect(
        &[
            "--env",
            "production",
            "--yes",
            "--allow-risk",
            "high",
            "plugin",
            "install",
            "cleanup",
        ],
        0,
    );
    assert_eq!(installed(&p), ["cleanup|1.0.0"]);
}
