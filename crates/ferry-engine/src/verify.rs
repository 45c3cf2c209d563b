//! `ferry verify`: checks of the live data against the schema's promises: orphaned rows
//! under every foreign key (validated or not), indexes left invalid (and the duplicates
//! keeping a unique one from being built), constraints never validated and the rows that
//! break them, and row counts against those recorded before the last migrate.

use crate::{DbError, Driver};
use ferry_core::Dialect;
use ferry_core::schema::{ForeignKey, Schema};
use std::collections::BTreeMap;

/// How many offending rows a failed check shows.
const SAMPLES: usize = 5;

/// One check's outcome.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Check {
    /// What kind of check (`foreign keys`, `indexes`, `constraints`, `row counts`).
    pub category: &'static str,
    /// The object checked (`foreign key users_org_fk on users`).
    pub object: String,
    /// It held.
    pub passed: bool,
    /// How many rows break it.
    pub count: u64,
    /// What was found, and what to do about it.
    pub detail: String,
    /// A few offending rows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<String>,
}

/// Every check of the live database whose schema is `schema`; `counts_before` are the row
/// counts recorded before the last migrate, if any.
pub async fn verify(
    db: &mut dyn Driver,
    schema: &Schema,
    counts_before: Option<&BTreeMap<String, u64>>,
) -> Result<Vec<Check>, DbError> {
    let q = Quote(crate::sql::quote_char(db.dialect()));
    let mut checks = Vec::new();
    for (table, t) in &schema.tables {
        for (name, fk) in &t.foreign_keys {
            let referenced = referenced_columns(schema, fk);
            checks.push(orphans(db, q, (table, name), fk, &referenced).await?);
        }
        for (name, index) in t.indexes.iter().filter(|(_, i)| !i.valid) {
            checks.push(invalid_index(db, q, (table, name), index).await?);
        }
        for (name, check) in t.checks.iter().filter(|(_, c)| !c.validated) {
            checks.push(unvalidated_check(db, q, (table, name), &check.expression).await?);
        }
        for (name, _) in t.foreign_keys.iter().filter(|(_, f)| !f.validated) {
            checks.push(never_validated(db.dialect(), table, name));
        }
    }
    if let Some(before) = counts_before {
        checks.extend(row_counts(db, schema, before).await?);
    }
    Ok(checks)
}

/// Identifier quoting for the connection's dialect.
#[derive(Clone, Copy)]
struct Quote(char);

impl Quote {
    fn table(self, name: &str) -> String {
        crate::sql::quote_name(name, self.0)
    }
    fn column(self, alias: &str, name: &str) -> String {
        format!("{alias}.{}", crate::sql::quote_ident(name, self.0))
    }
}

/// The referenced columns, or the referenced table's primary key where the key names none
/// (SQLite's `REFERENCES t`).
fn referenced_columns(schema: &Schema, fk: &ForeignKey) -> Vec<String> {
    if !fk.referenced_columns.is_empty() {
        return fk.referenced_columns.clone();
    }
    (schema.tables.get(&fk.references))
        .and_then(|t| t.primary_key.as_ref())
        .map(|k| k.columns.clone())
        .unwrap_or_default()
}

async fn orphans(
    db: &mut dyn Driver,
    q: Quote,
    (table, name): (&str, &str),
    fk: &ForeignKey,
    referenced: &[String],
) -> Result<Check, DbError> {
    let object = format!("foreign key {name} on {table}");
    let not_null = (fk.columns.iter())
        .map(|c| format!("{} IS NOT NULL", q.column("c", c)))
        .collect::<Vec<_>>()
        .join(" AND ");
    let matches = (fk.columns.iter().zip(referenced))
        .map(|(c, r)| format!("{} = {}", q.column("p", r), q.column("c", c)))
        .collect::<Vec<_>>()
        .join(" AND ");
    let from = format!(
        "FROM {} c WHERE {not_null} AND NOT EXISTS (SELECT 1 FROM {} p WHERE {matches})",
        q.table(table),
        q.table(&fk.references)
    );
    let columns = (fk.columns.iter().map(|c| q.column("c", c)))
        .collect::<Vec<_>>()
        .join(", ");
    let count = first_number(db, &format!("SELECT COUNT(*) {from}")).await?;
    let samples = match count {
        0 => Vec::new(),
        _ => samples(db, &format!("SELECT {columns} {from}"), &fk.columns).await?,
    };
    Ok(Check {
        category: "foreign keys",
        object,
        passed: count == 0,
        count,
        detail: match count {
            0 => "no orphaned rows".into(),
            n => format!(
                "{n} row(s) reference no row of {}: delete or fix them before validating the key",
                fk.references
            ),
        },
        samples,
    })
}

