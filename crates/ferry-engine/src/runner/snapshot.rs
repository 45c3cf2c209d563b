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
    match exact_counts(db, &names).await {
        Ok(counts) => serde_json::to_string(&counts).ok(),
        Err(e) => {
            tracing::warn!("counting rows for the snapshot: {e}");
            None
        }
    }
}

/// Tables the catalog estimates above this many rows are not counted before a migrate: a
/// `COUNT(*)` of each would scan them on every run.
const COUNT_LIMIT: u64 = 1_000_000;

/// The exact row count of every table not estimated above [`COUNT_LIMIT`] (where the engine
/// has no estimate, its sizes are exact counts already).
async fn exact_counts(
    db: &mut dyn Driver,
    names: &[&str],
) -> Result<std::collections::BTreeMap<String, u64>, crate::DbError> {
    let sizes = db.table_sizes(names).await?;
    let mut counts = std::collections::BTreeMap::new();
    let mut to_count = Vec::new();
    for name in names {
        match sizes.get(*name) {
            Some(&(rows, None)) => {
                counts.insert((*name).to_owned(), rows);
            }
            Some(&(rows, Some(_))) if rows > COUNT_LIMIT => {}
            _ => to_count.push(*name),
        }
    }
    counts.extend(db.row_counts(&to_count).await?);
    Ok(counts)
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
