//! A plan across plugins, run: under the lock, the installed versions the plan was made
//! from are read again (another machine may have changed them), the history of every
//! plugin is read, `ferry_core::plugin::upgrade::plan` decides, every script is read and
//! split, and then the one executor runs the steps. Only when every step succeeded are the
//! plugins' new versions recorded in `ferry_plugins`.

use super::execute::{execute, prepare_plan};
use super::{Done, RunContext, locked};
use crate::driver::InstalledPlugin;
use crate::{Driver, EngineError, Event, EventSink, NewEvent};
use ferry_core::History;
use ferry_core::plugin::upgrade::{self, Change, Target};

/// What a plan across plugins works on.
#[derive(Debug)]
pub struct Upgrade<'a> {
    /// What the events table records (`plugin install`, `plugin rollback`, ...).
    pub command: &'a str,
    /// Every plugin of the project, each with what the plan does to it.
    pub targets: Vec<Target<'a>>,
    /// What the plan may do beyond bringing each plugin to its version.
    pub options: upgrade::Options,
    /// The installed plugins the plan was made from.
    pub installed: Vec<InstalledPlugin>,
    /// The versions to record once every step succeeded.
    pub record: Vec<(String, String)>,
    /// Who runs, and how long to wait for the lock.
    pub ctx: &'a RunContext,
}

/// Runs `up` under the lock.
pub async fn upgrade(
    db: &mut dyn Driver,
    up: &Upgrade<'_>,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    locked(db, up.ctx, sink, async |db, sink| {
        let now = (db.read_plugins().await).map_err(EngineError::db("reading ferry_plugins"))?;
        if !same_versions(&now, &up.installed) {
            return Err(EngineError::ImportRefused(
                "the installed plugins changed while this plan was made (another ferry ran); run the command again".into(),
            ));
        }
        let exists = (db.history_exists().await)
            .map_err(EngineError::db("looking for the history table"))?;
        // Stored down scripts are the bulk of a long history: read only to roll back.
        let rolls_back = up.targets.iter().any(|t| t.change == Change::Down);
        let history = match exists {
            true => History::new(db.read_history(rolls_back, "app", Default::default()).await?),
            false => History::default(),
        };
        let result = run(db, up, &history, exists, sink).await;
        if db.history_exists().await.unwrap_or(false) {
            log(db, up, &result).await;
        }
        result
    })
    .await
}

async fn run(
    db: &mut dyn Driver,
    up: &Upgrade<'_>,
    history: &History,
    exists: bool,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let plan = upgrade::plan(&up.targets, history, up.options)?;
    let prepared = prepare_plan(db, plan)?;
    if !exists {
        (db.create_history().await).map_err(EngineError::db("creating the history table"))?;
    }
    sink.event(&Event::Planned {
        command: up.command.to_owned(),
        count: prepared.len(),
    });
    let done =
        (execute(db, prepared, history.next_batch(), up.ctx, sink).await).map_err(plugin_repair)?;
    for (plugin, version) in &up.record {
        (db.record_plugin(plugin, version, &up.ctx.actor).await).map_err(EngineError::db(
            format!("recording {plugin} {version} in ferry_plugins"),
        ))?;
    }
    Ok(done)
}

/// A failed plugin migration is cleared with `ferry plugin repair` (labels in a plan
/// across plugins are `plugin:version`).
fn plugin_repair(e: EngineError) -> EngineError {
    match e {
        EngineError::MigrationFailed(mut f) => {
            let plugin = f.migration.label.split(':').next().unwrap_or_default();
            f.repair = format!("ferry plugin repair {plugin} --clear-failed");
            EngineError::MigrationFailed(f)
        }
        other => other,
    }
}

/// Whether two reads of ferry_plugins name the same versions.
fn same_versions(a: &[InstalledPlugin], b: &[InstalledPlugin]) -> bool {
    let key = |l: &[InstalledPlugin]| -> Vec<(String, String)> {
        l.iter()
            .map(|i| (i.name.clone(), i.version.clone()))
            .collect()
    };
    key(a) == key(b)
}

/// Appends the outcome to the events table; a failure to log must not hide the outcome.
async fn log(db: &mut dyn Driver, up: &Upgrade<'_>, result: &Result<Vec<Done>, EngineError>) {
    let changed: Vec<String> = (up.record.iter())
        .map(|(p, v)| format!("{p} {v}"))
        .collect();
    let (outcome, message) = match result {
        Ok(done) => (
            "ok",
            format!("ran {} migration(s); {}", done.len(), changed.join(", ")),
        ),
        Err(EngineError::Upgrade(e)) => ("refused", e.to_string()),
        Err(e) => ("failed", e.to_string()),
    };
    let plugin = up.record.first().map(|(p, _)| p.as_str());
    let event = NewEvent {
        command: up.command,
        plugin,
        actor: &up.ctx.actor,
        outcome,
        message: &message,
    };
    if let Err(e) = db.insert_event(&event).await {
        tracing::warn!("writing the events table: {e}");
    }
}
