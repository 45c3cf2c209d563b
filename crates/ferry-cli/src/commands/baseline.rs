//! `ferry baseline VERSION`

use crate::cli::Global;
use crate::error::CliError;
use crate::render::{EventPrinter, out};
use crate::session::Session;
use ferry_core::Version;
use ferry_engine::runner;

/// Marks every migration up to `version` applied without running it.
pub async fn run(s: &mut Session, g: &Global, version: &Version) -> Result<(), CliError> {
    let ctx = s.run_context();
    let mut printer = EventPrinter::new(g.json);
    let result = runner::baseline(
        s.db.as_mut(),
        &s.migrations,
        &s.config.plugin,
        version,
        &ctx,
        &mut printer,
    )
    .await;
    printer.finish();
    let done = result?;
    if g.json {
        out(
            &serde_json::json!({ "event": "summary", "command": "baseline", "baselined": done })
                .to_string(),
        );
    } else {
        out(&format!(
            "baseline: {} migration(s) marked applied up to {version}",
            done.len()
        ));
    }
    Ok(())
}
