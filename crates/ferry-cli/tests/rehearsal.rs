//! `ferry test`, the rollback rehearsal, on every engine: it catches a down that forgets an
//! index and a down that loses rows, compares column order unless told not to, works on a
//! copy (never the database itself), and drops the scratch database whatever happens.

mod common;

use common::Project;
use ferry_testkit::{Engine, TestDb};

const ALL: [Engine; 3] = [Engine::Postgres, Engine::Mysql, Engine::Sqlite];

/// Users with two rows, an index whose down is `index_down`, a column whose down is
/// `column_down`.
fn project(engine: Engine, index_down: &str, column_down: &str) -> Project {
    let p = Project::new(TestDb::new(engine));
    p.write(
        "001_users.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL);\n\
         INSERT INTO users (id, email) VALUES (1, 'a@x'), (2, 'b@x');",
    );
    p.write("rollback/001_users.sql", "DROP TABLE users;");
    p.write(
        "002_email_index.sql",
        "CREATE INDEX idx_email ON users (email);",
    );
    p.write("rollback/002_email_index.sql", index_down);
    p.write(
        "003_nick.sql",
        "ALTER TABLE users ADD COLUMN nick VARCHAR(20);",
    );
    p.write("rollback/003_nick.sql", column_down);
    p
}

fn drop_index(engine: Engine) -> &'static str {
    match engine {
        Engine::Mysql => "DROP INDEX idx_email ON users;",
        _ => "DROP INDEX idx_email;",
    }
}

/// The scratch database's name, as the first line of the output says it.
fn scratch_name(out: &str) -> String {
    let line = out.lines().next().unwrap_or_default();
    let rest = line
        .strip_prefix("scratch database ")
        .unwrap_or_else(|| panic!("{out}"));
    rest.split(": ").next().unwrap().to_owned()
}

/// Whether the scratch database `name` still exists.
fn exists(p: &Project, name: &str) -> bool {
    match p.db.engine {
        Engine::Sqlite => std::path::Path::new(name).exists(),
        Engine::Postgres => !p
            .db
            .query(&format!(
                "SELECT datname FROM pg_database WHERE datname = '{name}'"
            ))
            .is_empty(),
        Engine::Mysql => !p
            .db
            .query(&format!(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{name}'"
            ))
            .is_empty(),
    }
}

#[test]
fn a_correct_project_passes_and_leaves_nothing_behind() {
    for engine in ALL {
        let p = project(
            engine,
            drop_index(engine),
            "ALTER TABLE users DROP COLUMN nick;",
        );
        let (out, _) = p.expect(&["test", "--all"], 0);
        assert!(
            out.contains("rehearsed 3 migration(s): 3 passed, 0 failed"),
            "{engine:?}: {out}"
        );
        for v in ["001 users", "002 email_index", "003 nick"] {
            assert!(out.contains(&format!("ok   {v} (up ")), "{engine:?}: {out}");
        }
        assert!(
            !exists(&p, &scratch_name(&out)),
            "{engine:?}: scratch left behind"
        );
        // The database itself was never touched (a SQLite file not even made).
        match engine {
            Engine::Sqlite => assert!(
                !p.db.url.ends_with(".db")
                    || !std::path::Path::new(p.db.url.trim_start_matches("sqlite://")).exists()
            ),
            _ => assert!(p.db.tables().is_empty(), "{engine:?}: {:?}", p.db.tables()),
        }
    }
}

#[test]
fn a_down_that_forgets_an_index_fails_and_names_it() {
    for engine in ALL {
        let p = project(engine, "SELECT 1;", "ALTER TABLE users DROP COLUMN nick;");
        let (out, err) = p.expect(&["test", "--all"], 4);
        assert!(out.contains("FAIL 002 email_index"), "{engine:?}: {out}");
        assert!(
            out.contains("down of 002 leaves index idx_email on users: (email"),
            "{engine:?}: {out}"
        );
        assert!(
            out.contains("the rehearsal stops here"),
            "{engine:?}: {out}"
        );
        assert!(
            err.contains("the rehearsal failed for 1 migration(s)"),
            "{engine:?}: {err}"
        );
        assert!(
            !exists(&p, &scratch_name(&out)),
            "{engine:?}: scratch left behind after a failure"
        );
    }
}

