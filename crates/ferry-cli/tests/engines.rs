//! End-to-end tests of the `ferry` binary against real PostgreSQL, MariaDB and SQLite.

mod common;

use common::{Project, copy_examples, states};
use ferry_testkit::{Engine, TestDb};

const ALL: [Engine; 3] = [Engine::Postgres, Engine::Mysql, Engine::Sqlite];

#[test]
fn examples_apply_and_roll_back_on_every_engine() {
    for engine in ALL {
        let p = Project::new(TestDb::new(engine));
        copy_examples(&p);
        p.expect(&["migrate"], 0);
        let tables = p.db.tables();
        for t in [
            "stripe_customers",
            "stripe_subscriptions",
            "stripe_invoices",
            "ferry_migrations",
            "ferry_events",
        ] {
            assert!(
                tables.contains(&t.to_string()),
                "{engine:?}: {t} missing from {tables:?}"
            );
        }
        let backfilled = p.db.query("SELECT CAST(COUNT(*) AS CHAR(10)) FROM stripe_customers WHERE last_activity_at IS NOT NULL");
        assert_eq!(backfilled, ["3"], "{engine:?}: backfill");
        assert!(p.states().iter().all(|(_, s)| s == "applied"));
        p.expect(&["status", "--check"], 0);
        p.expect(&["migrate"], 0);
        p.expect(&["rollback", "--batch"], 0);
        let tables = p.db.tables();
        assert!(
            !tables.contains(&"stripe_customers".to_string()),
            "{engine:?}: {tables:?}"
        );
        assert!(p.states().iter().all(|(_, s)| s == "rolled_back"));
        p.expect(&["migrate"], 0);
        p.expect(&["validate"], 0);
    }
}

#[test]
fn failed_migration_leaves_no_trace_where_ddl_is_transactional() {
    for engine in [Engine::Postgres, Engine::Sqlite] {
        let p = Project::new(TestDb::new(engine));
        p.write("001_ok.sql", "CREATE TABLE a (id INT);");
        p.write(
            "002_bad.sql",
            "CREATE TABLE b (id INT);\nINSERT INTO b VALUES (1);\nINSERT INTO nope VALUES (1);\n",
        );
        let (_, err) = p.expect(&["migrate"], 1);
        assert!(
            err.contains("002_bad.sql:3:"),
            "{engine:?}: location in {err}"
        );
        assert!(err.contains("statement 3"), "{err}");
        assert!(
            err.contains("nothing of this migration was applied"),
            "{err}"
        );
        let tables = p.db.tables();
        assert!(
            tables.contains(&"a".into()) && !tables.contains(&"b".into()),
            "{engine:?}: {tables:?}"
        );
        assert_eq!(
            p.states(),
            states(&[("001", "applied"), ("002", "pending")])
        );
        p.write("002_bad.sql", "CREATE TABLE b (id INT);");
        p.expect(&["migrate"], 0);
    }
}

#[test]
fn errors_without_a_position_still_name_the_statement() {
    // PostgreSQL runs a transactional script as one batch; a runtime error carries no
    // position, so the statement is found by counting the ones that completed.
    for engine in [Engine::Postgres, Engine::Sqlite, Engine::Mysql] {
        let p = Project::new(TestDb::new(engine));
        p.write(
            "001_dup.sql",
            "CREATE TABLE u (id INT PRIMARY KEY);\nINSERT INTO u VALUES (1);\n\n  INSERT INTO u VALUES (1);\n",
        );
        let (_, err) = p.expect(&["migrate"], 1);
        assert!(err.contains("001_dup.sql:4:3"), "{engine:?}: {err}");
        assert!(err.contains("(statement 3)"), "{engine:?}: {err}");
    }
}

