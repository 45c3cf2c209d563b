//! Switching to ferry from a real peer: a folder applied by dbmate (its npm package) or by
//! sqlx's own migrator, then `ferry import-history`, `status`, `migrate` of a new
//! migration only, and `rollback`, with the old tool's table left exactly as it was.

mod common;

use common::{Project, states};
use ferry_testkit::{Engine, TestDb};
use std::path::PathBuf;
use std::process::Command;

/// dbmate's npm package version the tests install.
const DBMATE: &str = "dbmate@2.36.0";

/// The dbmate binary: `$FERRY_DBMATE`, else installed from npm into `target/peer-tools`
/// (once). Fails, saying how to install it, when neither works: never skipped.
fn dbmate() -> PathBuf {
    if let Some(path) = std::env::var_os("FERRY_DBMATE") {
        return PathBuf::from(path);
    }
    let prefix = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/peer-tools");
    let bin = prefix.join("node_modules/.bin/dbmate");
    if !bin.exists() {
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(DBMATE)
            .status();
        assert!(
            status.is_ok_and(|s| s.success()) && bin.exists(),
            "this test needs dbmate: `npm install --prefix target/peer-tools {DBMATE}` failed (or set FERRY_DBMATE)"
        );
    }
    bin
}

fn run_dbmate(p: &Project, args: &[&str]) {
    let out = Command::new(dbmate())
        .env("DATABASE_URL", format!("{}?sslmode=disable", p.db.url))
        .arg("--migrations-dir")
        .arg(p.migrations())
        .arg("--no-dump-schema")
        .args(args)
        .output()
        .expect("run dbmate");
    assert!(
        out.status.success(),
        "dbmate {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn from_dbmate_import_then_migrate_and_roll_back_only_what_is_new() {
    let p = Project::from_fixture(TestDb::new(Engine::Postgres), "dbmate");
    run_dbmate(&p, &["up"]);
    let theirs = || {
        p.db.query("SELECT version FROM schema_migrations ORDER BY version")
    };
    let before = theirs();
    assert_eq!(before, ["20200101000001", "20200101000002"]);
    let (out, _) = p.expect(&["import-history", "--from", "dbmate", "--dry-run"], 0);
    assert!(out.contains("would record 2 migration(s)"), "{out}");
    assert!(
        !p.db.tables().contains(&"ferry_migrations".to_string()),
        "a dry run creates nothing"
    );
    p.expect(&["import-history", "--from", "dbmate"], 0);
    assert_eq!(
        p.states(),
        states(&[("20200101000001", "applied"), ("20200101000002", "applied")])
    );
    p.write(
        "20200101000003_create_tags.sql",
        "-- migrate:up\nCREATE TABLE tags (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE tags;\n",
    );
    let (out, _) = p.expect(&["migrate"], 0);
    assert!(
        out.contains("applied 1 migration(s)"),
        "only the new one: {out}"
    );
    p.expect(&["rollback"], 0);
    assert!(!p.db.tables().contains(&"tags".to_string()));
    assert!(
        p.db.tables().contains(&"posts".to_string()),
        "imported ones stay applied"
    );
    assert_eq!(theirs(), before, "dbmate's table is unchanged");
    // A second import is refused: ferry's history is not empty any more.
    p.expect(&["import-history", "--from", "dbmate"], 5);
}

#[test]
fn from_sqlx_checksums_are_verified_kept_and_the_old_table_is_unchanged() {
    let p = Project::from_fixture(TestDb::new(Engine::Postgres), "sqlx");
    p.db.migrate_with_sqlx(&p.migrations());
    let theirs = || {
        p.db.query("SELECT version || ':' || encode(checksum, 'hex') || ':' || success FROM _sqlx_migrations ORDER BY version")
    };
    let before = theirs();
    assert_eq!(before.len(), 2);
    p.expect(&["import-history", "--from", "sqlx"], 0);
    assert_eq!(
        p.states(),
        states(&[("20200101000001", "applied"), ("20200101000002", "applied")])
    );
    // sqlx's SHA-384 is what the history keeps, and what ferry checks the files against.
    let algorithms =
        p.db.query("SELECT CAST(checksum_algorithm AS TEXT) FROM ferry_migrations");
    assert_eq!(algorithms, ["101", "101"]);
    p.expect(&["validate"], 0);
    p.write(
        "20200101000003_create_tags.up.sql",
        "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n",
    );
    p.write("20200101000003_create_tags.down.sql", "DROP TABLE tags;\n");
    let (out, _) = p.expect(&["migrate"], 0);
    assert!(out.contains("applied 1 migration(s)"), "{out}");
    p.expect(&["rollback"], 0);
    assert!(!p.db.tables().contains(&"tags".to_string()));
    assert_eq!(theirs(), before, "sqlx's table is unchanged");
    // An edit of an imported file is caught with sqlx's own checksum.
    p.write(
        "20200101000001_create_users.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL);\n",
    );
    p.expect(&["validate"], 4);
}

#[test]
fn an_old_history_that_disagrees_with_the_files_is_refused_whole() {
    let p = Project::from_fixture(TestDb::new(Engine::Postgres), "sqlx");
    p.db.migrate_with_sqlx(&p.migrations());
    // The files changed after sqlx applied them, and one is gone.
    p.write(
        "20200101000001_create_users.sql",
        "-- edited\nCREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\n",
    );
    p.remove("20200101000002_create_posts.up.sql");
    p.remove("20200101000002_create_posts.down.sql");
    let (_, err) = p.expect(&["import-history", "--from", "sqlx"], 4);
    assert!(err.contains("2 difference(s)"), "{err}");
    assert!(
        err.contains("20200101000001: ") && err.contains("changed since it was applied"),
        "{err}"
    );
    assert!(
        err.contains("20200101000002: applied per the old table, but no file"),
        "{err}"
    );
    assert!(
        !p.db.tables().contains(&"ferry_migrations".to_string()),
        "nothing recorded"
    );
    // An unknown tool, and a database without the tool's table, are named.
    let (_, err) = p.expect(&["import-history", "--from", "rails"], 2);
    assert!(err.contains("flyway, sqlx"), "{err}");
    let (_, err) = p.expect(&["import-history", "--from", "goose"], 5);
    assert!(err.contains("no goose_db_version table"), "{err}");
}

const ALL: [Engine; 3] = [Engine::Postgres, Engine::Mysql, Engine::Sqlite];

/// Flyway's CRC32 of a file's text, as Flyway stores it (a signed integer).
fn flyway_checksum(text: &str) -> i32 {
    let c =
        ferry_core::Checksum::with_algorithm(ferry_core::checksum::FLYWAY_ALGORITHM, text).unwrap();
    u32::from_be_bytes(c.digest().try_into().unwrap()) as i32
}

#[test]
fn from_flyway_versions_repeatables_undo_and_baseline_on_every_engine() {
    for engine in ALL {
        let p = Project::from_fixture(TestDb::new(engine), "flyway");
        let file = |name: &str| std::fs::read_to_string(p.migrations().join(name)).unwrap();
        let mut sql = String::from(
            "CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), \
             description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INTEGER, \
             installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, \
             execution_time INTEGER NOT NULL, success BOOLEAN NOT NULL);\n",
        );
        let rows = [
            (1, Some("1"), "create users", "SQL", "V1__create_users.sql"),
            (
                2,
                Some("1.1"),
                "create posts",
                "SQL",
                "V1_1__create_posts.sql",
            ),
            (
                3,
                Some("2"),
                "create comments",
                "SQL",
                "V2__create_comments.sql",
            ),
            (4, None, "user names", "SQL", "R__user_names.sql"),
            (
                5,
                Some("2"),
                "create comments",
                "UNDO_SQL",
                "U2__create_comments.sql",
            ),
        ];
        for (rank, version, description, kind, script) in rows {
            let checksum = match kind {
                "SQL" => flyway_checksum(&file(script)).to_string(),
                _ => "NULL".into(),
            };
            let version = version.map_or("NULL".into(), |v| format!("'{v}'"));
            sql.push_str(&format!(
                "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) \
                 VALUES ({rank}, {version}, '{description}', '{kind}', '{script}', {checksum}, 'ann', '2024-05-0{rank} 10:00:00', 5, TRUE);\n"
            ));
        }
        sql.push_str("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\nCREATE TABLE posts (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\n");
        sql.push_str("CREATE VIEW user_names AS SELECT name FROM users;\n");
        p.db.execute(&sql);
        p.expect(&["import-history", "--from", "flyway"], 0);
        assert_eq!(
            p.states(),
            states(&[
                ("1", "applied"),
                ("1.1", "applied"),
                ("2", "pending"),
                ("R__user_names", "applied")
            ]),
            "{engine:?}: 2 was undone in Flyway"
        );
        let when =
            p.db.query("SELECT CAST(applied_at AS CHAR(30)) FROM ferry_migrations ORDER BY id");
        assert!(
            when[0].starts_with("2024-05-01") && when[0].contains("10:00:00"),
            "{engine:?}: Flyway's time kept: {when:?}"
        );
        let (out, _) = p.expect(&["migrate"], 0);
        assert!(out.contains("applied 1 migration(s)"), "{engine:?}: {out}");
    }
}

#[test]
fn from_golang_migrate_a_dirty_version_becomes_a_failed_entry_on_every_engine() {
    for engine in ALL {
        let p = Project::from_fixture(TestDb::new(engine), "sqlx");
        p.db.execute(
            "CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, dirty BOOLEAN NOT NULL);\n\
             INSERT INTO schema_migrations (version, dirty) VALUES (20200101000002, TRUE);\n\
             CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);",
        );
        p.expect(&["import-history", "--from", "golang-migrate"], 0);
        assert_eq!(
            p.states(),
            states(&[("20200101000001", "applied"), ("20200101000002", "failed")]),
            "{engine:?}"
        );
        let (_, err) = p.expect(&["migrate"], 4);
        assert!(
            err.contains("failed earlier") && err.contains("golang-migrate"),
            "{engine:?}: {err}"
        );
    }
}

#[test]
fn from_goose_the_latest_row_decides_and_version_zero_is_skipped_on_every_engine() {
    for engine in ALL {
        let p = Project::from_fixture(TestDb::new(engine), "goose");
        p.config("[migrations]\nignore = [\"*.go\"]\n");
        p.db.execute(
            "CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY, version_id BIGINT NOT NULL, is_applied BOOLEAN NOT NULL, tstamp TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP);\n\
             INSERT INTO goose_db_version (id, version_id, is_applied) VALUES (1, 0, TRUE), (2, 1, TRUE), (3, 2, TRUE), (4, 2, FALSE);\n\
             CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);",
        );
        p.expect(&["import-history", "--from", "goose"], 0);
        assert_eq!(
            p.states(),
            states(&[("00001", "applied"), ("00002", "pending")]),
            "{engine:?}"
        );
        p.expect(&["migrate"], 0);
        assert!(p.db.tables().contains(&"posts".to_string()));
    }
}

/// Found by an adversarial trial: with ferry's history empty, `migrate` does not run again
/// what another tool's history says is applied.
#[test]
fn migrate_refuses_to_repeat_what_another_tools_history_says_is_applied() {
    let p = Project::from_fixture(TestDb::new(Engine::Postgres), "dbmate");
    run_dbmate(&p, &["up"]);
    let (_, err) = p.expect(&["migrate"], 5);
    assert!(
        err.contains("dbmate's history (schema_migrations)")
            && err.contains("import-history --from dbmate"),
        "{err}"
    );
    assert!(
        !p.db.tables().contains(&"ferry_migrations".to_string()),
        "nothing recorded"
    );
    // A dry run refuses what the run would refuse.
    p.expect(&["migrate", "--dry-run"], 5);
    // Told the table is about other migrations, ferry goes on (here: the tables exist).
    let (code, _, err) = p.run(&["migrate", "--ignore-other-tools"]);
    assert!(code == 1 && err.contains("already exists"), "{code} {err}");
}

#[test]
fn from_liquibase_changesets_by_author_and_id_on_every_engine() {
    for engine in ALL {
        let p = Project::from_fixture(TestDb::new(engine), "liquibase");
        p.db.execute(
            "CREATE TABLE databasechangelog (id VARCHAR(255) NOT NULL, author VARCHAR(255) NOT NULL, filename VARCHAR(255) NOT NULL, \
             dateexecuted TIMESTAMP NOT NULL, orderexecuted INT NOT NULL, exectype VARCHAR(10) NOT NULL, md5sum VARCHAR(35));\n\
             INSERT INTO databasechangelog VALUES ('create-users', 'ann', '001-changelog.sql', '2024-01-02 03:04:05', 1, 'EXECUTED', '9:abc');\n\
             INSERT INTO databasechangelog VALUES ('create-posts', 'bob', '001-changelog.sql', '2024-01-02 03:04:06', 2, 'MARK_RAN', '9:def');\n\
             CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\n\
             CREATE TABLE posts (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);",
        );
        let (_, err) = p.expect(&["migrate"], 5);
        assert!(
            err.contains("import-history --from liquibase"),
            "{engine:?}: {err}"
        );
        p.expect(&["import-history", "--from", "liquibase"], 0);
        assert_eq!(
            p.states(),
            states(&[
                ("ann:create-users", "applied"),
                ("bob:create-posts", "applied"),
                ("ann:comments", "pending")
            ]),
            "{engine:?}"
        );
        let (out, _) = p.expect(&["migrate"], 0);
        assert!(out.contains("applied 1 migration(s)"), "{engine:?}: {out}");
    }
}

/// Found by a review: neither `--to` nor a table in another schema gets past the check.
#[test]
fn the_other_history_check_holds_for_targets_and_other_schemas() {
    let p = Project::from_fixture(TestDb::new(Engine::Postgres), "sqlx");
    p.db.execute(
        "CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, dirty BOOLEAN NOT NULL);\n\
         INSERT INTO schema_migrations VALUES (20200101000002, FALSE);",
    );
    let (_, err) = p.expect(&["migrate", "--to", "20200101000001"], 5);
    assert!(err.contains("golang-migrate"), "{err}");
    let p = Project::from_fixture(TestDb::new(Engine::Postgres), "flyway");
    p.db.execute(
        "CREATE SCHEMA tooling;\n\
         CREATE TABLE tooling.flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), \
         description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INTEGER, \
         installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(), execution_time INTEGER NOT NULL, success BOOLEAN NOT NULL);\n\
         INSERT INTO tooling.flyway_schema_history VALUES (1, '1', 'create users', 'SQL', 'V1__create_users.sql', NULL, 'ann', now(), 1, TRUE);",
    );
    let (_, err) = p.expect(&["migrate"], 5);
    assert!(err.contains("tooling.flyway_schema_history"), "{err}");
    let (out, _) = p.expect(&["doctor"], 0);
    assert!(
        out.contains("tooling.flyway_schema_history (flyway)"),
        "{out}"
    );
}

/// Found by an adversarial trial: a partial run does not open the way to the rest.
#[test]
fn the_other_history_check_holds_after_ferry_has_applied_something() {
    let p = Project::from_fixture(TestDb::new(Engine::Postgres), "dbmate");
    run_dbmate(&p, &["up"]);
    p.write(
        "20190101000000_early.sql",
        "-- migrate:up\nCREATE TABLE early (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE early;\n",
    );
    // Only the new, older file: dbmate never applied it.
    p.expect(&["migrate", "--to", "20190101000000"], 0);
    let (_, err) = p.expect(&["migrate"], 5);
    assert!(err.contains("dbmate's history"), "{err}");
    // An empty table of the same name in another schema hides nothing.
    p.db.execute("CREATE SCHEMA other; CREATE TABLE other.schema_migrations (version VARCHAR(255) PRIMARY KEY);");
    p.expect(&["migrate"], 5);
}

/// After an import, what ferry rolls back it may apply again: ferry's history is the
/// authority for every migration it has recorded, whatever the old table still says.
#[test]
fn a_migration_ferry_rolled_back_after_an_import_applies_again() {
    let p = Project::from_fixture(TestDb::new(Engine::Postgres), "dbmate");
    run_dbmate(&p, &["up"]);
    p.expect(&["import-history", "--from", "dbmate"], 0);
    p.expect(&["rollback"], 0);
    p.expect(&["migrate"], 0);
    assert!(p.db.tables().contains(&"posts".to_string()));
}

/// (engine, fixture, tool, the tool's table as SQL, the states after the import).
type Case = (
    Engine,
    &'static str,
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str)>,
);

