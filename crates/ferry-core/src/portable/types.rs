//! The `portable-migration-v1` format as Rust types: serde reads and writes it, schemars
//! describes it. Unknown fields are refused everywhere.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A portable migration file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "portable-migration-v1")]
pub struct PortableFile {
    /// Always `portable-migration-v1`.
    pub format: Format,
    /// The migration.
    pub migration: PortableMigration,
}

/// The format's name and version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Format {
    /// Version 1.
    #[serde(rename = "portable-migration-v1")]
    V1,
}

/// One migration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortableMigration {
    /// The migration's id, kept forever: dependencies, history rows and plans refer to it.
    pub id: String,
    /// The plugin it belongs to.
    pub plugin_id: String,
    /// The plugin version that introduced it (semver).
    pub version: String,
    /// A human-readable name.
    pub name: String,
    /// What it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// What kind of change it makes.
    #[serde(rename = "type")]
    pub kind: MigrationType,
    /// Ids of migrations that must be applied first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    /// Ids of migrations that must not be applied with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<String>,
    /// Why it exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// Expected duration, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_duration: Option<u64>,
    /// How risky it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_level: Option<RiskLevel>,
    /// A backup should be taken first.
    #[serde(default)]
    pub requires_backup: bool,
    /// The engines it supports (empty: every engine its steps have SQL for).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub database_engines: Vec<Engine>,
    /// The steps, each direction in order.
    pub steps: Steps,
    /// When it was created (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When it was last changed (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// The kinds of change (seed 003 writes them in capitals; both spellings are read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MigrationType {
    /// Tables, columns, constraints.
    #[serde(alias = "SCHEMA")]
    Schema,
    /// Data migration and transformation.
    #[serde(alias = "DATA")]
    Data,
    /// Indexes.
    #[serde(alias = "INDEX")]
    Index,
    /// Stored procedures and functions.
    #[serde(alias = "FUNCTION")]
    Function,
    /// Triggers.
    #[serde(alias = "TRIGGER")]
    Trigger,
    /// Views and materialized views.
    #[serde(alias = "VIEW")]
    View,
    /// Extensions.
    #[serde(alias = "EXTENSION")]
    Extension,
    /// Permissions and roles.
    #[serde(alias = "PERMISSION")]
    Permission,
}

/// Why a migration exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Initial installation.
    #[serde(alias = "INSTALL")]
    Install,
    /// A version upgrade.
    #[serde(alias = "UPGRADE")]
    Upgrade,
    /// A bug fix.
    #[serde(alias = "PATCH")]
    Patch,
    /// A new feature.
    #[serde(alias = "FEATURE")]
    Feature,
    /// A performance improvement.
    #[serde(alias = "PERFORMANCE")]
    Performance,
    /// A security update.
    #[serde(alias = "SECURITY")]
    Security,
    /// Maintenance.
    #[serde(alias = "MAINTENANCE")]
    Maintenance,
    /// Data moved between versions.
    #[serde(alias = "MIGRATION")]
    Migration,
}

/// How risky a migration is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    /// Low.
    #[serde(alias = "LOW")]
    Low,
    /// Medium.
    #[serde(alias = "MEDIUM")]
    Medium,
    /// High.
    #[serde(alias = "HIGH")]
    High,
    /// Critical.
    #[serde(alias = "CRITICAL")]
    Critical,
}

/// An engine a migration names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// PostgreSQL.
    Postgresql,
    /// MySQL and MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
    /// SQL Server (read and kept; ferry does not run it).
    Mssql,
}

/// The steps of each direction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Steps {
    /// Applying, in order.
    pub up: Vec<Step>,
    /// Reverting, in order.
    #[serde(default)]
    pub down: Vec<Step>,
}

/// One step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Step {
    /// The step's id, unique in its direction.
    pub id: String,
    /// What kind of change it makes.
    #[serde(rename = "type")]
    pub kind: MigrationType,
    /// A human-readable name.
    pub name: String,
    /// What it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The SQL per engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sql: Option<Sql>,
    /// A data transform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transform: Option<Transform>,
    /// Runs in a transaction.
    #[serde(default = "yes")]
    pub transactional: bool,
    /// Can be rolled back.
    #[serde(default = "yes")]
    pub rollback_supported: bool,
    /// A failure does not stop the migration.
    #[serde(default)]
    pub skip_on_error: bool,
    /// Statement timeout, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    /// Ids of steps (of the same direction) that must run first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    /// A query that must hold (return true, or no rows) before the step runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_validation: Option<String>,
    /// A query that must hold after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_validation: Option<String>,
    /// What the step is expected to change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_changes: Option<ExpectedChanges>,
}

fn yes() -> bool {
    true
}

/// SQL per engine: an engine's own, else `universal`. A key that is no engine is refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sql {
    /// PostgreSQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgresql: Option<String>,
    /// MySQL and MariaDB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mysql: Option<String>,
    /// SQLite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sqlite: Option<String>,
    /// SQL Server (kept; not run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mssql: Option<String>,
    /// Every engine without its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub universal: Option<String>,
}

/// A data transform between tables.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Transform {
    /// The source table.
    pub source: String,
    /// The target table.
    pub target: String,
    /// Field mappings.
    #[serde(default)]
    pub mapping: Vec<FieldMapping>,
    /// A WHERE clause on the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Rows per batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<u64>,
    /// Checks on the transformed rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validation: Vec<ValidationRule>,
}

/// How a source field becomes a target field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldMapping {
    /// The source field.
    pub source: String,
    /// The target field.
    pub target: String,
    /// How the value is transformed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transform: Option<FieldTransform>,
    /// The value when the source has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<serde_json::Value>,
    /// The target needs a value.
    #[serde(default)]
    pub required: bool,
}

/// A field's transformation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldTransform {
    /// Its kind.
    #[serde(rename = "type")]
    pub kind: TransformKind,
    /// Its definition (a function name, an expression, a lookup table).
    pub definition: String,
    /// Parameters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<String>,
}

/// Kinds of field transformation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TransformKind {
    /// A built-in function (upper, lower, trim, round).
    #[serde(alias = "FUNCTION")]
    Function,
    /// An SQL expression.
    #[serde(alias = "EXPRESSION")]
    Expression,
    /// A value mapping.
    #[serde(alias = "LOOKUP")]
    Lookup,
    /// Custom logic.
    #[serde(alias = "CUSTOM")]
    Custom,
}

/// A check on transformed rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidationRule {
    /// The field.
    pub field: String,
    /// An SQL expression that must hold.
    pub rule: String,
    /// What to say when it does not.
    pub message: String,
    /// How bad that is.
    #[serde(default = "error")]
    pub severity: Severity,
}

fn error() -> Severity {
    Severity::Error
}

/// How bad a failed check is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The step fails.
    Error,
    /// Reported; the step goes on.
    Warning,
}

/// What a step is expected to change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedChanges {
    /// Rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// Tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tables: Option<u64>,
    /// Indexes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexes: Option<u64>,
}
