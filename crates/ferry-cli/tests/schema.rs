//! `ferry schema dump` and `ferry schema diff` on every engine: the inspector reads each
//! kind of object, leaves ferry's own tables out, and a diff names each difference once.

mod common;

use common::Project;
use ferry_testkit::{Engine, TestDb};

const ALL: [Engine; 3] = [Engine::Postgres, Engine::Mysql, Engine::Sqlite];

/// A project whose one migration makes a table with a key, a foreign key, an index, a
/// check and a view.
fn project(engine: Engine) -> Project {
    let p = Project::new(TestDb::new(engine));
    p.write(
        "001_shop.sql",
        "CREATE TABLE orgs (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
         CREATE TABLE users (id INTEGER PRIMARY KEY, org_id INTEGER REFERENCES orgs (id) ON DELETE CASCADE, \
         email VARCHAR(100) NOT NULL DEFAULT 'x@y', CONSTRAINT email_at CHECK (email LIKE '%@%'));\n\
         CREATE INDEX users_email ON users (email);\n\
         CREATE VIEW user_emails AS SELECT email FROM users;",
    );
    p.write(
        "rollback/001_shop.sql",
        "DROP VIEW user_emails; DROP TABLE users; DROP TABLE orgs;",
    );
    p.expect(&["migrate"], 0);
    p
}

#[test]
fn dump_reads_every_kind_of_object_without_ferrys_tables() {
    for engine in ALL {
        let p = project(engine);
        let (out, _) = p.expect(&["schema", "dump"], 0);
        assert!(!out.contains("ferry_"), "{engine:?}: {out}");
        let expected = match engine {
            Engine::Postgres => vec![
                "table users",
                "  email character varying(100) not null default 'x@y'::character varying",
                "  primary key users_pkey (id)",
                "  check email_at: (email::text ~~ '%@%'::text)",
                "  foreign key users_org_id_fkey (org_id) references orgs (id) on update no action on delete cascade",
                "  index users_email (email) using btree",
                "view user_emails: SELECT users.email FROM users;",
            ],
            Engine::Mysql => vec![
                "table users",
                "  email varchar(100) not null default 'x@y'",
                "  primary key PRIMARY (id)",
                "  check email_at: `email` like '%@%'",
                "  foreign key users_ibfk_1 (org_id) references orgs (id) on update restrict on delete cascade",
                "  index users_email (email) using BTREE",
                "view user_emails: select `users`.`email` AS `email` from `users`",
            ],
            Engine::Sqlite => vec![
                "table users",
                "  email VARCHAR(100) not null default 'x@y'",
                "  primary key (id)",
                "  foreign key orgs:0 (org_id) references orgs (id) on update no action on delete cascade",
                "  index users_email (email)",
                "view user_emails: CREATE VIEW user_emails AS SELECT email FROM users",
            ],
        };
        for line in expected {
            assert!(
                out.lines().any(|l| l == line),
                "{engine:?}: no line `{line}` in\n{out}"
            );
        }
        // The JSON dump has the format version and reads back as the same schema.
        let (json, _) = p.expect(&["schema", "dump", "--json"], 0);
        let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(doc["format"], 1);
        assert!(doc["tables"]["users"]["columns"].as_array().unwrap().len() == 3);
    }
}

#[test]
fn diff_lists_what_changed_and_exits_4() {
    for engine in ALL {
        let p = project(engine);
        let dump = p.dir.path().join("before.json");
        let (json, _) = p.expect(&["schema", "dump", "--json"], 0);
        std::fs::write(&dump, json).unwrap();
        let (out, _) = p.expect(&["schema", "diff", dump.to_str().unwrap()], 0);
        assert_eq!(out.trim(), "no differences");

        p.db.execute("CREATE INDEX by_hand ON orgs (name)");
        p.db.execute("ALTER TABLE orgs ADD COLUMN note VARCHAR(10)");
        let (out, _) = p.expect(&["schema", "diff", dump.to_str().unwrap()], 4);
        assert!(
            out.lines()
                .any(|l| l.starts_with("+ column orgs.note: note ")),
            "{engine:?}: {out}"
        );
        assert!(
            out.lines()
                .any(|l| l.starts_with("+ index by_hand on orgs: (name)")),
            "{engine:?}: {out}"
        );
        assert_eq!(out.lines().count(), 2, "{engine:?}: {out}");

        // Two databases: the second URL given.
        let other = TestDb::new(engine);
        other.execute("CREATE TABLE z (x int); DROP TABLE z");
        let (out, _) = p.expect(&["schema", "diff", &p.db.url, &other.url], 4);
        assert!(
            out.contains("- table users: 3 column(s)"),
            "{engine:?}: {out}"
        );
        assert!(!out.contains(&p.db.url.replace("root@", "")) || engine == Engine::Sqlite);
    }
}

