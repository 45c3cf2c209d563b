//! What `ferry doctor` finds in a folder's scripts, without a database: the environment
//! they expect ([`expectations`]), the engine versions they need ([`needs`]), and where a
//! convention's order differs from a plain file-name sort ([`order_differences`]). Pure:
//! statements in, findings out.

mod environment;
mod versions;

pub use environment::expectations;
pub use versions::needs;

use crate::{Dialect, Migration, Statement};
use sqlparser::tokenizer::{Token, Tokenizer};

/// A migration with its up script's statements, as the analyses take them.
pub type Split<'a> = (&'a Migration, Vec<Statement>);

/// One finding in one script.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The migration's version as written.
    pub version: String,
    /// The file.
    pub file: String,
    /// 1-based line of the statement.
    pub line: u32,
    /// What was found.
    pub what: String,
}

/// The tokens of a statement that matter for matching: words upper-cased (quoted ones
/// keep their quotes), and punctuation as its text; comments, strings and spaces dropped.
pub(crate) fn tokens(statement: &Statement, dialect: Dialect) -> Vec<String> {
    let parser = dialect.parser_dialect();
    let Ok(tokens) = Tokenizer::new(parser.as_ref(), &statement.sql).tokenize() else {
        return statement.words.clone();
    };
    (tokens.into_iter())
        .filter_map(|t| match t {
            Token::Word(w) => Some(match w.quote_style {
                None => w.value.to_ascii_uppercase(),
                Some(q) => format!("{q}{}{q}", w.value),
            }),
            Token::Whitespace(_) | Token::SingleQuotedString(_) | Token::DollarQuotedString(_) => {
                None
            }
            other => Some(other.to_string()),
        })
        .collect()
}

/// Whether `needle` occurs in `hay` as consecutive tokens.
pub(crate) fn has_seq(hay: &[String], needle: &[&str]) -> bool {
    !needle.is_empty()
        && hay
            .windows(needle.len())
            .any(|w| w.iter().zip(needle).all(|(a, b)| a == b))
}

/// Adjacent migrations (in the convention's order) whose file names sort the other way:
/// each pair is (applied first, applied second). At most `limit` pairs.
pub fn order_differences(migrations: &[Migration], limit: usize) -> Vec<(String, String)> {
    let name = |m: &Migration| {
        let path = &m.up.path;
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    (migrations.windows(2))
        .filter(|pair| name(&pair[0]) > name(&pair[1]))
        .take(limit)
        .map(|pair| (name(&pair[0]), name(&pair[1])))
        .collect()
}

/// What `analysis` finds in a one-file folder holding `sql`, as `line: what` (for tests).
#[cfg(test)]
fn findings(
    sql: &str,
    dialect: Dialect,
    analysis: fn(&[Split<'_>], Dialect) -> Vec<Finding>,
) -> Vec<String> {
    let files = vec![(std::path::PathBuf::from("001_a.sql"), sql.into(), false)];
    let migrations = crate::Source::from_files("app", files)
        .unwrap()
        .resolve(dialect);
    let statements = crate::split(sql, dialect).unwrap();
    (analysis(&[(&migrations[0], statements)], dialect).into_iter())
        .map(|f| format!("{}: {}", f.line, f.what))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Source;
    use std::path::PathBuf;

    #[test]
    fn numeric_order_that_a_file_name_sort_would_not_keep_is_named() {
        let files = ["9_a.sql", "10_b.sql", "11_c.sql"]
            .map(|f| (PathBuf::from(f), String::new(), false))
            .to_vec();
        let migrations = Source::from_files("app", files)
            .unwrap()
            .resolve(Dialect::Sqlite);
        assert_eq!(
            order_differences(&migrations, 5),
            [("9_a.sql".into(), "10_b.sql".into())]
        );
    }
}