#[test]
fn a_script_with_a_byte_order_mark_is_still_located_on_postgres() {
    // Not sent as one batch (the server would choke on the mark): statement by statement.
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write(
        "001_bom.sql",
        "\u{feff}CREATE TABLE v (id INT);\nINSERT INTO nope VALUES (1);\n",
    );
    let (_, err) = p.expect(&["migrate"], 1);
    assert!(err.contains("001_bom.sql:2:13"), "{err}");
    assert!(err.contains("(statement 2)"), "{err}");
    p.write("001_bom.sql", "\u{feff}CREATE TABLE v (id INT);\n");
    p.expect(&["migrate"], 0);
    assert!(p.db.tables().contains(&"v".to_owned()));
}

#[test]
fn file_errors_win_over_an_unreachable_database() {
    // Files are read while ferry connects; a bad file is still what the user hears about.
    let p = Project::new(TestDb::new(Engine::Sqlite));
    let run = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("ferry"))
            .env("FERRY_CACHE_DIR", p.cache_dir())
            .args(["-d", "postgres://ferry:s3cret@127.0.0.1:1/none", "--dir"])
            .arg(p.migrations())
            .arg("migrate")
            .output()
            .expect("run ferry")
    };
    p.write("001_a.sql", "-- ferry:nope\nSELECT 1;");
    let out = run();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("001_a.sql:1:4"), "{err}");
    p.write("001_a.sql", "SELECT 1;");
    let out = run();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot connect"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}

#[test]
fn postgres_sends_script_row_and_commit_together_and_keeps_them_exact() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    // No final semicolon, then a comment without a newline: what ferry appends must still parse.
    p.write(
        "001_a.sql",
        "CREATE TABLE a (id INT);\nINSERT INTO a VALUES (1) -- the end",
    );
    let down = "DROP TABLE a; -- it's $ferry0$ and $$ quoted";
    p.write("rollback/001_a.sql", down);
    p.expect(&["migrate"], 0);
    let rows = p.db.query(
        "SELECT down_sql || '|' || name || '|' || CAST(duration_ms >= 0 AS TEXT) FROM ferry_migrations",
    );
    assert_eq!(rows, [format!("{down}|a|true")]);
    // A deferred constraint fails at COMMIT, after the script ran: nothing of it is kept.
    p.write(
        "002_deferred.sql",
        "CREATE TABLE p (id INT PRIMARY KEY);\n\
         CREATE TABLE c (p INT REFERENCES p DEFERRABLE INITIALLY DEFERRED);\n\
         INSERT INTO c VALUES (1);\n",
    );
    let (_, err) = p.expect(&["migrate"], 1);
    assert!(err.contains("committing migration 002"), "{err}");
    assert!(err.contains("[23503]"), "{err}");
    assert!(!p.db.tables().contains(&"c".to_owned()), "rolled back");
    assert_eq!(
        p.states(),
        states(&[("001", "applied"), ("002", "pending")])
    );
}

#[test]
fn postgres_error_points_at_line_and_column() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write(
        "001_typo.sql",
        "-- header\nCREATE TABLE t (\n  id INT,\n  name TXET\n);\n",
    );
    let (_, err) = p.expect(&["migrate"], 1);
    assert!(err.contains("001_typo.sql:4:8"), "{err}");
    assert!(err.contains("[42704]"), "engine code in {err}");
}

#[test]
fn mysql_failure_is_recorded_and_blocks_until_repair() {
    let p = Project::new(TestDb::new(Engine::Mysql));
    p.write(
        "001_two_tables.sql",
        "CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\nINSERT INTO missing VALUES (1);\n",
    );
    let (_, err) = p.expect(&["migrate"], 1);
    assert!(
        err.contains("statements 1..2 were applied and committed, statement 3 failed"),
        "{err}"
    );
    assert!(err.contains("[1146]"), "{err}");
    assert_eq!(
        p.db.tables()
            .iter()
            .filter(|t| *t == "a" || *t == "b")
            .count(),
        2,
        "MySQL committed the DDL"
    );
    assert_eq!(p.states(), states(&[("001", "failed")]));
    let (_, err) = p.expect(&["migrate"], 4);
    assert!(err.contains("repair --clear-failed"), "{err}");
    let failed =
        p.db.query("SELECT CAST(failed_statement AS CHAR) FROM ferry_migrations");
    assert_eq!(failed, ["3"]);
    p.db.query("DROP TABLE a");
    p.db.query("DROP TABLE b");
    p.write(
        "001_two_tables.sql",
        "CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\n",
    );
    p.expect(&["repair", "--clear-failed"], 0);
    p.expect(&["migrate"], 0);
    assert_eq!(p.states(), states(&[("001", "applied")]));
}

