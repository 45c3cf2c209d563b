//! Other tools' folders, read as they are: each convention's fixture (written for these
//! tests, in `tests/fixtures/`) is detected, applied in the tool's own order with its
//! transaction markers honoured, and rolled back, on every engine the tool supports.

mod common;

use common::{Project, states};
use ferry_testkit::{Engine, TestDb};

const ALL: [Engine; 3] = [Engine::Postgres, Engine::Mysql, Engine::Sqlite];

/// The layout `status --json` reports.
fn layout(p: &Project) -> String {
    let (out, _) = p.expect(&["status", "--json"], 0);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    doc["layout"].as_str().expect("layout").to_owned()
}

/// (version, runs without a transaction) of every history row, in the order applied.
fn applied(p: &Project) -> Vec<(String, bool)> {
    let versions =
        p.db.query("SELECT version FROM ferry_migrations ORDER BY id");
    let no_tx =
        p.db.query("SELECT CAST(no_transaction AS CHAR(5)) FROM ferry_migrations ORDER BY id");
    let no_tx = no_tx.iter().map(|v| matches!(v.as_str(), "1" | "true"));
    versions.into_iter().zip(no_tx).collect()
}

/// The rows expected on `engine`: MySQL and MariaDB commit DDL implicitly, so every
/// migration of these fixtures (all DDL) runs without a transaction there.
fn rows_on(engine: Engine, expected: &[(&str, bool)]) -> Vec<(String, bool)> {
    let mysql = engine == Engine::Mysql;
    expected
        .iter()
        .map(|(v, t)| (v.to_string(), *t || mysql))
        .collect()
}

/// Applies `fixture` on `engine`, checks the layout, the order and the transaction
/// markers, then rolls everything back (the tables named in `tables` come and go).
fn round_trip(
    engine: Engine,
    fixture: &str,
    expect_layout: &str,
    expected: &[(&str, bool)],
    tables: &[&str],
) {
    let p = Project::from_fixture(TestDb::new(engine), fixture);
    round_trip_in(&p, expect_layout, expected, tables);
}

fn round_trip_in(p: &Project, expect_layout: &str, expected: &[(&str, bool)], tables: &[&str]) {
    let engine = p.db.engine;
    assert_eq!(layout(p), expect_layout, "{engine:?}");
    // Status shows versions as written; the history keeps numeric ones without zeros.
    let shown: Vec<(String, String)> = (p.states().into_iter())
        .map(|(v, s)| (v.trim_start_matches('0').to_owned(), s))
        .collect();
    let pending: Vec<(&str, &str)> = (expected.iter())
        .map(|(v, _)| (v.trim_start_matches('0'), "pending"))
        .collect();
    assert_eq!(shown, states(&pending), "{engine:?}: the tool's order");
    p.expect(&["migrate"], 0);
    assert_eq!(applied(p), rows_on(engine, expected), "{engine:?}");
    let present = p.db.tables();
    for t in tables {
        assert!(
            present.contains(&t.to_string()),
            "{engine:?}: {t} in {present:?}"
        );
    }
    p.expect(&["migrate"], 0);
    assert_eq!(
        applied(p).len(),
        expected.len(),
        "{engine:?}: nothing ran twice"
    );
    p.expect(&["rollback", "--to", "0", "--yes"], 0);
    let left = p.db.tables();
    for t in tables {
        assert!(
            !left.contains(&t.to_string()),
            "{engine:?}: {t} rolled back, {left:?}"
        );
    }
}

#[test]
fn diesel_folders_in_string_order_with_metadata_and_stray_files_ignored() {
    for engine in ALL {
        round_trip(
            engine,
            "diesel",
            "diesel",
            &[
                ("00000000000000", false),
                ("20200101000001", false),
                ("20200102000000", true),
                // As a string "9" sorts after "2020...": diesel's order, not numbers'.
                ("9", false),
            ],
            &["setup_marker", "users", "posts", "late"],
        );
    }
}

#[test]
fn popx_dialect_variants_override_skip_other_engines_and_autocommit_means_no_transaction() {
    for engine in ALL {
        let index_no_tx = engine == Engine::Postgres;
        round_trip(
            engine,
            "popx",
            "popx",
            &[
                ("20210101000001", false),
                ("20210101000002", false),
                ("20210101000003", index_no_tx),
            ],
            &["users", "posts"],
        );
    }
    // The SQLite variant of 2 ran there, not the generic file.
    let p = Project::from_fixture(TestDb::new(Engine::Sqlite), "popx");
    p.expect(&["migrate"], 0);
    let sql =
        p.db.query("SELECT sql FROM sqlite_master WHERE name = 'posts'");
    assert!(sql[0].contains("AUTOINCREMENT"), "{sql:?}");
}

