//! `ferry generate rollback` on every engine: the down script it writes undoes the up
//! script (the rehearsal passes on the real server); what it cannot invert it names, and
//! then it writes nothing.

mod common;

use common::Project;
use ferry_testkit::{Engine, TestDb};

const ALL: [Engine; 3] = [Engine::Postgres, Engine::Mysql, Engine::Sqlite];

#[test]
fn a_generated_down_passes_the_rehearsal() {
    for engine in ALL {
        let p = Project::new(TestDb::new(engine));
        p.write(
            "001_users.sql",
            "CREATE TABLE orgs (id INTEGER PRIMARY KEY);\n\
             CREATE TABLE users (id INTEGER PRIMARY KEY, org_id INTEGER, email VARCHAR(100));\n\
             CREATE INDEX users_email ON users (email);\n\
             CREATE VIEW user_emails AS SELECT email FROM users;",
        );
        p.write("002_nick.sql", "ALTER TABLE users ADD COLUMN nick VARCHAR(20);\nALTER TABLE users RENAME COLUMN nick TO handle;");
        for v in ["1", "2"] {
            let (out, _) = p.expect(&["generate", "rollback", v], 0);
            assert!(out.starts_with("wrote "), "{engine:?}: {out}");
        }
        let down = std::fs::read_to_string(p.migrations().join("rollback/002_nick.sql")).unwrap();
        assert!(down.contains("ALTER TABLE users RENAME COLUMN handle TO nick;\nALTER TABLE users DROP COLUMN nick;"), "{engine:?}: {down}");
        let (out, _) = p.expect(&["test", "--all"], 0);
        assert!(
            out.contains("rehearsed 2 migration(s): 2 passed"),
            "{engine:?}: {out}"
        );
        // A down with statements is not replaced without --force.
        let (_, err) = p.expect(&["generate", "rollback", "1"], 5);
        assert!(
            err.contains("already has statements; pass --force"),
            "{engine:?}: {err}"
        );
        p.expect(&["generate", "rollback", "1", "--force"], 0);
    }
}

#[test]
fn what_has_no_inverse_is_listed_and_nothing_is_written() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    p.write(
        "001_cleanup.sql",
        "CREATE TABLE kept (id INTEGER);\nDELETE FROM kept;\nDROP TABLE legacy;",
    );
    let (out, err) = p.expect(&["generate", "rollback", "1"], 4);
    assert!(
        out.contains("001_cleanup.sql:2:1: DELETE FROM kept: a data change cannot be inverted"),
        "{out}"
    );
    assert!(
        out.contains("001_cleanup.sql:3:1: DROP TABLE legacy: DROP destroys the object"),
        "{out}"
    );
    assert!(err.contains("2 statement(s) of"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!p.migrations().join("rollback/001_cleanup.sql").exists());
    // --stdout prints instead of writing; a version that does not exist is a usage error.
    p.write("002_t.sql", "CREATE TABLE t (id INTEGER);");
    let (out, _) = p.expect(&["generate", "rollback", "2", "--stdout"], 0);
    assert!(out.ends_with("DROP TABLE t;\n"), "{out}");
    assert!(!p.migrations().join("rollback/002_t.sql").exists());
    let (_, err) = p.expect(&["generate", "rollback", "9"], 2);
    assert!(err.contains("no migration has version `9`"), "{err}");
}

#[test]
fn a_concurrent_index_gets_a_no_transaction_down() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write("001_t.sql", "CREATE TABLE t (id INTEGER);");
    p.write("rollback/001_t.sql", "DROP TABLE t;");
    p.write(
        "002_idx.sql",
        "-- ferry:no-transaction\nCREATE INDEX CONCURRENTLY t_id ON t (id);",
    );
    p.expect(&["generate", "rollback", "2"], 0);
    let down = std::fs::read_to_string(p.migrations().join("rollback/002_idx.sql")).unwrap();
    assert!(down.starts_with("-- ferry:no-transaction\n"), "{down}");
    assert!(down.contains("DROP INDEX CONCURRENTLY t_id;"), "{down}");
    p.expect(&["test", "--all"], 0);
}
