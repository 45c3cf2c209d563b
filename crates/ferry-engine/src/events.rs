//! What the runner reports while it works. The edges decide how to show it.

use serde::Serialize;

/// One thing that happened during a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// Another runner holds the lock; waiting.
    LockWaiting {
        /// Who holds it, if known.
        holder: Option<String>,
    },
    /// The lock is held.
    LockAcquired,
    /// The plan is fixed: this many scripts will run.
    Planned {
        /// `migrate`, `rollback`, ...
        command: String,
        /// How many migrations.
        count: usize,
    },
    /// A script starts.
    Started {
        /// `up` or `down`.
        direction: String,
        /// Version as written.
        version: String,
        /// Name.
        name: String,
        /// Why it runs without a transaction, if it does.
        no_transaction: Option<String>,
    },
    /// A script finished.
    Finished {
        /// `up` or `down`.
        direction: String,
        /// Version as written.
        version: String,
        /// Name.
        name: String,
        /// How long it took.
        duration_ms: i64,
        /// Something the user must know about this step (an empty down script).
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// A history entry was written without running anything (baseline, repair).
    Recorded {
        /// Version as written.
        version: String,
        /// Name.
        name: String,
        /// What was recorded.
        what: String,
    },
}

/// Receives the runner's events.
pub trait EventSink: Send {
    /// Called for every event, in order.
    fn event(&mut self, event: &Event);
}

impl EventSink for Vec<Event> {
    fn event(&mut self, event: &Event) {
        self.push(event.clone());
    }
}

/// Discards events.
pub struct Discard;

impl EventSink for Discard {
    fn event(&mut self, _event: &Event) {}
}
