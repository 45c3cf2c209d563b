//! `ferry repair`

use super::summary;
use crate::cli::Global;
use crate::error::CliError;
use crate::session::Session;
use ferry_core::plan::RepairRequest as RepairOptions;
use ferry_engine::runner;

/// Records new checksums and/or clears failed entries.
pub async fn run(s: &mut Session, g: &Global, options: RepairOptions) -> Result<(), CliError> {
    if !options.accept_checksums
        && !options.clear_failed
        && !options.accept_downs
        && options.mark.is_none()
    {
        return Err(CliError::Usage(
            "say what to repair: --accept-checksums (edited applied files), --accept-down (edited down scripts of applied migrations), --clear-failed (failed entries), or --mark-applied/--mark-rolled-back VERSION (a failed rollback you resolved by hand)".into(),
        ));
    }
    s.confirm(g, "`ferry repair`")?;
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
