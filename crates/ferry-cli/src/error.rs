//! The one place errors become messages and exit codes.

use ferry_core::LoadError;
use ferry_core::plan::PlanError;
use ferry_engine::EngineError;

/// Exit codes, as documented in the README.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// A migration or the database failed.
    pub const FAILED: i32 = 1;
    /// Bad usage, configuration or input files.
    pub const USAGE: i32 = 2;
    /// The lock was not acquired in time.
    pub const LOCK: i32 = 3;
    /// Validation failed: modified, missing, duplicate, or a failed entry that needs repair.
    pub const VALIDATION: i32 = 4;
    /// Refused by a safety policy.
    pub const REFUSED: i32 = 5;
    /// Interrupted (Ctrl-C or SIGTERM), after cleaning up.
    pub const INTERRUPTED: i32 = 130;
}

/// Anything that ends a command unsuccessfully.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad usage or configuration.
    #[error("{0}")]
    Usage(String),
    /// A safety policy said no.
    #[error("{0}")]
    Refused(String),
    /// A check found problems (already reported).
    #[error("{0}")]
    Check(String),
    /// Stopped by a signal, after cleaning up.
    #[error("{0}")]
    Interrupted(String),
    /// Database work failed.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl From<LoadError> for CliError {
    fn from(e: LoadError) -> Self {
        CliError::Engine(EngineError::Load(e))
    }
}

impl From<PlanError> for CliError {
    fn from(e: PlanError) -> Self {
        CliError::Engine(EngineError::Plan(e))
    }
}

impl CliError {
    /// The documented exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => exit::USAGE,
            CliError::Refused(_) => exit::REFUSED,
            CliError::Check(_) => exit::VALIDATION,
            CliError::Interrupted(_) => exit::INTERRUPTED,
            CliError::Engine(e) => engine_code(e),
        }
    }

    /// A short machine-readable kind, for JSON output.
    pub fn kind(&self) -> &'static str {
        match self.exit_code() {
            exit::USAGE => "usage",
            exit::LOCK => "lock_timeout",
            exit::VALIDATION => "validation",
            exit::REFUSED => "refused",
            exit::INTERRUPTED => "interrupted",
            _ => "failed",
        }
    }
}

fn plan_code(p: &PlanError) -> i32 {
    match p {
        p if p.is_validation() => exit::VALIDATION,
        PlanError::OutOfOrder { .. } => exit::REFUSED,
        PlanError::Load(inner) if matches!(**inner, LoadError::Duplicate { .. }) => {
            exit::VALIDATION
        }
        _ => exit::USAGE,
    }
}

fn engine_code(e: &EngineError) -> i32 {
    use ferry_core::plugin::upgrade::UpgradeError;
    if e.is_busy() {
        return exit::LOCK;
    }
    match e {
        EngineError::Upgrade(UpgradeError::Plan { error, .. }) => plan_code(error),
        EngineError::Upgrade(u) if u.is_input() => exit::USAGE,
        EngineError::Upgrade(_) => exit::REFUSED,
        EngineError::BadUrl(_) => exit::USAGE,
        EngineError::LockTimeout { .. } => exit::LOCK,
        EngineError::ImportDiffers(..) => exit::VALIDATION,
        EngineError::ImportRefused(_) => exit::REFUSED,
        EngineError::Load(LoadError::Duplicate { .. }) => exit::VALIDATION,
        EngineError::Load(_) => exit::USAGE,
        EngineError::Plan(p) => plan_code(p),
        EngineError::Connect { .. }
        | EngineError::CheckFailed { .. }
        | EngineError::MigrationFailed(_)
        | EngineError::Db { .. }
        | EngineError::BadHistory { .. } => exit::FAILED,
    }
}
