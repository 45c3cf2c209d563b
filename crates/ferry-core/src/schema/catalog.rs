//! From an engine's catalog rows to a [`Schema`]. Each engine answers the same ten
//! questions with its own SQL (`ferry-engine`'s inspector), in the column order documented
//! on each field of [`CatalogRows`], every cell as text; the assembly is this one pure
//! function. Keys and indexes come one row per column, so no engine needs to aggregate.

use super::{Check, Column, ForeignKey, Index, Key, Routine, Schema, Sequence, Table, UserType};
use std::collections::BTreeMap;

/// One row of a catalog query: every cell as text, NULL as `None`.
pub type Row = Vec<Option<String>>;

/// What an engine's catalog queries returned. Booleans are `true`/`t`/`1`/`YES`.
#[derive(Clone, Debug, Default)]
pub struct CatalogRows {
    /// `(table)`.
    pub tables: Vec<Row>,
    /// `(table, column, position, type, nullable, default, identity, generated)`.
    pub columns: Vec<Row>,
    /// `(table, index, unique, position, column or expression, predicate, valid, method)`,
    /// one row per key column; indexes that back a primary key or unique constraint are left
    /// out by the query.
    pub indexes: Vec<Row>,
    /// `(table, name, kind p|u|c|f, position, column, referenced table, referenced column,
    /// on update, on delete, check expression, validated)`, one row per column.
    pub constraints: Vec<Row>,
    /// `(name, materialized, definition)`.
    pub views: Vec<Row>,
    /// `(name, kind, arguments, returns, definition)`.
    pub routines: Vec<Row>,
    /// `(table, name, definition)`.
    pub triggers: Vec<Row>,
    /// `(name, definition, owning table)`.
    pub sequences: Vec<Row>,
    /// `(name, kind, position, value)`, one row per enum label or attribute.
    pub types: Vec<Row>,
    /// `(name, version)`.
    pub extensions: Vec<Row>,
}

/// Builds the schema of `dialect` from its catalog rows, leaving out the tables named in
/// `skip` (ferry's own) and what belongs to them.
pub fn assemble(dialect: &str, rows: &CatalogRows, skip: &[&str]) -> Schema {
    let rows = &keyed(rows);
    let kept = |table: &str| !skip.iter().any(|s| s.eq_ignore_ascii_case(table));
    let mut schema = Schema {
        format: super::FORMAT,
        dialect: dialect.to_owned(),
        ..Schema::default()
    };
    for r in &rows.tables {
        let name = cell(r, 0);
        if kept(&name) {
            schema.tables.insert(name, Table::default());
        }
    }
    add_columns(&mut schema.tables, &rows.columns);
    add_indexes(&mut schema.tables, &rows.indexes);
    add_constraints(&mut schema.tables, &rows.constraints);
    for r in &rows.triggers {
        if let Some(t) = schema.tables.get_mut(&cell(r, 0)) {
            t.triggers.insert(cell(r, 1), cell(r, 2));
        }
    }
    add_objects(&mut schema, rows, &kept);
    schema
}

fn add_columns(tables: &mut BTreeMap<String, Table>, rows: &[Row]) {
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by_key(|r| (cell(r, 0), number(r, 2)));
    for r in sorted {
        let Some(t) = tables.get_mut(&cell(r, 0)) else {
            continue;
        };
        t.columns.push(Column {
            name: cell(r, 1),
            data_type: cell(r, 3),
            nullable: flag(r, 4),
            default: opt(r, 5),
            identity: opt(r, 6),
            generated: opt(r, 7),
        });
    }
}

fn add_indexes(tables: &mut BTreeMap<String, Table>, rows: &[Row]) {
    for r in by_position(rows, 3) {
        let Some(t) = tables.get_mut(&cell(r, 0)) else {
            continue;
        };
        let index = t.indexes.entry(cell(r, 1)).or_insert_with(|| Index {
            columns: Vec::new(),
            unique: flag(r, 2),
            predicate: opt(r, 5),
            valid: flag(r, 6),
            method: opt(r, 7),
        });
        index.columns.extend(opt(r, 4));
    }
}

