//! `-- ferry:` directives in a script's leading comments.
//!
//! Directives are read from the comment lines before the first statement:
//! - `-- ferry:no-transaction` runs the script without an outer transaction;
//! - `-- ferry:description TEXT` describes the migration.
//!
//! An unknown `ferry:` directive is an error, so a typo never silently changes behaviour.

/// The directives a script declares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Directives {
    /// `-- ferry:no-transaction` was given.
    pub no_transaction: bool,
    /// `-- ferry:description ...`, if given.
    pub description: Option<String>,
}

/// A malformed or unknown directive.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DirectiveError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column of the directive's name.
    pub column: u32,
    /// What is wrong and what to do.
    pub message: String,
}

/// The directive names ferry knows, for error messages.
const KNOWN: &str = "ferry:no-transaction, ferry:description";

/// Reads the directives of `script`'s leading comment lines.
pub fn parse_directives(script: &str) -> Result<Directives, DirectiveError> {
    let mut found = Directives::default();
    let script = script.strip_prefix('\u{feff}').unwrap_or(script);
    for (n, line) in script.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        let Some(comment) = trimmed.strip_prefix("--") else {
            break;
        };
        let body = comment.trim_start();
        let Some(directive) = body.strip_prefix("ferry:") else {
            continue;
        };
        let column = (line.len() - body.len()) as u32 + 1;
        let (name, arg) = directive
            .split_once(char::is_whitespace)
            .unwrap_or((directive, ""));
        let arg = arg.trim();
        let err = |message: String| DirectiveError {
            line: n as u32 + 1,
            column,
            message,
        };
        match name {
            "no-transaction" if arg.is_empty() => found.no_transaction = true,
            "no-transaction" => return Err(err("`ferry:no-transaction` takes no argument".into())),
            "description" if !arg.is_empty() => found.description = Some(arg.to_owned()),
            "description" => return Err(err("`ferry:description` needs a text after it".into())),
            other => {
                return Err(err(format!(
                    "unknown directive `ferry:{other}`; known directives: {KNOWN}"
                )));
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_leading_directives() {
        let d = parse_directives(
            "-- header\n-- ferry:no-transaction\n--ferry:description Adds  x\n\nSELECT 1;",
        )
        .unwrap();
        assert!(d.no_transaction);
        assert_eq!(d.description.as_deref(), Some("Adds  x"));
    }

    #[test]
    fn stops_at_first_statement() {
        let d = parse_directives("SELECT 1;\n-- ferry:no-transaction\n").unwrap();
        assert!(!d.no_transaction);
    }

    #[test]
    fn unknown_directive_is_located() {
        let err = parse_directives("-- ok\n  -- ferry:no-transation\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 6));
        assert!(
            err.message
                .contains("unknown directive `ferry:no-transation`")
        );
    }
}
