//! The inspector: each engine's catalog queries (one file each), run through the
//! [`Execute`](crate::driver::Execute) capability and assembled by
//! [`ferry_core::schema::assemble`] into one engine-neutral [`Schema`].

pub(crate) mod mysql;
pub(crate) mod postgres;
pub(crate) mod sqlite;

use crate::DbError;
use crate::driver::Execute;
use ferry_core::schema::{CatalogRows, Schema};

/// One engine's answers to the catalog's ten questions (see [`CatalogRows`] for each
/// query's columns); `None` where the engine has no such object.
#[derive(Clone, Debug, Default)]
pub(crate) struct CatalogSql {
    pub tables: String,
    pub columns: String,
    pub indexes: String,
    pub constraints: String,
    pub views: Option<String>,
    pub routines: Option<String>,
    pub triggers: Option<String>,
    pub sequences: Option<String>,
    pub types: Option<String>,
    pub extensions: Option<String>,
}

/// Runs the catalog queries on `db` and builds the schema, without the tables in `skip`.
pub(crate) async fn read(
    db: &mut (impl Execute + ?Sized),
    dialect: &str,
    sql: &CatalogSql,
    skip: &[&str],
) -> Result<Schema, DbError> {
    let mut rows = CatalogRows {
        tables: db.query_text(&sql.tables).await?,
        columns: db.query_text(&sql.columns).await?,
        indexes: db.query_text(&sql.indexes).await?,
        constraints: db.query_text(&sql.constraints).await?,
        ..CatalogRows::default()
    };
    let optional = [
        (&sql.views, &mut rows.views),
        (&sql.routines, &mut rows.routines),
        (&sql.triggers, &mut rows.triggers),
        (&sql.sequences, &mut rows.sequences),
        (&sql.types, &mut rows.types),
        (&sql.extensions, &mut rows.extensions),
    ];
    for (query, into) in optional {
        if let Some(query) = query {
            *into = db.query_text(query).await?;
        }
    }
    Ok(ferry_core::schema::assemble(dialect, &rows, skip))
}
