//! One engine-neutral model of a live schema: what the inspector reads (the engine's
//! catalog queries, assembled in [`catalog`]), what `ferry schema dump` prints, what drift
//! and rehearsals compare ([`diff`]).
//!
//! Every collection is ordered (maps by name, columns by position), so a dump is stable
//! and two dumps of the same schema are byte-identical. [`FORMAT`] is written into every
//! dump; a dump of another format is compared only after [`Schema::upgrade`], so a later
//! ferry never reports drift only because the dump format changed.

pub mod catalog;
pub mod diff;
mod touched;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use catalog::{CatalogRows, assemble};
pub use diff::{Change, DiffOptions, Difference, diff};
pub use touched::touched;

/// The version of the dump format this ferry writes.
pub const FORMAT: u32 = 1;

/// A database's schema. Names are as the engine shows them; objects outside the current
/// schema (PostgreSQL) are qualified (`audit.log`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// The dump format ([`FORMAT`]).
    pub format: u32,
    /// `postgres`, `mysql` or `sqlite`.
    pub dialect: String,
    /// Tables by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tables: BTreeMap<String, Table>,
    /// Views (and materialized views) by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub views: BTreeMap<String, View>,
    /// Functions and procedures by name and argument types (`add(integer, integer)`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub routines: BTreeMap<String, Routine>,
    /// Sequences not owned by an identity column, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sequences: BTreeMap<String, Sequence>,
    /// Enum, composite and domain types by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub types: BTreeMap<String, UserType>,
    /// Installed extensions and their versions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, String>,
}

/// A table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Columns in their order in the table.
    pub columns: Vec<Column>,
    /// The primary key, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<Key>,
    /// Unique constraints by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub uniques: BTreeMap<String, Key>,
    /// Check constraints by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checks: BTreeMap<String, Check>,
    /// Foreign keys by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub foreign_keys: BTreeMap<String, ForeignKey>,
    /// Indexes not backing a constraint, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub indexes: BTreeMap<String, Index>,
    /// Triggers by name, with their definitions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub triggers: BTreeMap<String, String>,
}

impl Table {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A column.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Name.
    pub name: String,
    /// Type as the engine writes it (`character varying(20)`, `int(11)`).
    #[serde(rename = "type")]
    pub data_type: String,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The default expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Identity or auto-increment (`always`, `by default`, `auto_increment`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// The generation expression (or `stored`/`virtual` where the engine hides it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
}

/// A primary key or unique constraint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// Its name, where the engine names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its columns in order.
    pub columns: Vec<String>,
}

/// A check constraint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The condition as the engine prints it.
    pub expression: String,
    /// False for a constraint added NOT VALID and not validated since.
    pub validated: bool,
}

/// A foreign key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub references: String,
    /// The referenced columns (empty: the referenced table's primary key).
    pub referenced_columns: Vec<String>,
    /// ON UPDATE action.
    pub on_update: String,
    /// ON DELETE action.
    pub on_delete: String,
    /// False for a key added NOT VALID and not validated since.
    pub validated: bool,
}

/// An index.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Columns or expressions, in order.
    pub columns: Vec<String>,
    /// Unique.
    pub unique: bool,
    /// The WHERE of a partial index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// False for an index left invalid (a failed CREATE INDEX CONCURRENTLY).
    pub valid: bool,
    /// The access method (`btree`, `gin`, `BTREE`), where the engine says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

/// A view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// A materialized view.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub materialized: bool,
    /// The query as the engine prints it.
    pub definition: String,
}

/// A function or procedure.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routine {
    /// `function`, `procedure`, `aggregate` or `window`.
    pub kind: String,
    /// The result type, for functions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    /// The body.
    pub definition: String,
}

/// A sequence.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    /// Its settings (`bigint start 1 increment 1 min 1 max ... no cycle`).
    pub definition: String,
}

/// An enum, composite or domain type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserType {
    /// `enum`, `composite` or `domain`.
    pub kind: String,
    /// Enum labels, composite attributes (`name type`) or the domain's base type, in order.
    pub values: Vec<String>,
}

