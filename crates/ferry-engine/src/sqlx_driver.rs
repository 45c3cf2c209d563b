//! The [`Driver`] implementation shared by every sqlx engine. What differs between engines
//! lives in one [`Engine`] implementation each (postgres.rs, mysql.rs, sqlite.rs).

use crate::driver::{
    Admin, Bind, Connection, Execute, ForeignHistory, HistoryStore, Inspect, InstalledPlugin,
    Locking, PluginStore, SessionState, SnapshotStore, StoredSnapshot,
};
use crate::sql::{HistorySql, TableNames};
use crate::{
    Capabilities, ConnectOptions, DbError, Driver, EngineError, Lock, NewEvent, NewRow, RowUpdate,
};
use async_trait::async_trait;
use ferry_core::{Checksum, Dialect, HistoryRow, RowState, ServerFacts, Version, VersionKind};
use futures_util::StreamExt;
use sqlx::{
    AssertSqlSafe, Connection as _, Database, Decode, Encode, Executor, IntoArguments, Row, Type,
};
use std::collections::HashSet;
use std::sync::Arc;

/// What one engine adds to the shared sqlx driver.
pub(crate) trait Engine: Database {
    /// The engine family.
    const DIALECT: Dialect;
    /// What the engine can do.
    const CAPABILITIES: Capabilities;
    /// A query listing user tables, one text column.
    const TABLE_NAMES: &'static str;
    /// A query returning one row of two text columns: the schema or database ferry's
    /// unqualified tables belong in (NULL where names need no qualifying), and the SQL that
    /// restores the session's current state.
    fn snapshot(driver: &SqlxDriver<Self>) -> String;
    /// The lock for this connection.
    fn lock(driver: &SqlxDriver<Self>) -> Box<dyn Lock>;
    /// `CREATE DATABASE` for `name`; `None` where a database is not made by SQL (SQLite).
    fn create_database(name: &str) -> Option<String>;
    /// `DROP DATABASE IF EXISTS` for `name`, closing others' connections where possible.
    fn drop_database(name: &str) -> Option<String>;
    /// SQL making database `name` a copy of `source` (SQLite: `name` is a file path), run
    /// on a connection that is not to `source` (SQLite: to it); `None` where the server
    /// cannot copy a database by SQL.
    fn copy_database(source: &str, name: &str) -> Option<String>;
    /// A query of one table's `{i}`, estimated rows and bytes, taking its name as `{name}`
    /// (a quoted literal), joined by UNION ALL for many; `None`: count the rows, size
    /// unknown.
    const TABLE_SIZE: Option<&'static str>;
    /// Run before measuring tables, in a transaction of their own: how long to wait for a
    /// lock.
    const SIZE_LOCK_TIMEOUT: Option<&'static str>;
    /// A query of the table locks this session holds: (table, mode) rows.
    const HELD_LOCKS: Option<&'static str>;
    /// A query of a database's own settings (`name=value` rows), taking its name as the
    /// one bound parameter; `None` where databases have none.
    const DATABASE_SETTINGS: Option<&'static str>;
    /// The session setting that stops waiting for the disk at each commit, if any.
    const RELAXED_DURABILITY: Option<&'static str>;
    /// The rows a statement changed.
    fn rows_affected(result: &Self::QueryResult) -> u64;
    /// How this server limits a statement's time, if it can.
    fn statement_timeout(driver: &SqlxDriver<Self>) -> Option<TimeoutSql>;
    /// The inspector's catalog queries for this server; with `scoped`, the table-level ones
    /// take the scope as a parameter (see `inspect::scope_value`).
    fn catalog(driver: &SqlxDriver<Self>, scoped: bool) -> crate::inspect::CatalogSql;
}

/// The SQL of a server's statement time limit: read the current one, set one in seconds,
/// put a read one back.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TimeoutSql {
    pub show: &'static str,
    pub set: fn(u64) -> String,
    pub restore: fn(&str) -> String,
}