async fn invalid_index(
    db: &mut dyn Driver,
    q: Quote,
    (table, name): (&str, &str),
    index: &ferry_core::schema::Index,
) -> Result<Check, DbError> {
    let mut check = Check {
        category: "indexes",
        object: format!("index {name} on {table}"),
        passed: false,
        count: 0,
        detail: "invalid (left by a failed CREATE INDEX CONCURRENTLY): drop it and create it again"
            .into(),
        samples: Vec::new(),
    };
    if index.unique {
        // Index columns are printed as the server would parse them (expressions too).
        let keys = index.columns.join(", ");
        let groups = format!(
            "SELECT {keys}, COUNT(*) FROM {} GROUP BY {keys} HAVING COUNT(*) > 1",
            q.table(table)
        );
        let found = db.query_text(&groups).await?;
        check.count = found.len() as u64;
        if !found.is_empty() {
            check.detail = format!(
                "invalid, and {} value(s) are duplicated under it: remove the duplicates, then drop and create it again",
                found.len()
            );
            check.samples = (found.iter().take(SAMPLES))
                .map(|r| describe(r, &index.columns))
                .collect();
        }
    }
    Ok(check)
}

async fn unvalidated_check(
    db: &mut dyn Driver,
    q: Quote,
    (table, name): (&str, &str),
    expression: &str,
) -> Result<Check, DbError> {
    let from = format!("FROM {} WHERE NOT ({expression})", q.table(table));
    let count = first_number(db, &format!("SELECT COUNT(*) {from}")).await?;
    let validate = validate_sql(db.dialect(), table, name);
    Ok(Check {
        category: "constraints",
        object: format!("check {name} on {table}"),
        passed: false,
        count,
        detail: match count {
            0 => format!("never validated; no row breaks it: {validate}"),
            n => format!("never validated, and {n} row(s) break it: fix them, then {validate}"),
        },
        samples: Vec::new(),
    })
}

fn never_validated(dialect: Dialect, table: &str, name: &str) -> Check {
    Check {
        category: "constraints",
        object: format!("foreign key {name} on {table}"),
        passed: false,
        count: 0,
        detail: format!("never validated: {}", validate_sql(dialect, table, name)),
        samples: Vec::new(),
    }
}

fn validate_sql(dialect: Dialect, table: &str, name: &str) -> String {
    let q = crate::sql::quote_char(dialect);
    format!(
        "ALTER TABLE {} VALIDATE CONSTRAINT {}",
        crate::sql::quote_name(table, q),
        crate::sql::quote_ident(name, q)
    )
}

/// Tables holding fewer rows than before the last migrate.
async fn row_counts(
    db: &mut dyn Driver,
    schema: &Schema,
    before: &BTreeMap<String, u64>,
) -> Result<Vec<Check>, DbError> {
    let tables: Vec<&str> = (schema.tables.keys())
        .filter(|t| before.contains_key(*t))
        .map(String::as_str)
        .collect();
    let now = db.row_counts(&tables).await?;
    Ok((now.iter())
        .map(|(table, &n)| {
            let was = before.get(table).copied().unwrap_or(0);
            Check {
                category: "row counts",
                object: format!("table {table}"),
                passed: n >= was,
                count: was.saturating_sub(n),
                detail: match n >= was {
                    true => format!("{n} row(s), {was} before the last migrate"),
                    false => format!(
                        "{n} row(s), {was} before the last migrate: {} fewer",
                        was - n
                    ),
                },
                samples: Vec::new(),
            }
        })
        .collect())
}

async fn first_number(db: &mut dyn Driver, sql: &str) -> Result<u64, DbError> {
    let rows = db.query_text(sql).await?;
    Ok((rows.first().and_then(|r| r.first()).cloned().flatten())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

async fn samples(
    db: &mut dyn Driver,
    select: &str,
    columns: &[String],
) -> Result<Vec<String>, DbError> {
    let rows = db.query_text(&format!("{select} LIMIT {SAMPLES}")).await?;
    Ok(rows.iter().map(|r| describe(r, columns)).collect())
}

/// `a=1, b=NULL`.
fn describe(row: &[Option<String>], columns: &[String]) -> String {
    (columns.iter().zip(row))
        .map(|(c, v)| format!("{c}={}", v.as_deref().unwrap_or("NULL")))
        .collect::<Vec<_>>()
        .join(", ")
}
