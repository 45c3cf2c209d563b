//! The portable format read strictly, every error at its JSON path.

use super::*;

const VALID: &str = r#"{
  "format": "portable-migration-v1",
  "migration": {
    "id": "stripe-001-customers",
    "pluginId": "stripe",
    "version": "1.0.0",
    "name": "Customers",
    "type": "SCHEMA",
    "category": "install",
    "riskLevel": "low",
    "estimatedDuration": 5,
    "databaseEngines": ["postgresql", "mysql", "sqlite"],
    "steps": {
      "up": [
        {
          "id": "create",
          "type": "schema",
          "name": "Create customers",
          "sql": {
            "postgresql": "CREATE TABLE customers (id BIGSERIAL PRIMARY KEY)",
            "universal": "CREATE TABLE customers (id INTEGER PRIMARY KEY)"
          },
          "postValidation": "SELECT COUNT(*) = 0 FROM customers",
          "expectedChanges": { "tables": 1 }
        },
        {
          "id": "backfill",
          "type": "data",
          "name": "Copy legacy rows",
          "dependencies": ["create"],
          "transform": {
            "source": "legacy_customers",
            "target": "customers",
            "mapping": [{ "source": "cid", "target": "id", "required": true }],
            "batchSize": 1000
          }
        }
      ],
      "down": [
        { "id": "drop", "type": "schema", "name": "Drop", "sql": { "universal": "DROP TABLE customers" } }
      ]
    }
  }
}"#;

#[test]
fn a_valid_file_reads_and_writes_back_the_same() {
    let file = parse(VALID).unwrap();
    let m = &file.migration;
    assert_eq!(
        (m.kind, m.category, m.steps.up.len()),
        (MigrationType::Schema, Some(Category::Install), 2)
    );
    assert!(
        m.steps.up[0].transactional && m.steps.up[0].rollback_supported,
        "defaults"
    );
    let written = serde_json::to_string(&file).unwrap();
    assert_eq!(parse(&written).unwrap(), file);
    assert_eq!(
        parse(&format!("\u{feff}{VALID}")).unwrap(),
        file,
        "a byte order mark"
    );
}

#[test]
fn a_misspelt_engine_is_an_error_at_its_path_never_skipped() {
    let typo = VALID.replace("\"postgresql\": \"CREATE", "\"postgre\": \"CREATE");
    let err = parse(&typo).unwrap_err();
    let PortableError::Invalid {
        path,
        line,
        message,
        ..
    } = &err
    else {
        panic!("{err}");
    };
    assert_eq!(path, "migration.steps.up[0].sql.postgre");
    assert_eq!(*line, 20);
    assert!(
        message.contains("unknown field `postgre`") && message.contains("universal"),
        "{message}"
    );
}

#[test]
fn unknown_and_missing_fields_and_bad_values_are_located() {
    for (text, path) in [
        (
            VALID.replace("\"pluginId\"", "\"pluginID\""),
            "migration.pluginID",
        ),
        (VALID.replace("\"name\": \"Customers\",", ""), "migration"),
        (
            VALID.replace("\"riskLevel\": \"low\"", "\"riskLevel\": \"extreme\""),
            "migration.riskLevel",
        ),
        (
            VALID.replace("portable-migration-v1", "portable-migration-v2"),
            "format",
        ),
        (
            VALID.replace("\"batchSize\": 1000", "\"batchSize\": -1"),
            "migration.steps.up[1].transform.batchSize",
        ),
    ] {
        let err = parse(&text).unwrap_err();
        assert!(
            matches!(&err, PortableError::Invalid { path: p, .. } if p == path),
            "{path}: {err}"
        );
    }
    assert!(parse("{").unwrap_err().to_string().starts_with("1:1:"));
    // Found by an adversarial trial: what follows the migration is never ignored.
    let err = parse(&format!("{VALID}\n{{\"a\": 1}}")).unwrap_err();
    assert!(
        matches!(&err, PortableError::Invalid { line: 45, .. }),
        "{err}"
    );
}

#[test]
fn what_the_types_cannot_say_is_checked() {
    for (text, path, says) in [
        (
            VALID.replace("\"1.0.0\"", "\"1.0\""),
            "migration.version",
            "semantic version",
        ),
        (
            VALID.replace("\"id\": \"backfill\"", "\"id\": \"create\""),
            "migration.steps.up[1].id",
            "used twice",
        ),
        (
            VALID.replace("[\"create\"]", "[\"nothing\"]"),
            "migration.steps.up[1].dependencies",
            "`nothing`",
        ),
        // Found by an adversarial trial: each of these ran nothing, or more than it said.
        (
            VALID.replace(
                "\"postgresql\": \"CREATE TABLE customers (id BIGSERIAL PRIMARY KEY)\"",
                "\"postgresql\": \"  \"",
            ),
            "migration.steps.up[0].sql.postgresql",
            "the SQL runs nothing",
        ),
        (
            VALID.replace(
                "SELECT COUNT(*) = 0 FROM customers",
                "SELECT 1; DROP TABLE customers",
            ),
            "migration.steps.up[0].postValidation",
            "one query",
        ),
        (
            VALID.replace(
                "SELECT COUNT(*) = 0 FROM customers",
                "WITH x AS (DELETE FROM customers RETURNING 1) SELECT true",
            ),
            "migration.steps.up[0].postValidation",
            "one query",
        ),
        (
            VALID.replace(
                "CREATE TABLE customers (id BIGSERIAL PRIMARY KEY)",
                "-- nothing;;",
            ),
            "migration.steps.up[0].sql.postgresql",
            "runs nothing",
        ),
        (
            VALID.replace(
                "\"expectedChanges\": { \"tables\": 1 }",
                "\"timeout\": 3000000",
            ),
            "migration.steps.up[0].timeout",
            "between 1 and",
        ),
        (
            VALID.replace("\"id\": \"stripe-001-customers\"", "\"id\": \" \""),
            "migration.id",
            "the id is empty",
        ),
    ] {
        let err = parse(&text).unwrap_err();
        assert!(
            matches!(&err, PortableError::Inconsistent { path: p, message } if p == path && message.contains(says)),
            "{path}: {err}"
        );
    }
    let empty = VALID.replace(
        r#""sql": { "universal": "DROP TABLE customers" }"#,
        r#""description": "nothing""#,
    );
    assert!(matches!(
        parse(&empty),
        Err(PortableError::Inconsistent { .. })
    ));
}

