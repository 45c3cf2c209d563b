//! Splitting a script into statements.
//!
//! Boundaries come from sqlparser's tokenizer, so semicolons inside quotes, comments and
//! PostgreSQL dollar-quoted bodies never split. Bodies that hold semicolons without
//! quoting are understood too: PostgreSQL `BEGIN ATOMIC ... END` function bodies, SQLite
//! `CREATE TRIGGER ... BEGIN ... END`, and MySQL/MariaDB compound statements
//! (`CREATE PROCEDURE/FUNCTION/TRIGGER/EVENT ... BEGIN ... END`, `BEGIN NOT ATOMIC`), which
//! drivers in multi-statement mode send whole. For MySQL, the client-side `DELIMITER`
//! command is honoured as the `mysql` client does: on its own line, between statements,
//! outside quotes and comments; the new delimiter ends statements until the next one.
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
    let mut splitter = Splitter::new(script, dialect);
    let mut segment = Segment {
        start: 0,
        first_line: 1,
        delimiter: ";".to_owned(),
    };
    // Each `DELIMITER` command starts a new segment, tokenized with its delimiter marked.
    while let Some(next) = splitter.feed(&segment)? {
        segment = next;
    }
    splitter.finish(script.len());
    Ok(splitter.out)
}

/// A stretch of the script that one delimiter ends statements in.
struct Segment {
    /// Byte offset where it starts (a line start).
    start: usize,
    /// The 1-based line it starts on.
    first_line: u32,
    /// The delimiter in force.
    delimiter: String,
}

/// `text` with every occurrence of a custom delimiter replaced by marks of the same byte
/// length, so the tokenizer sees a delimiter outside quotes as its own tokens (inside a
/// quoted string the marks stay part of the string).
fn mark_delimiter(text: &str, delimiter: &str) -> String {
    match delimiter {
        ";" => text.to_owned(),
        d => text.replace(d, &DELIM_MARK.to_string().repeat(d.len())),
    }
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

/// An unquoted block open in a MySQL compound statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    /// `BEGIN ... END`.
    Begin,
    /// `CASE ... END` (an expression) or `CASE ... END CASE` (a statement).
    Case,
}

/// Whether `words` begin a `CREATE [OR REPLACE] [DEFINER = ...] PROCEDURE|FUNCTION|TRIGGER|
/// EVENT`: the first object kind after `CREATE` decides (a table with a column named
/// `event` and another named `begin` is still a table).
fn creates_stored_program(words: &[String]) -> bool {
    // `ALTER EVENT ... DO BEGIN ... END` carries a body too.
    if words.first().is_none_or(|w| w != "CREATE" && w != "ALTER") {
        return false;
    }
    let kind = words.iter().skip(1).find(|w| {
        matches!(
            w.as_str(),
            "PROCEDURE"
                | "FUNCTION"
                | "TRIGGER"
                | "EVENT"
                | "TABLE"
                | "VIEW"
                | "INDEX"
                | "DATABASE"
                | "SCHEMA"
                | "USER"
                | "ROLE"
                | "SEQUENCE"
                | "SERVER"
                | "TABLESPACE"
        )
    });
    kind.is_some_and(|k| matches!(k.as_str(), "PROCEDURE" | "FUNCTION" | "TRIGGER" | "EVENT"))
}

/// The statement being collected, and what has been collected so far.
struct Splitter<'a> {
    script: &'a str,
    dialect: Dialect,
    out: Vec<Statement>,
    current: Option<Statement>,
    /// Nesting of unquoted bodies (`BEGIN ATOMIC`, trigger `BEGIN`, `CASE`) inside them.
    depth: u32,
    /// MySQL: the blocks open in a compound statement, innermost last.
    blocks: Vec<Block>,
    /// MySQL: an `END` whose meaning the next word decides (`END IF` closes no block).
    pending_end: bool,
    previous_word: String,
}

impl<'a> Splitter<'a> {
    fn new(script: &'a str, dialect: Dialect) -> Self {
        Splitter {
            script,
            dialect,
            out: Vec::new(),
            current: None,
            depth: 0,
            blocks: Vec::new(),
            pending_end: false,
            previous_word: String::new(),
        }
    }