/// Every other table import-history reads, built as its tool builds it, on a real server:
/// diesel (SQLite), popx (MariaDB), refinery (SQLite), node-pg-migrate and
/// postgres-migrations (PostgreSQL, whose SHA-1 hashes are checked).
#[test]
fn from_diesel_popx_refinery_node_pg_migrate_and_postgres_migrations_tables() {
    let cases: [Case; 4] = [
        (
            Engine::Sqlite,
            "diesel",
            "diesel",
            "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);\n\
             INSERT INTO __diesel_schema_migrations (version) VALUES ('00000000000000'), ('20200101000001');",
            vec![
                ("00000000000000", "applied"),
                ("20200101000001", "applied"),
                ("20200102000000", "pending"),
                ("9", "pending"),
            ],
        ),
        (
            Engine::Mysql,
            "popx",
            "popx",
            "CREATE TABLE schema_migration (version VARCHAR(48) NOT NULL, version_self INT NOT NULL DEFAULT 0);\n\
             INSERT INTO schema_migration (version) VALUES ('20210101000001');",
            vec![
                ("20210101000001", "applied"),
                ("20210101000002", "pending"),
                ("20210101000003", "pending"),
            ],
        ),
        (
            Engine::Sqlite,
            "flyway",
            "refinery",
            "CREATE TABLE refinery_schema_history (version INT4 PRIMARY KEY, name VARCHAR(255), applied_on VARCHAR(255), checksum VARCHAR(255));\n\
             INSERT INTO refinery_schema_history VALUES (1, 'create_users', '2024-01-01T00:00:00Z', '123');",
            vec![
                ("1", "applied"),
                ("1.1", "pending"),
                ("2", "pending"),
                ("R__user_names", "pending"),
            ],
        ),
        (
            Engine::Postgres,
            "node-pg-migrate",
            "node-pg-migrate",
            "CREATE TABLE pgmigrations (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL);\n\
             INSERT INTO pgmigrations (name, run_on) VALUES ('1600000000000_create-users', now());",
            vec![("1600000000000", "applied"), ("1600000000001", "pending")],
        ),
    ];
    for (engine, fixture, tool, table, expected) in cases {
        let p = Project::from_fixture(TestDb::new(engine), fixture);
        p.db.execute(table);
        p.expect(&["import-history", "--from", tool], 0);
        assert_eq!(p.states(), states(&expected), "{tool}");
    }
    // postgres-migrations: its SHA-1 of file name and text is checked against the file.
    let p = Project::from_fixture(TestDb::new(Engine::Postgres), "postgres-migrations");
    let text = std::fs::read_to_string(p.migrations().join("00001_create-users.sql")).unwrap();
    p.db.execute(&format!(
        "CREATE EXTENSION IF NOT EXISTS pgcrypto;\n\
         CREATE TABLE migrations (id integer PRIMARY KEY, name varchar(100) UNIQUE NOT NULL, hash varchar(40) NOT NULL, executed_at timestamp DEFAULT current_timestamp);\n\
         INSERT INTO migrations (id, name, hash) VALUES (0, 'create-migrations-table', 'x');\n\
         INSERT INTO migrations (id, name, hash) VALUES (1, 'create-users', encode(digest('00001_create-users.sql' || $t${text}$t$, 'sha1'), 'hex'));"
    ));
    p.expect(&["import-history", "--from", "postgres-migrations"], 0);
    assert_eq!(
        p.states(),
        states(&[
            ("00001", "applied"),
            ("00002", "pending"),
            ("00003", "pending")
        ])
    );
    let p = Project::from_fixture(TestDb::new(Engine::Postgres), "postgres-migrations");
    p.db.execute(
        "CREATE TABLE migrations (id integer PRIMARY KEY, name varchar(100) UNIQUE NOT NULL, hash varchar(40) NOT NULL, executed_at timestamp DEFAULT current_timestamp);\n\
         INSERT INTO migrations (id, name, hash) VALUES (1, 'create-users', '0000000000000000000000000000000000000000');",
    );
    let (_, err) = p.expect(&["import-history", "--from", "postgres-migrations"], 4);
    assert!(err.contains("changed since it was applied"), "{err}");
}