#[test]
fn a_dump_ferry_cannot_read_is_a_usage_error() {
    let p = project(Engine::Sqlite);
    let newer = p.dir.path().join("newer.json");
    std::fs::write(&newer, r#"{"format": 99, "dialect": "sqlite"}"#).unwrap();
    let (_, err) = p.expect(&["schema", "diff", newer.to_str().unwrap()], 2);
    assert!(
        err.contains("format 99 is newer than this ferry's (1); upgrade ferry"),
        "{err}"
    );
    let garbage = p.dir.path().join("garbage.json");
    std::fs::write(&garbage, "not json").unwrap();
    let (_, err) = p.expect(&["schema", "diff", garbage.to_str().unwrap()], 2);
    assert!(err.contains("not a ferry schema dump"), "{err}");
    let (_, err) = p.expect(&["schema", "diff", "no/such/file.json"], 2);
    assert!(
        err.contains("`no/such/file.json` is neither a database URL nor a readable dump file"),
        "{err}"
    );
}

#[test]
fn postgres_reads_types_sequences_routines_triggers_and_invalid_objects() {
    let p = project(Engine::Postgres);
    p.db.execute(
        "CREATE TYPE mood AS ENUM ('sad', 'ok');\n\
         CREATE SEQUENCE counter START 5;\n\
         CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\n\
         CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();\n\
         ALTER TABLE orgs ADD CONSTRAINT name_long CHECK (length(name) > 1) NOT VALID;\n\
         CREATE SCHEMA audit; CREATE TABLE audit.log (id bigint GENERATED ALWAYS AS IDENTITY);",
    );
    let (out, _) = p.expect(&["schema", "dump"], 0);
    for line in [
        "type mood enum (sad, ok)",
        "sequence counter: bigint start 5 increment 1 min 1 max 9223372036854775807",
        "function touch() returns trigger",
        "  trigger users_touch: CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()",
        "  check name_long: (length(name::text) > 1) [not validated]",
        "table audit.log",
        "  id bigint not null identity always",
    ] {
        assert!(out.lines().any(|l| l == line), "no line `{line}` in\n{out}");
    }
    // An identity column's sequence is the column's, not listed apart.
    assert!(!out.contains("log_id_seq"), "{out}");
}

/// Found by an adversarial trial: a table whose name holds a dot merged with a table of
/// that name in another schema, and broke row counts and verify.
#[test]
fn a_dot_inside_a_name_is_part_of_the_name() {
    let p = project(Engine::Postgres);
    p.db.execute(
        "CREATE SCHEMA audit; CREATE TABLE audit.log (id int, msg text);\n\
         CREATE TABLE public.\"audit.log\" (zzz int REFERENCES orgs (id), qqq text);\n\
         SET session_replication_role = replica; INSERT INTO public.\"audit.log\" VALUES (7, 'orphan');",
    );
    let (out, _) = p.expect(&["schema", "dump"], 0);
    assert!(out.lines().any(|l| l == "table audit.log"), "{out}");
    assert!(out.lines().any(|l| l == "table \"audit.log\""), "{out}");
    let (out, _) = p.expect(&["verify"], 4);
    assert!(
        out.contains(
            "foreign key audit.log_zzz_fkey on \"audit.log\": 1 row(s) reference no row of orgs"
        ),
        "{out}"
    );
    for engine in [Engine::Sqlite, Engine::Mysql] {
        let p = Project::new(TestDb::new(engine));
        p.write("001_t.sql", "CREATE TABLE `app.users` (id INTEGER PRIMARY KEY, email VARCHAR(50));\nINSERT INTO `app.users` VALUES (1, 'a'), (2, 'b');".replace('`', if engine == Engine::Sqlite { "\"" } else { "`" }).as_str());
        p.write(
            "rollback/001_t.sql",
            "DROP TABLE `app.users`;"
                .replace('`', if engine == Engine::Sqlite { "\"" } else { "`" })
                .as_str(),
        );
        p.write(
            "002_nick.sql",
            "ALTER TABLE `app.users` ADD COLUMN nick VARCHAR(20);"
                .replace('`', if engine == Engine::Sqlite { "\"" } else { "`" })
                .as_str(),
        );
        p.write(
            "rollback/002_nick.sql",
            "DELETE FROM `app.users` WHERE id = 2;\nALTER TABLE `app.users` DROP COLUMN nick;"
                .replace('`', if engine == Engine::Sqlite { "\"" } else { "`" })
                .as_str(),
        );
        let (out, _) = p.expect(&["test", "--all"], 4);
        assert!(
            out.contains("change the rows of \"app.users\": 2 row(s) → 1"),
            "{engine:?}: {out}"
        );
    }
}
