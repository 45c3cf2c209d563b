//! Dev-only: a freshly created, uniquely named database per test, dropped afterwards.
//!
//! PostgreSQL and MariaDB must be reachable (override with `FERRY_TEST_PG_URL` and
//! `FERRY_TEST_MYSQL_URL`); a test that needs one fails when it is not, never skips.

use sqlx::{AssertSqlSafe, Connection};
use std::sync::atomic::{AtomicU32, Ordering};

/// The engines a test can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// PostgreSQL.
    Postgres,
    /// MariaDB / MySQL.
    Mysql,
    /// SQLite (a temporary file).
    Sqlite,
}

/// A database that exists for one test.
pub struct TestDb {
    /// The engine.
    pub engine: Engine,
    /// A URL for it.
    pub url: String,
    name: String,
    _dir: Option<tempfile_dir::Dir>,
}

mod tempfile_dir {
    /// A temporary directory removed on drop.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The URL of the server's administrative database for `engine` (empty for SQLite).
pub fn admin_url(engine: Engine) -> String {
    match engine {
        Engine::Postgres => std::env::var("FERRY_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        Engine::Mysql => std::env::var("FERRY_TEST_MYSQL_URL")
            .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/mysql".into()),
        Engine::Sqlite => String::new(),
    }
}

fn with_database(url: &str, name: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("admin URL has a database");
    format!("{base}/{name}")
}

/// Runs `f` to completion on a fresh single-threaded runtime (for sync tests of async code).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// Runs `$body` with `$c` bound to a fresh connection of `$engine`'s type: sqlx has one
/// connection type per engine, so the body is written once and compiled three times.
macro_rules! with_connection {
    ($engine:expr, $url:expr, |$c:ident| $body:expr) => {
        match $engine {
            Engine::Postgres => {
                let mut $c = sqlx::PgConnection::connect($url).await?;
                $body
            }
            Engine::Mysql => {
                let mut $c = sqlx::MySqlConnection::connect($url).await?;
                $body
            }
            Engine::Sqlite => {
                let mut $c = sqlx::SqliteConnection::connect($url).await?;
                $body
            }
        }
    };
}

/// What to do to a database, through ferry's own [`Admin`] capability.
#[derive(Clone, Copy)]
enum AdminOp {
    Create,
    Drop,
}

async fn admin(engine: Engine, op: AdminOp, name: &str) -> Result<(), String> {
    if engine == Engine::Sqlite {
        return Ok(());
    }
    let options = ferry_engine::ConnectOptions {
        tables: ferry_engine::TableNames::default(),
        session: Vec::new(),
        owner: "ferry-testkit".into(),
        connect_timeout: std::time::Duration::from_secs(10),
        lock_timeout: std::time::Duration::from_secs(10),
        create: false,
    };
    let mut db =
        (ferry_engine::connect(&admin_url(engine), &options).await).map_err(|e| e.to_string())?;
    let done = match op {
        AdminOp::Create => db.create_database(name).await,
        AdminOp::Drop => db.drop_database(name).await,
    };
    db.close().await;
    done.map_err(|e| e.to_string())
}

async fn scalars(engine: Engine, url: &str, sql: &str) -> Result<Vec<Option<String>>, sqlx::Error> {
    let sql = AssertSqlSafe(sql.to_owned());
    with_connection!(engine, url, |c| {
        let rows = sqlx::query_scalar(sql).fetch_all(&mut c).await?;
        c.close().await?;
        Ok(rows)
    })
}

impl TestDb {
    /// Creates a new, empty, uniquely named database. Panics, naming the server, if it is unreachable.
    pub fn new(engine: Engine) -> TestDb {
        let name = format!(
            "ferry_t_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        );
        if engine == Engine::Sqlite {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir).expect("temp dir");
            let url = format!("sqlite://{}", dir.join("test.db").display());
            return TestDb {
                engine,
                url,
                name,
                _dir: Some(tempfile_dir::Dir(dir)),
            };
        }
        if let Err(e) = block_on(admin(engine, AdminOp::Create, &name)) {
            panic!(
                "{engine:?} is required for this test and is not reachable at {}: {e}",
                admin_url(engine)
            );
        }
        TestDb {
            engine,
            url: with_database(&admin_url(engine), &name),
            name,
            _dir: None,
        }
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs SQL against this database and returns the first column of every row as text.
    pub fn query(&self, sql: &str) -> Vec<String> {
        block_on(scalars(self.engine, &self.url, sql))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .into_iter()
            .map(|r| r.unwrap_or_default().trim_end().to_owned())
            .collect()
    }

    /// Runs statements for their effect, creating a SQLite database file that does not
    /// exist yet (to set a database up before ferry sees it).
    pub fn execute(&self, sql: &str) {
        let url = match self.engine {
            Engine::Sqlite => format!("{}?mode=rwc", self.url),
            _ => self.url.clone(),
        };
        let script = AssertSqlSafe(sql.to_owned());
        let result: Result<(), sqlx::Error> = block_on(async {
            with_connection!(self.engine, &url, |c| {
                sqlx::raw_sql(script).execute(&mut c).await?;
                c.close().await
            })
        });
        result.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Runs statements expected to fail; returns the error's text (panics if they succeed).
    pub fn execute_failing(&self, sql: &str) -> String {
        let script = AssertSqlSafe(sql.to_owned());
        let result: Result<(), sqlx::Error> = block_on(async {
            with_connection!(self.engine, &self.url, |c| {
                sqlx::raw_sql(script).execute(&mut c).await?;
                c.close().await
            })
        });
        match result {
            Ok(()) => panic!("{sql}: succeeded"),
            Err(e) => e.to_string(),
        }
    }

    /// Applies the migrations in `dir` with sqlx's own migrator (a real peer tool).
    pub fn migrate_with_sqlx(&self, dir: &std::path::Path) {
        let url = match self.engine {
            Engine::Sqlite => format!("{}?mode=rwc", self.url),
            _ => self.url.clone(),
        };
        let result: Result<(), Box<dyn std::error::Error>> = block_on(async {
            let migrator = sqlx::migrate::Migrator::new(dir).await?;
            with_connection!(self.engine, &url, |c| {
                migrator.run(&mut c).await?;
                c.close().await?;
                Ok(())
            })
        });
        result.unwrap_or_else(|e| panic!("sqlx migrate {}: {e}", dir.display()));
    }

    /// Runs `sql` (say, `BEGIN; LOCK TABLE ...`) on a connection of its own and keeps that
    /// connection open for `held`, on a thread; returns once `sql` has run.
    pub fn hold(&self, sql: &str, held: std::time::Duration) -> std::thread::JoinHandle<()> {
        let (engine, url, sql) = (self.engine, self.url.clone(), sql.to_owned());
        let (ready, started) = std::sync::mpsc::channel();
        let handle = std::thread::spawn(move || {
            let sql = AssertSqlSafe(sql);
            let result: Result<(), sqlx::Error> = block_on(async {
                with_connection!(engine, &url, |c| {
                    sqlx::raw_sql(sql).execute(&mut c).await?;
                    let _ = ready.send(());
                    tokio::time::sleep(held).await;
                    c.close().await
                })
            });
            if let Err(e) = result {
                panic!("holding {engine:?}: {e}");
            }
        });
        let _ = started.recv_timeout(std::time::Duration::from_secs(10));
        handle
    }

    /// Names of the tables in this database, sorted.
    pub fn tables(&self) -> Vec<String> {
        let sql = match self.engine {
            Engine::Postgres => {
                "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            }
            Engine::Mysql => {
                "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"
            }
            Engine::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
            }
        };
        self.query(sql)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (engine, name) = (self.engine, self.name.clone());
        // A fresh thread: Drop may run inside a test's own runtime.
        let _ = std::thread::spawn(move || block_on(admin(engine, AdminOp::Drop, &name))).join();
    }
}
