//! Fault injection: `kill -9` at random points during migrate and rollback, with and
//! without transactions, on every engine. After each kill: the state `status` reports
//! matches the objects in the database, the lock is free, and the next run goes on (or
//! refuses with exit 4 until a human repairs), and nothing is ever applied twice.
//!
//! The kill points come from a seeded generator: `FERRY_FAULT_SEED=N` replays a run, and
//! `FERRY_FAULT_TRIALS=N` changes the number of trials per engine and direction (default 6).

mod common;

use common::Project;
use ferry_testkit::{Engine, TestDb};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Migrations per trial; even ones run without a transaction.
const MIGRATIONS: usize = 6;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A statement that keeps the engine busy for a moment, widening the window a kill lands in.
fn pause(engine: Engine) -> &'static str {
    match engine {
        Engine::Postgres => "SELECT pg_sleep(0.04);",
        Engine::Mysql => "DO SLEEP(0.04);",
        Engine::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 40000) SELECT MAX(x) FROM c;"
        }
    }
}

fn write_migrations(p: &Project, engine: Engine) {
    for i in 1..=MIGRATIONS {
        let directive = match i % 2 {
            0 => "-- ferry:no-transaction\n",
            _ => "",
        };
        let pause = pause(engine);
        p.write(
            &format!("{i:03}_t{i}.up.sql"),
            &format!(
                "{directive}CREATE TABLE t{i} (id INT);\n{pause}\nINSERT INTO t{i} VALUES ({i});"
            ),
        );
        p.write(
            &format!("{i:03}_t{i}.down.sql"),
            &format!("{directive}DROP TABLE t{i};\n{pause}"),
        );
    }
}

fn spawn(p: &Project, args: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("ferry"))
        .current_dir(p.dir.path())
        .env("FERRY_CACHE_DIR", p.cache_dir())
        .arg("-d")
        .arg(&p.db.url)
        .arg("--dir")
        .arg(p.migrations())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn ferry")
}

/// Other sessions on this test's database (a killed runner's server session lives on
/// until the server notices its client is gone).
fn other_sessions(db: &TestDb) -> usize {
    let sql = match db.engine {
        Engine::Postgres => {
            "SELECT CAST(pid AS TEXT) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        }
        Engine::Mysql => {
            "SELECT CAST(ID AS CHAR) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()"
        }
        Engine::Sqlite => return 0,
    };
    db.query(sql).len()
}

fn wait_idle(db: &TestDb) {
    let start = Instant::now();
    while other_sessions(db) > 0 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the killed runner's session never ended"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Checks every migration's state against its table; returns the versions left failed.
fn check_truthful(p: &Project, context: &str) -> Vec<usize> {
    let tables = p.db.tables();
    let mut failed = Vec::new();
    for (i, (version, state)) in p.states().into_iter().enumerate() {
        let n = i + 1;
        assert_eq!(version, format!("{n:03}"), "{context}");
        let exists = tables.contains(&format!("t{n}"));
        match state.as_str() {
            "applied" => {
                assert!(exists, "{context}: {version} applied without its table");
                let rows =
                    p.db.query(&format!("SELECT CAST(COUNT(*) AS CHAR(10)) FROM t{n}"));
                assert_eq!(rows, ["1"], "{context}: {version} applied twice or half");
            }
            "pending" | "rolled_back" => {
                assert!(!exists, "{context}: {version} is {state} but t{n} exists")
            }
            // Interrupted without a transaction: anything may be half done.
            "failed" => failed.push(n),
            other => panic!("{context}: {version} is {other} after its runner died"),
        }
    }
    failed
}

/// What a human does after an interruption: an interrupted apply is undone by hand and
/// cleared (it is pending again); an interrupted rollback is finished by hand and marked
/// rolled back.
fn repair_by_hand(p: &Project, failed: &[usize], rollback: bool) {
    for n in failed {
        p.db.query(&format!("DROP TABLE IF EXISTS t{n}"));
        if rollback {
            let version = format!("{n:03}");
            p.expect(
                &[
                    "repair",
                    "--mark-rolled-back",
                    &version,
                    "--lock-timeout",
                    "10s",
                ],
                0,
            );
        }
    }
    if !rollback {
        p.expect(&["repair", "--clear-failed", "--lock-timeout", "10s"], 0);
    }
}

/// Runs `args` to completion after a kill, repairing when it refuses with exit 4.
fn recover(p: &Project, args: &[&str], context: &str) {
    let mut with_timeout = args.to_vec();
    with_timeout.extend(["--lock-timeout", "10s"]);
    let (code, _, err) = p.run(&with_timeout);
    match code {
        0 => {}
        4 => {
            let failed = check_truthful(p, context);
            assert!(
                !failed.is_empty(),
                "{context}: exit 4 without a failed entry: {err}"
            );
            repair_by_hand(p, &failed, args[0] == "rollback");
            p.expect(&with_timeout, 0);
        }
        other => panic!("{context}: `ferry {args:?}` exited {other} after a kill: {err}"),
    }
}

fn trials(engine: Engine, rollback: bool) {
    let seed = env_number("FERRY_FAULT_SEED", 7);
    let count = env_number("FERRY_FAULT_TRIALS", 6);
    let mut rng = fastrand::Rng::with_seed(seed ^ (engine as u64) << 8 ^ rollback as u64);
    let p = Project::new(TestDb::new(engine));
    write_migrations(&p, engine);
    // How many kills left an interrupted entry, for the log: trials that never do prove little.
    let mut interrupted = 0;
    for trial in 0..count {
        let delay = rng.u64(0..700);
        let context = format!(
            "{engine:?} {} trial {trial} (FERRY_FAULT_SEED={seed}), kill after {delay} ms",
            if rollback { "rollback" } else { "migrate" }
        );
        let (args, undo): (&[&str], &[&str]) = match rollback {
            false => (&["migrate"], &["rollback", "--to", "0"]),
            true => (&["rollback", "--to", "0"], &["migrate"]),
        };
        if rollback {
            p.expect(&["migrate", "--lock-timeout", "10s"], 0);
        }
        let mut child = spawn(&p, args);
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        wait_idle(&p.db);
        let failed = check_truthful(&p, &context);
        if !failed.is_empty() {
            interrupted += 1;
            p.expect(&["status", "--check"], 4);
        }
        recover(&p, args, &context);
        check_truthful(&p, &context);
        // Back to the start for the next trial.
        recover(&p, undo, &context);
        if !rollback {
            assert!(
                p.states().iter().all(|(_, s)| s == "rolled_back"),
                "{context}"
            );
        }
    }
    eprintln!(
        "{engine:?} rollback={rollback}: {count} kills, {interrupted} left an interrupted entry"
    );
}

#[test]
fn kill_during_migrate_on_postgres() {
    trials(Engine::Postgres, false);
}

#[test]
fn kill_during_rollback_on_postgres() {
    trials(Engine::Postgres, true);
}

#[test]
fn kill_during_migrate_on_mysql() {
    trials(Engine::Mysql, false);
}

#[test]
fn kill_during_rollback_on_mysql() {
    trials(Engine::Mysql, true);
}

#[test]
fn kill_during_migrate_on_sqlite() {
    trials(Engine::Sqlite, false);
}

#[test]
fn kill_during_rollback_on_sqlite() {
    trials(Engine::Sqlite, true);
}
