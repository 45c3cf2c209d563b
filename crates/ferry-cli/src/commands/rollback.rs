//! `ferry rollback`, `ferry redo`, `ferry reset`

use super::migrate::dry_run_plan;
use super::summary;
use crate::cli::Global;
use crate::error::CliError;
use crate::session::Session;
use ferry_core::plan::{Request, RollbackTarget};
use ferry_engine::runner::{self, Done};

/// The rollback target the flags select (default: one step).
pub fn target(
    steps: Option<usize>,
    to: Option<&str>,
    batch: bool,
    kind: ferry_core::VersionKind,
) -> Result<RollbackTarget, CliError> {
    Ok(match (steps, to, batch) {
        (_, Some(v), _) => RollbackTarget::To(super::parse_version(v, kind)?),
        (_, _, true) => RollbackTarget::LastBatch,
        (Some(0), _, _) => return Err(CliError::Usage("--steps must be at least 1".into())),
        (Some(n), _, _) => RollbackTarget::Steps(n),
        (None, None, false) => RollbackTarget::Steps(1),
    })
}

/// Rolls back as `target` says, or prints what would run.
pub async fn run(
    s: &mut Session,
    g: &Global,
    target: RollbackTarget,
    command: &str,
    dry_run: bool,
) -> Result<(), CliError> {
    if dry_run {
        return dry_run_plan(s, g, (command, true), &Request::Rollback(target)).await;
    }
    s.confirm(g, &format!("`ferry {command}`"))?;
    let done = revert(s, g, &target, command).await?;
    reverted(g, command, "rolled back", &done);
    Ok(())
}

async fn revert(
    s: &mut Session,
    g: &Global,
    target: &RollbackTarget,
    command: &str,
) -> Result<Vec<Done>, CliError> {
    s.run(g, async |db, job, p| {
        runner::rollback(db, job, target, command, p).await
    })
    .await
}

/// The summary of a rollback-like command.
fn reverted(g: &Global, command: &str, verb: &str, done: &[Done]) {
    let text = format!("{verb} {} migration(s)", done.len());
    summary(g, command, "done", done, (!done.is_empty()).then_some(text));
}

/// Rolls back the last migration and applies it again.
pub async fn redo(s: &mut Session, g: &Global) -> Result<(), CliError> {
    s.confirm(g, "`ferry redo`")?;
    let done = (s.run(g, async |db, job, p| runner::redo(db, job, p).await)).await?;
    // One migration, rolled back and applied: two steps done.
    let text = format!("re-applied {} migration(s)", done.len() / 2);
    summary(g, "redo", "done", &done, (!done.is_empty()).then_some(text));
    Ok(())
}

/// Rolls back everything; refused in protected environments.
pub async fn reset(s: &mut Session, g: &Global) -> Result<(), CliError> {
    if s.config.protected {
        return Err(CliError::Refused(format!(
            "`ferry reset` rolls back everything and is refused in the `{}` environment",
            s.config.env
        )));
    }
    let done = revert(s, g, &RollbackTarget::All, "reset").await?;
    reverted(g, "reset", "rolled back", &done);
    Ok(())
}
