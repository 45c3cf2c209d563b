//! How ferry connects to PostgreSQL on the loopback interface.

use ferry_engine::{ConnectOptions, connect};
use ferry_testkit::{Engine, TestDb, block_on};

async fn uses_tls(url: &str) -> String {
    let mut db = connect(url, &ConnectOptions::default())
        .await
        .expect("connect");
    let sql = "SELECT CAST(ssl AS TEXT) FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
    let rows = db.query_text(sql).await.expect("pg_stat_ssl");
    db.close().await;
    rows[0][0].clone().unwrap_or_default()
}

#[test]
fn loopback_skips_tls_unless_the_url_asks_for_it() {
    // The test database is made and dropped outside this runtime: the testkit runs its own.
    let db = TestDb::new(Engine::Postgres);
    assert!(
        db.url.contains("127.0.0.1") && !db.url.contains("sslmode"),
        "{}",
        db.url
    );
    block_on(async {
        assert_eq!(uses_tls(&db.url).await, "false");
        assert_eq!(
            uses_tls(&format!("{}?sslmode=require", db.url)).await,
            "true"
        );
    });
}

/// Databases are created and dropped by name through the Admin capability: a name with
/// quotes, dots and spaces is one identifier, never SQL.
#[test]
fn admin_creates_and_drops_databases_with_hostile_names() {
    for (engine, name) in [
        (
            Engine::Postgres,
            format!("ferry t.\"{}\"; DROP", std::process::id()),
        ),
        (
            Engine::Mysql,
            format!("ferry t.`{}`; DROP", std::process::id()),
        ),
    ] {
        let url = ferry_testkit::admin_url(engine);
        block_on(async {
            let mut db = connect(&url, &ConnectOptions::default())
                .await
                .expect("connect");
            db.drop_database(&name).await.expect("drop if exists");
            db.create_database(&name).await.expect("create");
            let listed = match engine {
                Engine::Postgres => "SELECT datname FROM pg_database",
                _ => "SELECT CAST(schema_name AS CHAR) FROM information_schema.schemata",
            };
            let names = db.query_text(listed).await.expect("list");
            assert!(
                names.iter().any(|r| r[0].as_deref() == Some(name.as_str())),
                "{engine:?}: {name}"
            );
            db.drop_database(&name).await.expect("drop");
            let names = db.query_text(listed).await.expect("list");
            assert!(
                !names.iter().any(|r| r[0].as_deref() == Some(name.as_str())),
                "{engine:?}"
            );
            db.close().await;
        });
    }
    let sqlite = block_on(async {
        let path = std::env::temp_dir().join(format!("ferry-admin-{}.db", std::process::id()));
        let url = format!("sqlite://{}", path.display());
        let options = ConnectOptions {
            create: true,
            ..ConnectOptions::default()
        };
        let mut db = connect(&url, &options).await.expect("connect");
        let refused = db.create_database("x").await.unwrap_err();
        db.close().await;
        let _ = std::fs::remove_file(&path);
        refused
    });
    assert!(
        sqlite.message.contains("a SQLite database is a file"),
        "{sqlite}"
    );
}

/// A transaction guard dropped open (an early return) leaves nothing half-committed: the
/// transaction is rolled back before the connection's next statement.
#[test]
fn a_transaction_guard_dropped_open_is_rolled_back_before_anything_else() {
    use ferry_engine::driver::Transaction;
    for engine in [Engine::Postgres, Engine::Mysql, Engine::Sqlite] {
        let db = TestDb::new(engine);
        db.execute("CREATE TABLE t (a INTEGER)");
        let url = db.url.clone();
        let rows = block_on(async move {
            let mut conn = connect(&url, &ConnectOptions::default())
                .await
                .expect("connect");
            {
                let mut tx = Transaction::begin(conn.as_mut()).await.expect("begin");
                tx.db()
                    .execute("INSERT INTO t VALUES (1)")
                    .await
                    .expect("insert");
                // Dropped here without commit, as an error passed up with `?` would.
            }
            conn.execute("INSERT INTO t VALUES (2)")
                .await
                .expect("next statement");
            let rows = conn
                .query_text("SELECT CAST(a AS CHAR(3)) FROM t")
                .await
                .expect("select");
            conn.close().await;
            rows
        });
        let values: Vec<String> = (rows.into_iter())
            .filter_map(|r| Some(r[0].clone()?.trim().to_owned()))
            .collect();
        assert_eq!(
            values,
            ["2"],
            "{engine:?}: the abandoned insert was rolled back"
        );
    }
}