#[test]
fn maragudk_keys_are_whole_stems_in_name_order() {
    for engine in ALL {
        round_trip(
            engine,
            "maragudk",
            "maragudk",
            &[
                ("1-posts", false),
                ("1-users", false),
                ("2-comments", false),
            ],
            &["users", "posts", "comments"],
        );
    }
}

#[test]
fn dbmate_sections_and_transaction_false() {
    for engine in ALL {
        round_trip(
            engine,
            "dbmate",
            "dbmate",
            &[("20200101000001", false), ("20200101000002", true)],
            &["users", "posts"],
        );
    }
}

#[test]
fn goose_sections_fences_and_no_transaction_with_go_files_reported_until_ignored() {
    for engine in ALL {
        let p = Project::from_fixture(TestDb::new(engine), "goose");
        let (_, err) = p.expect(&["migrate"], 2);
        assert!(
            err.contains("00003_backfill.go") && err.contains("Go migration"),
            "{err}"
        );
        assert!(p.db.tables().is_empty(), "{engine:?}: nothing ran");
        let (_, err) = p.expect(&["status", "--check"], 2);
        assert!(err.contains("00003_backfill.go"), "{err}");
        p.config("[migrations]\nignore = [\"*.go\"]\n");
        round_trip_in(
            &p,
            "goose",
            &[("1", false), ("2", true)],
            &["users", "posts"],
        );
    }
}

#[test]
fn node_pg_migrate_sections() {
    round_trip(
        Engine::Postgres,
        "node-pg-migrate",
        "node-pg-migrate",
        &[("1600000000000", false), ("1600000000001", false)],
        &["users", "posts"],
    );
}

#[test]
fn sqlx_names_and_no_transaction_marker() {
    for engine in ALL {
        let p = Project::from_fixture(TestDb::new(engine), "sqlx");
        assert_eq!(layout(&p), "ferry");
        p.expect(&["migrate"], 0);
        assert_eq!(
            applied(&p),
            rows_on(
                engine,
                &[("20200101000001", false), ("20200101000002", true)]
            )
        );
        p.expect(&["rollback"], 0);
        assert!(!p.db.tables().contains(&"posts".to_string()));
    }
}

#[test]
fn postgres_migrations_disable_transaction_and_ignore() {
    let p = Project::from_fixture(TestDb::new(Engine::Postgres), "postgres-migrations");
    let (out, _) = p.expect(&["migrate", "--dry-run", "--json"], 0);
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        plan["steps"][2]["record_only"],
        "-- postgres-migrations ignore"
    );
    assert_eq!(plan["steps"][2]["statements"], serde_json::json!([]));
    let (out, _) = p.expect(&["migrate"], 0);
    assert!(
        out.contains("recorded without running: the file says -- postgres-migrations ignore"),
        "{out}"
    );
    assert_eq!(
        applied(&p),
        rows_on(Engine::Postgres, &[("1", false), ("2", true), ("3", false)])
    );
    assert!(!p.db.tables().contains(&"never_created".to_string()));
}

#[test]
fn a_postgres_do_block_or_procedure_call_that_commits_runs_without_a_transaction() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write(
        "001_backfill.sql",
        "CREATE TABLE t (a int);\nDO $$ BEGIN INSERT INTO t VALUES (1); COMMIT; INSERT INTO t VALUES (2); END $$;\n",
    );
    p.write(
        "002_procedure.sql",
        "CREATE PROCEDURE fill() LANGUAGE plpgsql AS $$\nBEGIN\n  INSERT INTO t VALUES (3);\n  COMMIT;\nEND $$;\nCALL fill();\n",
    );
    let (out, _) = p.expect(&["migrate"], 0);
    assert!(
        out.contains("a DO block that commits or rolls back") && out.contains("CALL of fill"),
        "{out}"
    );
    assert_eq!(
        p.db.query("SELECT a::text FROM t ORDER BY a"),
        ["1", "2", "3"]
    );
    assert_eq!(
        applied(&p),
        rows_on(Engine::Postgres, &[("1", true), ("2", true)])
    );
}

