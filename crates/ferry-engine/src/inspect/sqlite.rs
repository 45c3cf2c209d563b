//! SQLite's catalog: sqlite_schema and the table-valued pragmas. Constraint names SQLite
//! does not keep are made from what it does: a foreign key is `<referenced table>:<id>`, a
//! unique constraint its automatic index's name. CHECK constraints live only in the
//! table's CREATE text and are not read yet.

use super::CatalogSql;

const TABLES: &str =
    "FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

/// The catalog queries; with `scoped`, the table-level ones only for the tables in the
/// scope bound as `?1`.
pub(crate) fn catalog(scoped: bool) -> CatalogSql {
    let only = |name: &str| match scoped {
        true => format!(" AND instr(?1, char(31) || lower({name}) || char(31)) > 0"),
        false => String::new(),
    };
    let filter = only("m.name");
    let join = |pragma: &str| {
        format!(
            "FROM sqlite_master m JOIN {pragma} WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'{filter}"
        )
    };
    CatalogSql {
        tables: format!("SELECT m.name {TABLES}{filter}"),
        columns: format!(
            "SELECT m.name, p.name, CAST(p.cid AS TEXT), p.type, CASE WHEN p.\"notnull\" THEN 'false' ELSE 'true' END, \
             p.dflt_value, NULL, CASE p.hidden WHEN 2 THEN 'virtual' WHEN 3 THEN 'stored' END {}",
            join("pragma_table_xinfo(m.name) p")
        ),
        indexes: format!(
            "SELECT m.name, il.name, CASE il.\"unique\" WHEN 1 THEN 'true' ELSE 'false' END, CAST(ii.seqno + 1 AS TEXT), \
             COALESCE(ii.name, '(expression)'), \
             CASE il.partial WHEN 1 THEN (SELECT substr(x.sql, instr(upper(x.sql), ' WHERE ') + 7) FROM sqlite_master x \
             WHERE x.type = 'index' AND x.name = il.name) END, 'true', NULL {} AND il.origin = 'c'",
            join("pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii")
        ),
        constraints: format!(
            "SELECT m.name, '', 'p', CAST(p.pk AS TEXT), p.name, NULL, NULL, NULL, NULL, NULL, 'true' {} AND p.pk > 0 \
             UNION ALL SELECT m.name, il.name, 'u', CAST(ii.seqno + 1 AS TEXT), ii.name, NULL, NULL, NULL, NULL, NULL, 'true' {} \
             AND il.origin = 'u' \
             UNION ALL SELECT m.name, f.\"table\" || ':' || f.id, 'f', CAST(f.seq + 1 AS TEXT), f.\"from\", f.\"table\", f.\"to\", \
             f.on_update, f.on_delete, NULL, 'true' {}",
            join("pragma_table_info(m.name) p"),
            join("pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii"),
            join("pragma_foreign_key_list(m.name) f"),
        ),
        views: Some("SELECT name, 'false', sql FROM sqlite_master WHERE type = 'view'".to_owned()),
        routines: None,
        triggers: Some(format!(
            "SELECT m.tbl_name, m.name, m.sql FROM sqlite_master m WHERE m.type = 'trigger'{}",
            only("m.tbl_name")
        )),
        sequences: None,
        types: None,
        extensions: None,
        bind_each: false,
    }
}