    /// Tokenizes `segment` and takes its statements; stops at a MySQL `DELIMITER` command
    /// and returns the segment after it.
    fn feed(&mut self, segment: &Segment) -> Result<Option<Segment>, SplitError> {
        let rest = &self.script[segment.start..];
        let text = mark_delimiter(rest, &segment.delimiter);
        let custom = segment.delimiter != ";";
        let line_base = segment.first_line - 1;
        let parser_dialect = self.dialect.parser_dialect();
        let tokens = Tokenizer::new(parser_dialect.as_ref(), &text)
            .tokenize_with_location()
            .map_err(|e| SplitError {
                line: e.location.line as u32 + line_base,
                column: e.location.column as u32,
                message: e.message,
            })?;
        let index = LineIndex::new(&text);
        for tok in &tokens {
            let at = segment.start + index.offset(tok);
            if let Some(next) = self.delimiter_command(tok, at, line_base)? {
                return Ok(Some(next));
            }
            match &tok.token {
                Token::Char(DELIM_MARK) if custom => self.finish(at),
                _ => self.push(tok, at, line_base, custom),
            }
        }
        Ok(None)
    }

    /// A MySQL `DELIMITER x` command at `tok`: the unquoted word first on its line, between
    /// statements. Returns the segment that starts on the next line.
    fn delimiter_command(
        &self,
        tok: &TokenWithSpan,
        at: usize,
        line_base: u32,
    ) -> Result<Option<Segment>, SplitError> {
        let is_word = matches!(&tok.token, Token::Word(w)
            if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("delimiter"));
        if self.dialect != Dialect::Mysql || !is_word || self.current.is_some() {
            return Ok(None);
        }
        let line_start = self.script[..at].rfind('\n').map_or(0, |i| i + 1);
        if !self.script[line_start..at].trim().is_empty() {
            return Ok(None);
        }
        let line_end = self.script[at..]
            .find('\n')
            .map_or(self.script.len(), |i| at + i);
        let new = self.script[at + "delimiter".len()..line_end].trim();
        let line = tok.span.start.line as u32 + line_base;
        if new.is_empty() || !new.is_ascii() || new.contains(char::is_whitespace) {
            return Err(SplitError {
                line,
                column: tok.span.start.column as u32,
                message: "DELIMITER needs one ASCII delimiter, such as `DELIMITER $$`".into(),
            });
        }
        Ok(Some(Segment {
            start: (line_end + 1).min(self.script.len()),
            first_line: line + 1,
            delimiter: new.to_owned(),
        }))
    }