/// A dump ferry cannot read.
#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    /// Not JSON of a schema.
    #[error("not a ferry schema dump: {0}")]
    Json(#[from] serde_json::Error),
    /// Written by a newer ferry.
    #[error("schema dump format {found} is newer than this ferry's ({FORMAT}); upgrade ferry")]
    Newer {
        /// The format found.
        found: u32,
    },
}

impl Schema {
    /// Reads a dump written by `schema dump --json` (of this or an older format).
    pub fn from_json(text: &str) -> Result<Schema, DumpError> {
        let schema: Schema = serde_json::from_str(text)?;
        schema.upgrade()
    }

    /// Brings a dump of an older format to [`FORMAT`] (there is only one so far), and
    /// refuses a newer one.
    pub fn upgrade(self) -> Result<Schema, DumpError> {
        match self.format {
            found if found > FORMAT => Err(DumpError::Newer { found }),
            _ => Ok(Schema {
                format: FORMAT,
                ..self
            }),
        }
    }

    /// The dump as pretty JSON (stable: every collection is ordered).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The schema with only the tables named in `only` (without regard to case), and every
    /// object that belongs to no table: what a scoped read of those tables returns.
    pub fn restricted(&self, only: &[String]) -> Schema {
        let mut out = self.clone();
        out.tables.retain(|name, _| named(only, name));
        out
    }

    /// Takes in a scoped read of the tables in `only`: those tables as `scoped` has them
    /// (gone if it has not), and its objects that belong to no table.
    pub fn merge(&mut self, scoped: Schema, only: &[String]) {
        self.tables.retain(|name, _| !named(only, name));
        self.tables.extend(scoped.tables);
        self.views = scoped.views;
        self.routines = scoped.routines;
        self.sequences = scoped.sequences;
        self.types = scoped.types;
        self.extensions = scoped.extensions;
    }

    /// How many objects the schema holds (tables, their columns, keys, indexes and
    /// triggers, views, routines, sequences, types, extensions).
    pub fn object_count(&self) -> usize {
        let table = |t: &Table| {
            1 + t.columns.len()
                + usize::from(t.primary_key.is_some())
                + t.uniques.len()
                + t.checks.len()
                + t.foreign_keys.len()
                + t.indexes.len()
                + t.triggers.len()
        };
        self.tables.values().map(table).sum::<usize>()
            + self.views.len()
            + self.routines.len()
            + self.sequences.len()
            + self.types.len()
            + self.extensions.len()
    }
}

/// The separator of a qualified name's parts in catalog rows (`schema` U+0001 `table`).
pub const PART_SEPARATOR: char = '\u{1}';

/// One part of an object's name as the model writes it: as it is, or double-quoted (quotes
/// doubled) when it holds a dot or a quote, so that `"audit.log"` (one table) and
/// `audit.log` (table log in schema audit) stay apart.
pub fn name_part(raw: &str) -> String {
    match raw.contains(['.', '"']) {
        true => format!("\"{}\"", raw.replace('"', "\"\"")),
        false => raw.to_owned(),
    }
}

/// The model's name of an object from its raw parts, as catalog rows give them
/// (separated by [`PART_SEPARATOR`]).
pub fn key(raw: &str) -> String {
    (raw.split(PART_SEPARATOR).map(name_part))
        .collect::<Vec<_>>()
        .join(".")
}

/// A model name's raw parts: split at the dots outside double quotes, quotes removed.
pub fn split_name(name: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = name.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                push(&mut parts, '"');
            }
            ('"', _) => quoted = !quoted,
            ('.', false) => parts.push(String::new()),
            (c, _) => push(&mut parts, c),
        }
    }
    parts
}

fn push(parts: &mut [String], c: char) {
    if let Some(p) = parts.last_mut() {
        p.push(c);
    }
}

/// Whether `name` is in `list`, without regard to case.
fn named(list: &[String], name: &str) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

pub(crate) mod text;
pub use text::render;
