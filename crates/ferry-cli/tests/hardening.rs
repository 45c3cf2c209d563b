//! Regression tests for the defects an adversarial trial found (issue 7): each is named
//! after what it guards and runs on every engine where the defect could occur.

mod common;

use common::{Project, states};
use ferry_testkit::{Engine, TestDb};
use std::time::{Duration, Instant};

const ALL: [Engine; 3] = [Engine::Postgres, Engine::Mysql, Engine::Sqlite];

/// The history table's row count.
fn history_rows(p: &Project) -> String {
    p.db.query("SELECT CAST(COUNT(*) AS CHAR(10)) FROM ferry_migrations")
        .concat()
}

fn no_panic(err: &str) {
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

#[test]
fn a_file_name_starting_with_a_multibyte_character_is_an_error_not_a_panic() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write("ü001_x.sql", "SELECT 1;");
    for command in [&["status"][..], &["migrate"], &["validate"]] {
        let (_, err) = p.expect(command, 2);
        no_panic(&err);
        assert!(err.contains("ü001_x.sql"), "{err}");
    }
}

#[test]
fn huge_or_malformed_timeouts_are_refused_not_a_panic() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    for bad in ["1e20", "1e20s", "99999999999999999999", "soon"] {
        let (_, err) = p.expect(&["status", "--lock-timeout", bad], 2);
        no_panic(&err);
        let (_, err) = p.expect(&["status", "--connect-timeout", bad], 2);
        no_panic(&err);
    }
    std::fs::write(p.dir.path().join("ferry.toml"), "lock_timeout = \"1e20\"\n").unwrap();
    let (_, err) = p.expect(&["status"], 2);
    no_panic(&err);
    assert!(
        err.contains("ferry.toml") && err.contains("lock_timeout"),
        "{err}"
    );
}

#[test]
fn a_long_multibyte_history_table_name_locks_on_mysql() {
    let p = Project::new(TestDb::new(Engine::Mysql));
    let table = "ü".repeat(60);
    std::fs::write(
        p.dir.path().join("ferry.toml"),
        format!("[migrations]\ntable = \"{table}\"\n"),
    )
    .unwrap();
    p.write("001_a.sql", "CREATE TABLE a (id INT);");
    let (_, err) = p.expect(&["migrate"], 0);
    no_panic(&err);
    p.expect(&["status", "--check"], 0);
}

#[test]
fn sqlite_table_rebuild_with_foreign_keys_off_keeps_child_rows() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write(
        "001_tables.sql",
        "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n\
         CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE);\n\
         INSERT INTO parent VALUES (1, 'a'), (2, 'b');\n\
         INSERT INTO child VALUES (10, 1), (11, 2);",
    );
    // SQLite's documented procedure for changing a table's definition.
    p.write(
        "002_rebuild.sql",
        "PRAGMA foreign_keys = OFF;\n\
         CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');\n\
         INSERT INTO parent_new SELECT id, name FROM parent;\n\
         DROP TABLE parent;\n\
         ALTER TABLE parent_new RENAME TO parent;\n\
         PRAGMA foreign_keys = ON;",
    );
    p.expect(&["migrate"], 0);
    assert_eq!(
        p.db.query("SELECT CAST(COUNT(*) AS TEXT) FROM child"),
        ["2"]
    );
    // The connection's own setting is back: a dangling child row is refused again.
    p.write("003_orphan.sql", "INSERT INTO child VALUES (12, 99);");
    let (_, err) = p.expect(&["migrate"], 1);
    assert!(err.contains("FOREIGN KEY"), "{err}");
}

#[test]
fn sqlite_foreign_key_violations_left_with_foreign_keys_off_fail_the_migration() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write(
        "001_tables.sql",
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n\
         CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));",
    );
    p.write(
        "002_orphans.sql",
        "PRAGMA foreign_keys = OFF;\nINSERT INTO child VALUES (1, 42);",
    );
    let (_, err) = p.expect(&["migrate"], 1);
    assert!(
        err.contains("002") && err.contains("foreign key violation"),
        "{err}"
    );
    assert!(err.contains("child"), "the violation is shown: {err}");
    assert_eq!(
        p.db.query("SELECT CAST(COUNT(*) AS TEXT) FROM child"),
        ["0"]
    );
    assert_eq!(
        p.states(),
        states(&[("001", "applied"), ("002", "pending")])
    );
}

