//! `ferry baseline VERSION`

use super::{summary, with_printer};
use crate::cli::Global;
use crate::error::CliError;
use crate::session::Session;
use ferry_core::Version;
use ferry_engine::runner;

/// Marks every migration up to `version` applied without running it.
pub async fn run(s: &mut Session, g: &Global, version: &Version) -> Result<(), CliError> {
    let ctx = s.run_context();
    let done = with_printer(g, async |p| {
        let plugin = &s.config.plugin;
        runner::baseline(s.db.as_mut(), &s.migrations, plugin, version, &ctx, p).await
    })
    .await?;
    let text = format!(
        "baseline: {} migration(s) marked applied up to {version}",
        done.len()
    );
    summary(g, "baseline", "baselined", &done, Some(text));
    Ok(())
}
