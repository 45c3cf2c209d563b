//! The connection itself, the session state migrations start from, and the lock.

use crate::{Capabilities, DbError, Lock};
use async_trait::async_trait;
use ferry_core::{Dialect, ServerFacts};

/// What the connection is, and closing it.
#[async_trait]
pub trait Connection: Send {
    /// The engine family.
    fn dialect(&self) -> Dialect;
    /// What the engine can do.
    fn capabilities(&self) -> Capabilities;
    /// The server's version and family.
    fn server_facts(&self) -> ServerFacts;
    /// The server's version as it reports it (`16.4`, `10.11.6-MariaDB`, `3.45.1`).
    fn server_version(&self) -> &str;
    /// Closes the connection cleanly.
    async fn close(self: Box<Self>);
}

/// The session every migration starts from.
#[async_trait]
pub trait SessionState: Send {
    /// Limits each following statement to `seconds` (`None`: puts back the limit there was
    /// before); `false` if this engine has no server-side statement limit.
    async fn statement_timeout(&mut self, seconds: Option<u64>) -> Result<bool, DbError>;
    /// Records the session as it is now (after the preamble) as the state every migration
    /// starts from, and qualifies ferry's tables with the schema or database in use now,
    /// so that a migration that changes `search_path` or says `USE` cannot redirect them.
    async fn capture_session(&mut self) -> Result<(), DbError>;
    /// Restores the captured session state (settings a migration changed, `USE`).
    async fn reset_session(&mut self) -> Result<(), DbError>;
    /// [`SessionState::reset_session`] as SQL to end a batch with, where the engine takes
    /// batches.
    fn reset_session_sql(&self) -> Option<&str>;
}

/// The lock that serialises runners on this database.
pub trait Locking: Send {
    /// The lock (a real one on every engine).
    fn lock(&self) -> Box<dyn Lock>;
}