/// A connection of one engine plus the SQL of ferry's tables for it.
pub(crate) struct SqlxDriver<DB: Engine> {
    pub conn: DB::Connection,
    /// ferry's tables as configured (perhaps unqualified).
    pub names: TableNames,
    pub sql: HistorySql,
    /// Restores the session state captured after the preamble.
    pub reset_sql: Option<String>,
    /// The longest any of ferry's own queries may take.
    pub query_timeout: std::time::Duration,
    pub facts: ServerFacts,
    /// Engine-specific data the lock needs (lock name, lock file path).
    pub lock_key: String,
    /// A label for this runner, shown to others waiting for the lock.
    pub owner: String,
    /// The server's version string (`11.8.5-MariaDB`), where the engine reports one.
    pub server_version: String,
    /// A query was abandoned after a timeout: nothing more is sent on this connection.
    pub broken: bool,
    /// A [`Transaction`](crate::driver::Transaction) guard was dropped open: the
    /// transaction is rolled back before the next statement.
    pub abandoned: bool,
    /// The statement time limit before a step set its own, to put back after it.
    pub saved_timeout: Option<String>,
}

impl<DB: Engine> SqlxDriver<DB> {
    /// Refuses to use a connection a timed-out query left out of step.
    fn usable(&self) -> Result<(), DbError> {
        match self.broken {
            true => Err(DbError::msg(
                "the connection was abandoned after one of ferry's queries timed out; nothing more is sent on it",
            )),
            false => Ok(()),
        }
    }
}

impl<DB: Engine> SqlxDriver<DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    /// Rolls back a transaction whose guard was dropped open, before anything else runs.
    async fn settle(&mut self) -> Result<(), DbError> {
        self.usable()?;
        if std::mem::take(&mut self.abandoned) {
            sqlx::raw_sql(sql("ROLLBACK"))
                .execute(&mut self.conn)
                .await?;
        }
        Ok(())
    }
}

impl<DB: Engine> SqlxDriver<DB> {
    pub fn new(conn: DB::Connection, options: &ConnectOptions, lock_key: String) -> Self {
        SqlxDriver {
            conn,
            names: options.tables.clone(),
            sql: HistorySql::new(DB::DIALECT, &options.tables),
            reset_sql: None,
            query_timeout: options.query_timeout(),
            facts: ServerFacts {
                dialect: DB::DIALECT,
                major_version: None,
                transactional_ddl: DB::CAPABILITIES.transactional_ddl,
            },
            lock_key,
            owner: options.owner.clone(),
            server_version: String::new(),
            broken: false,
            abandoned: false,
            saved_timeout: None,
        }
    }
}

/// The first column of the first row of `query`, as text (empty if there is none).
pub(crate) async fn first_text(driver: &mut dyn Driver, query: &str) -> Result<String, DbError> {
    let rows = driver.query_text(query).await?;
    Ok(rows
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .unwrap_or_default())
}

/// The major version in a version string like `11.8.5-MariaDB` or `3.46.0`.
pub(crate) fn major_of(version: &str) -> Option<u32> {
    version.split('.').next().and_then(|m| m.parse().ok())
}

/// The code of the error a timed-out query of ferry's own gives.
const TIMED_OUT: &str = "ferry:timeout";

/// Bounds one of ferry's own queries (history, lock, events): a server that stops answering
/// must not hang the runner while it holds the lock.
async fn bounded<T>(
    limit: std::time::Duration,
    query: impl std::future::Future<Output = Result<T, DbError>>,
) -> Result<T, DbError> {
    match tokio::time::timeout(limit, query).await {
        Ok(result) => result,
        Err(_) => Err(DbError {
            code: Some(TIMED_OUT.into()),
            ..DbError::msg(format!(
                "the server did not answer within {}s (raise --connect-timeout if it is only slow)",
                limit.as_secs()
            ))
        }),
    }
}

/// Runs one of ferry's own queries on a usable connection, within the query timeout. A
/// query that times out was abandoned mid-flight (the server may still be running it, and
/// the protocol is out of step), so the connection is never used again.
macro_rules! own {
    ($driver:ident, $query:expr) => {{
        $driver.settle().await?;
        let result = bounded($driver.query_timeout, $query).await;
        if result
            .as_ref()
            .is_err_and(|e| e.code.as_deref() == Some(TIMED_OUT))
        {
            $driver.broken = true;
        }
        result
    }};
}

/// `names` with each unqualified table placed in `schema`.
fn qualified(names: &TableNames, schema: &str) -> TableNames {
    let q = |name: &String| match name.contains('.') {
        true => name.clone(),
        false => format!("{schema}.{name}"),
    };
    TableNames {
        history: q(&names.history),
        events: q(&names.events),
        plugins: q(&names.plugins),
        snapshots: q(&names.snapshots),
    }
}

fn sql(text: &str) -> AssertSqlSafe<String> {
    AssertSqlSafe(text.to_owned())
}

