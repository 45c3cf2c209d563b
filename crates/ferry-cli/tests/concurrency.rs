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
    spawn_via(p, &p.db.url, &p.migrations(), &["migrate"], output)
}

/// Starts ferry with `args` on the database at `url` and the migrations in `dir`.
fn spawn_via(
    p: &Project,
    url: &str,
    dir: &std::path::Path,
    args: &[&str],
    output: fn() -> Stdio,
) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("ferry"))
        .current_dir(p.dir.path())
        .env("FERRY_CACHE_DIR", p.cache_dir())
        .arg("-d")
        .arg(url)
        .arg("--dir")
        .arg(dir)
        .args(args)
        .stdout(output())
        .stderr(output())
        .spawn()
        .expect("spawn")
}

/// Another way to reach the project: its migrations folder through a symlink and, for
/// SQLite, its database file through a symlink (made before the file exists, so the link
/// dangles until a runner creates the database).
fn symlinked(p: &Project) -> (String, std::path::PathBuf) {
    let dir = p.dir.path().join("migrations-link");
    std::os::unix::fs::symlink(p.migrations(), &dir).expect("symlink");
    let url = match p.db.url.strip_prefix("sqlite://") {
        Some(file) => {
            let link = p.dir.path().join("db-link.sqlite");
            std::os::unix::fs::symlink(file, &link).expect("symlink");
            format!("sqlite://{}", link.display())
        }
        None => p.db.url.clone(),
    };
    (url, dir)
}

/// Waits for `child` and asserts it exited 0.
fn assert_ok(child: Child, what: &str) {
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Asserts that versions 1..=n are applied, each by exactly one history row.
fn applied_exactly_once(p: &Project, n: usize, what: &str) {
    let rows = p
        .db
        .query("SELECT CAST(COUNT(*) AS CHAR(10)) FROM ferry_migrations WHERE state = 'applied'");
    assert_eq!(rows, [n.to_string()], "{what}");
    let all =
        p.db.query("SELECT CAST(COUNT(*) AS CHAR(10)) FROM ferry_migrations");
    assert_eq!(
        all,
        [n.to_string()],
        "{what}: one history row per migration"
    );
}

#[test]
fn runners_through_paths_and_symlinks_apply_every_migration_exactly_once() {
    for engine in [Engine::Postgres, Engine::Mysql, Engine::Sqlite] {
        let p = Project::new(TestDb::new(engine));
        for i in 1..=10 {
            p.write(
                &format!("{i:03}_t{i}.sql"),
                &format!("CREATE TABLE t{i} (id INT);\nINSERT INTO t{i} VALUES ({i});"),
            );
        }
        let (link_url, link_dir) = symlinked(&p);
        let children: Vec<Child> = (0..8)
            .map(|i| match i % 2 {
                0 => spawn_migrate(&p, Stdio::piped),
                _ => spawn_via(&p, &link_url, &link_dir, &["migrate"], Stdio::piped),
            })
            .collect();
        for child in children {
            assert_ok(child, &format!("{engine:?}"));
        }
        applied_exactly_once(&p, 10, &format!("{engine:?}"));
    }
}

/// A migration that keeps its engine busy for about two seconds, writing where it can.
fn long_migration(engine: Engine) -> &'static str {
    match engine {
        Engine::Postgres => "CREATE TABLE slow (id INT);\nSELECT pg_sleep(2);",
        Engine::Mysql => "CREATE TABLE slow (id INT);\nDO SLEEP(2);",
        // Enough rows to spill SQLite's page cache: the writer then holds the database's
        // exclusive lock, which blocks every other connection, readers included.
        Engine::Sqlite => {
            "CREATE TABLE slow AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400000) SELECT x, randomblob(48) AS pad FROM c;\n\
             WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT MAX(x) FROM c;"
        }
    }
}