#[test]
fn a_down_that_loses_rows_fails() {
    for engine in ALL {
        let lossy = "DELETE FROM users WHERE id = 2;\nALTER TABLE users DROP COLUMN nick;";
        let p = project(engine, drop_index(engine), lossy);
        let (out, _) = p.expect(&["test", "--all"], 4);
        assert!(
            out.contains("up and down of 003 change the rows of users: 2 row(s) → 1"),
            "{engine:?}: {out}"
        );
        // A down that changes values but not the count is caught too.
        let p = project(
            engine,
            drop_index(engine),
            "UPDATE users SET email = 'z@x' WHERE id = 1;\nALTER TABLE users DROP COLUMN nick;",
        );
        let (out, _) = p.expect(&["test", "--all", "--json"], 4);
        // The report, then the error event every --json failure ends with.
        let mut docs = serde_json::Deserializer::from_str(&out).into_iter::<serde_json::Value>();
        let doc = docs.next().expect("report").expect("json");
        assert_eq!(
            docs.next().expect("error event").expect("json")["exit_code"],
            4
        );
        assert_eq!(doc["passed"], false);
        let failures = doc["migrations"][2]["failures"].to_string();
        assert!(
            failures.contains("change the contents of users (2 row(s))"),
            "{engine:?}: {failures}"
        );
    }
}

#[test]
fn column_order_is_compared_unless_ignored() {
    // The down drops a column and adds it back: same columns, another order.
    for engine in [Engine::Postgres, Engine::Sqlite] {
        let p = Project::new(TestDb::new(engine));
        p.write(
            "001_t.sql",
            "CREATE TABLE t (a INTEGER, b INTEGER, c INTEGER);",
        );
        p.write("rollback/001_t.sql", "DROP TABLE t;");
        p.write("002_b.sql", "ALTER TABLE t DROP COLUMN b;");
        p.write("rollback/002_b.sql", "ALTER TABLE t ADD COLUMN b INTEGER;");
        let (out, _) = p.expect(&["test", "--all"], 4);
        assert!(
            out.contains("down of 002 changes columns of t: order (a, b, c) → (a, c, b)"),
            "{engine:?}: {out}"
        );
        p.expect(&["test", "--all", "--ignore-column-order"], 0);
    }
}

#[test]
fn pending_migrations_are_rehearsed_on_a_copy_with_its_rows() {
    for engine in ALL {
        let lossy = "DELETE FROM users WHERE id > 100;\nALTER TABLE users DROP COLUMN nick;";
        let p = project(engine, drop_index(engine), lossy);
        p.expect(&["migrate", "--to", "2"], 0);
        // Rows only the database has: the rehearsal sees them where it can copy it.
        p.db.execute("INSERT INTO users (id, email) VALUES (101, 'late@x')");
        let (code, out, err) = p.run(&["test"]);
        let copied = engine != Engine::Mysql;
        match copied {
            true => {
                assert_eq!(code, 4, "{engine:?}: {out}{err}");
                assert!(
                    out.contains(": a copy of the database"),
                    "{engine:?}: {out}"
                );
                assert!(
                    out.contains("change the rows of users: 3 row(s) → 2"),
                    "{engine:?}: {out}"
                );
            }
            false => {
                // MariaDB cannot copy a database: the history is replayed, without rows.
                assert_eq!(code, 0, "{engine:?}: {out}{err}");
                assert!(
                    out.contains("the history replayed from the files"),
                    "{engine:?}: {out}"
                );
            }
        }
        assert!(
            out.contains("003 nick") && !out.contains("002 email_index"),
            "{engine:?}: {out}"
        );
        // The database itself is as it was.
        assert_eq!(
            p.db.query("SELECT email FROM users ORDER BY id").len(),
            3,
            "{engine:?}"
        );
        assert_eq!(p.states()[2].1, "pending", "{engine:?}");
        assert!(!exists(&p, &scratch_name(&out)), "{engine:?}");
    }
}