#[test]
fn flyway_versions_undo_files_and_repeatables() {
    for engine in ALL {
        let p = Project::from_fixture(TestDb::new(engine), "flyway");
        assert_eq!(layout(&p), "ferry");
        p.expect(&["migrate"], 0);
        let versions = [
            ("1", false),
            ("1.1", false),
            ("2", false),
            ("R__user_names", false),
        ];
        assert_eq!(applied(&p), rows_on(engine, &versions));
        // Unchanged, a repeatable stays applied; changed, it runs again, last.
        p.expect(&["migrate"], 0);
        assert_eq!(applied(&p).len(), 4);
        p.write(
            "R__user_names.sql",
            "DROP VIEW IF EXISTS user_names;\nCREATE VIEW user_names AS SELECT id, name FROM users;\n",
        );
        assert_eq!(
            p.states().last().unwrap(),
            &("R__user_names".to_string(), "pending".to_string())
        );
        p.expect(&["validate"], 0);
        p.expect(&["migrate"], 0);
        assert_eq!(applied(&p).len(), 5, "{engine:?}: applied again");
        // Its batch held only the repeatable, which is never rolled back.
        let (out, _) = p.expect(&["rollback", "--batch"], 0);
        assert!(out.contains("nothing to do"), "{out}");
        // 2 has no undo file: rolling it back is refused; 1.1's U file undoes 1.1.
        let (code, _, err) = p.run(&["rollback", "--to", "1.1"]);
        assert!(code != 0 && err.contains("no down script"), "{err}");
        p.write("U2__create_comments.sql", "DROP TABLE comments;\n");
        p.expect(&["rollback", "--to", "1"], 0);
        let left = p.db.tables();
        assert!(
            !left.contains(&"posts".to_string()) && !left.contains(&"comments".to_string()),
            "{left:?}"
        );
        assert!(
            p.db.query("SELECT CAST(count(*) AS CHAR(5)) FROM user_names") == ["0"],
            "the view stays"
        );
    }
}

#[test]
fn a_layout_set_in_ferry_toml_wins_and_an_unknown_one_is_named() {
    let p = Project::from_fixture(TestDb::new(Engine::Sqlite), "dbmate");
    p.config("[migrations]\nlayout = \"goose\"\n");
    let (_, err) = p.expect(&["status"], 2);
    assert!(
        err.contains("20200101000001_create_users.sql:2:") && err.contains("-- +goose Up"),
        "{err}"
    );
    p.config("[migrations]\nlayout = \"gooze\"\n");
    let (_, err) = p.expect(&["status"], 2);
    assert!(
        err.contains("layout `gooze` is unknown") && err.contains("dbmate"),
        "{err}"
    );
}

#[test]
fn versions_on_the_command_line_are_read_as_the_folder_writes_them() {
    let p = Project::from_fixture(TestDb::new(Engine::Sqlite), "diesel");
    p.expect(&["migrate", "--to", "20200101000001"], 0);
    assert_eq!(applied(&p).len(), 2);
    p.expect(&["migrate"], 0);
    // "9" sorts last as text: rolling back to 20200101000001 undoes 9 and 20200102000000.
    p.expect(&["rollback", "--to", "20200101000001"], 0);
    let left = p.db.tables();
    assert!(
        left.contains(&"users".to_string()) && !left.contains(&"late".to_string()),
        "{left:?}"
    );
    assert!(!left.contains(&"posts".to_string()), "{left:?}");
}

#[test]
fn doctor_reports_the_folder_and_other_tools_tables_and_changes_nothing() {
    for engine in ALL {
        let p = Project::from_fixture(TestDb::new(engine), "goose");
        std::fs::create_dir(p.migrations().join("notes")).unwrap();
        p.db.execute("CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY, version_id BIGINT NOT NULL, is_applied BOOLEAN NOT NULL)");
        let (out, _) = p.expect(&["doctor"], 0);
        for expected in [
            "layout: goose (`00001_create_users.sql` has a `-- +goose Up` line)",
            "00003_backfill.go: a Go migration",
            "notes: not a migration in the goose layout",
            "00002_create_posts.sql:1: the file says -- +goose NO TRANSACTION",
            "other tools' history tables: goose_db_version (goose)",
        ] {
            assert!(out.contains(expected), "{engine:?}: {expected}\n{out}");
        }
        let (out, _) = p.expect(&["doctor", "--json"], 0);
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["layout"], "goose");
        assert_eq!(doc["database"]["other_tools"][0]["tool"], "goose");
        assert_eq!(
            p.db.tables(),
            ["goose_db_version"],
            "{engine:?}: nothing created"
        );
    }
    // A database that cannot be reached is reported, and the folder still examined.
    let p = Project::from_fixture(TestDb::new(Engine::Sqlite), "dbmate");
    let (code, out, _) = p.run_for(
        "postgres://ferry:secret@127.0.0.1:1/none",
        &["doctor", "--connect-timeout", "1s"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("not reached") && !out.contains("secret"),
        "{out}"
    );
    assert!(out.contains("layout: dbmate"), "{out}");
}