/// Every column of `row` as text: text as it is, integers and booleans written out (a
/// validation query's `COUNT(*) > 0` is a boolean on PostgreSQL); others as NULL.
fn text_row<R: Row>(row: &R) -> Vec<Option<String>>
where
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i32>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i16>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<f64>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<bool>: Decode<'r, R::Database> + Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let cell = |i: usize| {
        if let Ok(text) = row.try_get::<Option<String>, _>(i) {
            return text;
        }
        let number = |n: Option<i64>| n.map(|n| n.to_string());
        if let Ok(n) = row.try_get::<Option<i64>, _>(i) {
            return number(n);
        }
        if let Ok(n) = row.try_get::<Option<i32>, _>(i) {
            return number(n.map(i64::from));
        }
        if let Ok(n) = row.try_get::<Option<i16>, _>(i) {
            return number(n.map(i64::from));
        }
        if let Ok(n) = row.try_get::<Option<f64>, _>(i) {
            return n.map(|n| n.to_string());
        }
        (row.try_get::<Option<bool>, _>(i).ok().flatten()).map(|b| b.to_string())
    };
    (0..row.len()).map(cell).collect()
}

/// An implementation of one of the driver's capabilities for every sqlx engine, with the
/// bounds sqlx needs written once.
macro_rules! capability {
    (impl $capability:ident { $($body:tt)* }) => {
        #[async_trait]
        impl<DB> $capability for SqlxDriver<DB>
        where
            DB: Engine,
            for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
            DB::Arguments: IntoArguments<DB>,
            for<'t> String: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
            for<'t> &'t str: Decode<'t, DB> + Type<DB>,
            for<'t> Option<String>: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
            for<'t> i64: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
            for<'t> Option<i64>: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
            for<'t> bool: Encode<'t, DB> + Type<DB>,
            for<'t> Option<bool>: Decode<'t, DB> + Type<DB>,
            for<'t> Option<i32>: Decode<'t, DB> + Type<DB>,
            for<'t> Option<i16>: Decode<'t, DB> + Type<DB>,
            for<'t> Option<f64>: Decode<'t, DB> + Type<DB>,
            usize: sqlx::ColumnIndex<DB::Row>,
        {
            $($body)*
        }
    };
}

capability! {
impl Connection {
    fn dialect(&self) -> Dialect {
        DB::DIALECT
    }

    fn capabilities(&self) -> Capabilities {
        DB::CAPABILITIES
    }

    fn server_facts(&self) -> ServerFacts {
        self.facts
    }

    fn server_version(&self) -> &str {
        &self.server_version
    }

    async fn close(self: Box<Self>) {
        // A connection left out of step by a timeout is dropped, not closed politely.
        if !self.broken {
            let closing = self.conn.close();
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), closing).await;
        }
    }
}
}

