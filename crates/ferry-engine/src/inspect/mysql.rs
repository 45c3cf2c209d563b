//! MySQL's and MariaDB's catalog: information_schema, the connection's database. A unique
//! key is an index here (MySQL has no unique constraint apart from its index); the primary
//! key is a constraint.

use super::CatalogSql;

const HERE: &str = "TABLE_SCHEMA = DATABASE()";

/// Base tables only (views and MariaDB's sequences are listed apart).
fn base(alias: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM information_schema.TABLES bt WHERE bt.TABLE_SCHEMA = {alias}.TABLE_SCHEMA \
         AND bt.TABLE_NAME = {alias}.TABLE_NAME AND bt.TABLE_TYPE = 'BASE TABLE')"
    )
}

/// The catalog queries; `mariadb` picks the check-constraint join MariaDB needs (its
/// constraint names are per table, MySQL's per database).
/// With `scoped`, the table-level ones only for the tables in the scope bound to each `?`.
pub(crate) fn catalog(mariadb: bool, scoped: bool) -> CatalogSql {
    let filter = |name: &str| match scoped {
        true => format!(
            " AND LOCATE(CONCAT(CHAR(31 USING utf8mb4), LOWER({name}), CHAR(31 USING utf8mb4)), ?) > 0"
        ),
        false => String::new(),
    };
    let only = |alias: &str| filter(&format!("{alias}TABLE_NAME"));
    let same_table = if mariadb {
        " AND cc.TABLE_NAME = tc.TABLE_NAME"
    } else {
        ""
    };
    CatalogSql {
        tables: format!(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE {HERE} AND TABLE_TYPE = 'BASE TABLE'{}",
            only("")
        ),
        columns: format!(
            "SELECT c.TABLE_NAME, c.COLUMN_NAME, CAST(c.ORDINAL_POSITION AS CHAR), c.COLUMN_TYPE, \
             CASE c.IS_NULLABLE WHEN 'YES' THEN 'true' ELSE 'false' END, \
             CASE WHEN c.COLUMN_DEFAULT = 'NULL' OR c.GENERATION_EXPRESSION <> '' THEN NULL ELSE c.COLUMN_DEFAULT END, \
             CASE WHEN c.EXTRA LIKE '%auto_increment%' THEN 'auto_increment' END, \
             NULLIF(c.GENERATION_EXPRESSION, '') \
             FROM information_schema.COLUMNS c WHERE c.{HERE} AND {}{}",
            base("c"),
            only("c.")
        ),
        indexes: format!(
            "SELECT s.TABLE_NAME, s.INDEX_NAME, CASE s.NON_UNIQUE WHEN 0 THEN 'true' ELSE 'false' END, \
             CAST(s.SEQ_IN_INDEX AS CHAR), CONCAT(s.COLUMN_NAME, COALESCE(CONCAT('(', s.SUB_PART, ')'), '')), \
             NULL, 'true', s.INDEX_TYPE FROM information_schema.STATISTICS s \
             WHERE s.{HERE} AND s.INDEX_NAME <> 'PRIMARY' AND {}{}",
            base("s"),
            only("s.")
        ),
        constraints: format!(
            "SELECT s.TABLE_NAME, 'PRIMARY', 'p', CAST(s.SEQ_IN_INDEX AS CHAR), s.COLUMN_NAME, NULL, NULL, NULL, NULL, NULL, 'true' \
             FROM information_schema.STATISTICS s WHERE s.{HERE} AND s.INDEX_NAME = 'PRIMARY' AND {base}{os} \
             UNION ALL SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, 'f', CAST(k.ORDINAL_POSITION AS CHAR), k.COLUMN_NAME, \
             CASE WHEN k.REFERENCED_TABLE_SCHEMA = DATABASE() THEN k.REFERENCED_TABLE_NAME \
             ELSE CONCAT(k.REFERENCED_TABLE_SCHEMA, CHAR(1 USING utf8mb4), k.REFERENCED_TABLE_NAME) END, \
             k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE, NULL, 'true' \
             FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
             ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME \
             WHERE k.{HERE} AND k.REFERENCED_TABLE_NAME IS NOT NULL{ok} \
             UNION ALL SELECT tc.TABLE_NAME, tc.CONSTRAINT_NAME, 'c', '1', NULL, NULL, NULL, NULL, NULL, cc.CHECK_CLAUSE, 'true' \
             FROM information_schema.TABLE_CONSTRAINTS tc JOIN information_schema.CHECK_CONSTRAINTS cc \
             ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME{same_table} \
             WHERE tc.{HERE} AND tc.CONSTRAINT_TYPE = 'CHECK'{otc}",
            base = base("s"),
            os = only("s."),
            ok = only("k."),
            otc = only("tc."),
        ),
        views: Some(format!(
            "SELECT TABLE_NAME, 'false', REPLACE(VIEW_DEFINITION, CONCAT('`', DATABASE(), '`.'), '') \
             FROM information_schema.VIEWS WHERE {HERE}"
        )),
        routines: Some(
            "SELECT r.ROUTINE_NAME, LOWER(r.ROUTINE_TYPE), (SELECT GROUP_CONCAT(CONCAT(p.PARAMETER_NAME, ' ', p.DTD_IDENTIFIER) \
             ORDER BY p.ORDINAL_POSITION SEPARATOR ', ') FROM information_schema.PARAMETERS p \
             WHERE p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA AND p.SPECIFIC_NAME = r.ROUTINE_NAME AND p.ORDINAL_POSITION > 0), \
             r.DTD_IDENTIFIER, r.ROUTINE_DEFINITION FROM information_schema.ROUTINES r WHERE r.ROUTINE_SCHEMA = DATABASE()"
                .to_owned(),
        ),
        triggers: Some(format!(
            "SELECT EVENT_OBJECT_TABLE, TRIGGER_NAME, CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ', ACTION_STATEMENT) \
             FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE(){}",
            filter("EVENT_OBJECT_TABLE")
        )),
        sequences: Some(format!(
            "SELECT TABLE_NAME, 'sequence', NULL FROM information_schema.TABLES WHERE {HERE} AND TABLE_TYPE = 'SEQUENCE'"
        )),
        types: None,
        extensions: None,
        bind_each: true,
    }
}
