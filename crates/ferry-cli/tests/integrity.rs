//! `ferry verify` and `ferry drift` on every engine: orphans under foreign keys, invalid
//! indexes with their duplicates, constraints never validated, rows lost since the last
//! migrate, checksums; and every object changed outside ferry since the last snapshot.

mod common;

use common::Project;
use ferry_testkit::{Engine, TestDb};

const ALL: [Engine; 3] = [Engine::Postgres, Engine::Mysql, Engine::Sqlite];

/// orgs (one row) and users (three rows) with a foreign key from users to orgs.
fn project(engine: Engine) -> Project {
    let p = Project::new(TestDb::new(engine));
    p.write(
        "001_shop.sql",
        "CREATE TABLE orgs (id INTEGER PRIMARY KEY, name VARCHAR(50));\n\
         CREATE TABLE users (id INTEGER PRIMARY KEY, org_id INTEGER REFERENCES orgs (id), email VARCHAR(100));\n\
         INSERT INTO orgs (id, name) VALUES (1, 'a');\n\
         INSERT INTO users (id, org_id, email) VALUES (1, 1, 'a@x'), (2, 1, 'b@x'), (3, NULL, 'c@x');",
    );
    p.write(
        "rollback/001_shop.sql",
        "DROP TABLE users; DROP TABLE orgs;",
    );
    p
}

#[test]
fn a_sound_database_passes_every_check() {
    for engine in ALL {
        let p = project(engine);
        p.expect(&["migrate"], 0);
        let (out, _) = p.expect(&["verify"], 0);
        assert!(out.contains("pass  foreign keys: "), "{engine:?}: {out}");
        assert!(
            out.contains(
                "pass  history: checksums: 1 migration file(s) checked against the history"
            ),
            "{engine:?}: {out}"
        );
        assert!(!out.contains("FAIL"), "{engine:?}: {out}");
    }
}

#[test]
fn orphans_lost_rows_and_edited_files_fail_with_samples() {
    for engine in ALL {
        let p = project(engine);
        p.expect(&["migrate"], 0);
        // Orphans, as a bulk load with the keys switched off leaves them.
        let off = match engine {
            Engine::Postgres => "SET session_replication_role = replica;",
            Engine::Mysql => "SET foreign_key_checks = 0;",
            Engine::Sqlite => "PRAGMA foreign_keys = OFF;",
        };
        p.db.execute(&format!(
            "{off} INSERT INTO users (id, org_id, email) VALUES (4, 7, 'd@x'), (5, 9, 'e@x')"
        ));
        // A migration that loses rows of a table it does not drop.
        p.write("002_oops.sql", "DELETE FROM users WHERE id = 2;");
        p.write(
            "rollback/002_oops.sql",
            "INSERT INTO users (id, org_id, email) VALUES (2, 1, 'b@x');",
        );
        let (code, out, err) = p.run(&["migrate"]);
        assert_eq!(code, 0, "{engine:?}: {out}{err}");
        p.write("001_shop.sql", "-- edited after it was applied\nSELECT 1;");
        let (out, err) = p.expect(&["verify"], 4);
        assert!(
            out.contains("row(s) reference no row of orgs"),
            "{engine:?}: {out}"
        );
        assert!(
            out.contains("        org_id=7\n") && out.contains("        org_id=9\n"),
            "{engine:?}: {out}"
        );
        assert!(
            out.contains(
                "FAIL  row counts: table users: 4 row(s), 5 before the last migrate: 1 fewer"
            ),
            "{engine:?}: {out}"
        );
        assert!(
            out.contains("FAIL  history: checksums: 1 problem(s)"),
            "{engine:?}: {out}"
        );
        assert!(
            err.contains("verify: 3 check(s) failed"),
            "{engine:?}: {err}"
        );
        let (json, _) = p.expect(&["verify", "--json"], 4);
        let doc = common::first_json(&json);
        assert_eq!(doc["passed"], false);
        let fk = &doc["checks"][0];
        assert_eq!(fk["category"], "foreign keys", "{engine:?}: {doc}");
        assert_eq!(
            fk["samples"].as_array().unwrap().len(),
            2,
            "{engine:?}: {doc}"
        );
    }
}

#[test]
fn constraints_never_validated_and_the_rows_breaking_them_are_found() {
    // NOT VALID exists on PostgreSQL only.
    let p = project(Engine::Postgres);
    p.write(
        "002_checks.sql",
        "ALTER TABLE users ADD CONSTRAINT email_at CHECK (email LIKE '%@%.%') NOT VALID;",
    );
    p.write(
        "rollback/002_checks.sql",
        "ALTER TABLE users DROP CONSTRAINT email_at;",
    );
    p.expect(&["migrate"], 0);
    let (out, _) = p.expect(&["verify"], 4);
    assert!(
        out.contains("FAIL  constraints: check email_at on users: never validated, and 3 row(s) break it: fix them, then ALTER TABLE \"users\" VALIDATE CONSTRAINT \"email_at\""),
        "{out}"
    );
}