capability! {
impl Execute {
    async fn execute(&mut self, text: &str) -> Result<(), DbError> {
        self.settle().await?;
        sqlx::raw_sql(sql(text)).execute(&mut self.conn).await?;
        Ok(())
    }

    async fn execute_counted(&mut self, text: &str) -> Result<u64, DbError> {
        self.settle().await?;
        let result = sqlx::raw_sql(sql(text)).execute(&mut self.conn).await?;
        Ok(DB::rows_affected(&result))
    }

    async fn execute_batch(&mut self, script: &str) -> Result<(), (usize, DbError)> {
        self.settle().await.map_err(|e| (0, e))?;
        let mut results = sqlx::raw_sql(sql(script)).execute_many(&mut self.conn);
        let mut completed = 0;
        while let Some(result) = results.next().await {
            result.map_err(|e| (completed, DbError::from(e)))?;
            completed += 1;
        }
        Ok(())
    }

    async fn query_text(&mut self, text: &str) -> Result<Vec<Vec<Option<String>>>, DbError> {
        own!(self, async {
            let rows = sqlx::query(sql(text)).fetch_all(&mut self.conn).await?;
            Ok(rows.iter().map(text_row).collect())
        })
    }

    async fn query_bound(
        &mut self,
        text: &str,
        binds: &[Bind<'_>],
    ) -> Result<Vec<Vec<Option<String>>>, DbError> {
        own!(self, async {
            let mut query = sqlx::query(sql(text));
            for bind in binds {
                query = match *bind {
                    Bind::Int(n) => query.bind(n),
                    Bind::Text(t) => query.bind(t.to_owned()),
                    Bind::Null => query.bind(None::<String>),
                };
            }
            let rows = query.fetch_all(&mut self.conn).await?;
            Ok(rows.iter().map(text_row).collect())
        })
    }

    async fn begin(&mut self) -> Result<(), DbError> {
        self.execute("BEGIN").await
    }

    async fn commit(&mut self) -> Result<(), DbError> {
        self.execute("COMMIT").await
    }

    async fn rollback(&mut self) -> Result<(), DbError> {
        self.abandoned = false;
        self.execute("ROLLBACK").await
    }

    fn abandon(&mut self) {
        self.abandoned = true;
    }
}
}

capability! {
impl SessionState {
    async fn statement_timeout(&mut self, seconds: Option<u64>) -> Result<bool, DbError> {
        let Some(limit) = DB::statement_timeout(self) else {
            return Ok(false);
        };
        match seconds {
            Some(s) => {
                if self.saved_timeout.is_none() {
                    self.saved_timeout = Some(first_text(self, limit.show).await?);
                }
                self.execute(&(limit.set)(s)).await?;
            }
            None => {
                if let Some(previous) = self.saved_timeout.take() {
                    self.execute(&(limit.restore)(&previous)).await?;
                }
            }
        }
        Ok(true)
    }

    async fn capture_session(&mut self) -> Result<(), DbError> {
        let row = (self.query_text(&DB::snapshot(self)).await?)
            .into_iter()
            .next();
        let mut columns = row.unwrap_or_default().into_iter();
        let (schema, reset) = (columns.next().flatten(), columns.next().flatten());
        if let Some(schema) = schema.filter(|s| !s.is_empty()) {
            let names = qualified(&self.names, &schema);
            // One lock per history table, however the configuration spells its name.
            self.lock_key = names.history.clone();
            self.sql = HistorySql::new(DB::DIALECT, &names);
        }
        self.reset_sql = reset;
        Ok(())
    }

    async fn reset_session(&mut self) -> Result<(), DbError> {
        match self.reset_sql.clone() {
            Some(reset) => {
                own!(self, async {
                    sqlx::raw_sql(sql(&reset)).execute(&mut self.conn).await?;
                    Ok(())
                })
            }
            None => Ok(()),
        }
    }

    fn reset_session_sql(&self) -> Option<&str> {
        self.reset_sql.as_deref()
    }
}
}

capability! {
impl Locking {
    fn lock(&self) -> Box<dyn Lock> {
        DB::lock(self)
    }
}
}

capability! {
impl HistoryStore {
    async fn history_exists(&mut self) -> Result<bool, DbError> {
        let query = sqlx::query(sql(&self.sql.exists)).bind(self.sql.exists_arg.clone());
        let found = own!(self, async {
            Ok(query.fetch_optional(&mut self.conn).await?)
        })?;
        Ok(found.is_some())
    }

    async fn create_history(&mut self) -> Result<(), DbError> {
        for statement in self.sql.create.clone() {
            own!(self, async {
                sqlx::raw_sql(sql(&statement))
                    .execute(&mut self.conn)
                    .await?;
                Ok(())
            })?;
        }
        Ok(())
    }

    async fn read_history(
        &mut self,
        with_down_sql: bool,
        plugin: &str,
        kind: VersionKind,
    ) -> Result<Vec<HistoryRow>, EngineError> {
        let failed = |e: sqlx::Error| EngineError::Db {
            context: "reading the history".into(),
            error: e.into(),
        };
        // Decoded as they arrive, so the raw rows of a long history are never all in memory.
        let select = match with_down_sql {
            true => &self.sql.select_with_down,
            false => &self.sql.select,
        };
        self.usable()
            .map_err(EngineError::db("reading the history"))?;
        let limit = self.query_timeout;
        let mut rows = sqlx::query(sql(select)).fetch(&mut self.conn);
        let (mut history, mut shared) = (Vec::new(), Interner::default());
        let read = async {
            while let Some(row) = rows.next().await {
                history.push(decode_row::<DB>(
                    &row.map_err(failed)?,
                    &mut shared,
                    (plugin, kind),
                )?);
            }
            Ok::<_, EngineError>(())
        };
        let outcome = tokio::time::timeout(limit, read).await;
        drop(rows);
        match outcome {
            Ok(result) => result?,
            Err(_) => {
                self.broken = true;
                return Err(EngineError::Db {
                    context: "reading the history".into(),
                    error: DbError::msg(format!(
                        "the server did not answer within {}s (raise --connect-timeout if it is only slow)",
                        limit.as_secs()
                    )),
                });
            }
        }
        Ok(history)
    }

    async fn insert_history(&mut self, row: &NewRow<'_>) -> Result<i64, DbError> {
        own!(self, async {
            let query = sqlx::query(sql(&self.sql.insert))
                .bind(row.plugin.to_owned())
                .bind(row.version.clone())
                .bind(row.name.to_owned())
                .bind(row.checksum.hex())
                .bind(i64::from(row.checksum.algorithm))
                .bind(row.down_sql.map(str::to_owned))
                .bind(row.state.as_str().to_owned())
                .bind(row.batch)
                .bind(row.applied_at.clone())
                .bind(row.duration_ms)
                .bind(row.applied_by.to_owned())
                .bind(env!("CARGO_PKG_VERSION").to_owned())
                .bind(row.error.clone())
                .bind(None::<i64>)
                .bind(row.baseline)
                .bind(row.no_transaction);
            match self.sql.last_id.clone() {
                None => Ok(query
                    .fetch_one(&mut self.conn)
                    .await?
                    .try_get::<i64, _>(0)?),
                Some(last_id) => {
                    query.execute(&mut self.conn).await?;
                    Ok(sqlx::query(sql(&last_id))
                        .fetch_one(&mut self.conn)
                        .await?
                        .try_get::<i64, _>(0)?)
                }
            }
        })
    }

    fn insert_history_sql(&self, row: &NewRow<'_>) -> Option<String> {
        self.sql.insert_literal(row)
    }

    async fn update_history(&mut self, id: i64, update: &RowUpdate<'_>) -> Result<(), DbError> {
        own!(self, async {
            let query = match update {
                RowUpdate::Finished { duration_ms } => {
                    sqlx::query(sql(&self.sql.set_finished)).bind(*duration_ms)
                }
                RowUpdate::Failed {
                    error,
                    statement,
                    duration_ms,
                } => sqlx::query(sql(&self.sql.set_failed))
                    .bind(error.clone())
                    .bind(*statement)
                    .bind(*duration_ms),
                RowUpdate::Reverted(state) => {
                    sqlx::query(sql(&self.sql.set_reverted)).bind(state.as_str().to_owned())
                }
                RowUpdate::RollingBack => sqlx::query(sql(&self.sql.set_rolling_back)),
                RowUpdate::Mark(state) => {
                    sqlx::query(sql(&self.sql.set_state)).bind(state.as_str().to_owned())
                }
                RowUpdate::DownScript { down_sql } => {
                    sqlx::query(sql(&self.sql.set_down)).bind(down_sql.map(str::to_owned))
                }
                RowUpdate::Checksum {
                    checksum,
                    down_sql,
                    name,
                } => sqlx::query(sql(&self.sql.set_checksum))
                    .bind(checksum.hex())
                    .bind(i64::from(checksum.algorithm))
                    .bind(down_sql.map(str::to_owned))
                    .bind((*name).to_owned()),
            };
            query.bind(id).execute(&mut self.conn).await?;
            Ok(())
        })
    }

    async fn insert_event(&mut self, event: &NewEvent<'_>) -> Result<(), DbError> {
        own!(self, async {
            sqlx::query(sql(&self.sql.insert_event))
                .bind(event.command.to_owned())
                .bind(event.plugin.map(str::to_owned))
                .bind(event.actor.to_owned())
                .bind(event.outcome.to_owned())
                .bind(event.message.to_owned())
                .bind(env!("CARGO_PKG_VERSION").to_owned())
                .execute(&mut self.conn)
                .await?;
            Ok(())
        })
    }

    async fn widen_checksum(&mut self) -> Result<(), DbError> {
        match self.sql.widen_checksum.clone() {
            Some(sql) => self.execute(&sql).await,
            None => Ok(()),
        }
    }
}
}

capability! {
impl PluginStore {
    async fn read_plugins(&mut self) -> Result<Vec<InstalledPlugin>, DbError> {
        let p = self.sql.plugins.clone();
        if self.query_bound(&p.exists, &[Bind::Text(&p.exists_arg)]).await?.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.query_text(&p.select).await?;
        Ok(rows
            .into_iter()
            .map(|mut r| {
                let mut take = |i: usize| r.get_mut(i).and_then(Option::take);
                InstalledPlugin {
                    name: take(0).unwrap_or_default(),
                    version: take(1).unwrap_or_default(),
                    previous_version: take(2),
                    updated_at: take(3).unwrap_or_default(),
                    updated_by: take(4).unwrap_or_default(),
                }
            })
            .collect())
    }

    async fn record_plugin(&mut self, name: &str, version: &str, by: &str) -> Result<(), DbError> {
        let p = self.sql.plugins.clone();
        // Before the transaction: MySQL commits DDL implicitly.
        self.execute(&p.create).await?;
        let previous = (self.read_plugins().await?.into_iter())
            .find(|i| i.name == name)
            .map(|i| i.version);
        let ferry = env!("CARGO_PKG_VERSION");
        let binds = [
            Bind::Text(version),
            previous.as_deref().map_or(Bind::Null, Bind::Text),
            Bind::Text(by),
            Bind::Text(ferry),
            Bind::Text(name),
        ];
        let statement = if previous.is_some() { &p.update } else { &p.insert };
        self.query_bound(statement, &binds).await?;
        Ok(())
    }
}
}

capability! {
impl SnapshotStore {
    async fn record_snapshot(
        &mut self,
        command: &str,
        schema_json: &str,
        row_counts: Option<&str>,
    ) -> Result<(), DbError> {
        let s = self.sql.snapshots.clone();
        self.execute(&s.create).await?;
        let binds = [
            Bind::Text(command),
            Bind::Int(i64::from(ferry_core::schema::FORMAT)),
            Bind::Text(schema_json),
            row_counts.map_or(Bind::Null, Bind::Text),
            Bind::Text(env!("CARGO_PKG_VERSION")),
        ];
        self.query_bound(&s.insert, &binds).await?;
        Ok(())
    }

    async fn last_snapshot(&mut self) -> Result<Option<StoredSnapshot>, DbError> {
        let s = self.sql.snapshots.clone();
        if self.query_bound(&s.exists, &[Bind::Text(&s.exists_arg)]).await?.is_empty() {
            return Ok(None);
        }
        let rows = self.query_text(&s.select_last).await?;
        Ok(rows.into_iter().next().map(|mut r| {
            let mut take = |i: usize| r.get_mut(i).and_then(Option::take);
            StoredSnapshot {
                taken_at: iso_utc(take(0).unwrap_or_default()),
                command: take(1).unwrap_or_default(),
                schema_json: take(2).unwrap_or_default(),
                row_counts: take(3),
            }
        }))
    }
}
}

capability! {
impl ForeignHistory {
    async fn read_foreign(
        &mut self,
        columns: &ferry_core::import::Columns,
    ) -> Result<Option<Vec<ferry_core::import::ForeignRow>>, DbError> {
        let tables = self.table_names().await?;
        // A name as listed (perhaps schema-qualified) is read as it is; a tool's default
        // name is looked for in the current schema first.
        let exact = |t: &&String| t.eq_ignore_ascii_case(columns.table);
        let bare = |t: &&String| {
            let name = t.rsplit('.').next().unwrap_or(t);
            name.eq_ignore_ascii_case(columns.table)
        };
        let Some(table) = tables
            .iter()
            .find(exact)
            .or_else(|| tables.iter().find(bare))
        else {
            return Ok(None);
        };
        let select = crate::sql::foreign_select(DB::DIALECT, table, columns);
        let rows = self.query_text(&select).await?;
        let foreign = (rows.into_iter())
            .map(|mut r| {
                r.resize(7, None);
                let mut cells = r.into_iter();
                let mut next = || cells.next().flatten();
                ferry_core::import::ForeignRow {
                    version: next(),
                    name: next(),
                    applied_at: next(),
                    checksum: next(),
                    ok: next().map(|v| v == "1"),
                    kind: next(),
                    script: next(),
                }
            })
            .collect();
        Ok(Some(foreign))
    }
}
}

capability! {
impl Inspect {
    async fn table_names(&mut self) -> Result<Vec<String>, DbError> {
        let rows = self.query_text(DB::TABLE_NAMES).await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect())
    }

    async fn table_sizes(
        &mut self,
        tables: &[&str],
    ) -> Result<std::collections::BTreeMap<String, (u64, Option<u64>)>, DbError> {
        let Some(query) = DB::TABLE_SIZE else {
            let counts = crate::inspect::row_counts(self, DB::DIALECT, tables).await?;
            return Ok(counts.into_iter().map(|(t, n)| (t, (n, None))).collect());
        };
        // PostgreSQL resolves the name itself: quoted parts keep their case.
        let name = |t: &str| match DB::DIALECT {
            Dialect::Postgres => crate::sql::quote_name(t, '"'),
            _ => ferry_core::schema::split_name(t).pop().unwrap_or_default(),
        };
        let sizes = crate::inspect::Sizes {
            query,
            lock_timeout: DB::SIZE_LOCK_TIMEOUT,
            name: &name,
        };
        crate::inspect::table_sizes(self, &sizes, tables).await
    }

    async fn held_locks(&mut self) -> Result<Option<Vec<(String, String)>>, DbError> {
        let Some(query) = DB::HELD_LOCKS else {
            return Ok(None);
        };
        let rows = self.query_text(query).await?;
        let pair = |r: Vec<Option<String>>| {
            let mut cells = r.into_iter().map(Option::unwrap_or_default);
            (cells.next().unwrap_or_default(), cells.next().unwrap_or_default())
        };
        Ok(Some(rows.into_iter().map(pair).collect()))
    }

    async fn row_counts(
        &mut self,
        tables: &[&str],
    ) -> Result<std::collections::BTreeMap<String, u64>, DbError> {
        crate::inspect::row_counts(self, DB::DIALECT, tables).await
    }

    async fn schema(&mut self) -> Result<ferry_core::schema::Schema, DbError> {
        self.schema_of(None).await
    }

    async fn schema_of(
        &mut self,
        only: Option<&[String]>,
    ) -> Result<ferry_core::schema::Schema, DbError> {
        let sql = DB::catalog(self, only.is_some());
        let scope = only.map(crate::inspect::scope_value);
        let names = [
            &self.names.history,
            &self.names.events,
            &self.names.plugins,
            &self.names.snapshots,
        ];
        // A configured name may be qualified; the catalog drops the current schema's.
        let bare = names.map(|n| n.rsplit('.').next().unwrap_or(n).to_owned());
        let mut owned: Vec<String> = names.iter().map(|n| (*n).clone()).collect();
        owned.extend(bare);
        let skip: Vec<&str> = owned.iter().map(String::as_str).collect();
        let scoped = (skip.as_slice(), scope.as_deref());
        crate::inspect::read(self, DB::DIALECT.file_tag(), &sql, scoped).await
    }
}
}

