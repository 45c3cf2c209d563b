//! `import-history`: another tool's history recorded as ferry's, in one transaction, under
//! the lock. The old table is only read.

use super::{Command, Done, Job, command, down_text};
use crate::driver::Transaction;
use crate::{Driver, EngineError, Event, EventSink, NewRow};
use ferry_core::import::{self, Difference, Imported};
use ferry_core::tools::Tool;
use ferry_core::{Migration, RowState};

/// Records `tool`'s history for the job's plugin (with `dry_run`, only says what it would
/// record). Refuses if ferry's history already holds rows for the plugin, or if the old
/// table and the files disagree anywhere.
pub async fn import_history(
    db: &mut dyn Driver,
    job: &Job<'_>,
    tool: Tool,
    dry_run: bool,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let cmd = Command {
        name: "import-history",
        creates_history: !dry_run,
        rolls_back: false,
        summary: &|n| format!("imported {n} migration(s) from {}", tool.name()),
    };
    command(db, job, sink, cmd, async |db, work, sink| {
        if work.history.rows().iter().any(|r| &*r.plugin == job.plugin) {
            return Err(EngineError::ImportRefused(format!(
                "ferry's history already holds migrations of plugin {}; import-history only fills an empty history",
                job.plugin
            )));
        }
        let columns = import::columns(tool);
        let rows = (db.read_foreign(&columns).await)
            .map_err(EngineError::db(format!("reading {}", columns.table)))?
            .ok_or_else(|| {
                EngineError::ImportRefused(format!(
                    "this database has no {} table, where {} keeps its history",
                    columns.table,
                    tool.name()
                ))
            })?;
        let migrations: Vec<Migration> = (work.entries.iter()).filter_map(|e| e.migration.cloned()).collect();
        let imported = import::plan(tool, rows, &migrations, job.version_kind)
            .map_err(|d| EngineError::ImportDiffers(tool.name(), d))?;
        let downs: Vec<Option<String>> = (imported.iter())
            .map(|i| down_text(db, i.migration))
            .collect::<Result<_, _>>()?;
        if dry_run {
            return Ok(imported.iter().map(|i| done(i, tool, "would import")).collect());
        }
        work.tables.open(db).await?;
        record(db, &imported, &downs, tool, job, sink).await
    })
    .await
}

/// Writes the rows in one transaction: all of them, or none.
async fn record(
    db: &mut dyn Driver,
    imported: &[Imported<'_>],
    downs: &[Option<String>],
    tool: Tool,
    job: &Job<'_>,
    sink: &mut dyn EventSink,
) -> Result<Vec<Done>, EngineError> {
    let failed = |what: &str| EngineError::db(format!("importing {}: {what}", tool.name()));
    db.widen_checksum()
        .await
        .map_err(failed("widening the checksum column"))?;
    // Every row or none: an error returned from the loop drops the guard open, and the
    // transaction is rolled back before anything else runs on the connection.
    let mut tx = Transaction::begin(db).await.map_err(failed("BEGIN"))?;
    let applied_by = format!("{} (imported from {})", job.ctx.actor, tool.name());
    for (batch, (i, down)) in (1..).zip(imported.iter().zip(downs)) {
        let row = NewRow {
            checksum: i.checksum,
            state: i.state,
            error: i.error.clone(),
            baseline: i.baseline,
            applied_at: i.applied_at.clone(),
            ..NewRow::applied(i.migration, down.as_deref(), batch, &applied_by)
        };
        (tx.db().insert_history(&row).await)
            .map_err(failed(&format!("recording {}", i.migration.label)))?;
    }
    tx.commit().await.map_err(failed("COMMIT"))?;
    let done: Vec<Done> = imported.iter().map(|i| done(i, tool, "imported")).collect();
    for (i, d) in imported.iter().zip(&done) {
        sink.event(&Event::Recorded {
            version: d.version.clone(),
            name: d.name.clone(),
            what: match i.state {
                RowState::Failed => format!("imported from {} as failed", tool.name()),
                _ => format!("imported from {}", tool.name()),
            },
        });
    }
    Ok(done)
}

fn done(i: &Imported<'_>, tool: Tool, verb: &str) -> Done {
    let failed =
        (i.state == RowState::Failed).then(|| format!("{verb} from {} as failed", tool.name()));
    Done {
        version: i.migration.label.clone(),
        name: i.migration.name.clone(),
        duration_ms: 0,
        note: failed,
    }
}

/// The differences, one per line, for the error message.
pub fn list(differences: &[Difference]) -> String {
    differences.iter().map(|d| format!("\n  {d}")).collect()
}