#[test]
fn an_invalid_unique_index_is_reported_with_its_duplicates() {
    let p = project(Engine::Postgres);
    p.expect(&["migrate"], 0);
    let err =
        p.db.execute_failing("CREATE UNIQUE INDEX CONCURRENTLY users_org ON users (org_id)");
    assert!(err.contains("could not create unique index"), "{err}");
    let (out, _) = p.expect(&["verify"], 4);
    assert!(
        out.contains("FAIL  indexes: index users_org on users: invalid, and 1 value(s) are duplicated under it"),
        "{out}"
    );
    assert!(out.contains("\n        org_id=1\n"), "{out}");
    // The rehearsal's and drift's schema read sees it invalid too.
    let (dump, _) = p.expect(&["schema", "dump"], 0);
    assert!(
        dump.contains("index users_org unique (org_id) using btree [invalid]"),
        "{dump}"
    );
}

#[test]
fn drift_lists_what_changed_outside_ferry() {
    for engine in ALL {
        let p = project(engine);
        let (_, err) = p.expect(&["drift"], 2);
        // (A SQLite file that is not there yet is said to be missing.)
        assert!(
            err.contains("no schema snapshot is stored yet")
                || err.contains("the SQLite database file does not exist"),
            "{engine:?}: {err}"
        );
        p.db.execute("SELECT 1");
        let (_, err) = p.expect(&["drift"], 2);
        assert!(
            err.contains("no schema snapshot is stored yet"),
            "{engine:?}: {err}"
        );
        p.expect(&["migrate"], 0);
        let (out, _) = p.expect(&["drift"], 0);
        assert!(
            out.starts_with("no drift: the schema is as ferry left it (migrate at "),
            "{engine:?}: {out}"
        );

        p.db.execute("CREATE INDEX by_hand ON users (email)");
        p.db.execute("ALTER TABLE orgs ADD COLUMN note VARCHAR(10)");
        let (out, err) = p.expect(&["drift"], 4);
        assert!(
            out.contains("2 change(s) made outside ferry since migrate at "),
            "{engine:?}: {out}"
        );
        assert!(
            out.contains("  + column orgs.note: note "),
            "{engine:?}: {out}"
        );
        assert!(
            out.contains("  + index by_hand on users: (email)"),
            "{engine:?}: {out}"
        );
        assert!(err.contains("`ferry drift --accept`"), "{engine:?}: {err}");

        // A migrate stores a new snapshot: what it did is not drift, what was done by hand
        // before it is taken in with it.
        p.write("002_more.sql", "CREATE TABLE more (id INTEGER);");
        p.write("rollback/002_more.sql", "DROP TABLE more;");
        p.expect(&["migrate"], 0);
        p.expect(&["drift"], 0);
        p.db.execute(match engine {
            Engine::Mysql => "DROP INDEX by_hand ON users",
            _ => "DROP INDEX by_hand",
        });
        let (out, _) = p.expect(&["drift", "--json"], 4);
        let doc = common::first_json(&out);
        assert_eq!(doc["drift"], true);
        assert_eq!(
            doc["differences"][0]["change"], "removed",
            "{engine:?}: {doc}"
        );
        assert_eq!(
            doc["differences"][0]["object"], "index by_hand on users",
            "{engine:?}: {doc}"
        );
        // Accepted: the live schema is the new snapshot.
        let (out, _) = p.expect(&["drift", "--accept"], 0);
        assert!(out.contains("is the new snapshot"), "{out}");
        p.expect(&["drift"], 0);
        // ferry's own tables are never drift.
        assert!(
            !p.expect(&["schema", "dump"], 0)
                .0
                .contains("ferry_snapshots")
        );
    }
}

/// A table the catalog estimates above a million rows is not scanned by COUNT(*) before
/// every migrate; the others are counted exactly.
#[test]
fn large_tables_are_not_counted_before_a_migrate() {
    let p = project(Engine::Postgres);
    p.expect(&["migrate"], 0);
    // What the planner believes after ANALYZE of a huge table (ferry reads the estimate).
    p.db.execute("CREATE TABLE huge (id int); INSERT INTO huge VALUES (1); UPDATE pg_class SET reltuples = 5e6 WHERE relname = 'huge';");
    p.write("002_more.sql", "CREATE TABLE more (id INTEGER);");
    p.write("rollback/002_more.sql", "DROP TABLE more;");
    p.expect(&["migrate"], 0);
    let counts =
        p.db.query("SELECT row_counts FROM ferry_snapshots ORDER BY id DESC LIMIT 1");
    let counts: serde_json::Value = serde_json::from_str(&counts[0]).unwrap();
    assert_eq!(counts["users"], 3, "{counts}");
    assert!(counts.get("huge").is_none(), "{counts}");
}