#[test]
fn a_migration_changing_search_path_does_not_redirect_ferrys_tables_on_postgres() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    // `app` even has a history table of its own that ferry must not write into.
    p.write(
        "001_schema.sql",
        "CREATE SCHEMA app;\nCREATE TABLE app.ferry_migrations (id INT);\nSET search_path TO app;",
    );
    p.write("002_next.sql", "CREATE TABLE t2 (id INT);");
    p.expect(&["migrate"], 0);
    assert_eq!(
        p.states(),
        states(&[("001", "applied"), ("002", "applied")])
    );
    // Each migration starts from the connection's state: t2 is in public, not in app.
    assert_eq!(
        p.db.query("SELECT schemaname || '.' || tablename FROM pg_tables WHERE tablename = 't2'"),
        ["public.t2"]
    );
    assert_eq!(
        p.db.query("SELECT CAST(COUNT(*) AS TEXT) FROM app.ferry_migrations"),
        ["0"]
    );
}

#[test]
fn a_migration_saying_use_does_not_redirect_ferrys_tables_on_mysql() {
    let p = Project::new(TestDb::new(Engine::Mysql));
    let other = format!("{}_other", p.db.name());
    p.write(
        "001_use.sql",
        &format!("CREATE DATABASE {other};\nUSE {other};\nSET SESSION sql_mode = 'ANSI_QUOTES';"),
    );
    p.write(
        "002_next.sql",
        "CREATE TABLE t2 (id INT);\nINSERT INTO t2 VALUES (1);",
    );
    let result = p.run(&["migrate"]);
    let tables = p.db.tables();
    p.db.query(&format!("DROP DATABASE {other}"));
    assert_eq!(result.0, 0, "{}", result.2);
    assert!(tables.contains(&"t2".to_owned()), "{tables:?}");
    assert_eq!(
        p.states(),
        states(&[("001", "applied"), ("002", "applied")])
    );
}

#[test]
fn renaming_an_applied_file_is_a_probable_rename_not_a_second_apply() {
    for engine in ALL {
        let p = Project::new(TestDb::new(engine));
        p.write("001_a.sql", "CREATE TABLE a (id INT);");
        p.expect(&["migrate"], 0);
        std::fs::rename(
            p.migrations().join("001_a.sql"),
            p.migrations().join("002_a.sql"),
        )
        .unwrap();
        let (_, err) = p.expect(&["migrate"], 4);
        assert!(
            err.contains("002 a") && err.contains("migration 1 a") && err.contains("renamed"),
            "{engine:?}: {err}"
        );
        p.expect(&["validate"], 4);
        assert_eq!(history_rows(&p), "1", "{engine:?}");
    }
}

#[test]
fn rollback_to_zero_rolls_back_a_version_zero_migration() {
    for engine in ALL {
        let p = Project::new(TestDb::new(engine));
        p.write("0000_init.up.sql", "CREATE TABLE z (id INT);");
        p.write("0000_init.down.sql", "DROP TABLE z;");
        p.write("0001_a.up.sql", "CREATE TABLE a (id INT);");
        p.write("0001_a.down.sql", "DROP TABLE a;");
        p.expect(&["migrate"], 0);
        p.expect(&["rollback", "--to", "0"], 0);
        assert_eq!(
            p.states(),
            states(&[("0000", "rolled_back"), ("0001", "rolled_back")]),
            "{engine:?}"
        );
        assert_eq!(
            p.db.tables(),
            ["ferry_events", "ferry_migrations", "ferry_snapshots"]
        );
    }
}

#[test]
fn out_of_order_ignores_a_cleared_newer_failure() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write(
        "002_bad.sql",
        "-- ferry:no-transaction\nINSERT INTO nope VALUES (1);",
    );
    p.expect(&["migrate"], 1);
    p.expect(&["repair", "--clear-failed"], 0);
    p.write("001_first.sql", "CREATE TABLE first (id INT);");
    p.write("002_bad.sql", "CREATE TABLE second (id INT);");
    let (_, err) = p.expect(&["migrate"], 0);
    assert!(!err.contains("()"), "{err}");
    assert_eq!(
        p.states(),
        states(&[("001", "applied"), ("002", "applied")])
    );
}

