//! PostgreSQL: squawk parses the whole file (error-tolerant: one bad statement does not
//! hide the rest) and its rules find the hazards; each violation becomes a finding of
//! ferry's rule of the same id, with ferry's risk, lock, fix and flags.

use crate::{Finding, Options, rules};
use squawk_linter::{Linter, Rule as SquawkRule};

pub(crate) fn lint(file: &str, text: &str, options: &Options) -> Vec<Finding> {
    let parse = squawk_syntax::SourceFile::parse(text);
    let enabled: Vec<SquawkRule> = (options.enabled.iter())
        .filter_map(|id| id.parse().ok())
        .collect();
    let mut linter = Linter::with_rules(&enabled, &[]);
    linter.settings.assume_in_transaction = !options.no_transaction;
    if let Some(version) = options.pg_version.as_deref().and_then(|v| v.parse().ok()) {
        linter.settings.pg_version = version;
    }
    let mut findings = Vec::new();
    for v in linter.lint(&parse, text) {
        let id = v.code.to_string();
        let Some(rule) = rules::find(&id) else {
            continue;
        };
        let span = (
            usize::from(v.text_range.start()),
            usize::from(v.text_range.end()),
        );
        let message = match &v.help {
            Some(help) => format!("{} ({help})", v.message),
            None => v.message.clone(),
        };
        let mut finding = Finding::new(rule, message, file, span);
        refine(&mut finding, text.get(span.0..span.1).unwrap_or_default());
        findings.push(finding);
    }
    findings.extend(unparsed(file, &parse));
    findings
}

/// Where one rule covers statements that lock differently, the lock of this one (the
/// rehearsal's lock check found these).
fn refine(f: &mut Finding, offending: &str) {
    let foreign_key = offending.to_ascii_uppercase().contains("FOREIGN KEY");
    if f.rule == "constraint-missing-not-valid" && foreign_key {
        f.lock = "SHARE ROW EXCLUSIVE on both tables (scans the table to validate)";
    }
}

/// A statement squawk could not parse is reported, not skipped in silence.
fn unparsed(file: &str, parse: &squawk_syntax::Parse<squawk_syntax::SourceFile>) -> Vec<Finding> {
    (parse.errors().iter())
        .take(1)
        .map(|e| {
            let at = usize::from(e.range().start());
            let message = format!(
                "ferry could not parse this statement ({}); it was not checked",
                e.message()
            );
            Finding::new(&rules::unparsed::RULE, message, file, (at, at))
        })
        .collect()
}
