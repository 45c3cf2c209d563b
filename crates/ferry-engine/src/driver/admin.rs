//! What is in the database, and databases themselves (for the tests today, for rehearsals
//! on a scratch copy later).

use crate::DbError;
use async_trait::async_trait;

/// Looking at what the database holds.
#[async_trait]
pub trait Inspect: Send {
    /// Names of the user tables in the database.
    async fn table_names(&mut self) -> Result<Vec<String>, DbError>;
    /// The schema, engine-neutral, without ferry's own tables.
    async fn schema(&mut self) -> Result<ferry_core::schema::Schema, DbError>;
    /// The schema with only the tables in `only` (names compared without case), and every
    /// object that belongs to no table; all of it when `None`.
    async fn schema_of(
        &mut self,
        only: Option<&[String]>,
    ) -> Result<ferry_core::schema::Schema, DbError>;
    /// The table locks this session holds now, as (table, lock mode) pairs (PostgreSQL
    /// `pg_locks`); `None` where the engine cannot tell (MySQL's DDL commits and releases its
    /// locks at once; SQLite locks the whole file).
    async fn held_locks(&mut self) -> Result<Option<Vec<(String, String)>>, DbError>;
    /// Each of `tables`' estimated row count and size on disk in bytes, from the catalog
    /// (PostgreSQL `reltuples` and `pg_total_relation_size`, MySQL `information_schema`,
    /// SQLite an exact count and no size); tables not found are left out.
    async fn table_sizes(
        &mut self,
        tables: &[&str],
    ) -> Result<std::collections::BTreeMap<String, (u64, Option<u64>)>, DbError>;
    /// The exact row count of each of `tables` (names as the schema gives them); a table
    /// that cannot be counted is left out.
    async fn row_counts(
        &mut self,
        tables: &[&str],
    ) -> Result<std::collections::BTreeMap<String, u64>, DbError>;
}

/// Creating and dropping databases on the server this connection is on.
#[async_trait]
pub trait Admin: Send {
    /// Creates database `name`.
    async fn create_database(&mut self, name: &str) -> Result<(), DbError>;
    /// Drops database `name` if it exists (closing other sessions' connections to it where
    /// the engine can).
    async fn drop_database(&mut self, name: &str) -> Result<(), DbError>;
    /// Makes database `name` a copy of `source`, schema and rows (PostgreSQL: `TEMPLATE`,
    /// from a connection to another database; SQLite: `VACUUM INTO` the file `name`, on a
    /// connection to `source`). `false` where the engine cannot.
    async fn copy_database(&mut self, source: &str, name: &str) -> Result<bool, DbError>;
    /// Gives database `name` the settings `ALTER DATABASE source SET ...` gave `source`
    /// (PostgreSQL: a template copy does not take them); best effort, the settings that
    /// could not be copied are returned as `name=value`.
    async fn copy_settings(&mut self, source: &str, name: &str) -> Result<Vec<String>, DbError>;
    /// Stops waiting for the disk at each commit on this connection (PostgreSQL
    /// `synchronous_commit = off`, SQLite `synchronous = OFF`): for a scratch database,
    /// which a crash may lose.
    async fn relax_durability(&mut self) -> Result<(), DbError>;
}