#[test]
fn redo_without_its_file_is_refused_before_anything_runs() {
    for engine in ALL {
        let p = Project::new(TestDb::new(engine));
        p.write("001_a.up.sql", "CREATE TABLE a (id INT);");
        p.write("001_a.down.sql", "DROP TABLE a;");
        p.expect(&["migrate"], 0);
        p.remove("001_a.up.sql");
        p.remove("001_a.down.sql");
        let (_, err) = p.expect(&["redo"], 4);
        assert!(err.contains("cannot redo"), "{engine:?}: {err}");
        assert!(p.db.tables().contains(&"a".to_owned()), "{engine:?}");
        assert_eq!(p.states(), states(&[("1", "missing")]));
    }
}

#[test]
fn a_bad_file_anywhere_stops_migrate_before_the_first_migration_runs() {
    let bad = [
        ("'unterminated string", "SELECT 'oops;"),
        ("dollar quote", "DO $x$ BEGIN PERFORM 1; END"),
        ("comment", "/* never closed"),
    ];
    for engine in ALL {
        for (what, text) in bad {
            if what == "dollar quote" && engine != Engine::Postgres {
                continue;
            }
            let p = Project::new(TestDb::new(engine));
            p.write("001_a.sql", "CREATE TABLE a (id INT);");
            p.write("002_b.sql", "CREATE TABLE b (id INT);");
            p.write("003_bad.sql", &format!("SELECT 1;\n{text}\n"));
            let (_, err) = p.expect(&["migrate"], 2);
            assert!(
                err.contains("003_bad.sql:2:") || err.contains("003_bad.sql:3:"),
                "{engine:?} {what}: {err}"
            );
            assert!(
                p.db.tables().is_empty(),
                "{engine:?} {what}: {:?}",
                p.db.tables()
            );
        }
    }
}

#[test]
fn refusals_decided_from_the_files_create_nothing() {
    for engine in ALL {
        let p = Project::new(TestDb::new(engine));
        p.write("001_a.sql", "CREATE TABLE a (id INT);");
        p.expect(&["migrate", "--to", "999"], 2);
        p.expect(&["baseline", "999"], 2);
        assert!(p.db.tables().is_empty(), "{engine:?}: {:?}", p.db.tables());
    }
}

#[test]
fn a_nul_byte_is_bad_input_with_its_place() {
    for engine in ALL {
        let p = Project::new(TestDb::new(engine));
        p.write("001_a.sql", "CREATE TABLE a (id INT);");
        p.write("002_nul.sql", "SELECT 1;\nSELECT 'a\0b';\n");
        let started = Instant::now();
        let (_, err) = p.expect(&["migrate"], 2);
        assert!(started.elapsed() < Duration::from_secs(20), "{engine:?}");
        assert!(
            err.contains("002_nul.sql:2:10") && err.contains("NUL"),
            "{err}"
        );
        assert!(p.db.tables().is_empty(), "{engine:?}");
    }
}

#[test]
fn a_server_that_never_answers_times_out() {
    // Accepts TCP connections (the kernel's backlog) and never says a word.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let p = Project::new(TestDb::new(Engine::Sqlite));
    for scheme in ["postgres", "mysql"] {
        let url = format!("{scheme}://u:Secr3t@127.0.0.1:{port}/db");
        let started = Instant::now();
        let out = p
            .cmd_for(&url)
            .args(["status", "--connect-timeout", "1s"])
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{scheme}: {err}");
        assert!(started.elapsed() < Duration::from_secs(10), "{scheme}");
        assert!(err.contains("did not answer"), "{err}");
        assert!(!err.contains("Secr3t"), "{err}");
    }
    drop(listener);
}

#[test]
fn a_password_that_breaks_the_url_is_never_printed() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    for url in [
        "postgres://user:Ab/cD@127.0.0.1/db",
        "postgres://user:Ab#cD@127.0.0.1/db",
        "mysql://user:Ab?cD@127.0.0.1/db",
        "postgres://user:12/cD@127.0.0.1/db",
        "postgres://user:AbcD@127.0.0.1:99999/db",
    ] {
        for json in [false, true] {
            let mut args = vec!["status"];
            if json {
                args.push("--json");
            }
            let (code, out, err) = p.run_for(url, &args);
            assert_eq!(code, 2, "{url}: {err}");
            for text in [&out, &err] {
                assert!(
                    !text.contains("cD") && !text.contains("AbcD"),
                    "{url}: {text}"
                );
            }
        }
    }
}