capability! {
impl Admin {
    async fn create_database(&mut self, name: &str) -> Result<(), DbError> {
        let sql = DB::create_database(name).ok_or_else(not_by_sql)?;
        self.execute(&sql).await
    }

    async fn drop_database(&mut self, name: &str) -> Result<(), DbError> {
        let sql = DB::drop_database(name).ok_or_else(not_by_sql)?;
        self.execute(&sql).await
    }

    async fn copy_settings(&mut self, source: &str, name: &str) -> Result<Vec<String>, DbError> {
        let Some(query) = DB::DATABASE_SETTINGS else {
            return Ok(Vec::new());
        };
        let rows = self.query_bound(query, &[Bind::Text(source)]).await?;
        let mut failed = Vec::new();
        for setting in rows.into_iter().filter_map(|r| r.into_iter().next().flatten()) {
            let Some((key, value)) = setting.split_once('=') else {
                continue;
            };
            // Each element of a list (search_path) as a literal of its own.
            let values: Vec<String> = (value.split(", "))
                .map(|v| format!("'{}'", v.replace('\'', "''")))
                .collect();
            let sql = format!(
                "ALTER DATABASE {} SET {} = {}",
                crate::sql::quote_ident(name, '"'),
                crate::sql::quote_ident(key, '"'),
                values.join(", ")
            );
            if self.execute(&sql).await.is_err() {
                failed.push(setting);
            }
        }
        Ok(failed)
    }

    async fn relax_durability(&mut self) -> Result<(), DbError> {
        match DB::RELAXED_DURABILITY {
            Some(sql) => self.execute(sql).await,
            None => Ok(()),
        }
    }

    async fn copy_database(&mut self, source: &str, name: &str) -> Result<bool, DbError> {
        match DB::copy_database(source, name) {
            Some(sql) => self.execute(&sql).await.map(|()| true),
            None => Ok(false),
        }
    }
}
}

