//! `ferry repair`

use crate::cli::Global;
use crate::error::CliError;
use crate::render::{EventPrinter, out};
use crate::session::Session;
use ferry_engine::runner::{self, RepairOptions};

/// Records new checksums and/or clears failed entries.
pub async fn run(
    s: &mut Session,
    g: &Global,
    accept_checksums: bool,
    clear_failed: bool,
) -> Result<(), CliError> {
    if !accept_checksums && !clear_failed {
        return Err(CliError::Usage(
            "say what to repair: --accept-checksums (edited applied files) and/or --clear-failed (failed entries)".into(),
        ));
    }
    s.confirm(g, "`ferry repair`")?;
    let ctx = s.run_context();
    let mut printer = EventPrinter::new(g.json);
    let options = RepairOptions {
        accept_checksums,
        clear_failed,
    };
    let result = runner::repair(
        s.db.as_mut(),
        &s.migrations,
        &s.config.plugin,
        options,
        &ctx,
        &mut printer,
    )
    .await;
    printer.finish();
    let done = result?;
    if g.json {
        out(
            &serde_json::json!({ "event": "summary", "command": "repair", "repaired": done })
                .to_string(),
        );
    } else if done.is_empty() {
        out("repair: nothing to repair");
    }
    Ok(())
}
