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
