//! The engine versions statements need, where a statement tells: syntax that older servers
//! reject. A small table per engine, matched on token sequences.

use super::{Finding, has_seq, tokens};
use crate::{Dialect, Migration, Statement};

/// (token sequence, first statement word or `""` for any, the version that introduced it).
type Rule = (&'static [&'static str], &'static str, &'static str);

const POSTGRES: &[Rule] = &[
    (
        &["ADD", "COLUMN", "IF", "NOT", "EXISTS"],
        "ALTER",
        "PostgreSQL 9.6",
    ),
    (
        &["GENERATED", "ALWAYS", "AS", "IDENTITY"],
        "",
        "PostgreSQL 10",
    ),
    (
        &["GENERATED", "BY", "DEFAULT", "AS", "IDENTITY"],
        "",
        "PostgreSQL 10",
    ),
    (&["PROCEDURE"], "CREATE", "PostgreSQL 11"),
    (&["CALL"], "CALL", "PostgreSQL 11"),
    (&["STORED"], "", "PostgreSQL 12 (generated columns)"),
    (&["CONCURRENTLY"], "REINDEX", "PostgreSQL 12"),
    (&["OR", "REPLACE", "TRIGGER"], "CREATE", "PostgreSQL 14"),
    (
        &["DETACH", "PARTITION", "CONCURRENTLY"],
        "ALTER",
        "PostgreSQL 14",
    ),
    (&["NULLS", "NOT", "DISTINCT"], "", "PostgreSQL 15"),
    (&["MERGE"], "MERGE", "PostgreSQL 15"),
];

const MYSQL: &[Rule] = &[
    (&["RENAME", "COLUMN"], "ALTER", "MySQL 8.0 / MariaDB 10.5"),
    (
        &["ALGORITHM", "=", "INSTANT"],
        "",
        "MySQL 8.0.12 / MariaDB 10.3",
    ),
    (
        &["INVISIBLE"],
        "",
        "MySQL 8.0 (invisible indexes or columns; MariaDB 10.3 for columns)",
    ),
    (
        &["CHECK", "("],
        "",
        "MySQL 8.0.16 / MariaDB 10.2 (enforced CHECK constraints)",
    ),
    (
        &["WITH"],
        "WITH",
        "MySQL 8.0 / MariaDB 10.2 (common table expressions)",
    ),
    (
        &["SEQUENCE"],
        "CREATE",
        "MariaDB 10.3 (MySQL has no sequences)",
    ),
    (&["JSON"], "", "MySQL 5.7.8 / MariaDB 10.2"),
];

const SQLITE: &[Rule] = &[
    (&["WITHOUT", "ROWID"], "", "SQLite 3.8.2"),
    (&["ON", "CONFLICT", "DO"], "", "SQLite 3.24 (upsert)"),
    (&["RENAME", "COLUMN"], "ALTER", "SQLite 3.25"),
    (
        &["GENERATED", "ALWAYS", "AS"],
        "",
        "SQLite 3.31 (generated columns)",
    ),
    (&["DROP", "COLUMN"], "ALTER", "SQLite 3.35"),
    (&["RETURNING"], "", "SQLite 3.35"),
    (&["STRICT"], "CREATE", "SQLite 3.37 (STRICT tables)"),
];

/// The engine versions the statements of `migrations` need on `dialect`.
pub fn needs(migrations: &[(&Migration, Vec<Statement>)], dialect: Dialect) -> Vec<Finding> {
    let rules = match dialect {
        Dialect::Postgres => POSTGRES,
        Dialect::Mysql => MYSQL,
        Dialect::Sqlite => SQLITE,
    };
    let mut found = Vec::new();
    for (m, statements) in migrations {
        for s in statements {
            let t = tokens(s, dialect);
            let first = t.first().map(String::as_str).unwrap_or_default();
            let matched = (rules.iter())
                .filter(|(seq, head, _)| (head.is_empty() || *head == first) && has_seq(&t, seq))
                .map(|(_, _, version)| *version);
            for version in matched {
                found.push(Finding {
                    version: m.label.clone(),
                    file: m.up.path.display().to_string(),
                    line: s.line,
                    what: version.to_owned(),
                });
            }
        }
    }
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(sql: &str, dialect: Dialect) -> Vec<String> {
        super::super::findings(sql, dialect, needs)
    }

    #[test]
    fn syntax_that_older_servers_reject_is_named_with_its_version() {
        assert_eq!(
            found(
                "CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a * 2) STORED);\nCREATE UNIQUE INDEX i ON t (a) NULLS NOT DISTINCT;\nSELECT 'MERGE';\n",
                Dialect::Postgres
            ),
            ["1: PostgreSQL 12 (generated columns)", "2: PostgreSQL 15"]
        );
        assert_eq!(
            found("ALTER TABLE t RENAME COLUMN a TO b;", Dialect::Mysql),
            ["1: MySQL 8.0 / MariaDB 10.5"]
        );
        assert_eq!(
            found(
                "CREATE TABLE t (a INT) STRICT;\nALTER TABLE t DROP COLUMN a;\n",
                Dialect::Sqlite
            ),
            ["1: SQLite 3.37 (STRICT tables)", "2: SQLite 3.35"]
        );
        assert!(found("CREATE TABLE t (a int);", Dialect::Postgres).is_empty());
    }
}
