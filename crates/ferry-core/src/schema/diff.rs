//! What differs between two schemas, one object per line in human terms: `schema diff`,
//! drift and the rehearsal's "down of 004 leaves index idx_x" all read this.

use super::text::{column, foreign_key, index, one_line};
use super::{Column, Schema, Table};
use std::collections::BTreeMap;
use std::fmt;

/// What to compare.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiffOptions {
    /// Columns in another order are the same (a dropped and re-added column lands last).
    pub ignore_column_order: bool,
}

/// How an object differs from the first schema to the second.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in the second.
    Added,
    /// Only in the first.
    Removed,
    /// In both, different.
    Changed,
}

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Difference {
    /// The object: `index idx_x on users`, `column users.email`, `view active_users`.
    pub object: String,
    /// Added, removed or changed.
    pub change: Change,
    /// The object as it is (added, removed) or what changed (`type integer → bigint`).
    pub detail: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = match self.change {
            Change::Added => '+',
            Change::Removed => '-',
            Change::Changed => '~',
        };
        write!(f, "{sign} {}", self.object)?;
        match self.detail.is_empty() {
            true => Ok(()),
            false => write!(f, ": {}", self.detail),
        }
    }
}

/// Every difference from `a` to `b`, tables first, in the model's order.
pub fn diff(a: &Schema, b: &Schema, options: DiffOptions) -> Vec<Difference> {
    let mut out = Vec::new();
    // A table in both differs by its parts, listed one by one.
    let columns = |t: &Table| format!("{} column(s)", t.columns.len());
    for (name, ta) in &a.tables {
        match b.tables.get(name) {
            None => out.push(removed(format!("table {name}"), columns(ta))),
            Some(tb) => table(&mut out, name, ta, tb, options),
        }
    }
    for (name, tb) in b.tables.iter().filter(|(n, _)| !a.tables.contains_key(*n)) {
        out.push(added(format!("table {name}"), columns(tb)));
    }
    let view = |v: &super::View| one_line(&v.definition);
    each(
        &mut out,
        &a.views,
        &b.views,
        &|n| format!("view {n}"),
        &view,
    );
    let routine = |r: &super::Routine| format!("{} {}", r.kind, one_line(&r.definition));
    each(
        &mut out,
        &a.routines,
        &b.routines,
        &|n| format!("routine {n}"),
        &routine,
    );
    let sequence = |s: &super::Sequence| s.definition.clone();
    each(
        &mut out,
        &a.sequences,
        &b.sequences,
        &|n| format!("sequence {n}"),
        &sequence,
    );
    let kind = |t: &super::UserType| format!("{} ({})", t.kind, t.values.join(", "));
    each(
        &mut out,
        &a.types,
        &b.types,
        &|n| format!("type {n}"),
        &kind,
    );
    let version = |v: &String| v.clone();
    each(
        &mut out,
        &a.extensions,
        &b.extensions,
        &|n| format!("extension {n}"),
        &version,
    );
    out
}

fn table(out: &mut Vec<Difference>, name: &str, a: &Table, b: &Table, options: DiffOptions) {
    columns(out, name, &a.columns, &b.columns, options);
    let key = |k: &super::Key| format!("({})", k.columns.join(", "));
    let pk = |t: &Table| {
        t.primary_key
            .iter()
            .map(|k| (String::new(), k.clone()))
            .collect()
    };
    let (pa, pb): (BTreeMap<_, _>, BTreeMap<_, _>) = (pk(a), pk(b));
    each(out, &pa, &pb, &|_| format!("primary key of {name}"), &key);
    each(
        out,
        &a.uniques,
        &b.uniques,
        &|n| format!("unique {n} on {name}"),
        &key,
    );
    let check = |c: &super::Check| match c.validated {
        true => c.expression.clone(),
        false => format!("{} [not validated]", c.expression),
    };
    each(
        out,
        &a.checks,
        &b.checks,
        &|n| format!("check {n} on {name}"),
        &check,
    );
    let fks = (&a.foreign_keys, &b.foreign_keys);
    each(
        out,
        fks.0,
        fks.1,
        &|n| format!("foreign key {n} on {name}"),
        &foreign_key,
    );
    each(
        out,
        &a.indexes,
        &b.indexes,
        &|n| format!("index {n} on {name}"),
        &index,
    );
    let trigger = |t: &String| one_line(t);
    each(
        out,
        &a.triggers,
        &b.triggers,
        &|n| format!("trigger {n} on {name}"),
        &trigger,
    );
}

fn columns(out: &mut Vec<Difference>, table: &str, a: &[Column], b: &[Column], o: DiffOptions) {
    let map = |cs: &[Column]| -> BTreeMap<String, Column> {
        cs.iter().map(|c| (c.name.clone(), c.clone())).collect()
    };
    let label = |n: &str| format!("column {table}.{n}");
    let (ma, mb) = (map(a), map(b));
    for (n, c) in &ma {
        match mb.get(n) {
            None => out.push(removed(label(n), column(c))),
            Some(d) if d != c => out.push(changed(label(n), column_change(c, d))),
            Some(_) => {}
        }
    }
    for (n, c) in mb.iter().filter(|(n, _)| !ma.contains_key(*n)) {
        out.push(added(label(n), column(c)));
    }
    let common = |x: &[Column], other: &BTreeMap<String, Column>| -> Vec<String> {
        (x.iter().filter(|c| other.contains_key(&c.name)))
            .map(|c| c.name.clone())
            .collect()
    };
    let (oa, ob) = (common(a, &mb), common(b, &ma));
    if !o.ignore_column_order && oa != ob {
        let detail = format!("order ({}) → ({})", oa.join(", "), ob.join(", "));
        out.push(changed(format!("columns of {table}"), detail));
    }
}

/// What changed in a column, field by field.
fn column_change(a: &Column, b: &Column) -> String {
    let mut parts = Vec::new();
    if a.data_type != b.data_type {
        parts.push(format!("type {} → {}", a.data_type, b.data_type));
    }
    if a.nullable != b.nullable {
        let word = |n: bool| if n { "nullable" } else { "not null" };
        parts.push(format!("{} → {}", word(a.nullable), word(b.nullable)));
    }
    let fields = [
        ("default", &a.default, &b.default),
        ("identity", &a.identity, &b.identity),
        ("generated", &a.generated, &b.generated),
    ];
    for (what, x, y) in fields {
        if x != y {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
            parts.push(format!("{what} {} → {}", show(x), show(y)));
        }
    }
    parts.join("; ")
}

/// Objects of one kind: added, removed, and changed when their text differs.
fn each<T>(
    out: &mut Vec<Difference>,
    a: &BTreeMap<String, T>,
    b: &BTreeMap<String, T>,
    label: &dyn Fn(&str) -> String,
    show: &dyn Fn(&T) -> String,
) {
    for (name, x) in a {
        match b.get(name) {
            None => out.push(removed(label(name), show(x))),
            Some(y) => {
                let (sx, sy) = (show(x), show(y));
                if sx != sy {
                    out.push(changed(label(name), format!("{sx} → {sy}")));
                }
            }
        }
    }
    for (name, y) in b.iter().filter(|(n, _)| !a.contains_key(*n)) {
        out.push(added(label(name), show(y)));
    }
}

fn added(object: String, detail: String) -> Difference {
    Difference {
        object,
        change: Change::Added,
        detail,
    }
}

fn removed(object: String, detail: String) -> Difference {
    Difference {
        object,
        change: Change::Removed,
        detail,
    }
}

fn changed(object: String, detail: String) -> Difference {
    Difference {
        object,
        change: Change::Changed,
        detail,
    }
}
