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