fn not_by_sql() -> DbError {
    DbError::msg("a SQLite database is a file: create or remove the file instead")
}

/// One shared copy of each distinct value of the columns that repeat across a history.
#[derive(Default)]
struct Interner(HashSet<Arc<str>>);

impl Interner {
    fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = text.into();
        self.0.insert(shared.clone());
        shared
    }
}

fn decode_row<DB>(
    row: &DB::Row,
    shared: &mut Interner,
    (plugin, kind): (&str, VersionKind),
) -> Result<HistoryRow, EngineError>
where
    DB: Database,
    for<'t> &'t str: Decode<'t, DB> + Type<DB>,
    for<'t> String: Decode<'t, DB> + Type<DB>,
    for<'t> Option<String>: Decode<'t, DB> + Type<DB>,
    for<'t> i64: Decode<'t, DB> + Type<DB>,
    for<'t> Option<i64>: Decode<'t, DB> + Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let id: i64 = row.try_get(0).map_err(|e| EngineError::BadHistory {
        id: -1,
        problem: e.to_string(),
    })?;
    let bad = |problem: String| EngineError::BadHistory { id, problem };
    let get_s = |i: usize| row.try_get::<&str, _>(i).map_err(|e| bad(e.to_string()));
    let get_os = |i: usize| {
        row.try_get::<Option<String>, _>(i)
            .map_err(|e| bad(e.to_string()))
    };
    let get_i = |i: usize| row.try_get::<i64, _>(i).map_err(|e| bad(e.to_string()));
    let get_oi = |i: usize| {
        row.try_get::<Option<i64>, _>(i)
            .map_err(|e| bad(e.to_string()))
    };
    let version_text = get_s(2)?;
    let state_text = get_s(7)?;
    let (hex, algorithm) = (get_s(4)?, get_i(5)?);
    let checksum = u32::try_from(algorithm)
        .ok()
        .and_then(|a| Checksum::from_hex(a, hex))
        .ok_or_else(|| {
            bad(format!(
                "checksum `{hex}` (algorithm {algorithm}) is not a checksum this ferry knows"
            ))
        })?;
    let row_plugin = shared.get(get_s(1)?);
    let kind = (*row_plugin == *plugin).then_some(kind);
    Ok(HistoryRow {
        id,
        version: Version::stored(version_text, kind)
            .ok_or_else(|| bad(format!("version `{version_text}` is not a version")))?,
        plugin: row_plugin,
        name: get_s(3)?.into(),
        checksum,
        down_sql: get_os(6)?,
        state: RowState::parse(state_text)
            .ok_or_else(|| bad(format!("state `{state_text}` is unknown")))?,
        batch: get_i(8)?,
        applied_at: iso_utc(get_os(9)?.unwrap_or_default()).into(),
        rolled_back_at: get_os(10)?.map(|t| iso_utc(t).into()),
        duration_ms: get_oi(11)?,
        applied_by: shared.get(get_s(12)?),
        ferry_version: shared.get(get_s(13)?),
        error: get_os(14)?.map(String::into_boxed_str),
        failed_statement: get_oi(15)?,
        baseline: get_i(16)? != 0,
        no_transaction: get_i(17)? != 0,
    })
}