#[test]
fn mysql_runs_a_data_only_migration_atomically() {
    let p = Project::new(TestDb::new(Engine::Mysql));
    p.write("001_t.sql", "CREATE TABLE t (id INT PRIMARY KEY);\n");
    p.write(
        "002_rows.sql",
        "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (1);\n",
    );
    p.write("003_more.sql", "CREATE TABLE u (id INT);\n");
    let (out, err) = p.expect(&["migrate"], 1);
    assert!(err.contains("[1062]"), "{err}");
    assert_eq!(
        out.matches("commits DDL implicitly").count(),
        1,
        "the reason is stated once: {out}"
    );
    let rows = p.db.query("SELECT CAST(COUNT(*) AS CHAR) FROM t");
    assert_eq!(
        rows,
        ["0"],
        "the first INSERT was rolled back with the second"
    );
    assert_eq!(
        p.states(),
        states(&[("001", "applied"), ("002", "pending"), ("003", "pending")])
    );
    p.write(
        "002_rows.sql",
        "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\n",
    );
    p.write("004_more.sql", "CREATE TABLE w (id INT);\n");
    let (out, _) = p.expect(&["migrate"], 0);
    let notes: Vec<&str> = out.lines().filter(|l| l.contains("note:")).collect();
    assert_eq!(notes.len(), 1, "003 and 004 share one note: {out}");
    assert!(notes[0].contains("003 runs without"), "not 002: {out}");
}

#[test]
fn concurrent_index_runs_without_transaction_and_says_why() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write("001_t.sql", "CREATE TABLE t (id INT);");
    p.write("002_idx.sql", "CREATE INDEX CONCURRENTLY idx_t ON t (id);");
    let (out, _) = p.expect(&["migrate", "--dry-run"], 0);
    assert!(
        out.contains("WITHOUT a transaction: CREATE INDEX CONCURRENTLY on line 1"),
        "{out}"
    );
    let (out, _) = p.expect(&["status"], 0);
    assert!(out.contains("002 runs without a transaction"), "{out}");
    assert!(
        p.db.tables().is_empty(),
        "dry run and status changed nothing"
    );
    p.expect(&["migrate"], 0);
    assert_eq!(
        p.db.query("SELECT indexname::text FROM pg_indexes WHERE indexname = 'idx_t'"),
        ["idx_t"]
    );
    let no_tx =
        p.db.query("SELECT CAST(no_transaction AS TEXT) FROM ferry_migrations ORDER BY id");
    assert_eq!(no_tx, ["false", "true"]);
}

#[test]
fn modified_migration_blocks_until_checksums_are_accepted() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write("001_a.sql", "CREATE TABLE a (id INT);\n");
    p.expect(&["migrate"], 0);
    // Line endings and a trailing blank line do not count as a change.
    p.write("001_a.sql", "CREATE TABLE a (id INT);\r\n\r\n");
    p.expect(&["validate"], 0);
    p.write("001_a.sql", "CREATE TABLE a (id BIGINT);\n");
    p.write("002_b.sql", "CREATE TABLE b (id INT);\n");
    assert_eq!(
        p.states(),
        states(&[("001", "modified"), ("002", "pending")])
    );
    let (_, err) = p.expect(&["migrate"], 4);
    assert!(err.contains("repair --accept-checksums"), "{err}");
    p.expect(&["validate"], 4);
    p.expect(&["status", "--check"], 4);
    p.expect(&["repair", "--accept-checksums"], 0);
    p.expect(&["migrate"], 0);
    p.expect(&["status", "--check"], 0);
}

