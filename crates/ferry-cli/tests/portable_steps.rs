//! A portable migration's steps run with their guards, on every engine: preValidation and
//! postValidation must hold, expectedChanges.rows must match (or warn, if configured), a
//! step's timeout is the server's statement limit, and a skipOnError step's failure is
//! undone and reported while the migration goes on.

mod common;

use common::Project;
use ferry_testkit::{Engine, TestDb};

const ALL: [Engine; 3] = [Engine::Postgres, Engine::Mysql, Engine::Sqlite];

/// A project with `accounts` holding three upper-case e-mails, and portable migration 002
/// whose up steps are `steps` (JSON).
fn project(engine: Engine, steps: &str) -> Project {
    let p = Project::new(TestDb::new(engine));
    p.write(
        "001_accounts.sql",
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL);\n\
         INSERT INTO accounts (id, email) VALUES (1, 'A@X.COM'), (2, 'B@X.COM'), (3, 'C@X.COM');",
    );
    p.write("rollback/001_accounts.sql", "DROP TABLE accounts;");
    p.write(
        "002_normalize.json",
        &format!(
            r#"{{"format":"portable-migration-v1","migration":{{"id":"normalize-emails","pluginId":"app","version":"1.0.0",
            "name":"normalize","type":"data","steps":{{"up":{steps},"down":[]}}}}}}"#
        ),
    );
    p
}

