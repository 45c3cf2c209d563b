//! How results look: text for people, JSON for machines, progress on a terminal.

use ferry_core::plan::{Entry, State};
use ferry_engine::{Event, EventSink};
use indicatif::{ProgressBar, ProgressStyle};
use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::time::Duration;

/// Writes a line to stdout, ignoring a closed pipe.
#[allow(clippy::print_stdout)]
pub fn out(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
}

/// Writes a line to stderr.
pub fn err(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Renders runner events as text lines, NDJSON, or a spinner plus lines on a terminal.
pub struct EventPrinter {
    json: bool,
    bar: Option<ProgressBar>,
    /// The last no-transaction reason printed: a run of migrations sharing one (every DDL
    /// migration on MySQL) states it once, not once per migration.
    last_note: Option<String>,
}

impl EventPrinter {
    /// A printer for the chosen output mode.
    pub fn new(json: bool) -> EventPrinter {
        let bar = (!json && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        EventPrinter {
            json,
            bar,
            last_note: None,
        }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => out(text),
        }
    }

    /// Stops the spinner.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl EventSink for EventPrinter {
    fn event(&mut self, event: &Event) {
        if self.json {
            out(&serde_json::to_string(event).unwrap_or_default());
            return;
        }
        match event {
            Event::LockWaiting { holder } => {
                let who = holder
                    .as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                err(&format!(
                    "waiting for the migration lock held by another ferry{who}"
                ));
            }
            Event::LockAcquired => {}
            Event::Planned { command, count: 0 } => self.line(&format!("{command}: nothing to do")),
            Event::Planned { .. } => {}
            Event::Started {
                direction,
                version,
                name,
                no_transaction,
            } => {
                if let Some(bar) = &self.bar {
                    bar.set_message(format!("{direction} {version} {name}"));
                }
                match no_transaction {
                    // A run of consecutive migrations sharing a reason states it once.
                    Some(reason) if self.last_note.as_ref() != Some(reason) => {
                        self.line(&format!(
                            "  note: {version} runs without a transaction: {reason}"
                        ));
                        self.last_note = Some(reason.clone());
                    }
                    Some(_) => {}
                    None => self.last_note = None,
                }
            }
            Event::Finished {
                direction,
                version,
                name,
                duration_ms,
                note,
            } => {
                let verb = if direction == "up" {
                    "applied"
                } else {
                    "rolled back"
                };
                let note = note.as_ref().map(|n| format!(": {n}")).unwrap_or_default();
                self.line(&format!(
                    "{verb:>11}  {version} {name} ({duration_ms} ms){note}"
                ));
            }
            Event::Recorded {
                version,
                name,
                what,
            } => self.line(&format!("{what}: {version} {name}")),
        }
    }
}

/// A dry run's plan as SQL a person can read (or feed to a client): a header, the session
/// preamble, then each step's statements under a comment saying how it runs.
pub fn plan_text(session: &[String], plan: &ferry_engine::runner::PlanView) -> String {
    let command = &plan.command;
    if plan.steps.is_empty() {
        return format!("{command}: nothing to do (dry run)\n");
    }
    let mut text = format!(
        "-- {command} plan (dry run; nothing was changed): {} step(s)\n",
        plan.steps.len()
    );
    for statement in session {
        text.push_str(&format!("-- session: {statement};\n"));
    }
    for step in &plan.steps {
        let mode = match (&step.record_only, &step.no_transaction_reason) {
            (Some(marker), _) => {
                format!("nothing: it is recorded without running (the file says {marker})")
            }
            (None, None) => "in one transaction with its history row".to_owned(),
            (None, Some(reason)) => format!("WITHOUT a transaction: {reason}"),
        };
        let file = step.file.as_deref().unwrap_or("");
        text.push_str(&format!(
            "\n-- {} {} ({file}) runs {mode}\n",
            step.version, step.name
        ));
        for st in &step.before_transaction {
            text.push_str(&format!(
                "-- before BEGIN (it would do nothing inside the transaction):\n{st};\n"
            ));
        }
        for st in &step.statements {
            text.push_str(&format!("{st};\n"));
        }
        if let Some(check) = step.check_before_commit {
            text.push_str(&format!(
                "-- before COMMIT, must return no rows: {check};\n"
            ));
        }
    }
    text
}

/// The status table.
pub fn status_table(entries: &[Entry<'_>], notes: &[(String, String)]) -> String {
    // Widths first, then the lines: the cells of a long history are never all held at once.
    let mut widths = STATUS_HEADER.map(|h| h.chars().count());
    for e in entries {
        for (width, cell) in widths.iter_mut().zip(status_cells(e)) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    let mut line = |cells: [&str; 6]| {
        let start = text.len();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            let gap = if i == 0 { "" } else { "  " };
            text.push_str(&format!("{gap}{cell:<width$}"));
        }
        text.truncate(start + text[start..].trim_end().len());
        text.push('\n');
    };
    line(STATUS_HEADER);
    for e in entries {
        let cells = status_cells(e);
        line(cells.each_ref().map(|c| c.as_ref()));
    }
    for (version, note) in notes {
        text.push_str(&format!(
            "note: {version} runs without a transaction: {note}\n"
        ));
    }
    text
}

const STATUS_HEADER: [&str; 6] = [
    "VERSION",
    "NAME",
    "STATE",
    "BATCH",
    "APPLIED AT",
    "DURATION",
];

/// One entry's cells in the status table, borrowed where the entry holds the text.
fn status_cells<'a>(e: &Entry<'a>) -> [Cow<'a, str>; 6] {
    let row = e.row.filter(|_| e.state != State::Pending);
    let state = match e.out_of_order {
        true => Cow::Owned(format!("{} (out of order)", e.state)),
        false => Cow::Borrowed(e.state.as_str()),
    };
    let none = || Cow::Borrowed("");
    [
        Cow::Borrowed(e.label),
        Cow::Borrowed(e.name),
        state,
        row.map_or_else(none, |r| Cow::Owned(r.batch.to_string())),
        row.map_or_else(none, |r| Cow::Borrowed(&*r.applied_at)),
        (row.and_then(|r| r.duration_ms)).map_or_else(none, |d| Cow::Owned(format!("{d} ms"))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_core::plan::{self, State};
    use ferry_core::{Checksum, Dialect, History, HistoryRow, RowState, Source, Version};
    use std::path::PathBuf;
    use std::sync::Arc;

    fn row(v: &str, name: &str, text: &str, state: RowState, id: i64) -> HistoryRow {
        HistoryRow {
            id,
            plugin: Arc::from("app"),
            version: Version::parse(v).unwrap(),
            name: name.into(),
            checksum: Checksum::of(text),
            state,
            batch: id,
            applied_at: format!("2026-01-30T12:0{id}:00.000Z").into(),
            duration_ms: Some(id * 7),
            ..HistoryRow::default()
        }
    }

    #[test]
    fn status_table_shows_every_state() {
        let file = |name: &str, text: &str| (PathBuf::from(name), text.to_owned(), false);
        let files = vec![
            file("001_customers.sql", "CREATE TABLE customers (id INT);"),
            file("002_invoices.sql", "CREATE TABLE invoices (id INT);"),
            file(
                "003_index.sql",
                "CREATE INDEX CONCURRENTLY i ON invoices (id);",
            ),
            file("005_plans.sql", "CREATE TABLE plans (id INT);"),
        ];
        let migrations = Source::from_files("app", files)
            .unwrap()
            .resolve(Dialect::Postgres);
        let history = History::new(vec![
            row(
                "1",
                "customers",
                "CREATE TABLE customers (id INT);",
                RowState::Applied,
                1,
            ),
            row("2", "invoices", "edited since", RowState::Applied, 2),
            row("4", "gone", "x", RowState::Applied, 3),
            row(
                "5",
                "plans",
                "CREATE TABLE plans (id INT);",
                RowState::Failed,
                4,
            ),
        ]);
        let entries = plan::status(&migrations, &history, "app");
        assert_eq!(entries[1].state, State::Modified);
        let notes = [(
            "003".to_owned(),
            "CREATE INDEX CONCURRENTLY on line 1 cannot run inside a transaction".to_owned(),
        )];
        insta::assert_snapshot!(status_table(&entries, &notes));
    }

    #[test]
    fn dry_run_plan_reads_as_sql() {
        use ferry_core::plan::Action;
        use ferry_engine::runner::{PlanView, StepView};
        let step =
            |version: &str, name: &str, reason: Option<&str>, statements: &[&str]| StepView {
                version: version.into(),
                name: name.into(),
                action: Action::Apply,
                file: Some(format!("migrations/{version}_{name}.sql")),
                transaction: reason.is_none(),
                no_transaction_reason: reason.map(str::to_owned),
                before_transaction: Vec::new(),
                statements: statements.iter().map(|s| s.to_string()).collect(),
                check_before_commit: None,
                record_only: None,
                risk: None,
                requires_backup: false,
                estimated_duration_s: None,
                guards: Vec::new(),
            };
        let plan = PlanView {
            command: "migrate".into(),
            steps: vec![
                step(
                    "002",
                    "invoices",
                    None,
                    &[
                        "CREATE TABLE invoices (id INT)",
                        "INSERT INTO invoices VALUES (1)",
                    ],
                ),
                step(
                    "003",
                    "index",
                    Some("CREATE INDEX CONCURRENTLY on line 1 cannot run inside a transaction"),
                    &["CREATE INDEX CONCURRENTLY i ON invoices (id)"],
                ),
            ],
        };
        let session = ["SET search_path = app, public".to_owned()];
        insta::assert_snapshot!(plan_text(&session, &plan));
        let empty = PlanView {
            command: "rollback".into(),
            steps: Vec::new(),
        };
        insta::assert_snapshot!(plan_text(&[], &empty), @"rollback: nothing to do (dry run)");
    }
}
