//! Reports: human (the offending text underlined, by annotate-snippets), JSON, SARIF 2.1.0
//! and GitHub Actions workflow commands.

use crate::{Finding, Risk};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde_json::json;

/// Where each finding's file text comes from.
pub trait Sources {
    /// The text of `file`.
    fn text(&self, file: &str) -> Option<&str>;
}

impl Sources for std::collections::BTreeMap<String, String> {
    fn text(&self, file: &str) -> Option<&str> {
        self.get(file).map(String::as_str)
    }
}

/// Every finding with its source underlined, then the allowed ones and a summary line.
pub fn human(findings: &[Finding], sources: &dyn Sources) -> String {
    let renderer = Renderer::plain();
    let mut out = String::new();
    for f in findings.iter().filter(|f| f.allowed.is_none()) {
        let text = sources.text(&f.file).unwrap_or_default();
        let level = match f.risk {
            Risk::High => Level::ERROR,
            Risk::Medium => Level::WARNING,
            Risk::Low => Level::NOTE,
        };
        let title = format!("[{}] {}", f.rule, f.message);
        let label = format!("{} risk; lock: {}", f.risk.as_str(), f.lock);
        // Only the lines of the offending text: rendering the whole file for each finding
        // would make a long file's report quadratic.
        let (excerpt, from) = lines_around(text, f.span);
        let start = f.span.0.saturating_sub(from).min(excerpt.len());
        let end = f.span.1.saturating_sub(from).clamp(start, excerpt.len());
        let snippet = Snippet::source(excerpt)
            .line_start(f.line as usize)
            .path(f.file.as_str())
            .annotation(AnnotationKind::Primary.span(start..end).label(label));
        let mut group = level.primary_title(title).element(snippet);
        let flags = flags(f);
        if !flags.is_empty() {
            group = group.element(Level::NOTE.message(flags));
        }
        if let Some(facts) = f.table.as_ref().and_then(table_facts) {
            group = group.element(Level::NOTE.message(facts));
        }
        group = group.element(Level::HELP.message(format!("fix: {}", f.fix)));
        let report: [Group; 1] = [group];
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    for f in findings.iter().filter(|f| f.allowed.is_some()) {
        let reason = f.allowed.as_deref().unwrap_or_default();
        out.push_str(&format!(
            "allowed: {}:{}:{} [{}] {}: {reason}\n",
            f.file, f.line, f.column, f.rule, f.message
        ));
    }
    out.push_str(&summary(findings));
    out
}

/// The whole lines `span` covers, and the byte offset they start at.
fn lines_around(text: &str, span: (usize, usize)) -> (&str, usize) {
    let clamp = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (a, b) = (clamp(span.0), clamp(span.1.max(span.0)));
    let start = text[..a].rfind('\n').map_or(0, |i| i + 1);
    let end = text[b..].find('\n').map_or(text.len(), |i| b + i);
    (&text[start..end], start)
}

/// `table orders: about 1200 rows, 5.2 MB; the lock would be held about 0.1 s`.
fn table_facts(t: &crate::TableFacts) -> Option<String> {
    let rows = t.rows?;
    let mut s = format!("table {}: about {rows} rows", t.name);
    if let Some(b) = t.bytes {
        s.push_str(&format!(", {:.1} MB", b as f64 / 1e6));
    }
    if let Some(secs) = t.lock_seconds {
        s.push_str(&format!("; the lock would be held about {secs:.1} s"));
    }
    Some(s)
}

/// What the statement does beyond its lock, in words.
fn flags(f: &Finding) -> String {
    let mut parts = Vec::new();
    if f.rewrites {
        parts.push("rewrites the table");
    } else if f.scans {
        parts.push("reads the whole table");
    }
    if !f.in_transaction {
        parts.push("cannot be undone by a transaction");
    }
    if f.destroys_data {
        parts.push("destroys data");
    }
    if f.breaks_app {
        parts.push("breaks running application code");
    }
    parts.join("; ")
}

/// `3 finding(s): 1 high, 1 medium, 1 low; 1 allowed`.
pub fn summary(findings: &[Finding]) -> String {
    let open: Vec<&Finding> = findings.iter().filter(|f| f.allowed.is_none()).collect();
    let count = |r: Risk| open.iter().filter(|f| f.risk == r).count();
    let allowed = findings.len() - open.len();
    format!(
        "{} finding(s): {} high, {} medium, {} low; {allowed} allowed",
        open.len(),
        count(Risk::High),
        count(Risk::Medium),
        count(Risk::Low)
    )
}

/// The findings as a JSON document.
pub fn json(findings: &[Finding]) -> String {
    let doc = json!({ "findings": findings, "summary": summary(findings) });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// SARIF 2.1.0, for code-scanning tools.
pub fn sarif(findings: &[Finding]) -> String {
    let mut ids: Vec<&str> = findings.iter().map(|f| f.rule).collect();
    ids.sort_unstable();
    ids.dedup();
    let rules: Vec<_> = (ids.iter().filter_map(|id| crate::rules::find(id)))
        .map(|r| json!({ "id": r.id, "shortDescription": { "text": r.id }, "help": { "text": r.fix } }))
        .collect();
    let results: Vec<_> = (findings.iter())
        .map(|f| {
            let level = match f.risk {
                Risk::High => "error",
                Risk::Medium => "warning",
                Risk::Low => "note",
            };
            let mut result = json!({
                "ruleId": f.rule,
                "level": level,
                "message": { "text": format!("{} (fix: {})", f.message, f.fix) },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": uri(&f.file) },
                    "region": { "startLine": f.line, "startColumn": f.column }
                }}]
            });
            if let Some(reason) = &f.allowed {
                result["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
            }
            result
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "ferry", "version": env!("CARGO_PKG_VERSION"), "rules": rules } }, "results": results }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// A file path as a relative URI reference: everything but unreserved characters and `/`
/// percent-encoded.
fn uri(path: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'/');
    percent_encoding::utf8_percent_encode(path, KEEP).to_string()
}

/// GitHub Actions workflow commands (`::error file=...,line=...::message`), one per
/// finding that is not allowed.
pub fn github(findings: &[Finding]) -> String {
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let lines: Vec<String> = (findings.iter().filter(|f| f.allowed.is_none()))
        .map(|f| {
            let level = match f.risk {
                Risk::High => "error",
                Risk::Medium => "warning",
                Risk::Low => "notice",
            };
            format!(
                "::{level} file={},line={},col={},title={}::{}",
                property(&f.file),
                f.line,
                f.column,
                property(&format!("ferry {} ({} risk)", f.rule, f.risk.as_str())),
                data(&format!("{} Fix: {}", f.message, f.fix))
            )
        })
        .collect();
    lines.join("\n")
}
