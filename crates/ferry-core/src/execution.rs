//! How one script runs on one server: its transaction mode, the statements that must run
//! before its transaction opens, its body, and a check that must pass before it commits.
//!
//! SQLite ignores `PRAGMA foreign_keys` inside a transaction, so the table-rebuild
//! procedure SQLite documents (foreign keys off, new table, copy, drop, rename, foreign
//! keys on) would run with foreign keys still on and cascade-delete child rows. ferry runs
//! that pragma before `BEGIN`, checks `PRAGMA foreign_key_check` before `COMMIT` (failing
//! the migration on any violation), and the connection's own setting is restored after.

use crate::{Dialect, Directives, ServerFacts, Statement, TxMode, transaction_mode};

/// A query that must return no rows before a transactional script commits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Check {
    /// The query.
    pub sql: &'static str,
    /// What a row it returns means, for the error.
    pub meaning: &'static str,
}

/// The foreign key check SQLite needs after a migration ran with foreign keys off.
pub const FOREIGN_KEY_CHECK: Check = Check {
    sql: "SELECT \"table\", CAST(rowid AS TEXT), parent, CAST(fkid AS TEXT) FROM pragma_foreign_key_check",
    meaning: "foreign key violation(s) (table, rowid, parent table, constraint index)",
};

/// A script's statements arranged for running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Execution {
    /// In a transaction with its history row, or not and why.
    pub mode: TxMode,
    /// Statements of the script that run before its transaction opens.
    pub before: Vec<Statement>,
    /// The statements that run in order (inside the transaction, if there is one).
    pub body: Vec<Statement>,
    /// A query that must return no rows before the transaction commits.
    pub check: Option<Check>,
    /// The script opens or ends transactions itself (a failure may leave one open).
    pub own_transaction: bool,
    /// The statement that opens the script's own transaction and is never closed: ferry
    /// would record the migration inside it, and the disconnect would undo both.
    pub unclosed: Option<Statement>,
    /// The migration is recorded without running its statements, because the script says
    /// so (the marker, as written).
    pub record_only: Option<String>,
    /// A portable migration's steps: which statements each covers, and what must hold
    /// around them (the executor runs such a script statement by statement).
    pub guards: Vec<Guard>,
}

/// One step of a portable migration over the statements it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guard {
    /// What must hold around it.
    pub step: crate::StepGuard,
    /// The script position ([`Statement::index`]) of its first statement.
    pub first: usize,
    /// The script position of its last statement.
    pub last: usize,
    /// A mismatch with `expectedChanges` is a warning, not a failure.
    pub warn_on_mismatch: bool,
}

/// The guards of `directives`' steps over `statements` (steps without a statement have
/// nothing to guard).
fn guards(directives: &Directives, statements: &[Statement]) -> Vec<Guard> {
    let Some(portable) = &directives.portable else {
        return Vec::new();
    };
    (portable.steps.iter())
        .filter_map(|step| {
            let mut inside = (statements.iter())
                .filter(|s| (step.start..step.end).contains(&s.offset))
                .map(|s| s.index);
            let first = inside.next()?;
            Some(Guard {
                step: step.clone(),
                first,
                last: inside.next_back().unwrap_or(first),
                warn_on_mismatch: false,
            })
        })
        .collect()
}

impl Execution {
    /// Whether nothing runs: an empty or comment-only script.
    pub fn is_empty(&self) -> bool {
        self.before.is_empty() && self.body.is_empty()
    }
}

/// Arranges `statements` (with the script's `directives`) for `server`.
pub fn execution(
    directives: &Directives,
    statements: Vec<Statement>,
    server: ServerFacts,
) -> Execution {
    if let Some(marker) = &directives.record_only {
        return Execution {
            mode: TxMode::Transaction,
            before: Vec::new(),
            body: Vec::new(),
            check: None,
            own_transaction: false,
            unclosed: None,
            record_only: Some(marker.clone()),
            guards: Vec::new(),
        };
    }
    let mode = transaction_mode(directives, &statements, server);
    let mut run = Execution {
        guards: guards(directives, &statements),
        mode,
        before: Vec::new(),
        unclosed: unclosed_transaction(&statements),
        own_transaction: (statements.iter())
            .any(|s| crate::txmode::transaction_control(&s.words).is_some()),
        body: statements,
        check: None,
        record_only: None,
    };
    if server.dialect == Dialect::Sqlite && run.mode == TxMode::Transaction {
        hoist_foreign_keys(&mut run);
    }
    run
}

