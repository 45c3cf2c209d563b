//! PostgreSQL procedural code that ends transactions: a `DO` block whose body commits or
//! rolls back, or a `CALL` of a procedure the same script creates with such a body, fails
//! with "invalid transaction termination" inside a transaction block, so such a script
//! runs without one.

use crate::Statement;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

/// The first statement that ends transactions from procedural code: its line and what it is.
pub(super) fn ends_transactions(statements: &[Statement]) -> Option<(u32, String)> {
    let mut committing: Vec<&[String]> = Vec::new();
    for s in statements {
        let w = &s.words;
        match w.first().map(String::as_str) {
            Some("DO") if body_commits(&s.sql) => {
                return Some((s.line, "a DO block that commits or rolls back".into()));
            }
            Some("CREATE")
                if w.iter().take(4).any(|x| x == "PROCEDURE") && body_commits(&s.sql) =>
            {
                let at = w.iter().position(|x| x == "PROCEDURE").unwrap_or(0) + 1;
                committing.push(&w[at.min(w.len())..(at + 2).min(w.len())]);
            }
            // `CALL p()` or `CALL schema.p()`: compared with the name's words.
            Some("CALL") => {
                let called = w.get(1..).unwrap_or_default();
                let calls = |name: &&[String]| called.iter().take(2).any(|c| name.contains(c));
                if committing.iter().any(calls) {
                    return Some((
                        s.line,
                        format!(
                            "CALL of {}, a procedure that commits",
                            called.first().map_or("", |n| n.as_str()).to_lowercase()
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether the bodies (quoted strings) of a statement hold a `COMMIT` or `ROLLBACK`.
fn body_commits(sql: &str) -> bool {
    tokens(sql).iter().any(|t| match t {
        Token::DollarQuotedString(body) => has_commit(&body.value),
        Token::SingleQuotedString(body) => has_commit(body),
        _ => false,
    })
}

fn has_commit(body: &str) -> bool {
    tokens(body).iter().any(|t| {
        matches!(t, Token::Word(w) if w.quote_style.is_none() && matches!(w.keyword, Keyword::COMMIT | Keyword::ROLLBACK))
    })
}

fn tokens(sql: &str) -> Vec<Token> {
    Tokenizer::new(&PostgreSqlDialect {}, sql)
        .tokenize()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dialect, split};

    fn found(script: &str) -> Option<u32> {
        ends_transactions(&split(script, Dialect::Postgres).unwrap()).map(|(line, _)| line)
    }

    #[test]
    fn do_blocks_and_called_procedures_that_commit() {
        assert_eq!(
            found("SELECT 1;\nDO $$ BEGIN UPDATE t SET a = 1; COMMIT; END $$;"),
            Some(2)
        );
        assert_eq!(found("DO LANGUAGE plpgsql 'BEGIN ROLLBACK; END';"), Some(1));
        let procedure = "CREATE PROCEDURE backfill() LANGUAGE plpgsql AS $$\nBEGIN\n  LOOP\n    COMMIT;\n  END LOOP;\nEND $$;\n";
        assert_eq!(found(procedure), None, "creating it is fine");
        assert_eq!(found(&format!("{procedure}CALL backfill();")), Some(7));
        assert_eq!(
            found(&format!("{procedure}CALL public.backfill();")),
            Some(7)
        );
        assert_eq!(found(&format!("{procedure}CALL other();")), None);
    }

    #[test]
    fn commits_in_comments_strings_or_names_do_not_count() {
        assert_eq!(
            found("DO $$ BEGIN -- COMMIT later\n RAISE NOTICE 'COMMIT'; END $$;"),
            None
        );
        assert_eq!(
            found("DO $$ BEGIN UPDATE \"commit\" SET a = 1; END $$;"),
            None
        );
        assert_eq!(found("SELECT 'COMMIT';"), None);
    }
}
