//! The installed plugins' versions (`ferry_plugins`): kept in the database, so that every
//! machine that migrates it sees the same truth.

use crate::DbError;
use async_trait::async_trait;

/// One installed plugin.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct InstalledPlugin {
    /// Its name.
    pub name: String,
    /// The version installed.
    pub version: String,
    /// The version before the last change, if there was one.
    pub previous_version: Option<String>,
    /// When it last changed (UTC).
    pub updated_at: String,
    /// Who changed it.
    pub updated_by: String,
}

/// ferry's table of installed plugins.
#[async_trait]
pub trait PluginStore: Send {
    /// The installed plugins, by name; none if the table does not exist (nothing is
    /// created).
    async fn read_plugins(&mut self) -> Result<Vec<InstalledPlugin>, DbError>;
    /// Records `name` at `version` (creating the table if missing), keeping the version it
    /// replaces as the previous one.
    async fn record_plugin(&mut self, name: &str, version: &str, by: &str) -> Result<(), DbError>;
}