#[test]
fn out_of_order_is_refused_unless_allowed() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write("2_b.sql", "CREATE TABLE b (id INT);");
    p.expect(&["migrate"], 0);
    p.write("1_a.sql", "CREATE TABLE a (id INT);");
    let (_, err) = p.expect(&["migrate"], 5);
    assert!(
        err.contains("1 a") && err.contains("--allow-out-of-order"),
        "{err}"
    );
    p.expect(&["validate"], 4);
    p.expect(&["migrate", "--allow-out-of-order"], 0);
    assert_eq!(p.states(), states(&[("1", "applied"), ("2", "applied")]));
}

#[test]
fn rollback_uses_the_down_script_stored_at_apply_time() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write("001_a.sql", "CREATE TABLE a (id INT);");
    p.write("rollback/001_a.sql", "DROP TABLE a;");
    p.expect(&["migrate"], 0);
    p.remove("rollback/001_a.sql");
    let (plan, _) = p.expect(&["rollback", "--dry-run"], 0);
    assert!(plan.contains("DROP TABLE a;"), "the stored script: {plan}");
    assert_eq!(
        p.states(),
        states(&[("001", "applied")]),
        "dry run changes nothing"
    );
    p.expect(&["rollback"], 0);
    assert!(p.db.tables().iter().all(|t| t != "a"));
    p.expect(&["redo"], 4 - 4); // nothing applied: redo does nothing
}

#[test]
fn redo_and_steps_and_to() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    for i in 1..=4 {
        p.write(
            &format!("00{i}_t{i}.up.sql"),
            &format!("CREATE TABLE t{i} (id INT);"),
        );
        p.write(
            &format!("00{i}_t{i}.down.sql"),
            &format!("DROP TABLE t{i};"),
        );
    }
    p.expect(&["migrate"], 0);
    p.expect(&["redo"], 0);
    assert_eq!(p.states().iter().filter(|(_, s)| s == "applied").count(), 4);
    p.expect(&["rollback", "--steps", "2"], 0);
    assert_eq!(
        p.states(),
        states(&[
            ("001", "applied"),
            ("002", "applied"),
            ("003", "rolled_back"),
            ("004", "rolled_back")
        ])
    );
    p.expect(&["migrate", "--to", "3"], 0);
    p.expect(&["rollback", "--to", "1"], 0);
    assert_eq!(
        p.states(),
        states(&[
            ("001", "applied"),
            ("002", "rolled_back"),
            ("003", "rolled_back"),
            ("004", "rolled_back")
        ])
    );
    p.expect(&["reset"], 0);
    assert_eq!(
        p.db.tables(),
        ["ferry_events", "ferry_migrations", "ferry_snapshots"]
    );
}

#[test]
fn redo_reapplies_only_the_last_migration() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    for v in ["001", "003"] {
        p.write(
            &format!("{v}_t.up.sql"),
            &format!("CREATE TABLE t{v} (id INT);"),
        );
        p.write(&format!("{v}_t.down.sql"), &format!("DROP TABLE t{v};"));
    }
    p.expect(&["migrate"], 0);
    // A branch merged later brings an older migration; redo must not sweep it in.
    p.write("002_t.up.sql", "CREATE TABLE t002 (id INT);");
    p.expect(&["redo"], 0);
    assert_eq!(
        p.states(),
        states(&[("001", "applied"), ("002", "pending"), ("003", "applied")])
    );
}

#[test]
fn baseline_adopts_an_existing_database() {
    let p = Project::new(TestDb::new(Engine::Mysql));
    p.db.query("CREATE TABLE legacy (id INT)");
    p.write("001_legacy.sql", "CREATE TABLE legacy (id INT);");
    p.write("002_next.sql", "CREATE TABLE next_one (id INT);");
    p.expect(&["baseline", "1"], 0);
    p.expect(&["migrate"], 0);
    assert_eq!(
        p.states(),
        states(&[("001", "applied"), ("002", "applied")])
    );
    assert_eq!(
        p.db.query("SELECT CAST(baseline AS CHAR) FROM ferry_migrations ORDER BY id"),
        ["1", "0"]
    );
}