#[test]
fn sqlite_urls_without_a_path_and_missing_files_are_handled() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write("001_a.sql", "CREATE TABLE a (id INT);");
    let (code, _, err) = p.run_for("sqlite://", &["migrate"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("sqlite::memory:"), "{err}");
    let missing = p.dir.path().join("nothing-here.db");
    let url = format!("sqlite://{}", missing.display());
    for command in [
        &["status"][..],
        &["validate"],
        &["migrate", "--dry-run"],
        &["rollback"],
    ] {
        let (code, _, err) = p.run_for(&url, command);
        assert_eq!(code, 0, "{command:?}: {err}");
        assert!(!missing.exists(), "{command:?} created the file");
    }
    assert_eq!(p.run_for(&url, &["migrate"]).0, 0);
    assert!(missing.exists());
}

#[test]
fn a_syntax_error_in_a_batched_postgres_migration_is_located() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write("001_a.sql", "CREATE TABLE a (id INT);\nSELEC 1;\n");
    let (_, err) = p.expect(&["migrate"], 1);
    assert!(err.contains("001_a.sql:2:1"), "{err}");
    assert!(err.contains("migration 001 a"), "{err}");
    assert!(!err.contains("starting a transaction"), "{err}");
    assert!(!err.contains("no transaction in progress"), "{err}");
}

#[test]
fn a_mysql_procedure_without_delimiter_is_sent_whole() {
    let p = Project::new(TestDb::new(Engine::Mysql));
    p.write(
        "001_proc.sql",
        "CREATE TABLE t (id INT, delimiter VARCHAR(3));\n\
         CREATE PROCEDURE bump(IN n INT)\nBEGIN\n  IF n > 0 THEN\n    INSERT INTO t VALUES (n, 'x');\n  END IF;\nEND;\n\
         CALL bump(5);",
    );
    p.write(
        "rollback/001_proc.sql",
        "DROP PROCEDURE bump;\nDROP TABLE t;",
    );
    p.expect(&["migrate"], 0);
    assert_eq!(p.db.query("SELECT CAST(id AS CHAR) FROM t"), ["5"]);
    p.expect(&["rollback"], 0);
}

#[test]
fn a_misspelt_directive_after_a_block_comment_is_an_error() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write(
        "001_a.sql",
        "/* Copyright header */\n-- ferry:no-transacton\nCREATE TABLE a (id INT);",
    );
    let (_, err) = p.expect(&["migrate"], 2);
    assert!(
        err.contains("001_a.sql:2:4") && err.contains("unknown directive"),
        "{err}"
    );
}

#[test]
fn unreadable_entries_that_look_like_migrations_are_errors() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write("001_a.sql", "CREATE TABLE a (id INT);");
    std::os::unix::fs::symlink("gone.sql", p.migrations().join("002_b.sql")).unwrap();
    let (_, err) = p.expect(&["status"], 2);
    assert!(
        err.contains("002_b.sql") && err.contains("does not exist"),
        "{err}"
    );
    p.remove("002_b.sql");
    // A folder that is not a migration is no migration's business (`ferry doctor` lists it).
    std::fs::create_dir(p.migrations().join("notes")).unwrap();
    p.expect(&["status"], 0);
}

#[test]
fn a_fixed_down_script_can_be_recorded_and_is_then_used() {
    for engine in ALL {
        let p = Project::new(TestDb::new(engine));
        p.write("001_a.up.sql", "CREATE TABLE a (id INT);");
        p.write("001_a.down.sql", "DROP TABLE nope;");
        p.expect(&["migrate"], 0);
        p.write("001_a.down.sql", "DROP TABLE a;");
        let (out, _) = p.expect(&["validate"], 0);
        assert!(
            out.contains("warning") && out.contains("accept-down"),
            "{out}"
        );
        let (out, _) = p.expect(&["repair", "--accept-down"], 0);
        assert!(out.contains("recorded the file's down script"), "{out}");
        p.expect(&["rollback"], 0);
        assert_eq!(
            p.db.tables(),
            ["ferry_events", "ferry_migrations", "ferry_snapshots"],
            "{engine:?}"
        );
    }
}

