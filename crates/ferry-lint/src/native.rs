//! MySQL/MariaDB and SQLite: each statement (ferry's splitter) parsed with sqlparser, and
//! ferry's rules for the engine run on it; a statement that does not parse is checked by
//! its first words and reported as not parsed.

use crate::rules::{self, Ctx};
use crate::{Finding, Options};
use ferry_core::Dialect;
use sqlparser::parser::Parser;

pub(crate) fn lint(file: &str, text: &str, dialect: Dialect, options: &Options) -> Vec<Finding> {
    // (A script that cannot be split is reported by `crate::lint` before this.)
    let Ok(statements) = ferry_core::split(text, dialect) else {
        return Vec::new();
    };
    let ddl = |s: &ferry_core::Statement| {
        let first = s.words.first().map(String::as_str);
        matches!(
            first,
            Some("CREATE" | "ALTER" | "DROP" | "RENAME" | "TRUNCATE")
        )
    };
    let first_ddl = statements.iter().position(ddl);
    let mut findings = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        let parsed = Parser::parse_sql(dialect.parser_dialect().as_ref(), &s.sql);
        let ast = parsed.as_ref().ok().and_then(|p| p.first());
        let span = (s.offset, s.offset + s.sql.trim_end().len());
        if let Err(e) = &parsed {
            let message = format!(
                "ferry could not parse this statement ({e}); only its first words were checked"
            );
            findings.push(Finding::new(&rules::unparsed::RULE, message, file, span));
        }
        let ctx = Ctx {
            dialect,
            statement: s,
            ast,
            script: &statements,
            index: i,
            no_transaction: options.no_transaction,
            first_ddl,
        };
        for (rule, check) in rules::native_checks(dialect) {
            if !rule.default_on && !options.enabled.iter().any(|e| e == rule.id) {
                continue;
            }
            if let Some(message) = check(&ctx) {
                findings.push(Finding::new(rule, message, file, span));
            }
        }
    }
    findings
}
