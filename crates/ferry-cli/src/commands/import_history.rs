//! `ferry import-history --from TOOL`

use super::summary;
use crate::cli::Global;
use crate::error::CliError;
use crate::session::Session;
use ferry_core::tools::Tool;
use ferry_engine::runner;

/// Parses `--from`.
pub fn tool(name: &str) -> Result<Tool, CliError> {
    Tool::from_name(name).ok_or_else(|| {
        CliError::Usage(format!(
            "`{name}` is not a tool ferry imports from; use one of: {}",
            Tool::names()
        ))
    })
}

/// Records another tool's history as ferry's (or, with `dry_run`, shows what it would).
pub async fn run(s: &mut Session, g: &Global, tool: Tool, dry_run: bool) -> Result<(), CliError> {
    let done = (s.run(g, async |db, job, p| {
        runner::import_history(db, job, tool, dry_run, p).await
    }))
    .await?;
    let text = match dry_run {
        true => {
            let mut text = format!(
                "import-history --dry-run: would record {} migration(s) from {}:",
                done.len(),
                tool.name()
            );
            for d in &done {
                let note = d
                    .note
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                text.push_str(&format!("\n  {} {}{note}", d.version, d.name));
            }
            text
        }
        false => format!(
            "import-history: recorded {} migration(s) from {}; its table was left as it was",
            done.len(),
            tool.name()
        ),
    };
    let command = if dry_run {
        "import-history --dry-run"
    } else {
        "import-history"
    };
    summary(g, command, "imported", &done, Some(text));
    Ok(())
}
