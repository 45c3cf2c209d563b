//! Many runners at once, and runners that die mid-migration.

mod common;

use common::Project;
use ferry_testkit::{Engine, TestDb};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

#[test]
fn eight_runners_apply_every_migration_exactly_once() {
    for engine in [Engine::Postgres, Engine::Mysql, Engine::Sqlite] {
        let p = Project::new(TestDb::new(engine));
        for i in 1..=12 {
            p.write(
                &format!("{i:03}_t{i}.sql"),
                &format!("CREATE TABLE t{i} (id INT);\nINSERT INTO t{i} VALUES ({i});"),
            );
        }
        let children: Vec<Child> = (0..8).map(|_| spawn_migrate(&p, Stdio::piped)).collect();
        for child in children {
            let out = child.wait_with_output().expect("wait");
            assert_eq!(
                out.status.code(),
                Some(0),
                "{engine:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let applied = p.db.query(
            "SELECT CAST(COUNT(*) AS CHAR(10)) FROM ferry_migrations WHERE state = 'applied'",
        );
        assert_eq!(applied, ["12"], "{engine:?}");
        let rows =
            p.db.query("SELECT CAST(COUNT(*) AS CHAR(10)) FROM ferry_migrations");
        assert_eq!(rows, ["12"], "{engine:?}: one history row per migration");
        assert_eq!(
            p.db.query("SELECT CAST(COUNT(*) AS CHAR(10)) FROM t12"),
            ["1"]
        );
    }
}

/// Starts `ferry migrate` on the project; `output` makes its stdout and stderr.
fn spawn_migrate(p: &Project, output: fn() -> Stdio) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("ferry"))
        .current_dir(p.dir.path())
        .env("FERRY_CACHE_DIR", p.cache_dir())
        .arg("-d")
        .arg(&p.db.url)
        .arg("--dir")
        .arg(p.migrations())
        .arg("migrate")
        .stdout(output())
        .stderr(output())
        .spawn()
        .expect("spawn")
}

fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn sleeping_backends(db: &TestDb) -> usize {
    // A transactional script is sent as one batch, so the sleep may be inside a longer text.
    db.query("SELECT CAST(pid AS TEXT) FROM pg_stat_activity WHERE query LIKE '%SELECT pg_sleep(%' AND pid <> pg_backend_pid() AND datname = current_database()").len()
}

#[test]
fn killed_runner_leaves_a_truthful_state_and_no_lock() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write("001_a.sql", "CREATE TABLE a (id INT);");
    p.write(
        "002_slow.sql",
        "CREATE TABLE b (id INT);\nSELECT pg_sleep(20);",
    );
    let mut child = spawn_migrate(&p, Stdio::null);
    wait_until("the slow migration to start", || {
        sleeping_backends(&p.db) > 0
    });
    child.kill().expect("kill -9");
    child.wait().ok();
    // The transaction of 002 dies with its runner: 001 applied, 002 pending, no table b.
    p.write("002_slow.sql", "CREATE TABLE b (id INT);");
    let started = Instant::now();
    p.expect(&["migrate", "--lock-timeout", "10s"], 0);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the lock was released promptly"
    );
    assert_eq!(
        p.db.tables(),
        ["a", "b", "ferry_events", "ferry_migrations"]
    );

    // Without a transaction, the runner records the start: a kill leaves a failed entry.
    p.write(
        "003_slow.sql",
        "-- ferry:no-transaction\nCREATE TABLE c (id INT);\nSELECT pg_sleep(20);",
    );
    let mut child = spawn_migrate(&p, Stdio::null);
    wait_until("the non-transactional migration to start", || {
        sleeping_backends(&p.db) > 0
    });
    // While its runner lives, the started entry is running, not failed.
    let (out, _) = p.expect(&["status", "--json"], 0);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("status json");
    let last = &doc["migrations"][2];
    assert_eq!(
        (&last["version"], &last["state"]),
        (&"003".into(), &"running".into())
    );
    assert!(
        last["running_by"]
            .as_str()
            .is_some_and(|h| h.contains("pid")),
        "{last}"
    );
    p.expect(&["status", "--check"], 4);
    child.kill().expect("kill -9");
    child.wait().ok();
    // The server cancels the dead runner's statement within a second, and the lock goes.
    wait_until("the dead runner's entry to read failed", || {
        let states = p.states();
        states.last().map(|(v, s)| (v.as_str(), s.as_str())) == Some(("003", "failed"))
    });
    let (_, err) = p.expect(&["migrate", "--lock-timeout", "10s"], 4);
    assert!(err.contains("interrupted"), "{err}");
}

#[test]
fn killed_sqlite_runner_releases_its_file_lock() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    // A recursive CTE that keeps SQLite busy long enough to kill the runner mid-migration.
    p.write("001_slow.sql", "CREATE TABLE a (id INT);\nWITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) SELECT MAX(x) FROM c;");
    let mut child = spawn_migrate(&p, Stdio::null);
    std::thread::sleep(Duration::from_millis(700));
    child.kill().expect("kill -9");
    child.wait().ok();
    assert_eq!(p.states(), vec![("001".to_string(), "pending".to_string())]);
    p.write("001_slow.sql", "CREATE TABLE a (id INT);");
    p.expect(&["migrate", "--lock-timeout", "2s"], 0);
}
