//! `ferry schema dump` as text: one object per line, indented under its table, in the
//! model's stable order.

use super::{Column, ForeignKey, Index, Schema, Table};
use std::fmt::Write as _;

/// The schema as text, one object per line.
pub fn render(schema: &Schema) -> String {
    let mut out = format!(
        "-- ferry schema dump, format {}, {}\n",
        schema.format, schema.dialect
    );
    for (name, table) in &schema.tables {
        render_table(&mut out, name, table);
    }
    for (name, v) in &schema.views {
        let kind = if v.materialized {
            "materialized view"
        } else {
            "view"
        };
        line(
            &mut out,
            0,
            &format!("{kind} {name}: {}", one_line(&v.definition)),
        );
    }
    for (name, r) in &schema.routines {
        let returns = r.returns.as_deref().map(|t| format!(" returns {t}"));
        line(
            &mut out,
            0,
            &format!("{} {name}{}", r.kind, returns.unwrap_or_default()),
        );
    }
    for (name, s) in &schema.sequences {
        line(&mut out, 0, &format!("sequence {name}: {}", s.definition));
    }
    for (name, t) in &schema.types {
        line(
            &mut out,
            0,
            &format!("type {name} {} ({})", t.kind, t.values.join(", ")),
        );
    }
    for (name, version) in &schema.extensions {
        line(&mut out, 0, &format!("extension {name} {version}"));
    }
    out
}

fn render_table(out: &mut String, name: &str, t: &Table) {
    line(out, 0, &format!("table {name}"));
    for c in &t.columns {
        line(out, 1, &column(c));
    }
    if let Some(pk) = &t.primary_key {
        let name = pk.name.as_deref().map(|n| format!(" {n}"));
        line(
            out,
            1,
            &format!(
                "primary key{} ({})",
                name.unwrap_or_default(),
                pk.columns.join(", ")
            ),
        );
    }
    for (n, u) in &t.uniques {
        line(out, 1, &format!("unique {n} ({})", u.columns.join(", ")));
    }
    for (n, c) in &t.checks {
        let state = if c.validated { "" } else { " [not validated]" };
        line(out, 1, &format!("check {n}: {}{state}", c.expression));
    }
    for (n, fk) in &t.foreign_keys {
        line(out, 1, &format!("foreign key {n} {}", foreign_key(fk)));
    }
    for (n, i) in &t.indexes {
        line(out, 1, &format!("index {n} {}", index(i)));
    }
    for (n, definition) in &t.triggers {
        line(out, 1, &format!("trigger {n}: {}", one_line(definition)));
    }
}

/// A column as one line: `name type [not null] [default ..] [identity ..] [generated ..]`.
pub(crate) fn column(c: &Column) -> String {
    let mut s = format!("{} {}", c.name, c.data_type);
    if !c.nullable {
        s.push_str(" not null");
    }
    if let Some(d) = &c.default {
        let _ = write!(s, " default {d}");
    }
    if let Some(i) = &c.identity {
        let _ = write!(s, " identity {i}");
    }
    if let Some(g) = &c.generated {
        let _ = write!(s, " generated {g}");
    }
    s
}

/// A foreign key after its name: `(a) references t (id) on update .. on delete ..`.
pub(crate) fn foreign_key(fk: &ForeignKey) -> String {
    let mut s = format!("({}) references {}", fk.columns.join(", "), fk.references);
    if !fk.referenced_columns.is_empty() {
        let _ = write!(s, " ({})", fk.referenced_columns.join(", "));
    }
    let _ = write!(s, " on update {} on delete {}", fk.on_update, fk.on_delete);
    if !fk.validated {
        s.push_str(" [not validated]");
    }
    s
}

/// An index after its name: `unique (a, b) where .. using btree [invalid]`.
pub(crate) fn index(i: &Index) -> String {
    let mut s = String::new();
    if i.unique {
        s.push_str("unique ");
    }
    let _ = write!(s, "({})", i.columns.join(", "));
    if let Some(p) = &i.predicate {
        let _ = write!(s, " where {p}");
    }
    if let Some(m) = &i.method {
        let _ = write!(s, " using {m}");
    }
    if !i.valid {
        s.push_str(" [invalid]");
    }
    s
}

/// A definition on one line: runs of whitespace become one space.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn line(out: &mut String, depth: usize, text: &str) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(text);
    out.push('\n');
}