#[test]
fn an_empty_down_script_says_nothing_was_undone() {
    for engine in ALL {
        let p = Project::new(TestDb::new(engine));
        p.write("001_a.up.sql", "SELECT 1;");
        p.write("001_a.down.sql", "-- nothing to undo\n");
        p.expect(&["migrate"], 0);
        let (out, _) = p.expect(&["rollback", "--json"], 0);
        assert!(
            out.contains("down script empty: nothing undone"),
            "{engine:?}: {out}"
        );
        p.expect(&["migrate"], 0);
        let (out, _) = p.expect(&["rollback"], 0);
        assert!(
            out.contains("down script empty: nothing undone"),
            "{engine:?}: {out}"
        );
    }
}

#[test]
fn the_no_transaction_note_repeats_after_a_transactional_migration() {
    let p = Project::new(TestDb::new(Engine::Mysql));
    p.write("001_a.sql", "CREATE TABLE a (id INT);");
    p.write("002_b.sql", "INSERT INTO a VALUES (1);");
    p.write("003_c.sql", "CREATE TABLE c (id INT);");
    let (out, _) = p.expect(&["migrate"], 0);
    assert_eq!(
        out.matches("runs without a transaction").count(),
        2,
        "{out}"
    );
}

#[test]
fn a_history_found_through_the_search_path_stays_where_it_is_on_postgres() {
    // Before ferry qualified its tables, an unqualified name found the history through the
    // search path; qualifying must keep finding that same table.
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write("001_a.sql", "CREATE SCHEMA app;");
    p.expect(&["migrate"], 0);
    std::fs::write(
        p.dir.path().join("ferry.toml"),
        "[database]\nsession = [\"SET search_path = app, public\"]\n",
    )
    .unwrap();
    p.write("002_b.sql", "CREATE TABLE b (id INT);");
    p.expect(&["migrate"], 0);
    assert_eq!(
        p.db.query("SELECT CAST(COUNT(*) AS TEXT) FROM public.ferry_migrations"),
        ["2"]
    );
    assert_eq!(
        p.db.query("SELECT schemaname || '.' || tablename FROM pg_tables WHERE tablename IN ('b', 'ferry_migrations') ORDER BY 1"),
        ["app.b", "public.ferry_migrations"]
    );
}

#[test]
fn mariadb_session_limits_and_read_only_do_not_leak_into_the_next_migration() {
    let p = Project::new(TestDb::new(Engine::Mysql));
    p.write(
        "001_limits.sql",
        "SET SESSION max_statement_time = 0.001;\nSET SESSION TRANSACTION READ ONLY;\nSET SESSION sql_select_limit = 1;",
    );
    p.write(
        "002_next.sql",
        "CREATE TABLE t (id INT);\nINSERT INTO t VALUES (1), (2);\nDO SLEEP(0.05);",
    );
    p.write("003_count.sql", "CREATE TABLE n AS SELECT id FROM t;");
    p.expect(&["migrate"], 0);
    assert_eq!(p.db.query("SELECT CAST(COUNT(*) AS CHAR) FROM n"), ["2"]);
}

#[test]
fn a_broken_down_script_is_refused_before_it_is_stored() {
    for engine in ALL {
        let p = Project::new(TestDb::new(engine));
        p.write("001_a.up.sql", "CREATE TABLE a (id INT);");
        p.write("001_a.down.sql", "SELECT 'unterminated;\n");
        let (_, err) = p.expect(&["migrate"], 2);
        assert!(err.contains("001_a.down.sql:1:"), "{engine:?}: {err}");
        assert!(p.db.tables().is_empty(), "{engine:?}");
        p.write("001_a.down.sql", "DROP TABLE a;");
        p.expect(&["migrate"], 0);
        p.write("001_a.down.sql", "DROP TABLE 'a;");
        let (_, err) = p.expect(&["repair", "--accept-down"], 2);
        assert!(err.contains("001_a.down.sql"), "{engine:?}: {err}");
        p.expect(&["rollback"], 0);
    }
}