fn add_constraints(tables: &mut BTreeMap<String, Table>, rows: &[Row]) {
    for r in by_position(rows, 3) {
        let Some(t) = tables.get_mut(&cell(r, 0)) else {
            continue;
        };
        let (name, column) = (cell(r, 1), opt(r, 4));
        match cell(r, 2).as_str() {
            "p" => {
                let key = t.primary_key.get_or_insert_with(|| Key {
                    name: Some(name).filter(|n| !n.is_empty()),
                    columns: Vec::new(),
                });
                key.columns.extend(column);
            }
            "u" => t.uniques.entry(name).or_default().columns.extend(column),
            "c" => {
                t.checks.entry(name).or_insert_with(|| Check {
                    expression: check_text(&cell(r, 9)),
                    validated: flag(r, 10),
                });
            }
            "f" => {
                let fk = t.foreign_keys.entry(name).or_insert_with(|| ForeignKey {
                    references: cell(r, 5),
                    on_update: action(&cell(r, 7)),
                    on_delete: action(&cell(r, 8)),
                    validated: flag(r, 10),
                    ..ForeignKey::default()
                });
                fk.columns.extend(column);
                fk.referenced_columns.extend(opt(r, 6));
            }
            _ => {}
        }
    }
    // Unique keys are named; only the primary key's name may be absent.
    for t in tables.values_mut() {
        for (name, key) in &mut t.uniques {
            key.name = Some(name.clone());
        }
    }
}

fn add_objects(schema: &mut Schema, rows: &CatalogRows, kept: &dyn Fn(&str) -> bool) {
    for r in &rows.views {
        let view = super::View {
            materialized: flag(r, 1),
            definition: cell(r, 2).trim().to_owned(),
        };
        schema.views.insert(cell(r, 0), view);
    }
    for r in &rows.routines {
        let key = format!("{}({})", cell(r, 0), cell(r, 2));
        let routine = Routine {
            kind: cell(r, 1),
            returns: opt(r, 3).filter(|t| !t.is_empty()),
            definition: cell(r, 4).trim().to_owned(),
        };
        schema.routines.insert(key, routine);
    }
    for r in &rows.sequences {
        if opt(r, 2).is_none_or(|owner| kept(&owner)) {
            let definition = cell(r, 1);
            schema.sequences.insert(cell(r, 0), Sequence { definition });
        }
    }
    for r in by_position(&rows.types, 2) {
        let t = (schema.types.entry(cell(r, 0))).or_insert_with(|| UserType {
            kind: cell(r, 1),
            values: Vec::new(),
        });
        t.values.extend(opt(r, 3));
    }
    for r in &rows.extensions {
        schema.extensions.insert(cell(r, 0), cell(r, 1));
    }
}

/// The rows with every object name turned into the model's name ([`super::key`]).
fn keyed(rows: &CatalogRows) -> CatalogRows {
    let names = |list: &[Row], cells: &[usize]| -> Vec<Row> {
        (list.iter())
            .map(|r| {
                let mut r = r.clone();
                for &i in cells {
                    if let Some(Some(v)) = r.get_mut(i) {
                        *v = super::key(v);
                    }
                }
                r
            })
            .collect()
    };
    CatalogRows {
        tables: names(&rows.tables, &[0]),
        columns: names(&rows.columns, &[0]),
        indexes: names(&rows.indexes, &[0]),
        constraints: names(&rows.constraints, &[0, 5]),
        views: names(&rows.views, &[0]),
        routines: names(&rows.routines, &[0]),
        triggers: names(&rows.triggers, &[0]),
        sequences: names(&rows.sequences, &[0, 2]),
        types: names(&rows.types, &[0]),
        extensions: rows.extensions.clone(),
    }
}

/// The rows ordered by their object (first two cells) and the number at `position`.
fn by_position(rows: &[Row], position: usize) -> Vec<&Row> {
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by_key(|r| (cell(r, 0), cell(r, 1), number(r, position)));
    sorted
}

/// A CHECK constraint's condition without the keyword and the NOT VALID PostgreSQL adds
/// (whether it is validated is its own field).
fn check_text(text: &str) -> String {
    let text = text.trim();
    let text = text.strip_suffix(" NOT VALID").unwrap_or(text);
    let text = match text.get(..5) {
        Some(head) if head.eq_ignore_ascii_case("CHECK") => text[5..].trim_start(),
        _ => text,
    };
    text.to_owned()
}

/// A referential action in words, whatever the engine calls it.
fn action(code: &str) -> String {
    match code {
        "a" | "" => "no action",
        "r" => "restrict",
        "c" => "cascade",
        "n" => "set null",
        "d" => "set default",
        other => return other.to_ascii_lowercase(),
    }
    .to_owned()
}

fn cell(r: &Row, i: usize) -> String {
    opt(r, i).unwrap_or_default()
}

fn opt(r: &Row, i: usize) -> Option<String> {
    r.get(i).cloned().flatten()
}

fn number(r: &Row, i: usize) -> i64 {
    cell(r, i).trim().parse().unwrap_or(0)
}

fn flag(r: &Row, i: usize) -> bool {
    let v = cell(r, i);
    ["true", "t", "1", "yes"]
        .iter()
        .any(|t| v.eq_ignore_ascii_case(t))
}

#[cfg(test)]
mod tests;
