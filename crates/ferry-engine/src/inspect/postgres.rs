//! PostgreSQL's catalog: pg_catalog, current database, every schema but the system's;
//! objects outside the current schema are named with their schema. Objects that belong to
//! an extension are the extension's, listed once under its name.

use super::CatalogSql;

/// `relation`'s name, qualified unless it is in the current schema (`ns` is its
/// pg_namespace alias); the parts are separated by U+0001 for the assembly to quote
/// (`ferry_core::schema::catalog`).
fn q(ns: &str, name: &str) -> String {
    format!(
        "CAST(CASE WHEN {ns}.nspname = current_schema() THEN {name} ELSE {ns}.nspname || chr(1) || {name} END AS TEXT)"
    )
}

/// Not a system schema.
fn user(ns: &str) -> String {
    format!(
        "{ns}.nspname NOT IN ('pg_catalog', 'information_schema') AND {ns}.nspname NOT LIKE 'pg\\_toast%' AND {ns}.nspname NOT LIKE 'pg\\_temp%'"
    )
}

/// Not an extension's object (`class` is the catalog holding `oid`).
fn own(class: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{class}'::regclass AND d.objid = {oid} AND d.deptype = 'e')"
    )
}

/// The user tables' filter, for a pg_class `c` in pg_namespace `n`.
fn tables_where() -> String {
    format!(
        "c.relkind IN ('r', 'p') AND {} AND {}",
        user("n"),
        own("pg_class", "c.oid")
    )
}

/// The catalog queries; with `scoped`, the table-level ones only for the tables in the
/// scope bound as `$1` (see [`super::scope_value`]).
pub(crate) fn catalog(scoped: bool) -> CatalogSql {
    let t = q("n", "c.relname");
    let only = match scoped {
        true => format!(" AND strpos($1, chr(31) || lower({t}) || chr(31)) > 0"),
        false => String::new(),
    };
    let w = format!("{}{only}", tables_where());
    let from = "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace";
    CatalogSql {
        tables: format!("SELECT {t} {from} WHERE {w}"),
        columns: format!(
            "SELECT {t}, CAST(a.attname AS TEXT), CAST(a.attnum AS TEXT), format_type(a.atttypid, a.atttypmod), \
             CAST(NOT a.attnotnull AS TEXT), CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END, \
             CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END, \
             CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END \
             {from} JOIN pg_attribute a ON a.attrelid = c.oid \
             LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
             WHERE {w} AND a.attnum > 0 AND NOT a.attisdropped"
        ),
        indexes: format!(
            "SELECT {t}, CAST(ic.relname AS TEXT), CAST(i.indisunique AS TEXT), CAST(k.ord AS TEXT), \
             pg_get_indexdef(i.indexrelid, k.ord, true), pg_get_expr(i.indpred, i.indrelid, true), \
             CAST(i.indisvalid AS TEXT), CAST(am.amname AS TEXT) \
             {from} JOIN pg_index i ON i.indrelid = c.oid JOIN pg_class ic ON ic.oid = i.indexrelid \
             JOIN pg_am am ON am.oid = ic.relam CROSS JOIN LATERAL generate_series(1, i.indnkeyatts) AS k(ord) \
             WHERE {w} AND NOT EXISTS (SELECT 1 FROM pg_constraint k2 WHERE k2.conindid = i.indexrelid \
             AND k2.conrelid = i.indrelid AND k2.contype IN ('p', 'u', 'x'))"
        ),
        constraints: format!(
            "SELECT {t}, CAST(con.conname AS TEXT), CAST(con.contype AS TEXT), CAST(k.ord AS TEXT), \
             CAST(a.attname AS TEXT), CASE WHEN con.contype = 'f' THEN {rt} END, CAST(fa.attname AS TEXT), \
             CAST(con.confupdtype AS TEXT), CAST(con.confdeltype AS TEXT), \
             CASE WHEN con.contype = 'c' THEN pg_get_constraintdef(con.oid, true) END, CAST(con.convalidated AS TEXT) \
             {from} JOIN pg_constraint con ON con.conrelid = c.oid \
             LEFT JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) ON true \
             LEFT JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum \
             LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace \
             LEFT JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = con.confkey[k.ord] \
             WHERE {w} AND con.contype IN ('p', 'u', 'c', 'f')",
            rt = q("fn", "fc.relname"),
        ),
        views: Some(format!(
            "SELECT {t}, CAST(c.relkind = 'm' AS TEXT), pg_get_viewdef(c.oid, true) {from} \
             WHERE c.relkind IN ('v', 'm') AND {} AND {}",
            user("n"),
            own("pg_class", "c.oid")
        )),
        routines: Some(format!(
            "SELECT {}, CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' ELSE 'function' END, \
             pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid), p.prosrc \
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {} AND {}",
            q("n", "p.proname"),
            user("n"),
            own("pg_proc", "p.oid")
        )),
        triggers: Some(format!(
            "SELECT {t}, CAST(tg.tgname AS TEXT), pg_get_triggerdef(tg.oid, true) {from} \
             JOIN pg_trigger tg ON tg.tgrelid = c.oid WHERE {w} AND NOT tg.tgisinternal"
        )),
        sequences: Some(format!(
            "SELECT {t}, format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || ' increment ' || s.seqincrement \
             || ' min ' || s.seqmin || ' max ' || s.seqmax || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END, \
             (SELECT {ot} FROM pg_depend d JOIN pg_class oc ON oc.oid = d.refobjid JOIN pg_namespace onn ON onn.oid = oc.relnamespace \
              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' LIMIT 1) \
             {from} JOIN pg_sequence s ON s.seqrelid = c.oid WHERE {} AND NOT EXISTS (SELECT 1 FROM pg_depend d \
             WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('i', 'e'))",
            user("n"),
            ot = q("onn", "oc.relname"),
        )),
        types: Some(types()),
        extensions: Some("SELECT CAST(extname AS TEXT), extversion FROM pg_extension".to_owned()),
        bind_each: false,
    }
}

/// Enum labels, composite attributes and domains' base types, one row each.
fn types() -> String {
    let t = q("n", "t.typname");
    let from = "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace";
    let w = format!("{} AND {}", user("n"), own("pg_type", "t.oid"));
    format!(
        "SELECT {t}, 'enum', CAST(e.enumsortorder AS TEXT), CAST(e.enumlabel AS TEXT) {from} \
         JOIN pg_enum e ON e.enumtypid = t.oid WHERE {w} \
         UNION ALL SELECT {t}, 'composite', CAST(a.attnum AS TEXT), a.attname || ' ' || format_type(a.atttypid, a.atttypmod) \
         {from} JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c' \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped WHERE {w} \
         UNION ALL SELECT {t}, 'domain', '0', format_type(t.typbasetype, t.typtypmod) \
         || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END {from} WHERE t.typtype = 'd' AND {w}"
    )
}