#[test]
fn a_sqlite_database_with_hard_links_is_refused() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write("001_a.sql", "CREATE TABLE a (id INT);");
    p.expect(&["migrate"], 0);
    let file = p.db.url.trim_start_matches("sqlite://").to_owned();
    let link = p.dir.path().join("hard.db");
    std::fs::hard_link(&file, &link).unwrap();
    let (code, _, err) = p.run_for(&format!("sqlite://{}", link.display()), &["migrate"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("hard links"), "{err}");
}

#[test]
fn a_password_in_a_url_without_a_scheme_is_hidden() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    for json in [false, true] {
        let mut args = vec!["status"];
        if json {
            args.push("--json");
        }
        let (code, out, err) = p.run_for("u:S3cretPw@127.0.0.1/db", &args);
        assert_eq!(code, 2);
        assert!(
            !out.contains("S3cretPw") && !err.contains("S3cretPw"),
            "{out}{err}"
        );
    }
}

#[test]
fn the_history_and_events_tables_must_differ() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    std::fs::write(
        p.dir.path().join("ferry.toml"),
        "[migrations]\ntable = \"ferry_events\"\n",
    )
    .unwrap();
    let (_, err) = p.expect(&["status"], 2);
    assert!(err.contains("different names"), "{err}");
}

#[test]
fn commands_that_create_nothing_leave_no_sqlite_lock_file() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write("001_a.sql", "CREATE TABLE a (id INT);");
    let missing = p.dir.path().join("no-folder").join("x.db");
    let url = format!("sqlite://{}", missing.display());
    for command in [
        &["rollback"][..],
        &["redo"],
        &["reset"],
        &["repair", "--clear-failed"],
    ] {
        let (code, _, err) = p.run_for(&url, command);
        assert_eq!(code, 0, "{command:?}: {err}");
    }
    assert!(!p.dir.path().join("no-folder").exists());
}

#[test]
fn a_script_that_never_commits_its_own_transaction_is_refused() {
    for engine in ALL {
        let p = Project::new(TestDb::new(engine));
        p.write("001_a.sql", "BEGIN;\nCREATE TABLE a (id INT);\n");
        let (_, err) = p.expect(&["migrate"], 2);
        assert!(
            err.contains("001_a.sql:1:1") && err.contains("never ends"),
            "{engine:?}: {err}"
        );
        assert!(p.db.tables().is_empty(), "{engine:?}");
    }
}

#[test]
fn a_failure_inside_the_scripts_own_transaction_is_reported_and_recorded() {
    for engine in [Engine::Postgres, Engine::Sqlite] {
        let p = Project::new(TestDb::new(engine));
        p.write(
            "001_a.sql",
            "BEGIN;\nCREATE TABLE a (id INT);\nINSERT INTO nope VALUES (1);\nCOMMIT;\n",
        );
        let (_, err) = p.expect(&["migrate"], 1);
        assert!(
            err.contains("001_a.sql:3:") && err.contains("nope"),
            "{engine:?}: {err}"
        );
        assert_eq!(p.states(), states(&[("001", "failed")]), "{engine:?}");
        assert!(!p.db.tables().contains(&"a".to_owned()), "{engine:?}");
    }
}

#[test]
fn a_failed_rollback_needs_a_decision_not_a_clear() {
    let p = Project::new(TestDb::new(Engine::Mysql));
    p.write(
        "001_a.up.sql",
        "CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);",
    );
    p.write(
        "001_a.down.sql",
        "DROP TABLE b;\nDROP TABLE nope;\nDROP TABLE a;",
    );
    p.expect(&["migrate"], 0);
    p.expect(&["rollback"], 1);
    let (_, err) = p.expect(&["repair", "--clear-failed"], 4);
    assert!(
        err.contains("--mark-rolled-back") && err.contains("--mark-applied"),
        "{err}"
    );
    assert_eq!(p.states(), states(&[("001", "failed")]));
    // The human finishes the down script by hand.
    p.db.query("DROP TABLE a");
    p.expect(&["repair", "--mark-rolled-back", "1"], 0);
    assert_eq!(p.states(), states(&[("001", "rolled_back")]));
    p.expect(&["migrate"], 0);
    p.expect(&["repair", "--mark-applied", "1"], 2);
}

