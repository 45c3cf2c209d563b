//! `ferry drift`: the live schema against the snapshot stored after the last migrate.

use crate::cli::Global;
use crate::config::Config;
use crate::error::CliError;
use crate::render::out;
use crate::session::connect_options;
use ferry_core::schema::{self, DiffOptions, Schema};
use ferry_engine::{Driver, EngineError};

/// Lists what changed outside ferry since the last snapshot (exit 4 if anything did), or
/// with `accept` stores the live schema as the new snapshot.
pub async fn run(g: &Global, accept: bool, ignore_column_order: bool) -> Result<(), CliError> {
    let config = Config::load(g)?;
    super::schema::require_sqlite_file(&config.url)?;
    let mut db = ferry_engine::connect(&config.url, &connect_options(&config, false)).await?;
    let result = drift(g, db.as_mut(), accept, ignore_column_order).await;
    db.close().await;
    result
}

async fn drift(
    g: &Global,
    db: &mut dyn Driver,
    accept: bool,
    ignore_column_order: bool,
) -> Result<(), CliError> {
    let live = (db.schema().await).map_err(EngineError::db("reading the schema"))?;
    if accept {
        (db.record_snapshot("drift --accept", &live.to_json(), None)
            .await)
            .map_err(EngineError::db("storing the schema snapshot"))?;
        out(&format!(
            "the live schema ({} object(s)) is the new snapshot",
            live.object_count()
        ));
        return Ok(());
    }
    let last = (db.last_snapshot().await).map_err(EngineError::db("reading the last snapshot"))?;
    let Some(last) = last else {
        return Err(CliError::Usage(
            "no schema snapshot is stored yet: ferry stores one after every migrate or rollback; \
             run `ferry drift --accept` to take the live schema as it is"
                .into(),
        ));
    };
    let stored = Schema::from_json(&last.schema_json).map_err(|e| {
        CliError::Usage(format!(
            "the snapshot of {} cannot be read: {e}",
            last.taken_at
        ))
    })?;
    let options = DiffOptions {
        ignore_column_order,
    };
    let differences = schema::diff(&stored, &live, options);
    let since = format!("{} at {}", last.command, last.taken_at);
    if g.json {
        let doc = serde_json::json!({
            "drift": !differences.is_empty(),
            "since": { "command": last.command, "taken_at": last.taken_at },
            "differences": differences,
        });
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else if differences.is_empty() {
        out(&format!(
            "no drift: the schema is as ferry left it ({since})"
        ));
    } else {
        out(&format!(
            "{} change(s) made outside ferry since {since}:",
            differences.len()
        ));
        for d in &differences {
            out(&format!("  {d}"));
        }
    }
    match differences.len() {
        0 => Ok(()),
        n => Err(CliError::Check(format!(
            "drift: {n} change(s) outside ferry; undo them, capture them in a migration, or `ferry drift --accept`"
        ))),
    }
}