/// Found by an adversarial trial: a down section must never run as part of an up migration.
#[test]
fn a_down_section_never_runs_as_part_of_the_up_migration() {
    for engine in ALL {
        // A byte order mark before the first marker.
        let p = Project::from_fixture(TestDb::new(engine), "goose");
        p.config("[migrations]\nignore = [\"*.go\"]\n");
        p.write(
            "00001_create_users.sql",
            "\u{feff}-- +goose Up\nCREATE TABLE users (id INTEGER PRIMARY KEY);\n-- +goose Down\nDROP TABLE users;\n",
        );
        p.expect(&["migrate"], 0);
        assert!(
            p.db.tables().contains(&"users".to_string()),
            "{engine:?}: the up ran, not the down"
        );
        // A file holding only its down section, alone in its folder.
        let p = Project::new(TestDb::new(engine));
        p.write("00001_a.sql", "-- +goose Down\nDROP TABLE a;\n");
        let (_, err) = p.expect(&["migrate"], 2);
        assert!(
            err.contains("00001_a.sql:1") && err.contains("down section"),
            "{engine:?}: {err}"
        );
        // A numbered folder whose file carries another tool's down marker.
        let p = Project::new(TestDb::new(engine));
        p.write("001_a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);\n");
        p.write(
            "002_b.sql",
            "CREATE TABLE b (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE a;\n",
        );
        let (code, _, err) = p.run(&["migrate"]);
        assert!(
            code == 2 && err.contains("migrate:"),
            "{engine:?}: {code} {err}"
        );
        assert!(p.db.tables().is_empty(), "{engine:?}: nothing ran");
        // With the layout set, the marker is refused where it is.
        p.config(
            "[migrations]
layout = \"ferry\"\n",
        );
        let (_, err) = p.expect(&["migrate"], 2);
        assert!(
            err.contains("002_b.sql:2") && err.contains("down section"),
            "{engine:?}: {err}"
        );
    }
}

/// Found by an adversarial trial: markers inside string literals are text, not markers.
#[test]
fn other_tools_markers_inside_string_literals_are_not_honoured() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write(
        "001_a.sql",
        "CREATE TABLE t (id int, s text);\nINSERT INTO t VALUES (1, '\n-- postgres-migrations ignore\n');\n",
    );
    p.write(
        "002_b.sql",
        "INSERT INTO t VALUES (2, '\n-- no-transaction\n');\nINSERT INTO t VALUES (3, 'x');\nSELECT 1/0;\n",
    );
    let (_, err) = p.expect(&["migrate"], 1);
    assert!(err.contains("division by zero"), "{err}");
    assert_eq!(
        p.db.query("SELECT CAST(id AS TEXT) FROM t ORDER BY id"),
        ["1"],
        "001 ran; 002 ran in a transaction and was rolled back whole"
    );
}

/// Found by an adversarial trial: one stray file does not turn a numbered folder into
/// name order.
#[test]
fn a_stray_unversioned_file_is_refused_not_a_new_order() {
    let p = Project::new(TestDb::new(Engine::Sqlite));
    for (name, table) in [("1_a", "a"), ("2_b", "b"), ("10_c", "c"), ("init", "i")] {
        p.write(
            &format!("{name}.up.sql"),
            &format!("CREATE TABLE {table} (id INTEGER);\n"),
        );
    }
    let (_, err) = p.expect(&["migrate"], 2);
    assert!(
        err.contains("init.up.sql") && err.contains("version"),
        "{err}"
    );
    p.remove("init.up.sql");
    p.expect(&["migrate"], 0);
    assert_eq!(
        p.db.query("SELECT version FROM ferry_migrations ORDER BY id"),
        ["1", "2", "10"]
    );
}

#[test]
fn liquibase_changesets_in_changelog_order_with_their_rollbacks() {
    for engine in ALL {
        round_trip(
            engine,
            "liquibase",
            "liquibase",
            &[
                ("ann:create-users", false),
                ("bob:create-posts", false),
                ("ann:comments", true),
            ],
            &["users", "posts", "comments"],
        );
    }
    // Rolling back to a changeset by its key.
    let p = Project::from_fixture(TestDb::new(Engine::Sqlite), "liquibase");
    p.expect(&["migrate"], 0);
    p.expect(&["rollback", "--to", "ann:create-users"], 0);
    assert_eq!(
        p.db.tables()
            .iter()
            .filter(|t| !t.starts_with("ferry"))
            .collect::<Vec<_>>(),
        ["users"]
    );
}