#[test]
fn keep_leaves_the_scratch_database_and_says_where() {
    for engine in ALL {
        let p = project(
            engine,
            drop_index(engine),
            "ALTER TABLE users DROP COLUMN nick;",
        );
        let (out, _) = p.expect(&["test", "--all", "--keep"], 0);
        let name = scratch_name(&out);
        assert!(out.contains("scratch database kept: "), "{engine:?}: {out}");
        assert!(exists(&p, &name), "{engine:?}: {name} not kept");
        match engine {
            Engine::Sqlite => std::fs::remove_file(&name).expect("remove"),
            Engine::Postgres => p.db.execute(&format!("DROP DATABASE \"{name}\"")),
            Engine::Mysql => p.db.execute(&format!("DROP DATABASE `{name}`")),
        }
    }
}

#[test]
fn nothing_pending_is_said_and_is_not_a_failure() {
    let p = project(
        Engine::Sqlite,
        "DROP INDEX idx_email;",
        "ALTER TABLE users DROP COLUMN nick;",
    );
    p.expect(&["migrate"], 0);
    let (out, _) = p.expect(&["test"], 0);
    assert!(out.contains("nothing pending to rehearse"), "{out}");
}

#[test]
fn a_postgres_database_in_use_is_not_copied_but_replayed() {
    let p = project(
        Engine::Postgres,
        "DROP INDEX idx_email;",
        "ALTER TABLE users DROP COLUMN nick;",
    );
    p.expect(&["migrate", "--to", "1"], 0);
    // Another session on the database: PostgreSQL waits 5 s for it to leave, then will not
    // use the database as a template.
    let held = p.db.hold("SELECT 1", std::time::Duration::from_secs(9));
    std::thread::sleep(std::time::Duration::from_millis(500));
    let (out, _) = p.expect(&["test"], 0);
    held.join().expect("holder");
    assert!(
        out.contains("the history replayed from the files, without rows"),
        "{out}"
    );
    assert!(out.contains("is being accessed by other users"), "{out}");
    assert!(out.contains("rehearsed 2 migration(s): 2 passed"), "{out}");
    assert!(!exists(&p, &scratch_name(&out)));
}

#[test]
fn lint_lock_predictions_are_checked_against_the_locks_taken() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write(
        "001_base.sql",
        "CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, email text);",
    );
    p.write(
        "rollback/001_base.sql",
        "DROP TABLE orders; DROP TABLE customers;",
    );
    p.write(
        "002_risky.sql",
        "CREATE INDEX orders_customer ON orders (customer_id);\n\
         ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);\n\
         ALTER TABLE orders ALTER COLUMN email SET NOT NULL;",
    );
    p.write(
        "rollback/002_risky.sql",
        "ALTER TABLE orders ALTER COLUMN email DROP NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_customer_fk;\nDROP INDEX orders_customer;",
    );
    let (out, _) = p.expect(&["test", "--all"], 0);
    for line in [
        "lock confirmed: line 1 [require-concurrent-index-creation] predicted SHARE; held SHARE on orders",
        "lock confirmed: line 2 [adding-foreign-key-constraint] predicted SHARE ROW EXCLUSIVE; held ",
        "lock confirmed: line 3 [adding-not-nullable-field] predicted ACCESS EXCLUSIVE; held ACCESS EXCLUSIVE on orders",
    ] {
        assert!(out.contains(line), "no `{line}` in\n{out}");
    }
    assert!(!out.contains("MISMATCH"), "{out}");
    let (json, _) = p.expect(&["test", "--all", "--json"], 0);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let checks = doc["lock_checks"][1].as_array().unwrap();
    assert!(checks.iter().all(|c| c["confirmed"] == true), "{doc}");
    assert!(
        checks
            .iter()
            .any(|c| c["rule"] == "adding-not-nullable-field"),
        "{doc}"
    );
    // The probe ran in a transaction that was rolled back: the real up ran once, after it.
    assert!(
        doc["migrations"][1]["failures"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{doc}"
    );
}

