//! `ferry rollback`, `ferry redo`, `ferry reset`

use super::migrate::print_plan;
use crate::cli::Global;
use crate::error::CliError;
use crate::render::{EventPrinter, out};
use crate::session::Session;
use ferry_core::Script;
use ferry_core::plan::{self, MigrateOptions, RollbackTarget};
use ferry_engine::runner::{self, Done};

/// The rollback target the flags select (default: one step).
pub fn target(
    steps: Option<usize>,
    to: Option<&str>,
    batch: bool,
) -> Result<RollbackTarget, CliError> {
    Ok(match (steps, to, batch) {
        (_, Some(v), _) => RollbackTarget::To(super::parse_version(v)?),
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
        let history = runner::read_history(s.db.as_mut()).await?;
        let entries = plan::status(&s.migrations, &history, &s.config.plugin);
        let steps = plan::plan_rollback(&entries, &target)?;
        let scripts: Vec<(String, String, &Script)> = steps
            .iter()
            .map(|st| (st.label.clone(), st.row.name.clone(), &st.down))
            .collect();
        return print_plan(s, g, command, &scripts);
    }
    s.confirm(g, &format!("`ferry {command}`"))?;
    let done = revert(s, g, &target, command).await?;
    summary(g, command, "rolled back", &done);
    Ok(())
}

async fn revert(
    s: &mut Session,
    g: &Global,
    target: &RollbackTarget,
    command: &str,
) -> Result<Vec<Done>, CliError> {
    let ctx = s.run_context();
    let mut printer = EventPrinter::new(g.json);
    let result = runner::rollback(
        s.db.as_mut(),
        &s.migrations,
        &s.config.plugin,
        target,
        command,
        &ctx,
        &mut printer,
    )
    .await;
    printer.finish();
    Ok(result?)
}

fn summary(g: &Global, command: &str, verb: &str, done: &[Done]) {
    if g.json {
        out(
            &serde_json::json!({ "event": "summary", "command": command, "done": done })
                .to_string(),
        );
    } else if !done.is_empty() {
        out(&format!("{verb} {} migration(s)", done.len()));
    }
}

/// Rolls back the last migration and applies it again.
pub async fn redo(s: &mut Session, g: &Global) -> Result<(), CliError> {
    s.confirm(g, "`ferry redo`")?;
    let done = revert(s, g, &RollbackTarget::Steps(1), "redo").await?;
    let Some(last) = done.first() else {
        return Ok(());
    };
    let target = super::parse_version(&last.version)?;
    let options = MigrateOptions {
        target: Some(target),
        allow_out_of_order: true,
    };
    let ctx = s.run_context();
    let mut printer = EventPrinter::new(g.json);
    let result = runner::migrate(
        s.db.as_mut(),
        &s.migrations,
        &s.config.plugin,
        &options,
        &ctx,
        &mut printer,
    )
    .await;
    printer.finish();
    summary(g, "redo", "re-applied", &result?);
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
    summary(g, "reset", "rolled back", &done);
    Ok(())
}
