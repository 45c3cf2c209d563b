//! `ferry baseline VERSION`

use super::summary;
use crate::cli::Global;
use crate::error::CliError;
use crate::session::Session;
use ferry_core::Version;
use ferry_engine::runner;

/// Marks every migration up to `version` applied without running it.
pub async fn run(s: &mut Session, g: &Global, version: &Version) -> Result<(), CliError> {
    let done = (s.run(g, async |db, job, p| {
        runner::baseline(db, job, version, p).await
    }))
    .await?;
    let text = format!(
        "baseline: {} migration(s) marked applied up to {version}",
        done.len()
    );
    summary(g, "baseline", "baselined", &done, Some(text));
    Ok(())
}