/// Found by an adversarial trial: a down that loses rows through a view or a trigger, or
/// through a name the search path resolves to another schema, passed.
#[test]
fn rows_lost_through_a_view_a_trigger_or_the_search_path_are_caught() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write(
        "001_base.sql",
        "CREATE TABLE users (id int PRIMARY KEY, active boolean DEFAULT true);\n\
         INSERT INTO users (id) VALUES (1), (2), (3);\n\
         CREATE VIEW active_users AS SELECT id, active FROM users WHERE active;\n\
         CREATE TABLE orders (id int PRIMARY KEY, user_id int);\n\
         INSERT INTO orders VALUES (1, 1), (2, 2);\n\
         CREATE FUNCTION drop_orders() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN DELETE FROM orders WHERE user_id = OLD.id; RETURN OLD; END$$;\n\
         CREATE TRIGGER users_gone AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION drop_orders();\n\
         CREATE SCHEMA app; CREATE TABLE app.items (id int); INSERT INTO app.items VALUES (1), (2);",
    );
    p.write("rollback/001_base.sql", "DROP SCHEMA app CASCADE; DROP VIEW active_users; DROP TABLE orders; DROP TABLE users; DROP FUNCTION drop_orders();");
    p.write("002_view.sql", "INSERT INTO active_users (id) VALUES (10);");
    p.write(
        "rollback/002_view.sql",
        "DELETE FROM active_users WHERE id >= 2;",
    );
    let (out, _) = p.expect(&["test", "--all"], 4);
    assert!(out.contains("FAIL 002 view"), "{out}");
    assert!(
        out.contains("change the rows of users: 3 row(s) → 1"),
        "{out}"
    );

    p.write(
        "rollback/002_view.sql",
        "DELETE FROM active_users WHERE id = 10;",
    );
    p.write("003_trigger.sql", "INSERT INTO users (id) VALUES (20);");
    p.write(
        "rollback/003_trigger.sql",
        "DELETE FROM users WHERE id IN (20, 1);\nINSERT INTO users (id) VALUES (1);",
    );
    let (out, _) = p.expect(&["test", "--all"], 4);
    assert!(out.contains("ok   002 view"), "{out}");
    assert!(
        out.contains("change the rows of orders: 2 row(s) → 1"),
        "{out}"
    );

    p.write(
        "rollback/003_trigger.sql",
        "DELETE FROM users WHERE id = 20;",
    );
    p.write(
        "004_path.sql",
        "SET search_path = app, public;\nINSERT INTO items VALUES (3);",
    );
    p.write(
        "rollback/004_path.sql",
        "SET search_path = app, public;\nDELETE FROM items;",
    );
    let (out, _) = p.expect(&["test", "--all"], 4);
    assert!(
        out.contains("change the rows of app.items: 2 row(s) → 0"),
        "{out}"
    );
}

/// Found by an adversarial trial: on MariaDB a migration naming the target database wrote
/// to the target during the rehearsal.
#[test]
fn a_migration_naming_the_target_database_is_not_rehearsed() {
    let p = Project::new(TestDb::new(Engine::Mysql));
    let db = p.db.name().to_owned();
    p.write(
        "001_q.sql",
        &format!("CREATE TABLE {db}.qualified (id int);"),
    );
    p.write("rollback/001_q.sql", &format!("DROP TABLE {db}.qualified;"));
    let (_, err) = p.expect(&["test", "--all"], 5);
    assert!(err.contains("names the database itself"), "{err}");
    assert!(p.db.tables().is_empty(), "{:?}", p.db.tables());
}