/// A step (JSON) running `sql` on every engine, with `extra` fields.
fn step(id: &str, sql: &str, extra: &str) -> String {
    format!(r#"{{"id":"{id}","type":"data","name":"{id}","sql":{{"universal":"{sql}"}}{extra}}}"#)
}

const LOWER: &str = "UPDATE accounts SET email = LOWER(email)";

fn emails(p: &Project) -> Vec<String> {
    p.db.query("SELECT email FROM accounts ORDER BY id")
}

#[test]
fn validations_and_expected_changes_hold_or_the_migration_is_not_kept() {
    for engine in ALL {
        let guarded = step(
            "lower",
            LOWER,
            r#","preValidation":"SELECT COUNT(*) > 0 FROM accounts","postValidation":"SELECT id FROM accounts WHERE email <> LOWER(email)","expectedChanges":{"rows":3}"#,
        );
        let p = project(engine, &format!("[{guarded}]"));
        p.expect(&["migrate"], 0);
        assert_eq!(emails(&p), ["a@x.com", "b@x.com", "c@x.com"], "{engine:?}");

        // A preValidation that does not hold: nothing of the step runs.
        let pre = step(
            "lower",
            LOWER,
            r#","preValidation":"SELECT COUNT(*) = 0 FROM accounts""#,
        );
        let p = project(engine, &format!("[{pre}]"));
        let (_, err) = p.expect(&["migrate"], 1);
        assert!(
            err.contains("step `lower`: its preValidation does not hold: `SELECT COUNT(*) = 0 FROM accounts` returned"),
            "{engine:?}: {err}"
        );
        assert_eq!(emails(&p)[0], "A@X.COM", "{engine:?}");
        assert_eq!(
            p.states()[1].1,
            "pending",
            "{engine:?}: a transactional failure leaves it pending"
        );

        // A postValidation that does not hold: the step's change is rolled back with it.
        let post = step(
            "lower",
            LOWER,
            r#","postValidation":"SELECT COUNT(*) = 0 FROM accounts""#,
        );
        let p = project(engine, &format!("[{post}]"));
        let (_, err) = p.expect(&["migrate"], 1);
        assert!(
            err.contains("its postValidation does not hold"),
            "{engine:?}: {err}"
        );
        assert_eq!(emails(&p)[0], "A@X.COM", "{engine:?}");

        // expectedChanges: a mismatch fails the migration, or warns when configured.
        let counted = step("lower", LOWER, r#","expectedChanges":{"rows":5}"#);
        let p = project(engine, &format!("[{counted}]"));
        let (_, err) = p.expect(&["migrate"], 1);
        assert!(
            err.contains("changed 3 row(s), but its expectedChanges.rows is 5"),
            "{engine:?}: {err}"
        );
        assert_eq!(emails(&p)[0], "A@X.COM", "{engine:?}");
        p.config("[portable]\nexpected_changes = \"warn\"\n");
        let (out, _) = p.expect(&["migrate"], 0);
        assert!(
            out.contains("expectedChanges.rows is 5"),
            "{engine:?}: {out}"
        );
        assert_eq!(emails(&p)[0], "a@x.com", "{engine:?}");
    }
}

#[test]
fn a_step_that_may_fail_is_undone_and_reported_and_the_rest_runs() {
    for engine in ALL {
        let bad = step(
            "optional",
            "UPDATE accounts SET email = 'x' WHERE no_such_column = 1",
            r#","skipOnError":true"#,
        );
        let good = step("lower", LOWER, "");
        let p = project(engine, &format!("[{bad},{good}]"));
        let (out, _) = p.expect(&["migrate"], 0);
        assert!(
            out.contains("step `optional` failed and was skipped (skipOnError)"),
            "{engine:?}: {out}"
        );
        assert_eq!(emails(&p), ["a@x.com", "b@x.com", "c@x.com"], "{engine:?}");
    }
}

#[test]
fn a_steps_timeout_is_the_servers_statement_limit() {
    for engine in ALL {
        let sleep = match engine {
            Engine::Postgres => "SELECT pg_sleep(5)",
            Engine::Mysql => "SELECT SLEEP(5)",
            // No sleep in SQLite, and no server-side limit either: said, not hidden.
            Engine::Sqlite => "SELECT 1",
        };
        let p = project(
            engine,
            &format!("[{}]", step("slow", sleep, r#","timeout":1"#)),
        );
        let started = std::time::Instant::now();
        let (code, out, err) = p.run(&["migrate"]);
        match engine {
            Engine::Sqlite => {
                assert_eq!(code, 0, "{err}");
                assert!(
                    out.contains("its 1s timeout is not enforced: sqlite"),
                    "{out}"
                );
            }
            _ => {
                assert_eq!(code, 1, "{engine:?}: {out}{err}");
                assert!(err.contains("002_normalize.json"), "{engine:?}: {err}");
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(4),
                    "{engine:?}"
                );
                // The limit is put back: ferry's own work after it is not cut short.
                p.write("002_normalize.json", "");
                p.remove("002_normalize.json");
                p.expect(&["status"], 0);
            }
        }
    }
}

#[test]
fn a_portable_migration_keeps_its_id_across_renames() {
    for engine in ALL {
        let p = project(engine, &format!("[{}]", step("lower", LOWER, "")));
        let path = p.migrations().join("002_normalize.json");
        let upper = step("upper", "UPDATE accounts SET email = UPPER(email)", "");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace(r#""down":[]"#, &format!(r#""down":[{upper}]"#)),
        )
        .unwrap();
        p.expect(&["migrate"], 0);
        assert_eq!(
            p.db.query("SELECT name FROM ferry_migrations ORDER BY id"),
            ["accounts", "normalize-emails"],
            "{engine:?}: the history names it by its id"
        );
        // Re-packaged under another number: still the applied migration, nothing runs.
        let text = std::fs::read_to_string(p.migrations().join("002_normalize.json")).unwrap();
        p.remove("002_normalize.json");
        p.write("007_normalize_emails.json", &text);
        let (out, _) = p.expect(&["migrate"], 0);
        assert!(!out.contains("applied 1"), "{engine:?}: {out}");
        assert_eq!(
            p.states(),
            common::states(&[("001", "applied"), ("007", "applied")]),
            "{engine:?}"
        );
        p.expect(&["validate"], 0);
        // And it rolls back by its id too.
        p.expect(&["rollback"], 0);
        assert_eq!(p.states()[1].1, "rolled_back", "{engine:?}");
        assert_eq!(emails(&p)[0], "A@X.COM", "{engine:?}");
    }
}

/// Found by an adversarial trial: a guard that must undo its step is refused, before
/// anything runs, where the migration has no transaction to undo it with; validations are
/// one read-only query, and answer alike on every engine.
#[test]
fn guards_that_need_a_transaction_are_refused_without_one_and_validations_only_read() {
    for engine in ALL {
        for guard in [
            r#","postValidation":"SELECT 1""#,
            r#","expectedChanges":{"rows":3}"#,
            r#","skipOnError":true"#,
        ] {
            let extra = format!(r#"{guard},"transactional":false"#);
            let p = project(engine, &format!("[{}]", step("lower", LOWER, &extra)));
            let (_, err) = p.expect(&["migrate"], 2);
            assert!(
                err.contains("runs without a transaction"),
                "{engine:?}: {err}"
            );
            assert!(
                !p.db.tables().iter().any(|t| t == "accounts"),
                "{engine:?}: nothing ran"
            );
        }
        for query in [
            "SELECT 1=1; DROP TABLE accounts",
            "UPDATE accounts SET email = 'x'",
        ] {
            let extra = format!(r#","preValidation":"{query}""#);
            let p = project(engine, &format!("[{}]", step("lower", LOWER, &extra)));
            let (_, err) = p.expect(&["migrate"], 2);
            assert!(
                err.contains("a validation is one query"),
                "{engine:?}: {err}"
            );
        }
        // `SELECT 1` is an int4 on PostgreSQL: true there as everywhere.
        let one = step("lower", LOWER, r#","preValidation":"SELECT 1""#);
        let p = project(engine, &format!("[{one}]"));
        p.expect(&["migrate"], 0);
        let (out, _) = p.expect(&["plan", "-v"], 0);
        assert!(out.contains("nothing to do"), "{out}");
    }
}