#[test]
fn production_needs_yes_and_refuses_reset() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write("001_a.sql", "CREATE TABLE a (id INT);");
    p.write("rollback/001_a.sql", "DROP TABLE a;");
    p.expect(&["--env", "production", "migrate"], 0);
    let (_, err) = p.expect(&["--env", "production", "rollback"], 5);
    assert!(err.contains("--yes"), "{err}");
    p.expect(&["--env", "production", "repair", "--clear-failed"], 5);
    p.expect(&["--env", "production", "reset", "--yes"], 5);
    assert_eq!(p.states(), states(&[("001", "applied")]));
    p.expect(&["--env", "production", "rollback", "--yes"], 0);
}

#[test]
fn passwords_never_appear_in_output() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    for url in [
        "postgres://postgres:hunter2secret@127.0.0.1:1/db",
        "mysql://root:hunter2secret@127.0.0.1:1/db",
    ] {
        let mut cmd = assert_cmd::Command::cargo_bin("ferry").unwrap();
        let out = cmd
            .current_dir(p.dir.path())
            .env("FERRY_CACHE_DIR", p.cache_dir())
            .args(["-d", url, "--dir"])
            .arg(p.migrations())
            .args(["status", "--json"])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(1), "{all}");
        assert!(!all.contains("hunter2secret"), "{all}");
        assert!(all.contains(":***@"), "{all}");
    }
}

#[test]
fn bad_input_files_are_located_and_exit_2() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write("001_a.sql", "-- ferry:no-transacton\nSELECT 1;");
    let (_, err) = p.expect(&["migrate"], 2);
    assert!(
        err.contains("001_a.sql:1:4: unknown directive `ferry:no-transacton`"),
        "{err}"
    );
    assert!(
        p.db.tables().is_empty(),
        "bad files create nothing, not even the history"
    );
    p.write("001_a.sql", "SELECT 1;");
    p.expect(&["migrate", "--to", "x"], 2);
    // Down scripts are read only when needed, but a bad one is still reported, not ignored.
    p.write("rollback/001_a.sql", "-- ferry:nope\nSELECT 0;");
    for command in ["validate", "migrate"] {
        let (_, err) = p.expect(&[command], 2);
        assert!(err.contains("rollback/001_a.sql:1:4"), "{command}: {err}");
    }
    assert_eq!(p.states(), states(&[("001", "pending")]));
    p.remove("rollback/001_a.sql");
    p.write("1_b.sql", "SELECT 2;");
    let (_, err) = p.expect(&["validate"], 4);
    assert!(
        err.contains("001_a.sql") && err.contains("1_b.sql"),
        "{err}"
    );
    // With a history, a bad file is found while the history is read: still nothing recorded.
    p.remove("1_b.sql");
    p.expect(&["migrate"], 0);
    let events = || {
        p.db.query("SELECT CAST(COUNT(*) AS TEXT) FROM ferry_events")
    };
    let before = events();
    p.write("002_c.sql", "-- ferry:nope\nSELECT 3;");
    p.expect(&["migrate"], 2);
    assert_eq!(events(), before, "a file error is not a migrate that ran");
}

#[test]
fn lock_timeout_exits_3_and_names_the_holder() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write("001_a.sql", "CREATE TABLE a (id INT);");
    let lock_path = format!("{}.lock", p.db.url.trim_start_matches("sqlite://"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .unwrap();
    file.lock().unwrap();
    std::fs::write(&lock_path, "test-holder").unwrap();
    let (_, err) = p.expect(&["migrate", "--lock-timeout", "300ms"], 3);
    assert!(err.contains("test-holder"), "{err}");
    file.unlock().unwrap();
    p.expect(&["migrate"], 0);
}