/// Writes a timestamp PostgreSQL printed as `2026-01-30 12:00:00.123456` (UTC) the way the
/// other engines store it, `2026-01-30T12:00:00.123Z`; other text is left as it is.
fn iso_utc(text: String) -> String {
    let b = text.as_bytes();
    if b.len() < 19 || b[10] != b' ' || !text.is_char_boundary(19) {
        return text;
    }
    let (date_time, rest) = text.split_at(19);
    let fraction = rest.strip_prefix('.').unwrap_or("");
    let millis = fraction.get(..3).unwrap_or(fraction);
    format!("{}T{}.{millis:0<3}Z", &date_time[..10], &date_time[11..])
}

#[cfg(test)]
mod tests {
    use super::iso_utc;

    #[test]
    fn postgres_timestamps_become_iso_8601() {
        let iso = |t: &str| iso_utc(t.to_owned());
        assert_eq!(
            iso("2026-01-30 12:00:00.123456"),
            "2026-01-30T12:00:00.123Z"
        );
        assert_eq!(iso("2026-01-30 12:00:00.1"), "2026-01-30T12:00:00.100Z");
        assert_eq!(iso("2026-01-30 12:00:00"), "2026-01-30T12:00:00.000Z");
        assert_eq!(iso("2026-01-30T12:00:00.123Z"), "2026-01-30T12:00:00.123Z");
    }
}