#[test]
fn mysql_versioned_comments_run() {
    let p = Project::new(TestDb::new(Engine::Mysql));
    p.write(
        "001_dump.sql",
        "/*!40101 SET NAMES utf8mb4 */;\n/*!40014 SET @saved = @@unique_checks */;\nCREATE TABLE a (id INT);",
    );
    p.expect(&["migrate"], 0);
    assert!(p.db.tables().contains(&"a".to_owned()));
}

#[test]
fn a_set_role_does_not_leak_into_the_next_migration_on_postgres() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    let role = format!("{}_role", p.db.name());
    p.write(
        "001_role.sql",
        &format!("CREATE ROLE {role};\nSET ROLE {role};"),
    );
    p.write("002_next.sql", "CREATE TABLE t (id INT);");
    let result = p.run(&["migrate"]);
    let owner =
        p.db.query("SELECT CAST(tableowner AS TEXT) FROM pg_tables WHERE tablename = 't'");
    p.db.query("DROP TABLE IF EXISTS t");
    p.db.query(&format!("DROP ROLE IF EXISTS {role}"));
    assert_eq!(result.0, 0, "{}", result.2);
    assert_eq!(owner, ["postgres"]);
}

#[test]
fn a_set_role_in_a_no_transaction_migration_or_a_rollback_does_not_write_ferrys_rows() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    let role = format!("{}_nrole", p.db.name());
    p.write(
        "001_role.up.sql",
        &format!("-- ferry:no-transaction\nCREATE ROLE {role};\nSET ROLE {role};"),
    );
    p.write("001_role.down.sql", &format!("SET ROLE {role};"));
    let migrated = p.run(&["migrate"]);
    let rolled_back = p.run(&["rollback"]);
    p.db.query(&format!("DROP ROLE IF EXISTS {role}"));
    assert_eq!(migrated.0, 0, "{}", migrated.2);
    assert_eq!(rolled_back.0, 0, "{}", rolled_back.2);
}

#[test]
fn a_dry_run_shows_what_runs_before_begin_and_before_commit() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write(
        "001_rebuild.sql",
        "CREATE TABLE a (id INT);\nPRAGMA foreign_keys = OFF;\nINSERT INTO a VALUES (1);",
    );
    let (out, _) = p.expect(&["migrate", "--dry-run"], 0);
    assert!(
        out.contains("-- before BEGIN") && out.contains("PRAGMA foreign_keys = OFF;"),
        "{out}"
    );
    assert!(
        out.contains("-- before COMMIT, must return no rows"),
        "{out}"
    );
    let (out, _) = p.expect(&["migrate", "--dry-run", "--json"], 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        doc["steps"][0]["before_transaction"][0],
        "PRAGMA foreign_keys = OFF"
    );
    assert_eq!(doc["steps"][0]["statements"].as_array().unwrap().len(), 2);
    let file = p.db.url.trim_start_matches("sqlite://");
    assert!(
        !std::path::Path::new(file).exists(),
        "a dry run creates nothing"
    );
}

/// Another session keeps the history table locked, so reading it would wait for ever:
/// ferry's own query must give up after its limit (30 s at the least) instead.
fn own_queries_time_out(engine: Engine, lock: &str) {
    let p = Project::new(TestDb::new(engine));
    p.write("001_a.sql", "CREATE TABLE a (id INT);");
    p.expect(&["migrate"], 0);
    let holder = p.db.hold(lock, Duration::from_secs(33));
    let started = Instant::now();
    let (_, err) = p.expect(&["status", "--connect-timeout", "1s"], 1);
    let waited = started.elapsed();
    holder.join().unwrap();
    assert!(
        err.contains("did not answer within 30s"),
        "{engine:?}: {err}"
    );
    assert!(waited < Duration::from_secs(33), "{engine:?}: {waited:?}");
}

#[test]
fn ferrys_own_queries_time_out_instead_of_hanging_on_postgres() {
    own_queries_time_out(
        Engine::Postgres,
        "BEGIN; LOCK TABLE ferry_migrations IN ACCESS EXCLUSIVE MODE",
    );
}

#[test]
fn ferrys_own_queries_time_out_instead_of_hanging_on_mysql() {
    own_queries_time_out(Engine::Mysql, "LOCK TABLES ferry_migrations WRITE");
}
