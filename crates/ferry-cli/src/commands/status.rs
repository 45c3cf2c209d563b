//! `ferry status`

use crate::cli::Global;
use crate::error::CliError;
use crate::render::{out, status_table};
use crate::session::Session;
use ferry_core::layout::Layout;
use ferry_core::plan::{self, State};
use ferry_engine::runner;

/// Shows every migration's state; with `--check`, fails unless everything is applied.
pub async fn run(s: &mut Session, g: &Global, check: bool) -> Result<(), CliError> {
    let history = s.read_history(false).await?;
    let migrations = s.files.get().await?;
    let mut entries = plan::status(migrations, &history, &s.config.plugin);
    let mut notes = Vec::new();
    // An unfinished entry is a failure only if no runner is still at work on it; a runner
    // at work on a transactional migration is worth saying too.
    let runner_at_work = runner::lock_holder(s.db.as_mut()).await?;
    if runner_at_work.is_some() {
        plan::mark_running(&mut entries);
    }
    let pending =
        (entries.iter().filter(|e| e.is_pending())).filter_map(|e| Some((e, e.migration?)));
    for (e, m) in pending {
        let run = runner::prepare(s.db.as_ref(), &m.up)?;
        if let Some(reason) = runner::no_transaction_reason(&run.mode) {
            notes.push((e.label.to_owned(), reason));
        }
    }
    if g.json {
        let plugin = s.config.plugin.as_str();
        let migrations = (entries.iter())
            .map(|e| Line {
                line: e.line(plugin),
                no_transaction: notes
                    .iter()
                    .find(|(v, _)| v == e.label)
                    .map(|(_, n)| n.as_str()),
                running_by: runner_at_work
                    .as_deref()
                    .filter(|_| e.state == State::Running),
            })
            .collect();
        let doc = Status {
            database: ferry_core::redact_url(&s.config.url),
            plugin,
            layout: s.layout.0,
            layout_reason: &s.layout.1,
            lock_holder: runner_at_work.as_deref(),
            migrations,
        };
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        let layout = match s.layout.0 {
            Layout::Ferry => String::new(),
            other => format!(" · {other} layout ({})", s.layout.1),
        };
        out(&format!(
            "{} · plugin {}{layout}",
            ferry_core::redact_url(&s.config.url),
            s.config.plugin
        ));
        out(status_table(&entries, &notes).trim_end());
        if let Some(holder) = &runner_at_work {
            out(&format!(
                "running: the migration lock is held by {holder}; run `ferry status` again to follow it"
            ));
        }
    }
    if check {
        let bad = entries
            .iter()
            .filter(|e| {
                e.is_pending()
                    || matches!(
                        e.state,
                        State::Failed | State::Modified | State::Missing | State::Running
                    )
            })
            .count();
        if bad > 0 {
            return Err(CliError::Check(format!(
                "{bad} migration(s) are pending, failed, modified or missing"
            )));
        }
    }
    Ok(())
}

/// What `status --json` prints.
#[derive(serde::Serialize)]
struct Status<'a> {
    database: String,
    plugin: &'a str,
    layout: Layout,
    layout_reason: &'a str,
    lock_holder: Option<&'a str>,
    migrations: Vec<Line<'a>>,
}

/// One migration in `status --json`: its status line, and what only a connection tells.
#[derive(serde::Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    line: plan::StatusLine<'a>,
    no_transaction: Option<&'a str>,
    running_by: Option<&'a str>,
}