/// The last transaction-control statement, if it opens a transaction.
fn unclosed_transaction(statements: &[Statement]) -> Option<Statement> {
    let last = (statements.iter().rev())
        .find_map(|s| Some((s, crate::txmode::transaction_control(&s.words)?)))?;
    (last.1 == crate::txmode::Control::Open).then(|| last.0.clone())
}

/// Moves SQLite's `PRAGMA foreign_keys = X` out of the transaction, where it is a no-op.
/// If any of them turns foreign keys off, foreign keys go off before `BEGIN` (the first such
/// statement runs there) and the violations are checked before `COMMIT`; otherwise the first
/// one runs before `BEGIN`. The others are dropped: inside the transaction they would do
/// nothing, and the connection's setting is restored after the migration anyway.
fn hoist_foreign_keys(run: &mut Execution) {
    let (pragmas, body): (Vec<Statement>, Vec<Statement>) = std::mem::take(&mut run.body)
        .into_iter()
        .partition(|s| foreign_keys_value(s).is_some());
    run.body = body;
    let off = pragmas
        .iter()
        .find(|s| foreign_keys_value(s) == Some(false));
    let Some(first) = off.or(pragmas.first()) else {
        return;
    };
    if off.is_some() {
        run.check = Some(FOREIGN_KEY_CHECK);
    }
    run.before.push(first.clone());
}

