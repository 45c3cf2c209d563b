//! `ferry validate`

use crate::cli::Global;
use crate::error::CliError;
use crate::render::out;
use crate::session::Session;
use ferry_core::plan::{self, Problem};

/// Reports everything wrong between the files and the history; exit 4 if anything is.
pub async fn run(s: &mut Session, g: &Global) -> Result<(), CliError> {
    let history = s.read_history(true).await?;
    // Down scripts are left on disk until needed; validate reads them all.
    let migrations = s.files.get().await?;
    for down in migrations.iter().filter_map(|m| m.down.as_ref()) {
        down.load()?;
    }
    let entries = plan::status(migrations, &history, &s.config.plugin);
    let mut problems = plan::validate(&entries);
    problems.extend(plan::changed_downs(&entries)?);
    let allowed = |p: &Problem| {
        p.is_warning() || (matches!(p, Problem::OutOfOrder { .. }) && s.config.allow_out_of_order)
    };
    let errors = problems.iter().filter(|p| !allowed(p)).count();
    if g.json {
        let doc = plan::Validation {
            valid: errors == 0,
            migrations: entries.len(),
            problems,
        };
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
        return match errors {
            0 => Ok(()),
            n => Err(CliError::Check(format!("validation found {n} problem(s)"))),
        };
    } else {
        for p in &problems {
            out(&format!(
                "{}: {p}",
                if allowed(p) { "warning" } else { "error" }
            ));
        }
        if errors == 0 {
            out(&format!("valid: {} migration(s) checked", entries.len()));
        }
    }
    if errors > 0 {
        return Err(CliError::Check(format!(
            "validation found {errors} problem(s)"
        )));
    }
    Ok(())
}
