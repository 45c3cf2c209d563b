//! How results look: text for people, JSON for machines, progress on a terminal.

use ferry_core::plan::Entry;
use ferry_engine::{Event, EventSink};
use indicatif::{ProgressBar, ProgressStyle};
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
                if let Some(reason) = no_transaction
                    && self.last_note.as_ref() != Some(reason)
                {
                    self.line(&format!(
                        "  note: {version} runs without a transaction: {reason}"
                    ));
                    self.last_note = Some(reason.clone());
                }
            }
            Event::Finished {
                direction,
                version,
                name,
                duration_ms,
            } => {
                let verb = if direction == "up" {
                    "applied"
                } else {
                    "rolled back"
                };
                self.line(&format!("{verb:>11}  {version} {name} ({duration_ms} ms)"));
            }
            Event::Recorded {
                version,
                name,
                what,
            } => self.line(&format!("{what}: {version} {name}")),
        }
    }
}

/// The status table.
pub fn status_table(entries: &[Entry<'_>], notes: &[(String, String)]) -> String {
    let mut rows = vec![
        [
            "VERSION",
            "NAME",
            "STATE",
            "BATCH",
            "APPLIED AT",
            "DURATION",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for e in entries {
        let row = e
            .row
            .filter(|_| e.state != ferry_core::plan::State::Pending);
        let mut state = e.state.to_string();
        if e.out_of_order {
            state.push_str(" (out of order)");
        }
        rows.push(vec![
            e.label.clone(),
            e.name.clone(),
            state,
            row.map(|r| r.batch.to_string()).unwrap_or_default(),
            row.map(|r| r.applied_at.to_string()).unwrap_or_default(),
            row.and_then(|r| r.duration_ms)
                .map(|d| format!("{d} ms"))
                .unwrap_or_default(),
        ]);
    }
    let widths: Vec<usize> = (0..6)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    for (version, note) in notes {
        text.push_str(&format!(
            "note: {version} runs without a transaction: {note}\n"
        ));
    }
    text
}
