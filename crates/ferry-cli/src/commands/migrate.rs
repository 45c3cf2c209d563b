//! `ferry migrate`

use super::summary;
use crate::cli::Global;
use crate::error::CliError;
use crate::render::{self, out};
use crate::session::Session;
use ferry_core::Version;
use ferry_core::plan::{self, MigrateOptions, Request};
use ferry_engine::runner;

/// Applies pending migrations, or prints what would run.
pub async fn run(
    s: &mut Session,
    g: &Global,
    target: Option<Version>,
    dry_run: bool,
    (allow_ooo, ignore_other_tools): (bool, bool),
) -> Result<(), CliError> {
    // With plugins installed, one plan covers the application and every plugin.
    let installed = (s.db.read_plugins().await)
        .map_err(ferry_engine::EngineError::db("reading ferry_plugins"))?;
    // Cross-plugin requirements and conflicts are checked by the plan across plugins too.
    let declares = |m: &ferry_core::Migration| {
        let d = &m.up.directives;
        !d.requires.is_empty() || !d.conflicts.is_empty()
    };
    if !installed.is_empty() || s.files.get().await?.iter().any(declares) {
        if target.is_some() {
            return Err(CliError::Usage(
                "--to names one migration; with plugins installed (or migrations that require others), migrate applies every plugin's pending migrations (use `ferry plugin update NAME --version V` for one plugin)".into(),
            ));
        }
        return super::plugin::migrate_all(g, dry_run, allow_ooo).await;
    }
    let options = MigrateOptions {
        target,
        allow_out_of_order: allow_ooo || s.config.allow_out_of_order,
        only: None,
        ignore_other_tools,
    };
    if dry_run {
        return dry_run_plan(s, g, ("migrate", false), &Request::Migrate(options)).await;
    }
    let done = (s.run(g, async |db, job, p| {
        runner::migrate(db, job, &options, p).await
    }))
    .await?;
    applied(g, &done);
    Ok(())
}

/// The summary of a `migrate`, alone or across plugins.
pub fn applied(g: &Global, done: &[runner::Done]) {
    let text = format!("applied {} migration(s)", done.len());
    summary(
        g,
        "migrate",
        "applied",
        done,
        (!done.is_empty()).then_some(text),
    );
}

/// Prints the plan for `request` from every migration's state, changing nothing; a plan
/// that rolls back needs the down scripts stored in the history.
pub async fn dry_run_plan(
    s: &mut Session,
    g: &Global,
    (command, rolls_back): (&str, bool),
    request: &Request,
) -> Result<(), CliError> {
    let history = s.read_history(rolls_back).await?;
    let migrations = s.files.get().await?;
    let entries = plan::status(migrations, &history, &s.config.plugin);
    let plan = plan::plan(request, &entries)?;
    // A dry run refuses what the run would refuse.
    let ctx = s.config.run_context();
    let job = runner::Job {
        files: &s.files,
        plugin: &s.config.plugin,
        version_kind: s.version_kind(),
        ctx: &ctx,
    };
    runner::refuse_if_applied_elsewhere(s.db.as_mut(), &job, request, &entries, &plan).await?;
    let prepared = runner::prepare_plan(s.db.as_ref(), plan)?;
    let view = runner::view(command, &prepared);
    if g.json {
        let doc = DryRun {
            dry_run: true,
            session: &s.config.session,
            plan: &view,
        };
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        out(render::plan_text(&s.config.session, &view).trim_end());
    }
    Ok(())
}

/// What `--dry-run --json` prints: the plan, and the session preamble it runs after.
#[derive(serde::Serialize)]
struct DryRun<'a> {
    dry_run: bool,
    session: &'a [String],
    #[serde(flatten)]
    plan: &'a runner::PlanView,
}
