//! Splitting a script into statements.
//!
//! Boundaries come from sqlparser's tokenizer, so semicolons inside quotes, comments and
//! PostgreSQL dollar-quoted bodies never split. Two bodies that hold semicolons without
//! quoting are understood too: PostgreSQL `BEGIN ATOMIC ... END` function bodies and
//! SQLite `CREATE TRIGGER ... BEGIN ... END`. For MySQL, the client-side `DELIMITER`
//! command is honoured: the line is removed and the new delimiter ends statements until
//! the next `DELIMITER` line, exactly as the `mysql` client does.
//!
//! Each statement keeps its exact source text and its line and column in the file, so an
//! error from the server can be pointed at the right place.

use crate::Dialect;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

/// One statement of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The statement's exact text, without its delimiter.
    pub sql: String,
    /// Byte offset of the statement's first character in the script.
    pub offset: usize,
    /// 1-based line of the statement's first character.
    pub line: u32,
    /// 1-based column (in characters) of the statement's first character.
    pub column: u32,
    /// The first words of the statement, upper-cased; quoted identifiers keep their quotes.
    pub words: Vec<String>,
    /// 0-based position of the statement in its script.
    pub index: usize,
}

/// A script that could not be split.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SplitError {
    /// 1-based line of the problem.
    pub line: u32,
    /// 1-based column of the problem.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// How many leading words a [`Statement`] keeps for classification.
const WORDS_KEPT: usize = 16;

/// A stand-in byte for a custom MySQL delimiter, never valid in SQL outside quotes.
const DELIM_MARK: char = '\u{1}';

/// Splits `script` into its statements for `dialect`. Empty statements are dropped.
pub fn split(script: &str, dialect: Dialect) -> Result<Vec<Statement>, SplitError> {
    // A byte order mark is not SQL (the server rejects it); editors hide it, so columns on
    // the first line are counted without it, while offsets still index `script`.
    const BOM: char = '\u{feff}';
    if let Some(rest) = script.strip_prefix(BOM) {
        let mut statements = split(rest, dialect)?;
        for statement in &mut statements {
            statement.offset += BOM.len_utf8();
        }
        return Ok(statements);
    }
    refuse_nul(script)?;
    let prepared = match dialect {
        Dialect::Mysql => prepare_mysql_delimiters(script)?,
        _ => Prepared {
            text: script.to_owned(),
            custom_lines: Vec::new(),
            breaks: Vec::new(),
        },
    };
    let parser_dialect = dialect.parser_dialect();
    let tokens = Tokenizer::new(parser_dialect.as_ref(), &prepared.text)
        .tokenize_with_location()
        .map_err(|e| SplitError {
            line: e.location.line as u32,
            column: e.location.column as u32,
            message: e.message,
        })?;
    let index = LineIndex::new(&prepared.text);
    let mut splitter = Splitter::new(script, dialect, &prepared, &index);
    let mut iter = tokens.iter().peekable();
    while let Some(tok) = iter.next() {
        if splitter.is_custom_delimiter(tok) {
            splitter.finish(index.offset(tok));
            while iter
                .peek()
                .is_some_and(|t| t.token == Token::Char(DELIM_MARK))
            {
                iter.next();
            }
            continue;
        }
        splitter.push(tok);
    }
    splitter.finish(script.len());
    Ok(splitter.out)
}

/// A NUL byte is never SQL: PostgreSQL rejects the message, SQLite reads the text up to it
/// and loops on the rest. Refused where it is, before anything runs.
fn refuse_nul(script: &str) -> Result<(), SplitError> {
    let Some(at) = script.find('\0') else {
        return Ok(());
    };
    let before = &script[..at];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    Err(SplitError {
        line,
        column,
        message:
            "a NUL byte (\\0) is not SQL; remove it (the file may be binary or saved as UTF-16)"
                .into(),
    })
}

/// The script as the tokenizer sees it, after MySQL `DELIMITER` handling.
struct Prepared {
    /// Same byte layout as the script: `DELIMITER` lines blanked, custom delimiters marked.
    text: String,
    /// For each 1-based line (index 0 unused), whether a custom delimiter is in force.
    custom_lines: Vec<bool>,
    /// Lines holding a `DELIMITER` command: any statement in progress ends there.
    breaks: Vec<u32>,
}

fn prepare_mysql_delimiters(script: &str) -> Result<Prepared, SplitError> {
    let mut text = String::with_capacity(script.len());
    let mut custom_lines = vec![false];
    let mut breaks = Vec::new();
    let mut delimiter = String::from(";");
    for (n, line) in script.split_inclusive('\n').enumerate() {
        let line_no = n as u32 + 1;
        if let Some(new) = delimiter_command(line) {
            if new.is_empty() || !new.is_ascii() {
                return Err(SplitError {
                    line: line_no,
                    column: 1,
                    message: "DELIMITER needs an ASCII delimiter, such as `DELIMITER $$`".into(),
                });
            }
            delimiter = new.to_owned();
            breaks.push(line_no);
            custom_lines.push(false);
            // One space per byte keeps the byte layout identical to the script's.
            text.extend(line.bytes().map(|b| if b == b'\n' { '\n' } else { ' ' }));
            continue;
        }
        let custom = delimiter != ";";
        custom_lines.push(custom);
        if custom {
            text.push_str(
                &line.replace(&delimiter, &DELIM_MARK.to_string().repeat(delimiter.len())),
            );
        } else {
            text.push_str(line);
        }
    }
    Ok(Prepared {
        text,
        custom_lines,
        breaks,
    })
}

