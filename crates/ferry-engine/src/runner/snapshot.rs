//! After every command that runs scripts, the schema is stored (`ferry_snapshots`) with
//! each table's row count from before the command: `ferry drift` compares the live schema
//! with the last one, `ferry verify` the row counts. A snapshot that cannot be taken is
//! logged, never the command's failure.

use crate::Driver;

/// Each table's row count (JSON), read before the scripts run.
pub(super) async fn counts_before(db: &mut dyn Driver) -> Option<String> {
    let tables = match db.table_names().await {
        Ok(tables) => tables,
        Err(e) => {
            tracing::warn!("listing tables for the snapshot: {e}");
            return None;
        }
    };
    let names: Vec<&str> = tables.iter().map(String::as_str).collect();
    match db.row_counts(&names).await {
        Ok(counts) => serde_json::to_string(&counts).ok(),
        Err(e) => {
            tracing::warn!("counting rows for the snapshot: {e}");
            None
        }
    }
}

/// Stores the schema as it is now, with the counts read before `command` ran.
pub(super) async fn store_after(db: &mut dyn Driver, command: &str, counts: Option<&str>) {
    let stored = match db.schema().await {
        Ok(schema) => db.record_snapshot(command, &schema.to_json(), counts).await,
        Err(e) => Err(e),
    };
    if let Err(e) = stored {
        tracing::warn!("storing the schema snapshot: {e}");
    }
}
