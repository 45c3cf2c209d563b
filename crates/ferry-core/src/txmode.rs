//! Whether a script runs inside a transaction, and why not when it does not.
//!
//! Some statements cannot run inside a transaction block (PostgreSQL's `CREATE INDEX
//! CONCURRENTLY`, `VACUUM`, ...), and a script that issues its own `BEGIN`/`COMMIT` manages
//! its transactions itself. Both are detected from the statements, not only declared with
//! `-- ferry:no-transaction`, so such a file never fails half-way for a reason ferry knew.

use crate::{Dialect, Directives, Statement};
use std::fmt;

mod procedural;

/// How a script is run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxMode {
    /// Inside one transaction, together with its history row.
    Transaction,
    /// Statement by statement, without an outer transaction.
    NoTransaction(NoTxReason),
}

/// Why a script runs without an outer transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoTxReason {
    /// The script says so: `-- ferry:no-transaction`, or another tool's marker (as written).
    Directive(String),
    /// A statement cannot run inside a transaction block.
    Statement {
        /// 1-based line of the statement.
        line: u32,
        /// What the statement is, e.g. `CREATE INDEX CONCURRENTLY`.
        what: String,
    },
    /// The script issues its own transaction control.
    OwnTransaction {
        /// 1-based line of the first `BEGIN`/`COMMIT`-like statement.
        line: u32,
    },
    /// The engine commits DDL (and other statements besides plain DML) implicitly, and the
    /// script holds such a statement.
    ImplicitCommit,
}

impl fmt::Display for NoTxReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoTxReason::Directive(marker) => write!(f, "the file says {marker}"),
            NoTxReason::Statement { line, what } => {
                write!(f, "{what} on line {line} cannot run inside a transaction")
            }
            NoTxReason::OwnTransaction { line } => {
                write!(f, "the file manages its own transaction (line {line})")
            }
            NoTxReason::ImplicitCommit => f.write_str(
                "MySQL/MariaDB commits DDL implicitly; each statement commits on its own",
            ),
        }
    }
}

/// What ferry knows of the server a script will run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerFacts {
    /// The engine family.
    pub dialect: Dialect,
    /// The server's major version, when known (PostgreSQL 11 forbids `ALTER TYPE ... ADD
    /// VALUE` in a transaction; 12 and later allow it).
    pub major_version: Option<u32>,
    /// DDL runs inside transactions. Without it, only a script of plain DML statements
    /// can commit together with its history row.
    pub transactional_ddl: bool,
}

/// Decides how a script with these directives and statements runs on `server`.
pub fn transaction_mode(
    directives: &Directives,
    statements: &[Statement],
    server: ServerFacts,
) -> TxMode {
    if let Some(marker) = &directives.no_transaction {
        return TxMode::NoTransaction(NoTxReason::Directive(marker.clone()));
    }
    for statement in statements {
        if manages_transaction(&statement.words) {
            return TxMode::NoTransaction(NoTxReason::OwnTransaction {
                line: statement.line,
            });
        }
        if let Some(what) = non_transactional(statement, server) {
            return TxMode::NoTransaction(NoTxReason::Statement {
                line: statement.line,
                what,
            });
        }
    }
    if server.dialect == Dialect::Postgres
        && let Some((line, what)) = procedural::ends_transactions(statements)
    {
        return TxMode::NoTransaction(NoTxReason::Statement { line, what });
    }
    if !server.transactional_ddl && !statements.iter().all(|s| plain_dml(&s.words)) {
        return TxMode::NoTransaction(NoTxReason::ImplicitCommit);
    }
    TxMode::Transaction
}

/// Statements that never commit implicitly: the data changes a transaction can undo
/// (on transactional tables). Anything else, including CALL, is assumed to commit.
fn plain_dml(words: &[String]) -> bool {
    let Some(first) = words.first() else {
        return true;
    };
    match first.as_str() {
        "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "SELECT" | "WITH" | "VALUES" | "DO" => true,
        // `SET autocommit = 1` (however spelt) and `SET PASSWORD` commit; other session
        // settings do not.
        "SET" => !words.iter().any(|w| {
            let name = w.trim_start_matches('@');
            let name = name.rsplit('.').next().unwrap_or(name);
            name == "AUTOCOMMIT" || name == "PASSWORD"
        }),
        _ => false,
    }
}

fn manages_transaction(words: &[String]) -> bool {
    transaction_control(words).is_some()
}

/// What a transaction-control statement does to the script's own transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Control {
    /// Opens one (`BEGIN`, `START TRANSACTION`, `XA START`).
    Open,
    /// Ends one (`COMMIT`, `END`, `ROLLBACK`, `ABORT`, `PREPARE TRANSACTION`, `XA END`...).
    Close,
}

