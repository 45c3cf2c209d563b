//! Which columns of each tool's table ferry reads.

use crate::tools::Tool;

/// How a tool stores its checksum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChecksumShape {
    /// Raw bytes (read as hex).
    Bytes,
    /// A number or a text (read as text).
    Text,
}

/// The columns of a tool's history table ferry reads; `None` where the tool has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Columns<'a> {
    /// The table: the tool's default name, or a name as the database lists it.
    pub table: &'a str,
    /// The version (or, for node-pg-migrate, the name that starts with it).
    pub version: &'static str,
    /// The description or name.
    pub name: Option<&'static str>,
    /// When it was applied.
    pub applied_at: Option<&'static str>,
    /// The checksum and how it is stored.
    pub checksum: Option<(&'static str, ChecksumShape)>,
    /// Whether it succeeded (for golang-migrate, `dirty`, which means the opposite).
    pub ok: Option<&'static str>,
    /// The row's kind (Flyway's `type`).
    pub kind: Option<&'static str>,
    /// The script's file name (Flyway).
    pub script: Option<&'static str>,
    /// The order the tool applied its rows in.
    pub order: &'static str,
}

const NONE: Columns<'static> = Columns {
    table: "",
    version: "version",
    name: None,
    applied_at: None,
    checksum: None,
    ok: None,
    kind: None,
    script: None,
    order: "version",
};

/// The columns ferry reads from `tool`'s table.
pub fn columns(tool: Tool) -> Columns<'static> {
    let table = tool.table();
    match tool {
        Tool::Flyway => Columns {
            table,
            name: Some("description"),
            applied_at: Some("installed_on"),
            checksum: Some(("checksum", ChecksumShape::Text)),
            ok: Some("success"),
            kind: Some("type"),
            script: Some("script"),
            order: "installed_rank",
            ..NONE
        },
        Tool::Sqlx => Columns {
            table,
            name: Some("description"),
            applied_at: Some("installed_on"),
            checksum: Some(("checksum", ChecksumShape::Bytes)),
            ok: Some("success"),
            ..NONE
        },
        Tool::GolangMigrate => Columns {
            table,
            ok: Some("dirty"),
            ..NONE
        },
        Tool::Dbmate | Tool::Popx => Columns { table, ..NONE },
        Tool::Goose => Columns {
            table,
            version: "version_id",
            applied_at: Some("tstamp"),
            ok: Some("is_applied"),
            order: "id",
            ..NONE
        },
        Tool::Diesel => Columns {
            table,
            applied_at: Some("run_on"),
            ..NONE
        },
        Tool::Refinery => Columns {
            table,
            name: Some("name"),
            applied_at: Some("applied_on"),
            ..NONE
        },
        Tool::NodePgMigrate => Columns {
            table,
            version: "name",
            applied_at: Some("run_on"),
            order: "run_on, id",
            ..NONE
        },
        Tool::PostgresMigrations => Columns {
            table,
            version: "id",
            name: Some("name"),
            applied_at: Some("executed_at"),
            checksum: Some(("hash", ChecksumShape::Text)),
            order: "id",
            ..NONE
        },
        Tool::Liquibase => Columns {
            table,
            version: "id",
            name: Some("author"),
            applied_at: Some("dateexecuted"),
            checksum: Some(("md5sum", ChecksumShape::Text)),
            kind: Some("exectype"),
            script: Some("filename"),
            order: "orderexecuted",
            ..NONE
        },
    }
}
