//! `-- ferry:allow rule-id reason`: before the first statement it allows the rule in the
//! whole file; elsewhere, in the statement it is in or the one after it. The reason is
//! required; an allow without one, or naming no rule ferry knows, is itself reported.

use crate::Finding;
use crate::Options;
use crate::rules;

/// One allow comment.
struct Allow {
    rule: String,
    reason: String,
    /// Byte offset of the comment.
    at: usize,
    end: usize,
    /// Byte offset of the start of its line.
    line_start: usize,
}

impl Allow {
    /// Whether byte `offset` is on the comment's line, before it.
    fn same_line_as(&self, offset: usize) -> bool {
        offset >= self.line_start
    }
}

/// Marks the findings an allow comment or the project's configuration switches off, and
/// adds a finding for every allow comment that cannot be honoured.
pub(crate) fn apply(
    findings: &mut Vec<Finding>,
    (file, text, dialect): (&str, &str, ferry_core::Dialect),
    options: &Options,
) {
    let allows = comments(text);
    let statements = statement_ranges(text, dialect);
    for f in findings.iter_mut() {
        if let Some((_, reason)) = options.disabled.iter().find(|(id, _)| id == f.rule) {
            f.allowed = Some(format!("ferry.toml: {reason}"));
            continue;
        }
        let applies = |a: &&Allow| {
            a.rule == f.rule && !a.reason.is_empty() && covers(a, f.span.0, &statements)
        };
        if let Some(a) = allows.iter().find(applies) {
            f.allowed = Some(a.reason.clone());
        }
    }
    for a in &allows {
        let problem = if a.reason.is_empty() {
            Some(format!(
                "`-- ferry:allow {}` gives no reason; write why it is safe after the rule id",
                a.rule
            ))
        } else if rules::find(&a.rule).is_none() {
            Some(format!(
                "`-- ferry:allow {}` names no rule ferry knows",
                a.rule
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            findings.push(Finding::new(
                &rules::allow_comment::RULE,
                message,
                file,
                (a.at, a.end),
            ));
        }
    }
}

/// Whether an allow at `a` covers a finding starting at byte `at`.
fn covers(a: &Allow, at: usize, statements: &[(usize, usize)]) -> bool {
    let Some(first) = statements.first() else {
        return true;
    };
    if a.at < first.0 {
        return true;
    }
    // The statement the comment is in, or ends on the comment's line, else the next one.
    let target = (statements.iter())
        .find(|(start, end)| a.at >= *start && a.at < *end)
        .or_else(|| {
            statements
                .iter()
                .rev()
                .find(|(_, end)| *end <= a.at && a.same_line_as(*end))
        })
        .or_else(|| statements.iter().find(|(start, _)| *start > a.at));
    target.is_some_and(|(start, end)| at >= *start && at < *end)
}

/// Every `-- ferry:allow rule-id reason` comment (any case) that starts its line or follows
/// a statement's `;`: one inside a block comment or a statement is not an allow.
fn comments(text: &str) -> Vec<Allow> {
    const MARK: &str = "-- ferry:allow";
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let lower = line.to_ascii_lowercase();
        if let Some(i) = lower.find(MARK) {
            let before = line[..i].trim();
            if before.is_empty() || before.ends_with(';') {
                let rest = line[i + MARK.len()..].trim();
                let (rule, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                out.push(Allow {
                    rule: rule.to_owned(),
                    reason: printable(reason.trim()),
                    at: offset + i,
                    end: offset + line.trim_end().len(),
                    line_start: offset,
                });
            }
        }
        offset += line.len();
    }
    out
}

/// A reason as it can be printed: control characters (terminal escapes) written out.
fn printable(reason: &str) -> String {
    (reason.chars())
        .map(|c| match c.is_control() {
            true => c.escape_unicode().to_string(),
            false => c.to_string(),
        })
        .collect()
}

/// Each statement's byte range, by ferry's splitter for the script's engine.
fn statement_ranges(text: &str, dialect: ferry_core::Dialect) -> Vec<(usize, usize)> {
    ferry_core::split(text, dialect)
        .map(|statements| {
            (statements.iter())
                .map(|s| (s.offset, s.offset + s.sql.len() + 1))
                .collect()
        })
        .unwrap_or_default()
}
