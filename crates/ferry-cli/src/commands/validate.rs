//! `ferry validate`

use crate::cli::Global;
use crate::error::CliError;
use crate::render::out;
use crate::session::Session;
use ferry_core::plan::{self, Problem};

/// What validate finds: how many migrations it checked, every problem, and whether each is
/// only a warning (allowed).
pub async fn problems(s: &mut Session) -> Result<(usize, Vec<(Problem, bool)>), CliError> {
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
    let judged = problems.into_iter().map(|p| {
        let ok = allowed(&p);
        (p, ok)
    });
    Ok((entries.len(), judged.collect()))
}

/// Reports everything wrong between the files and the history; exit 4 if anything is.
pub async fn run(s: &mut Session, g: &Global) -> Result<(), CliError> {
    let (checked, judged) = problems(s).await?;
    let errors = judged.iter().filter(|(_, ok)| !ok).count();
    if g.json {
        let doc = plan::Validation {
            valid: errors == 0,
            migrations: checked,
            problems: judged.into_iter().map(|(p, _)| p).collect(),
        };
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        for (p, allowed) in &judged {
            out(&format!(
                "{}: {p}",
                if *allowed { "warning" } else { "error" }
            ));
        }
        if errors == 0 {
            out(&format!("valid: {checked} migration(s) checked"));
        }
    }
    match errors {
        0 => Ok(()),
        n => Err(CliError::Check(format!("validation found {n} problem(s)"))),
    }
}
