//! The inspector: each engine's catalog queries (one file each), run through the
//! [`Execute`](crate::driver::Execute) capability and assembled by
//! [`ferry_core::schema::assemble`] into one engine-neutral [`Schema`].

pub(crate) mod mysql;
pub(crate) mod postgres;
pub(crate) mod sqlite;

use crate::DbError;
use crate::driver::Execute;
use ferry_core::Dialect;
use ferry_core::schema::{CatalogRows, Schema};
use std::collections::BTreeMap;

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
    /// Each `?` takes its own bind (MySQL); else one bind serves every use (`$1`, `?1`).
    pub bind_each: bool,
}

/// The scope bound to a scoped read's queries: the names, lower-cased, each between
/// unit separators (so one `strpos`/`instr`/`LOCATE` finds a name).
pub(crate) fn scope_value(only: &[String]) -> String {
    let mut value = String::from('\u{1f}');
    for name in only {
        // The catalog's queries see raw parts, separated as they write them.
        let raw = ferry_core::schema::split_name(name)
            .join(&ferry_core::schema::PART_SEPARATOR.to_string());
        value.push_str(&raw.to_lowercase());
        value.push('\u{1f}');
    }
    value
}

/// Runs the catalog queries on `db` and builds the schema, without the tables in `skip`.
pub(crate) async fn read(
    db: &mut (impl Execute + ?Sized),
    dialect: &str,
    sql: &CatalogSql,
    (skip, scope): (&[&str], Option<&str>),
) -> Result<Schema, DbError> {
    let mut rows = CatalogRows {
        tables: run(db, sql, &sql.tables, scope).await?,
        columns: run(db, sql, &sql.columns, scope).await?,
        indexes: run(db, sql, &sql.indexes, scope).await?,
        constraints: run(db, sql, &sql.constraints, scope).await?,
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
            *into = run(db, sql, query, scope).await?;
        }
    }
    Ok(ferry_core::schema::assemble(dialect, &rows, skip))
}

/// One catalog query, with the scope bound where it is used. The query's text is the same
/// whatever the scope, so the server plans it once.
async fn run(
    db: &mut (impl Execute + ?Sized),
    sql: &CatalogSql,
    query: &str,
    scope: Option<&str>,
) -> Result<Vec<Vec<Option<String>>>, DbError> {
    let Some(scope) = scope else {
        return db.query_text(query).await;
    };
    let uses = match sql.bind_each {
        true => query.matches('?').count(),
        false => usize::from(query.contains("$1") || query.contains("?1")),
    };
    let binds = vec![crate::driver::Bind::Text(scope); uses];
    db.query_bound(query, &binds).await
}

/// Each table's exact row count, 200 tables to a query (`SELECT i, COUNT(*) ... UNION
/// ALL ...`); a chunk that fails (a table gone) is counted table by table.
pub(crate) async fn row_counts(
    db: &mut (impl Execute + ?Sized),
    dialect: Dialect,
    tables: &[&str],
) -> Result<BTreeMap<String, u64>, DbError> {
    let quote = crate::sql::quote_char(dialect);
    let count = |i: usize, t: &str| {
        format!(
            "SELECT {i}, COUNT(*) FROM {}",
            crate::sql::quote_name(t, quote)
        )
    };
    let mut out = BTreeMap::new();
    for chunk in tables.chunks(200) {
        let union = (chunk.iter().enumerate())
            .map(|(i, t)| count(i, t))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let rows = match db.query_text(&union).await {
            Ok(rows) => rows,
            Err(_) => {
                let mut one_by_one = Vec::new();
                for (i, t) in chunk.iter().enumerate() {
                    one_by_one.extend(db.query_text(&count(i, t)).await.unwrap_or_default());
                }
                one_by_one
            }
        };
        for r in rows {
            let cell = |i: usize| {
                r.get(i)
                    .cloned()
                    .flatten()
                    .and_then(|v| v.parse::<u64>().ok())
            };
            if let (Some(i), Some(n)) = (cell(0), cell(1))
                && let Some(t) = usize::try_from(i).ok().and_then(|i| chunk.get(i))
            {
                out.insert((*t).to_owned(), n);
            }
        }
    }
    Ok(out)
}

/// How one engine measures tables: its size query (see `Engine::TABLE_SIZE`), the setting
/// that keeps it from waiting behind another session's lock, and how it names a table.
pub(crate) struct Sizes<'a> {
    pub query: &'a str,
    pub lock_timeout: Option<&'a str>,
    pub name: &'a (dyn Fn(&str) -> String + Sync),
}

/// Each table's estimated rows and bytes, 200 tables to a query. The queries run in a
/// transaction of their own with a short lock timeout where the engine has one: a table
/// behind another session's lock is not waited for (found by an adversarial trial: 30 s
/// behind a LOCK TABLE), and then no size is known (the rules' own risks stand).
pub(crate) async fn table_sizes(
    db: &mut (impl Execute + ?Sized),
    sizes: &Sizes<'_>,
    tables: &[&str],
) -> Result<BTreeMap<String, (u64, Option<u64>)>, DbError> {
    let mut out = BTreeMap::new();
    if let Some(set) = sizes.lock_timeout {
        db.execute("BEGIN").await?;
        db.execute(set).await?;
    }
    for chunk in tables.chunks(200) {
        let union = (chunk.iter().enumerate())
            .map(|(i, t)| {
                let literal = format!(
                    "'{}'",
                    (sizes.name)(t).replace('\'', "''").replace('\\', "\\\\")
                );
                sizes
                    .query
                    .replace("{i}", &i.to_string())
                    .replace("{name}", &literal)
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let rows = match db.query_text(&union).await {
            Ok(rows) => rows,
            Err(_) if sizes.lock_timeout.is_some() => {
                let _ = db.execute("ROLLBACK").await;
                return Ok(BTreeMap::new());
            }
            Err(e) => return Err(e),
        };
        for r in rows {
            let number = |i: usize| {
                r.get(i)
                    .cloned()
                    .flatten()
                    .and_then(|v| v.parse::<f64>().ok())
            };
            let Some(table) = number(0).and_then(|i| chunk.get(i as usize)) else {
                continue;
            };
            // reltuples is -1 for a table never analyzed.
            let estimate = number(1).unwrap_or(0.0).max(0.0) as u64;
            out.insert((*table).to_owned(), (estimate, number(2).map(|b| b as u64)));
        }
    }
    if sizes.lock_timeout.is_some() {
        db.execute("COMMIT").await?;
    }
    Ok(out)
}
