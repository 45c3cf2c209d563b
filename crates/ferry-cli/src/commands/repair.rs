//! `ferry repair`

use super::summary;
use crate::cli::Global;
use crate::error::CliError;
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
    let options = RepairOptions {
        accept_checksums,
        clear_failed,
    };
    let done = (s.run(g, async |db, job, p| {
        runner::repair(db, job, options, p).await
    }))
    .await?;
    let text = done
        .is_empty()
        .then(|| "repair: nothing to repair".to_owned());
    summary(g, "repair", "repaired", &done, text);
    Ok(())
}