/// Found by an adversarial trial: an interrupted rehearsal left its scratch database.
#[test]
fn an_interrupted_rehearsal_drops_its_scratch_database() {
    for engine in [Engine::Postgres, Engine::Sqlite] {
        let p = Project::new(TestDb::new(engine));
        let slow = match engine {
            Engine::Postgres => "SELECT pg_sleep(20);",
            _ => {
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) SELECT count(*) FROM c;"
            }
        };
        p.write("001_slow.sql", &format!("CREATE TABLE t (id int);\n{slow}"));
        p.write("rollback/001_slow.sql", "DROP TABLE t;");
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ferry"))
            .current_dir(p.dir.path())
            .env("FERRY_CACHE_DIR", p.cache_dir())
            .args(["-d", &p.db.url, "--dir"])
            .arg(p.migrations())
            .args(["test", "--all"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("ferry");
        std::thread::sleep(std::time::Duration::from_secs(3));
        let kill = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        assert!(kill.expect("kill").success());
        let out = child.wait_with_output().expect("wait");
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert_eq!(out.status.code(), Some(130), "{engine:?}: {stdout}{stderr}");
        assert!(
            stderr.contains("terminated: the rehearsal stopped; the scratch database dropped"),
            "{engine:?}: {stderr}"
        );
        assert!(
            !exists(&p, &scratch_name(&stdout)),
            "{engine:?}: scratch left behind"
        );
    }
}

/// Found by an adversarial trial: the copy lost the database's own search_path.
#[test]
fn the_copy_keeps_the_database_settings() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.db.execute(&format!(
        "CREATE SCHEMA app; CREATE TABLE app.items (id int); ALTER DATABASE \"{}\" SET search_path = app, public;",
        p.db.name()
    ));
    p.write("001_item.sql", "INSERT INTO items VALUES (3);");
    p.write("rollback/001_item.sql", "DELETE FROM items WHERE id = 3;");
    let (out, _) = p.expect(&["test"], 0);
    assert!(out.contains(": a copy of the database"), "{out}");
    assert!(out.contains("ok   001 item"), "{out}");
}

/// Found by an adversarial trial: a rehearsal left a role on the server and a setting on the
/// target database.
#[test]
fn a_migration_reaching_beyond_its_database_is_not_rehearsed() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write("001_role.sql", "CREATE ROLE ferry_rehearsal_probe NOLOGIN;");
    p.write("rollback/001_role.sql", "DROP ROLE ferry_rehearsal_probe;");
    let (_, err) = p.expect(&["test", "--all"], 5);
    assert!(
        err.contains("`CREATE ROLE FERRY_REHEARSAL_PROBE NOLOGIN` changes the server"),
        "{err}"
    );
    let roles =
        p.db.query("SELECT rolname FROM pg_roles WHERE rolname = 'ferry_rehearsal_probe'");
    assert!(roles.is_empty(), "{roles:?}");
    p.write(
        "001_role.sql",
        &format!("ALTER DATABASE \"{}\" SET work_mem = '7MB';", p.db.name()),
    );
    p.write("rollback/001_role.sql", "SELECT 1;");
    p.expect(&["test", "--all"], 5);
}

/// Found by an adversarial trial: a statement re-taking a lock an earlier one holds read as
/// a MISMATCH.
#[test]
fn a_lock_held_since_an_earlier_statement_confirms() {
    let p = Project::new(TestDb::new(Engine::Postgres));
    p.write("001_users.sql", "CREATE TABLE users (id int, email text);");
    p.write("rollback/001_users.sql", "DROP TABLE users;");
    p.write("002_two.sql", "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users ALTER COLUMN id SET NOT NULL;");
    p.write("rollback/002_two.sql", "ALTER TABLE users ALTER COLUMN id DROP NOT NULL;\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;");
    let (out, _) = p.expect(&["test", "--all"], 0);
    assert!(
        out.contains("lock confirmed: line 1 [adding-not-nullable-field]"),
        "{out}"
    );
    assert!(
        out.contains("lock confirmed: line 2 [adding-not-nullable-field]"),
        "{out}"
    );
    assert!(!out.contains("MISMATCH"), "{out}");
}