/// The delimiter a `DELIMITER x` line sets, if the line is one.
fn delimiter_command(line: &str) -> Option<&str> {
    let trimmed = line.trim();
    let (head, rest) = trimmed.split_once(char::is_whitespace)?;
    head.eq_ignore_ascii_case("delimiter").then(|| rest.trim())
}

/// Maps 1-based (line, column-in-chars) locations to byte offsets.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    fn offset(&self, tok: &TokenWithSpan) -> usize {
        let loc = tok.span.start;
        let Some(&start) = self.starts.get(loc.line.saturating_sub(1) as usize) else {
            return self.text.len();
        };
        let col = loc.column.saturating_sub(1) as usize;
        self.text[start..]
            .char_indices()
            .nth(col)
            .map_or(self.text.len(), |(i, _)| start + i)
    }
}

/// The statement being collected, and what has been collected so far.
struct Splitter<'a> {
    script: &'a str,
    dialect: Dialect,
    prepared: &'a Prepared,
    index: &'a LineIndex<'a>,
    out: Vec<Statement>,
    current: Option<Statement>,
    /// Nesting of unquoted bodies (`BEGIN ATOMIC`, trigger `BEGIN`, `CASE`) inside them.
    depth: u32,
    previous_word: String,
    next_break: usize,
}

impl<'a> Splitter<'a> {
    fn new(
        script: &'a str,
        dialect: Dialect,
        prepared: &'a Prepared,
        index: &'a LineIndex,
    ) -> Self {
        Splitter {
            script,
            dialect,
            prepared,
            index,
            out: Vec::new(),
            current: None,
            depth: 0,
            previous_word: String::new(),
            next_break: 0,
        }
    }

    fn custom_delimiter_line(&self, line: u64) -> bool {
        self.prepared
            .custom_lines
            .get(line as usize)
            .copied()
            .unwrap_or(false)
    }

    fn is_custom_delimiter(&self, tok: &TokenWithSpan) -> bool {
        tok.token == Token::Char(DELIM_MARK) && self.custom_delimiter_line(tok.span.start.line)
    }

    fn push(&mut self, tok: &TokenWithSpan) {
        if let Some(&brk) = self.prepared.breaks.get(self.next_break)
            && tok.span.start.line > u64::from(brk)
        {
            self.next_break += 1;
            let line_start = self.index.starts[brk as usize - 1];
            self.finish(line_start);
        }
        match &tok.token {
            Token::Whitespace(_) | Token::EOF => {}
            Token::SemiColon
                if self.depth == 0 && !self.custom_delimiter_line(tok.span.start.line) =>
            {
                self.finish(self.index.offset(tok));
            }
            token => {
                let statement = self.current.get_or_insert_with(|| Statement {
                    sql: String::new(),
                    offset: self.index.offset(tok),
                    line: tok.span.start.line as u32,
                    column: tok.span.start.column as u32,
                    words: Vec::new(),
                    index: 0,
                });
                if let Token::Word(w) = token {
                    let word = match w.quote_style {
                        None => w.value.to_ascii_uppercase(),
                        Some(q) => format!("{q}{}{q}", w.value),
                    };
                    if statement.words.len() < WORDS_KEPT {
                        statement.words.push(word.clone());
                    }
                    self.track_body(&word);
                    self.previous_word = word;
                }
            }
        }
    }

    /// Follows unquoted bodies whose semicolons do not end the statement.
    fn track_body(&mut self, word: &str) {
        let Some(statement) = &self.current else {
            return;
        };
        let opens_body = match self.dialect {
            Dialect::Postgres => word == "ATOMIC" && self.previous_word == "BEGIN",
            Dialect::Sqlite => {
                word == "BEGIN"
                    && self.depth == 0
                    && statement.words.first().is_some_and(|w| w == "CREATE")
                    && statement.words.iter().take(4).any(|w| w == "TRIGGER")
            }
            Dialect::Mysql => false,
        };
        if opens_body || (self.depth > 0 && word == "CASE") {
            self.depth += 1;
        } else if self.depth > 0 && word == "END" {
            self.depth -= 1;
        }
    }

