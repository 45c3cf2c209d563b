//! `ferry verify`: the live data checked against the schema's promises and the history.

use super::validate;
use crate::cli::Global;
use crate::error::CliError;
use crate::render::out;
use crate::session::Session;
use ferry_engine::EngineError;
use ferry_engine::verify::{self, Check};
use std::collections::BTreeMap;

/// Runs every check; exit 4 if one fails.
pub async fn run(s: &mut Session, g: &Global) -> Result<(), CliError> {
    let schema = (s.db.schema().await).map_err(EngineError::db("reading the schema"))?;
    let last =
        (s.db.last_snapshot().await).map_err(EngineError::db("reading the last snapshot"))?;
    let counts: Option<BTreeMap<String, u64>> = (last.as_ref())
        .and_then(|l| l.row_counts.as_deref())
        .and_then(|json| serde_json::from_str(json).ok());
    let mut checks = (verify::verify(s.db.as_mut(), &schema, counts.as_ref()).await)
        .map_err(EngineError::db("verifying the data"))?;
    let (migrations, problems) = validate::problems(s).await?;
    let errors: Vec<String> = (problems.iter())
        .filter(|(_, allowed)| !allowed)
        .map(|(p, _)| p.to_string())
        .collect();
    checks.push(Check {
        category: "history",
        object: "checksums".into(),
        passed: errors.is_empty(),
        count: errors.len() as u64,
        detail: match errors.len() {
            0 => format!("{migrations} migration file(s) checked against the history"),
            n => format!("{n} problem(s); `ferry validate` explains each"),
        },
        samples: errors,
    });
    let failed = checks.iter().filter(|c| !c.passed).count();
    if g.json {
        let doc = serde_json::json!({ "passed": failed == 0, "checks": checks });
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        // ferry's own tables are counted too; only the schema's tables say anything.
        let counted = (counts.as_ref()).map(|c| schema.tables.keys().any(|t| c.contains_key(t)));
        print(&checks, last.as_ref().map(|l| l.taken_at.as_str()), counted);
    }
    match failed {
        0 => Ok(()),
        n => Err(CliError::Check(format!("verify: {n} check(s) failed"))),
    }
}

/// Passing checks are summed up per category; failing ones are listed with samples.
fn print(checks: &[Check], counted_at: Option<&str>, counted: Option<bool>) {
    let mut categories: Vec<&str> = checks.iter().map(|c| c.category).collect();
    categories.dedup();
    for category in categories {
        let of: Vec<&Check> = checks.iter().filter(|c| c.category == category).collect();
        let failing: Vec<&&Check> = of.iter().filter(|c| !c.passed).collect();
        if failing.is_empty() {
            let summary = match (category, of.as_slice()) {
                (_, [one]) => format!("{}: {}", one.object, one.detail),
                ("row counts", _) => format!(
                    "{} table(s), none with fewer rows than before the last migrate",
                    of.len()
                ),
                _ => format!("{} checked", of.len()),
            };
            out(&format!("pass  {category}: {summary}"));
        }
        for c in failing {
            out(&format!("FAIL  {category}: {}: {}", c.object, c.detail));
            for sample in &c.samples {
                out(&format!("        {sample}"));
            }
        }
    }
    if !checks.iter().any(|c| c.category == "row counts") {
        let at = counted_at.unwrap_or_default();
        let why = match counted {
            Some(true) => format!("no table counted before the last migrate ({at}) is left"),
            Some(false) => format!("no table existed before the last migrate ({at})"),
            None => "no migrate has recorded row counts yet".into(),
        };
        out(&format!("skip  row counts: {why}"));
    }
}