    fn push(&mut self, tok: &TokenWithSpan, at: usize, line_base: u32, custom: bool) {
        match &tok.token {
            Token::Whitespace(_) | Token::EOF => {}
            Token::SemiColon if !custom => {
                self.resolve_end(None);
                if self.depth == 0 && self.blocks.is_empty() {
                    self.finish(at);
                }
            }
            token => {
                let script = self.script;
                let statement = self.current.get_or_insert_with(|| {
                    // MySQL's tokenizer reads inside `/*!40101 ... */` and places the first
                    // token on the comment's `*`: the statement starts at its `/`.
                    let hint =
                        at > 0 && script[..at].ends_with('/') && script[at..].starts_with("*!");
                    Statement {
                        sql: String::new(),
                        offset: at - usize::from(hint),
                        line: tok.span.start.line as u32 + line_base,
                        column: tok.span.start.column as u32 - u32::from(hint),
                        words: Vec::new(),
                        index: 0,
                    }
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
        if self.dialect == Dialect::Mysql {
            self.track_compound(word);
            return;
        }
        let Some(statement) = &self.current else {
            return;
        };
        let opens_body = match self.dialect {
            Dialect::Postgres => word == "ATOMIC" && self.previous_word == "BEGIN",
            _ => {
                word == "BEGIN"
                    && self.depth == 0
                    && statement.words.first().is_some_and(|w| w == "CREATE")
                    && statement.words.iter().take(4).any(|w| w == "TRIGGER")
            }
        };
        if opens_body || (self.depth > 0 && word == "CASE") {
            self.depth += 1;
        } else if self.depth > 0 && word == "END" {
            self.depth -= 1;
        }
    }

    /// MySQL compound statements: `BEGIN` opens a block in a stored program's body (or
    /// MariaDB's `BEGIN NOT ATOMIC`); `END` closes the innermost block unless `IF`, `LOOP`,
    /// `WHILE` or `REPEAT` follows it; `END CASE` closes a `CASE` statement.
    fn track_compound(&mut self, word: &str) {
        if self.resolve_end(Some(word)) {
            return;
        }
        let Some(statement) = &self.current else {
            return;
        };
        let words = &statement.words;
        let in_program = !self.blocks.is_empty() || creates_stored_program(words);
        let anonymous = words.len() == 3 && words[..2] == ["BEGIN", "NOT"] && word == "ATOMIC";
        match word {
            "BEGIN" if in_program => self.blocks.push(Block::Begin),
            "ATOMIC" if anonymous => self.blocks.push(Block::Begin),
            "CASE" if !self.blocks.is_empty() => self.blocks.push(Block::Case),
            "END" if !self.blocks.is_empty() => self.pending_end = true,
            _ => {}
        }
    }

    /// Decides what a pending `END` closed, now that `next` (a word, or `None` for a
    /// delimiter) follows it; returns whether `next` belonged to the `END` (`END CASE`).
    fn resolve_end(&mut self, next: Option<&str>) -> bool {
        if !std::mem::take(&mut self.pending_end) {
            return false;
        }
        match next {
            Some("IF" | "LOOP" | "WHILE" | "REPEAT") => true,
            Some("CASE") => {
                if self.blocks.last() == Some(&Block::Case) {
                    self.blocks.pop();
                }
                true
            }
            _ => {
                self.blocks.pop();
                false
            }
        }
    }

    fn finish(&mut self, end: usize) {
        self.depth = 0;
        self.blocks.clear();
        self.pending_end = false;
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
    fn mysql_compound_statements_without_delimiter_stay_whole() {
        let script = "CREATE TABLE t (id int);\n\
            CREATE DEFINER=`root`@`localhost` PROCEDURE p(IN n INT)\nBEGIN\n  DECLARE i INT DEFAULT 0;\n  \
            IF n > 0 THEN SET i = 1; END IF;\n  lbl: LOOP LEAVE lbl; END LOOP lbl;\n  \
            WHILE i < 2 DO SET i = i + 1; END WHILE;\n  \
            SELECT CASE WHEN i = 1 THEN 'a' ELSE 'b' END;\n  \
            CASE i WHEN 1 THEN SELECT 1; ELSE BEGIN SELECT 2; COMMIT; END; END CASE;\n\
            END;\n\
            CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.id = NEW.id + 1; END;\n\
            BEGIN NOT ATOMIC SELECT 1; SELECT 2; END;\n\
            INSERT INTO t VALUES (1);";
        let got = sqls(script, Dialect::Mysql);
        assert_eq!(got.len(), 5, "{got:#?}");
        assert!(got[1].starts_with("CREATE DEFINER") && got[1].ends_with("END CASE;\nEND"));
        assert!(got[2].starts_with("CREATE TRIGGER") && got[2].ends_with("END"));
        assert!(got[3].starts_with("BEGIN NOT ATOMIC"));
        assert_eq!(got[4], "INSERT INTO t VALUES (1)");
    }

    #[test]
    fn mysql_versioned_comments_are_sent_whole() {
        let got = split(
            "/*!40101 SET NAMES utf8 */;\nSELECT 1;\n/*!40014 SET @x=1 */;",
            Dialect::Mysql,
        )
        .unwrap();
        let texts: Vec<&str> = got.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(
            texts,
            [
                "/*!40101 SET NAMES utf8 */",
                "SELECT 1",
                "/*!40014 SET @x=1 */"
            ]
        );
        assert_eq!((got[0].line, got[0].column), (1, 1));
    }

    #[test]
    fn mysql_alter_event_bodies_stay_whole() {
        let got = sqls(
            "ALTER EVENT ev DO BEGIN SELECT 1; SELECT 2; END;\nSELECT 3;",
            Dialect::Mysql,
        );
        assert_eq!(got.len(), 2, "{got:?}");
        let got = sqls(
            "ALTER TABLE t ADD COLUMN begin INT;\nSELECT 3;",
            Dialect::Mysql,
        );
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn mysql_words_named_like_keywords_do_not_open_bodies() {
        let script = "CREATE TABLE log (event VARCHAR(9), begin INT, end INT);\nSELECT 1;";
        assert_eq!(sqls(script, Dialect::Mysql).len(), 2);
    }

    #[test]
    fn mysql_delimiter_is_a_command_only_between_statements_outside_quotes() {
        let script = "CREATE TABLE t (\n  id INT,\ndelimiter VARCHAR(3)\n);\nINSERT INTO t VALUES (1, 'a\nDELIMITER $$\nb');\nSELECT 1;";
        let got = sqls(script, Dialect::Mysql);
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(got[1].contains("DELIMITER $$"));
    }

    #[test]
    fn mysql_delimiter_lines_and_errors_are_located() {
        let script = "SELECT 1;\nDELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT 'oops;\n";
        let err = split(script, Dialect::Mysql).unwrap_err();
        assert_eq!(err.line, 5, "{err:?}");
        let err = split("DELIMITER\nSELECT 1;", Dialect::Mysql).unwrap_err();
        assert_eq!(err.line, 1);
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