    fn finish(&mut self, end: usize) {
        self.depth = 0;
        self.previous_word.clear();
        if let Some(mut statement) = self.current.take() {
            let end = end.max(statement.offset);
            statement.sql = self.script[statement.offset..end].trim_end().to_owned();
            statement.index = self.out.len();
            self.out.push(statement);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqls(script: &str, dialect: Dialect) -> Vec<String> {
        split(script, dialect)
            .unwrap()
            .into_iter()
            .map(|s| s.sql)
            .collect()
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_statement() {
        let script = "\u{feff}SELECT 1;\nSELECT 2;";
        let got = split(script, Dialect::Postgres).unwrap();
        assert_eq!(got[0].sql, "SELECT 1");
        assert_eq!((got[0].line, got[0].column, got[0].offset), (1, 1, 3));
        assert_eq!(&script[got[1].offset..], "SELECT 2;");
    }

    #[test]
    fn semicolons_in_quotes_and_comments_do_not_split() {
        let script = "INSERT INTO t VALUES ('a;b'); -- c;d\n/* e;f */ SELECT \"x;y\" FROM t;";
        assert_eq!(
            sqls(script, Dialect::Postgres),
            ["INSERT INTO t VALUES ('a;b')", "SELECT \"x;y\" FROM t"]
        );
    }

    #[test]
    fn leading_comments_are_not_part_of_a_statement() {
        let got = split("-- header\n\n  CREATE TABLE t (id int);\n", Dialect::Sqlite).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].sql, "CREATE TABLE t (id int)");
        assert_eq!((got[0].line, got[0].column, got[0].offset), (3, 3, 13));
        assert_eq!(got[0].words, ["CREATE", "TABLE", "T", "ID", "INT"]);
    }

    #[test]
    fn dollar_quoted_bodies_stay_whole() {
        let script = "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;\nDO $$ BEGIN PERFORM 1; END $$;";
        let got = sqls(script, Dialect::Postgres);
        assert_eq!(got.len(), 2);
        assert!(got[0].ends_with("LANGUAGE plpgsql"));
        assert_eq!(got[1], "DO $$ BEGIN PERFORM 1; END $$");
    }

    #[test]
    fn postgres_begin_atomic_body() {
        let script = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;\nSELECT 3;";
        let got = sqls(script, Dialect::Postgres);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[1], "SELECT 3");
    }

    #[test]
    fn postgres_transaction_begin_is_a_statement() {
        assert_eq!(
            sqls("BEGIN; SELECT 1; COMMIT;", Dialect::Postgres),
            ["BEGIN", "SELECT 1", "COMMIT"]
        );
    }

    #[test]
    fn sqlite_trigger_body() {
        let script = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET n = CASE WHEN n IS NULL THEN 0 ELSE n END;\n  INSERT INTO log VALUES (1);\nEND;\nSELECT 1;";
        let got = sqls(script, Dialect::Sqlite);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].ends_with("END"));
    }

    #[test]
    fn mysql_delimiter_command() {
        let script = "CREATE TABLE t (id int);\nDELIMITER $$\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 'a$$b';\n  SELECT 2;\nEND$$\nDELIMITER ;\nINSERT INTO t VALUES (1);\n";
        let got = split(script, Dialect::Mysql).unwrap();
        let texts: Vec<&str> = got.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(
            texts,
            [
                "CREATE TABLE t (id int)",
                "CREATE PROCEDURE p()\nBEGIN\n  SELECT 'a$$b';\n  SELECT 2;\nEND",
                "INSERT INTO t VALUES (1)"
            ]
        );
        assert_eq!((got[1].line, got[2].line), (3, 9));
    }

    #[test]
    fn mysql_hash_comments_and_backslash_escapes() {
        let script = "# note; here\nINSERT INTO t VALUES ('it\\'s;');\nSELECT 1";
        assert_eq!(
            sqls(script, Dialect::Mysql),
            ["INSERT INTO t VALUES ('it\\'s;')", "SELECT 1"]
        );
    }

    #[test]
    fn unterminated_quote_is_located() {
        let err = split("SELECT 1;\nSELECT 'oops;\n", Dialect::Postgres).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message.to_lowercase().contains("unterminated"),
            "{err:?}"
        );
    }

    #[test]
    fn a_nul_byte_is_refused_with_its_place() {
        for dialect in Dialect::ALL {
            let err = split("SELECT 1;\nSELECT 'a\0b';", dialect).unwrap_err();
            assert_eq!((err.line, err.column), (2, 10), "{dialect}");
            assert!(err.message.contains("NUL"), "{err:?}");
        }
    }

    #[test]
    fn statements_know_their_place_in_the_script() {
        let got = split("SELECT 1; SELECT 2;", Dialect::Sqlite).unwrap();
        assert_eq!((got[0].index, got[1].index), (0, 1));
    }

    #[test]
    fn multibyte_text_keeps_offsets() {
        let script = "INSERT INTO t VALUES ('héllo');  SELECT 'ü';";
        let got = split(script, Dialect::Postgres).unwrap();
        assert_eq!(&script[got[1].offset..got[1].offset + 6], "SELECT");
        assert_eq!(got[1].column, 34);
    }
}