#[test]
fn runners_started_during_a_long_migration_wait_for_it() {
    for engine in [Engine::Postgres, Engine::Mysql, Engine::Sqlite] {
        let p = Project::new(TestDb::new(engine));
        p.write("001_slow.sql", long_migration(engine));
        for i in 2..=5 {
            p.write(
                &format!("{i:03}_t{i}.sql"),
                &format!("CREATE TABLE t{i} (id INT);"),
            );
        }
        let (link_url, link_dir) = symlinked(&p);
        let first = spawn_migrate(&p, Stdio::piped);
        std::thread::sleep(Duration::from_millis(700));
        let late = [
            spawn_migrate(&p, Stdio::piped),
            spawn_via(&p, &link_url, &link_dir, &["migrate"], Stdio::piped),
            spawn_via(&p, &link_url, &link_dir, &["status"], Stdio::piped),
        ];
        assert_ok(first, &format!("{engine:?} first runner"));
        for (i, child) in late.into_iter().enumerate() {
            assert_ok(child, &format!("{engine:?} late runner {i}"));
        }
        applied_exactly_once(&p, 5, &format!("{engine:?}"));
    }
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
        [
            "a",
            "b",
            "ferry_events",
            "ferry_migrations",
            "ferry_snapshots"
        ]
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

#[test]
fn sqlite_runners_wait_out_a_writer_longer_than_sqlites_own_busy_timeout() {
    // sqlx gives up on a locked SQLite database after 5 s; ferry waits its lock timeout.
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write(
        "001_slow.sql",
        "CREATE TABLE slow AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400000) SELECT x, randomblob(48) AS pad FROM c;\n\
         WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 32000000) SELECT MAX(x) FROM c;",
    );
    p.write("002_next.sql", "CREATE TABLE next (id INT);");
    let first = spawn_migrate(&p, Stdio::piped);
    std::thread::sleep(Duration::from_millis(700));
    let dir = p.migrations();
    let impatient = spawn_via(
        &p,
        &p.db.url,
        &dir,
        &["status", "--lock-timeout", "300ms"],
        Stdio::piped,
    );
    let late = [
        spawn_migrate(&p, Stdio::piped),
        spawn_via(&p, &p.db.url, &dir, &["status"], Stdio::piped),
    ];
    let out = impatient.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(3),
        "a database locked past --lock-timeout is a lock timeout: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ok(first, "first runner");
    for child in late {
        assert_ok(child, "late runner");
    }
    applied_exactly_once(&p, 2, "sqlite");
}

#[test]
fn one_history_table_spelt_two_ways_has_one_lock() {
    for engine in [Engine::Postgres, Engine::Mysql] {
        let p = Project::new(TestDb::new(engine));
        let (slow, qualified) = match engine {
            Engine::Postgres => (
                "SELECT pg_sleep(1.5);",
                "public.ferry_migrations".to_owned(),
            ),
            _ => (
                "DO SLEEP(1.5);",
                format!("{}.ferry_migrations", p.db.name()),
            ),
        };
        p.write(
            "001_slow.sql",
            &format!("CREATE TABLE t (id INT);\n{slow}\nINSERT INTO t VALUES (1);"),
        );
        let config = p.dir.path().join("qualified.toml");
        std::fs::write(&config, format!("[migrations]\ntable = \"{qualified}\"\n")).unwrap();
        let first = spawn_migrate(&p, Stdio::piped);
        std::thread::sleep(Duration::from_millis(400));
        let config_arg = config.display().to_string();
        let second = spawn_via(
            &p,
            &p.db.url,
            &p.migrations(),
            &["--config", &config_arg, "migrate"],
            Stdio::piped,
        );
        assert_ok(first, &format!("{engine:?} first"));
        assert_ok(second, &format!("{engine:?} second"));
        applied_exactly_once(&p, 1, &format!("{engine:?}"));
        assert_eq!(
            p.db.query("SELECT CAST(COUNT(*) AS CHAR(10)) FROM t"),
            ["1"]
        );
    }
}