/// The value a `PRAGMA [schema.]foreign_keys = VALUE` (or `(VALUE)`) statement sets, if it
/// is one, in any of SQLite's spellings: quoted names, `ON/OFF/TRUE/FALSE/YES/NO`, numbers
/// with signs and zeros. A value SQLite would read as "on" is `true`; anything else that
/// sets it counts as "off", which is the safe reading (the violations are then checked).
fn foreign_keys_value(statement: &Statement) -> Option<bool> {
    let words = &statement.words;
    if words.first().map(String::as_str) != Some("PRAGMA") {
        return None;
    }
    let unquoted = |w: &String| w.trim_matches(['"', '`', '[', ']']).to_ascii_uppercase();
    if !words
        .iter()
        .skip(1)
        .take(2)
        .any(|w| unquoted(w) == "FOREIGN_KEYS")
    {
        return None;
    }
    let sql = statement.sql.to_ascii_lowercase();
    let name_end = sql.find("foreign_keys")? + "foreign_keys".len();
    let value = sql[name_end..]
        .trim_start_matches(['"', '`', ']'])
        .trim()
        .trim_start_matches(['=', '('])
        .trim_end_matches(')')
        .trim()
        .trim_matches(['\'', '"']);
    if value.is_empty() {
        return None; // `PRAGMA foreign_keys` reads the setting.
    }
    Some(match value.parse::<i64>() {
        Ok(n) => n != 0,
        Err(_) => matches!(value, "on" | "true" | "yes"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NoTxReason, parse_directives, split};

    fn run(sql: &str, dialect: Dialect) -> Execution {
        let facts = ServerFacts {
            dialect,
            major_version: Some(3),
            transactional_ddl: dialect != Dialect::Mysql,
        };
        execution(
            &parse_directives(sql).unwrap(),
            split(sql, dialect).unwrap(),
            facts,
        )
    }

    fn sqls(statements: &[Statement]) -> Vec<&str> {
        statements.iter().map(|s| s.sql.as_str()).collect()
    }

    #[test]
    fn sqlite_table_rebuild_turns_foreign_keys_off_before_the_transaction() {
        let sql = "PRAGMA foreign_keys=OFF;\nCREATE TABLE n (id INT);\nINSERT INTO n SELECT * FROM o;\nDROP TABLE o;\nALTER TABLE n RENAME TO o;\nPRAGMA foreign_keys = ON;";
        let got = run(sql, Dialect::Sqlite);
        assert_eq!(got.mode, TxMode::Transaction);
        assert_eq!(sqls(&got.before), ["PRAGMA foreign_keys=OFF"]);
        assert_eq!(got.body.len(), 4);
        assert_eq!(
            got.body[0].index, 1,
            "statements keep their place in the file"
        );
        assert_eq!(got.check, Some(FOREIGN_KEY_CHECK));
    }

    #[test]
    fn every_spelling_of_the_pragma_is_understood() {
        for (sql, off) in [
            ("PRAGMA foreign_keys = 0", true),
            ("pragma main.foreign_keys = 'off'", true),
            ("PRAGMA foreign_keys=false", true),
            ("PRAGMA foreign_keys = no", true),
            ("PRAGMA foreign_keys = 1", false),
            ("PRAGMA foreign_keys=ON", false),
        ] {
            let got = run(&format!("{sql};\nSELECT 1;"), Dialect::Sqlite);
            assert_eq!(got.before.len(), 1, "{sql}");
            assert_eq!(got.check.is_some(), off, "{sql}");
        }
        // Reading the setting is not setting it.
        let got = run("PRAGMA foreign_keys;", Dialect::Sqlite);
        assert!(got.before.is_empty() && got.body.len() == 1);
        // Found by an adversarial trial: quoted names, parentheses, signed and padded zeros.
        for sql in [
            "PRAGMA foreign_keys(0)",
            "PRAGMA \"foreign_keys\" = OFF",
            "PRAGMA `foreign_keys`=OFF",
            "PRAGMA [foreign_keys]=OFF",
            "PRAGMA main.\"foreign_keys\"=OFF",
            "PRAGMA foreign_keys=00",
            "PRAGMA foreign_keys=+0",
            "PRAGMA foreign_keys=-0",
            "PRAGMA foreign_keys = 'bogus'",
        ] {
            let got = run(&format!("{sql};\nSELECT 1;"), Dialect::Sqlite);
            assert_eq!(got.before.len(), 1, "{sql}");
            assert!(got.check.is_some(), "{sql}");
        }
        // One OFF anywhere turns foreign keys off for the whole migration.
        let got = run(
            "PRAGMA foreign_keys=ON;\nPRAGMA foreign_keys=OFF;\nSELECT 1;",
            Dialect::Sqlite,
        );
        assert_eq!(got.before[0].sql, "PRAGMA foreign_keys=OFF");
        assert!(got.check.is_some());
    }

    #[test]
    fn other_engines_and_no_transaction_scripts_run_as_written() {
        let sql = "PRAGMA foreign_keys=OFF;\nSELECT 1;";
        assert!(run(sql, Dialect::Postgres).before.is_empty());
        let got = run(&format!("-- ferry:no-transaction\n{sql}"), Dialect::Sqlite);
        assert_eq!(
            got.mode,
            TxMode::NoTransaction(NoTxReason::Directive("-- ferry:no-transaction".into()))
        );
        assert!(got.before.is_empty() && got.check.is_none());
    }

    #[test]
    fn a_transaction_the_script_never_closes_is_found() {
        assert_eq!(
            run(
                "SELECT 1;\nBEGIN;\nCREATE TABLE x (id INT);",
                Dialect::Postgres
            )
            .unclosed
            .map(|s| s.line),
            Some(2)
        );
        assert!(
            run("BEGIN; SELECT 1; COMMIT;", Dialect::Postgres)
                .unclosed
                .is_none()
        );
        assert!(run("SELECT 1;", Dialect::Postgres).unclosed.is_none());
    }

    #[test]
    fn an_empty_script_is_empty() {
        assert!(run("-- nothing\n/* here */", Dialect::Sqlite).is_empty());
        assert!(!run("SELECT 1;", Dialect::Sqlite).is_empty());
    }
}