/// Whether `words` start a statement that opens or ends a transaction.
pub(crate) fn transaction_control(words: &[String]) -> Option<Control> {
    let w = |i: usize| words.get(i).map(String::as_str);
    match (w(0), w(1)) {
        (
            Some("BEGIN"),
            None | Some("TRANSACTION" | "WORK" | "DEFERRED" | "IMMEDIATE" | "EXCLUSIVE"),
        ) => Some(Control::Open),
        (Some("BEGIN"), Some("ISOLATION" | "READ")) => Some(Control::Open),
        (Some("START"), Some("TRANSACTION")) => Some(Control::Open),
        (Some("XA"), Some("START" | "BEGIN")) => Some(Control::Open),
        (Some("XA"), Some(_)) => Some(Control::Close),
        (Some("COMMIT" | "END" | "ABORT"), _) => Some(Control::Close),
        (Some("PREPARE"), Some("TRANSACTION")) => Some(Control::Close),
        // `ROLLBACK TO [SAVEPOINT] x` stays inside the transaction; a bare ROLLBACK ends it.
        (Some("ROLLBACK"), next) if next != Some("TO") && w(2) != Some("TO") => {
            Some(Control::Close)
        }
        _ => None,
    }
}

fn non_transactional(statement: &Statement, server: ServerFacts) -> Option<String> {
    let words = &statement.words;
    let has = |word: &str| words.iter().any(|w| w == word);
    let first = words.first().map(String::as_str)?;
    match server.dialect {
        Dialect::Postgres => {
            let kind = match first {
                "CREATE"
                    if words
                        .get(1..3)
                        .is_some_and(|w| w.iter().any(|x| x == "INDEX"))
                        && has("CONCURRENTLY") =>
                {
                    "CREATE INDEX CONCURRENTLY"
                }
                "DROP" if words.get(1).is_some_and(|w| w == "INDEX") && has("CONCURRENTLY") => {
                    "DROP INDEX CONCURRENTLY"
                }
                "REINDEX" if has("CONCURRENTLY") => "REINDEX CONCURRENTLY",
                "REINDEX"
                    if matches!(
                        words.get(1).map(String::as_str),
                        Some("SYSTEM" | "DATABASE")
                    ) =>
                {
                    "REINDEX DATABASE"
                }
                "VACUUM" => "VACUUM",
                "ALTER" if words.get(1).is_some_and(|w| w == "SYSTEM") => "ALTER SYSTEM",
                "ALTER" if has("DETACH") && has("CONCURRENTLY") => "DETACH PARTITION CONCURRENTLY",
                "ALTER"
                    if words.get(1).is_some_and(|w| w == "TYPE")
                        && has("ADD")
                        && has("VALUE")
                        && server.major_version.is_some_and(|v| v < 12) =>
                {
                    "ALTER TYPE ... ADD VALUE (before PostgreSQL 12)"
                }
                "CREATE" | "DROP"
                    if matches!(
                        words.get(1).map(String::as_str),
                        Some("DATABASE" | "TABLESPACE")
                    ) =>
                {
                    return Some(format!("{first} {}", words[1]));
                }
                _ => return None,
            };
            Some(kind.to_owned())
        }
        Dialect::Sqlite => match first {
            "VACUUM" => Some("VACUUM".to_owned()),
            // Settings SQLite refuses or ignores inside a transaction: run where they work.
            "PRAGMA" => {
                let setting = (words.iter().skip(1).take(2)).find(|w| {
                    matches!(
                        w.as_str(),
                        "JOURNAL_MODE" | "PAGE_SIZE" | "AUTO_VACUUM" | "ENCODING" | "LOCKING_MODE"
                    )
                })?;
                let changes = statement.sql.contains('=') || words.last() != Some(setting);
                changes.then(|| format!("PRAGMA {}", setting.to_ascii_lowercase()))
            }
            _ => None,
        },
        Dialect::Mysql => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split;

    fn mode(sql: &str, dialect: Dialect) -> TxMode {
        let statements = split(sql, dialect).unwrap();
        let directives = crate::parse_directives(sql).unwrap();
        transaction_mode(
            &directives,
            &statements,
            ServerFacts {
                dialect,
                major_version: Some(15),
                transactional_ddl: dialect != Dialect::Mysql,
            },
        )
    }

    #[test]
    fn plain_ddl_is_transactional() {
        assert_eq!(
            mode(
                "CREATE TABLE t (id int); CREATE INDEX i ON t (id);",
                Dialect::Postgres
            ),
            TxMode::Transaction
        );
    }

    #[test]
    fn concurrent_index_is_detected() {
        let m = mode(
            "CREATE TABLE t (id int);\nCREATE UNIQUE INDEX CONCURRENTLY i ON t (id);",
            Dialect::Postgres,
        );
        assert_eq!(
            m,
            TxMode::NoTransaction(NoTxReason::Statement {
                line: 2,
                what: "CREATE INDEX CONCURRENTLY".into()
            })
        );
        let m = mode("DROP INDEX CONCURRENTLY IF EXISTS i;", Dialect::Postgres);
        assert!(matches!(
            m,
            TxMode::NoTransaction(NoTxReason::Statement { .. })
        ));
    }

    #[test]
    fn own_transaction_is_detected() {
        let m = mode("SELECT 1;\nBEGIN;\nSELECT 2;\nCOMMIT;", Dialect::Sqlite);
        assert_eq!(
            m,
            TxMode::NoTransaction(NoTxReason::OwnTransaction { line: 2 })
        );
        assert_eq!(
            mode("SAVEPOINT a; ROLLBACK TO SAVEPOINT a;", Dialect::Postgres),
            TxMode::Transaction
        );
    }

    #[test]
    fn do_blocks_with_begin_are_not_transaction_control_but_a_commit_inside_one_is() {
        assert_eq!(
            mode("DO $$ BEGIN PERFORM 1; END $$;", Dialect::Postgres),
            TxMode::Transaction
        );
        assert!(matches!(
            mode("DO $$ BEGIN PERFORM 1; COMMIT; END $$;", Dialect::Postgres),
            TxMode::NoTransaction(NoTxReason::Statement { line: 1, .. })
        ));
    }

    #[test]
    fn directive_wins() {
        assert_eq!(
            mode("-- ferry:no-transaction\nSELECT 1;", Dialect::Postgres),
            TxMode::NoTransaction(NoTxReason::Directive("-- ferry:no-transaction".into()))
        );
    }

    #[test]
    fn add_value_depends_on_server_version() {
        let sql = "ALTER TYPE mood ADD VALUE 'meh';";
        let statements = split(sql, Dialect::Postgres).unwrap();
        let old = ServerFacts {
            dialect: Dialect::Postgres,
            major_version: Some(11),
            transactional_ddl: true,
        };
        assert!(matches!(
            transaction_mode(&Directives::default(), &statements, old),
            TxMode::NoTransaction(_)
        ));
        assert_eq!(mode(sql, Dialect::Postgres), TxMode::Transaction);
    }

    #[test]
    fn statements_that_commit_or_end_transactions_in_any_spelling_are_seen() {
        let ddl = TxMode::NoTransaction(NoTxReason::ImplicitCommit);
        for sql in [
            "INSERT INTO t VALUES (1);\nSET @@autocommit = 1;",
            "INSERT INTO t VALUES (1);\nSET @@session.autocommit = 1;",
            "SET PASSWORD = 'x';",
        ] {
            assert_eq!(mode(sql, Dialect::Mysql), ddl, "{sql}");
        }
        for sql in ["ABORT;", "PREPARE TRANSACTION 'x';", "XA START 'x';"] {
            assert!(
                matches!(
                    mode(sql, Dialect::Postgres),
                    TxMode::NoTransaction(NoTxReason::OwnTransaction { .. })
                ),
                "{sql}"
            );
        }
    }

    #[test]
    fn mysql_runs_plain_dml_in_a_transaction_and_ddl_without() {
        let dml = "INSERT INTO t VALUES (1);\nUPDATE t SET a = 2;\nDELETE FROM t WHERE a = 3;";
        assert_eq!(mode(dml, Dialect::Mysql), TxMode::Transaction);
        let mixed = format!("{dml}\nALTER TABLE t ADD COLUMN b INT;");
        let ddl = TxMode::NoTransaction(NoTxReason::ImplicitCommit);
        assert_eq!(mode(&mixed, Dialect::Mysql), ddl);
        assert_eq!(mode("SET autocommit = 1;", Dialect::Mysql), ddl);
        assert_eq!(mode("CALL refresh();", Dialect::Mysql), ddl);
        assert_eq!(mode(&mixed, Dialect::Postgres), TxMode::Transaction);
    }

    #[test]
    fn sqlite_pragmas_that_cannot_change_in_a_transaction_run_without_one() {
        for sql in [
            "PRAGMA journal_mode = WAL;",
            "PRAGMA main.journal_mode=wal;",
            "PRAGMA auto_vacuum = FULL; VACUUM;",
            "PRAGMA page_size = 8192;",
        ] {
            assert!(
                matches!(
                    mode(sql, Dialect::Sqlite),
                    TxMode::NoTransaction(NoTxReason::Statement { .. })
                ),
                "{sql}"
            );
        }
        assert_eq!(
            mode("PRAGMA journal_mode;", Dialect::Sqlite),
            TxMode::Transaction
        );
        assert_eq!(
            mode("PRAGMA foreign_keys = OFF;", Dialect::Sqlite),
            TxMode::Transaction
        );
    }

    #[test]
    fn sqlite_vacuum() {
        assert!(matches!(
            mode("VACUUM;", Dialect::Sqlite),
            TxMode::NoTransaction(_)
        ));
    }
}