#[test]
fn each_engine_gets_its_own_sql_else_the_universal_one_else_an_error() {
    let file = parse(VALID).unwrap();
    let m = &file.migration;
    let create = &m.steps.up[0];
    assert!(
        sql_for(m, "up", 0, create, Dialect::Postgres)
            .unwrap()
            .contains("BIGSERIAL")
    );
    assert!(
        sql_for(m, "up", 0, create, Dialect::Sqlite)
            .unwrap()
            .contains("INTEGER PRIMARY KEY")
    );
    let mut only_pg = create.clone();
    only_pg.sql = Some(Sql {
        postgresql: Some("SELECT 1".into()),
        ..Sql::default()
    });
    let err = sql_for(m, "up", 0, &only_pg, Dialect::Mysql).unwrap_err();
    assert!(
        err.to_string()
            .contains("step `create` of migration `stripe-001-customers` has no SQL for mysql"),
        "{err}"
    );
}

/// The schema in the repository is the one the types generate
/// (`FERRY_WRITE_SCHEMA=1 cargo test -p ferry-core portable` writes it).
#[test]
fn the_published_json_schema_is_generated_from_the_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas/portable-migration-v1.schema.json");
    let generated = schema();
    if std::env::var_os("FERRY_WRITE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == generated,
        "{} is out of date: run FERRY_WRITE_SCHEMA=1 cargo test -p ferry-core portable",
        path.display()
    );
    assert!(
        generated.contains("\"postgresql\"")
            && generated.contains("\"additionalProperties\": false")
    );
}

#[test]
fn for_an_engine_the_steps_become_one_script_or_a_reason_it_cannot_run_yet() {
    let file = parse(VALID).unwrap();
    // The second step is a data transform: not run yet, and said so.
    let err = for_engine(&file, Dialect::Postgres).unwrap_err();
    assert!(
        err.contains("steps.up[1]") && err.contains("data transform"),
        "{err}"
    );
    let mut sql_only = file.clone();
    sql_only.migration.steps.up.truncate(1);
    let scripts = for_engine(&sql_only, Dialect::Sqlite).unwrap();
    assert_eq!(
        scripts.up,
        "CREATE TABLE customers (id INTEGER PRIMARY KEY)\n;\n"
    );
    // The step's guards, over its range of the script.
    let guard = &scripts.up_steps[0];
    assert_eq!((guard.start, guard.end), (0, scripts.up.len()));
    assert!(guard.post_validation.is_some(), "{guard:?}");
    // A step that cannot be undone leaves the migration without a down script.
    let mut one_way = sql_only.clone();
    one_way.migration.steps.up[0].rollback_supported = false;
    let irreversible = for_engine(&one_way, Dialect::Sqlite).unwrap();
    assert!(irreversible.down.is_none() && irreversible.irreversible.is_some());
    assert_eq!(scripts.down.as_deref(), Some("DROP TABLE customers\n;\n"));
    assert_eq!(scripts.no_transaction, None);
    // A step ending in a comment does not swallow the next.
    sql_only.migration.steps.up[0].sql = Some(Sql {
        universal: Some("CREATE TABLE a (x int) -- trailing".into()),
        ..Sql::default()
    });
    let two = crate::split(
        &for_engine(&sql_only, Dialect::Sqlite).unwrap().up,
        Dialect::Sqlite,
    )
    .unwrap();
    assert_eq!(two.len(), 1);
    // A down step without a transaction leaves the up alone.
    sql_only.migration.steps.down[0].transactional = false;
    let scripts = for_engine(&sql_only, Dialect::Postgres).unwrap();
    assert!(scripts.no_transaction.is_none() && scripts.down_no_transaction.is_some());
    sql_only.migration.steps.up[0].transactional = false;
    assert!(
        for_engine(&sql_only, Dialect::Postgres)
            .unwrap()
            .no_transaction
            .is_some()
    );
    sql_only.migration.database_engines = vec![Engine::Postgresql];
    assert!(
        for_engine(&sql_only, Dialect::Mysql)
            .unwrap_err()
            .contains("does not support mysql")
    );
}
