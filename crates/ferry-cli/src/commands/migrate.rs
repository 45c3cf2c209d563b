//! `ferry migrate`

use super::summary;
use crate::cli::Global;
use crate::error::CliError;
use crate::render::{self, out};
use crate::session::Session;
use ferry_core::plan::{self, Entry, MigrateOptions, PlanError};
use ferry_core::{Script, Version};
use ferry_engine::{Driver, runner};

/// Applies pending migrations, or prints what would run.
pub async fn run(
    s: &mut Session,
    g: &Global,
    target: Option<Version>,
    dry_run: bool,
    allow_ooo: bool,
) -> Result<(), CliError> {
    let options = MigrateOptions {
        target,
        allow_out_of_order: allow_ooo || s.config.allow_out_of_order,
        only: None,
    };
    if dry_run {
        return dry_run_plan(s, g, ("migrate", false), |entries| {
            let steps = plan::plan_migrate(entries, &options)?;
            Ok(steps
                .iter()
                .map(|m| (m.label.clone(), m.name.clone(), m.up.clone()))
                .collect())
        })
        .await;
    }
    let done = (s.run(g, async |db, job, p| {
        runner::migrate(db, job, &options, p).await
    }))
    .await?;
    let text = format!("applied {} migration(s)", done.len());
    summary(
        g,
        "migrate",
        "applied",
        &done,
        (!done.is_empty()).then_some(text),
    );
    Ok(())
}

/// A step of a plan: version, name and the script it runs.
pub type PlanStep = (String, String, Script);

/// Prints the steps `plan` picks from every migration's state, changing nothing; a plan
/// that rolls back needs the down scripts stored in the history.
pub async fn dry_run_plan(
    s: &mut Session,
    g: &Global,
    (command, rolls_back): (&str, bool),
    plan: impl FnOnce(&[Entry<'_>]) -> Result<Vec<PlanStep>, PlanError>,
) -> Result<(), CliError> {
    let history =
        runner::read_history(s.db.as_mut(), rolls_back, &s.config.plugin, s.version_kind).await?;
    let migrations = s.files.get().await?;
    let entries = plan::status(migrations, &history, &s.config.plugin);
    let steps = plan(&entries)?;
    print_plan(s, g, command, &steps)
}

/// Prints a plan with the exact SQL each step runs, and whether it runs in a transaction.
fn print_plan(
    s: &Session,
    g: &Global,
    command: &str,
    scripts: &[PlanStep],
) -> Result<(), CliError> {
    let db: &dyn Driver = s.db.as_ref();
    let mut steps = Vec::new();
    for (version, name, script) in scripts {
        let run = runner::prepare(db, script)?;
        let reason = runner::no_transaction_reason(&run.mode);
        let sqls = |list: &[ferry_core::Statement]| {
            list.iter().map(|st| st.sql.clone()).collect::<Vec<_>>()
        };
        steps.push(serde_json::json!({
            "version": version,
            "name": name,
            "file": script.path.display().to_string(),
            "transaction": reason.is_none(),
            "no_transaction_reason": reason,
            "before_transaction": sqls(&run.before),
            "statements": sqls(&run.body),
            "check_before_commit": run.check.map(|c| c.sql),
            "record_only": run.record_only,
        }));
    }
    if g.json {
        let doc = serde_json::json!({ "dry_run": true, "command": command, "session": s.config.session, "steps": steps });
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
        return Ok(());
    }
    out(render::plan_text(command, &s.config.session, &steps).trim_end());
    Ok(())
}