/// Found by an adversarial trial: a changeset's checksum is its own text's, wherever it
/// stands, and redo finds its file.
#[test]
fn liquibase_changesets_keep_their_checksums_when_the_file_around_them_changes() {
    let p = Project::from_fixture(TestDb::new(Engine::Sqlite), "liquibase");
    p.expect(&["migrate"], 0);
    p.expect(&["redo"], 0);
    // A changeset added in the middle, and a comment line above another.
    let path = p.migrations().join("001-changelog.sql");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "--changeset bob:create-posts",
        "--changeset cy:tags\nCREATE TABLE tags (id INTEGER PRIMARY KEY);\n--rollback DROP TABLE tags;\n\n-- a note\n--changeset bob:create-posts",
    );
    std::fs::write(&path, text).unwrap();
    assert_eq!(
        p.states(),
        states(&[
            ("ann:create-users", "applied"),
            ("cy:tags", "pending"),
            ("bob:create-posts", "applied"),
            ("ann:comments", "applied"),
        ])
    );
    p.expect(&["validate"], 4);
    p.expect(&["migrate", "--allow-out-of-order"], 0);
    assert!(p.db.tables().contains(&"tags".to_string()));
}

/// Portable JSON migrations take their place in the order like SQL ones, each engine
/// running its own SQL or the universal one; what cannot run on an engine is refused at
/// plan time, before anything runs.
#[test]
fn portable_json_migrations_run_per_engine_or_are_refused_before_anything_runs() {
    let p = Project::from_fixture(TestDb::new(Engine::Postgres), "portable");
    p.expect(&["migrate"], 0);
    assert_eq!(
        applied(&p),
        rows_on(Engine::Postgres, &[("1", false), ("2", false), ("3", true)])
    );
    let default = p.db.query("SELECT column_default FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'id'");
    assert!(
        default[0].contains("nextval"),
        "the PostgreSQL SQL ran: {default:?}"
    );
    p.expect(&["rollback", "--to", "0"], 0);
    assert!(!p.db.tables().contains(&"customers".to_string()));
    for engine in [Engine::Mysql, Engine::Sqlite] {
        let p = Project::from_fixture(TestDb::new(engine), "portable");
        let (_, err) = p.expect(&["migrate"], 2);
        assert!(
            err.contains("003_search.json") && err.contains("does not support"),
            "{engine:?}: {err}"
        );
        assert!(
            p.db.tables().iter().all(|t| t != "users"),
            "{engine:?}: nothing ran"
        );
        let (out, _) = p.expect(&["doctor"], 0);
        assert!(out.contains("cannot run on"), "{engine:?}: {out}");
        p.remove("003_search.json");
        p.expect(&["migrate"], 0);
        assert_eq!(
            p.db.query("SELECT email FROM customers"),
            ["first@example.com"],
            "{engine:?}"
        );
    }
    // A misspelt engine is an error at its JSON path, never skipped.
    let p = Project::from_fixture(TestDb::new(Engine::Sqlite), "portable");
    let path = p.migrations().join("002_customers.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"postgresql\": \"CREATE", "\"postgre\": \"CREATE");
    std::fs::write(&path, text).unwrap();
    let (_, err) = p.expect(&["status"], 2);
    assert!(
        err.contains("002_customers.json:17:21")
            && err.contains("migration.steps.up[0].sql.postgre"),
        "{err}"
    );
}

/// Found by a trial: a down step's `"transactional": false` is the down script's, not the
/// up's, on a real server.
#[test]
fn a_portable_down_step_without_a_transaction_leaves_the_up_in_one() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write(
        "001_idx.json",
        r#"{"format":"portable-migration-v1","migration":{"id":"idx","pluginId":"app","version":"1.0.0","name":"idx","type":"index",
        "steps":{"up":[{"id":"t","type":"schema","name":"t","sql":{"universal":"CREATE TABLE t (a int); CREATE INDEX t_a ON t (a)"}}],
        "down":[{"id":"d","type":"index","name":"d","transactional":false,"sql":{"postgresql":"DROP INDEX CONCURRENTLY t_a"}},
                {"id":"t","type":"schema","name":"t","sql":{"universal":"DROP TABLE t"}}]}}}"#,
    );
    p.expect(&["migrate"], 0);
    assert_eq!(
        applied(&p),
        [("1".to_string(), false)],
        "the up ran in a transaction"
    );
    let (out, _) = p.expect(&["rollback"], 0);
    assert!(
        out.contains("without a transaction")
            && out.contains("\"transactional\": false in migration.steps.down[0]"),
        "{out}"
    );
    assert!(!p.db.tables().contains(&"t".to_string()));
}
