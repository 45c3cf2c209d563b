//! Running statements: text, scripts, queries with bind parameters, transactions.

use crate::DbError;
use async_trait::async_trait;

/// A value bound to a query parameter (`$1` on PostgreSQL, `?` elsewhere): names and
/// values are never formatted into SQL text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bind<'a> {
    /// An integer.
    Int(i64),
    /// A text.
    Text(&'a str),
    /// NULL (as a text).
    Null,
}

/// Statement execution.
#[async_trait]
pub trait Execute: Send {
    /// Runs one statement (or a script the server accepts as a whole), discarding results.
    async fn execute(&mut self, sql: &str) -> Result<(), DbError>;
    /// Runs one statement and returns how many rows it changed.
    async fn execute_counted(&mut self, sql: &str) -> Result<u64, DbError>;
    /// Runs a multi-statement script in one round trip (only when
    /// [`Capabilities::batch_scripts`](crate::Capabilities)); on failure, how many
    /// statements completed first.
    async fn execute_batch(&mut self, script: &str) -> Result<(), (usize, DbError)>;
    /// Runs a query and returns its rows, every column read as optional text.
    async fn query_text(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, DbError>;
    /// Like [`Execute::query_text`], with `binds` bound to the query's parameters in order.
    async fn query_bound(
        &mut self,
        sql: &str,
        binds: &[Bind<'_>],
    ) -> Result<Vec<Vec<Option<String>>>, DbError>;
    /// Starts a transaction.
    async fn begin(&mut self) -> Result<(), DbError>;
    /// Commits the open transaction.
    async fn commit(&mut self) -> Result<(), DbError>;
    /// Rolls the open transaction back.
    async fn rollback(&mut self) -> Result<(), DbError>;
    /// Marks the open transaction abandoned (its guard was dropped open): it is rolled
    /// back before the connection's next statement.
    fn abandon(&mut self);
}

/// An open transaction, as a guard: [`Transaction::commit`] ends it; dropped open (an early
/// return, an error passed up with `?`), the transaction is rolled back before the
/// connection runs anything else, so nothing after it can commit half of it.
pub struct Transaction<'c> {
    db: &'c mut dyn crate::Driver,
    open: bool,
}

impl<'c> Transaction<'c> {
    /// Begins a transaction on `db`.
    pub async fn begin(db: &'c mut dyn crate::Driver) -> Result<Transaction<'c>, DbError> {
        db.begin().await?;
        Ok(Transaction { db, open: true })
    }

    /// The connection, to run statements inside the transaction.
    pub fn db(&mut self) -> &mut dyn crate::Driver {
        self.db
    }

    /// Commits.
    pub async fn commit(mut self) -> Result<(), DbError> {
        self.open = false;
        self.db.commit().await
    }

    /// Rolls back now.
    pub async fn rollback(mut self) -> Result<(), DbError> {
        self.open = false;
        self.db.rollback().await
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if self.open {
            self.db.abandon();
        }
    }
}
