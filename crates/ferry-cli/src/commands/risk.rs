//! Before `migrate` in a protected environment: the pending migrations are linted, and a
//! finding of high risk (not allowed by a `-- ferry:allow` comment or ferry.toml) needs
//! `--allow-risk high` or a typed confirmation.

use crate::cli::{AllowRisk, Global};
use crate::error::CliError;
use crate::session::Session;
use ferry_core::Version;
use ferry_core::plan::{self, State};
use ferry_lint::{Finding, Risk};
use std::io::IsTerminal;

/// Refuses (exit 5) to apply high-risk migrations in a protected environment unless
/// `allow` covers them or a human types the environment's name.
pub async fn gate(
    s: &mut Session,
    g: &Global,
    target: Option<&Version>,
    allow: Option<AllowRisk>,
) -> Result<(), CliError> {
    if !s.config.protected {
        return Ok(());
    }
    let risky = high_risk(s, target).await?;
    if risky.is_empty() || allow == Some(AllowRisk::High) {
        return Ok(());
    }
    let list: Vec<String> = (risky.iter())
        .map(|f| {
            format!(
                "  {}:{}:{} [{}] {}",
                f.file, f.line, f.column, f.rule, f.message
            )
        })
        .collect();
    let what = format!(
        "{} high-risk finding(s) in the pending migrations (`ferry lint` explains each):\n{}",
        risky.len(),
        list.join("\n")
    );
    confirm_risk(g, &s.config.env, &what)
}

/// The high-risk findings, not allowed, of the migrations `migrate` would apply.
async fn high_risk(s: &mut Session, target: Option<&Version>) -> Result<Vec<Finding>, CliError> {
    let dialect = s.db.dialect();
    let pg_version =
        s.db.server_version()
            .split_whitespace()
            .next()
            .map(str::to_owned);
    let history = s.read_history(false).await?;
    let migrations = s.files.get().await?;
    let entries = plan::status(migrations, &history, &s.config.plugin);
    let mut found = Vec::new();
    let pending = (entries.iter())
        .filter(|e| matches!(e.state, State::Pending | State::RolledBack))
        .filter(|e| target.is_none_or(|t| e.version <= t));
    for m in pending.filter_map(|e| e.migration) {
        let options = s
            .config
            .lint_options(m.up.directives.no_transaction.is_some(), pg_version.clone());
        let file = m.up.path.display().to_string();
        let text = m.up.text()?;
        let mut findings = ferry_lint::lint(&file, text, dialect, &options);
        ferry_lint::facts::name_tables(&mut findings, text, dialect);
        found.extend(findings.into_iter().filter(|f| f.allowed.is_none()));
    }
    // The live tables' sizes: a rewrite of an empty table is not what production fears.
    let mut tables: Vec<&str> = (found.iter())
        .filter_map(|f| f.table.as_ref())
        .map(|t| t.name.as_str())
        .collect();
    tables.sort_unstable();
    tables.dedup();
    if let Ok(sizes) = s.db.table_sizes(&tables).await {
        ferry_lint::facts::apply_sizes(&mut found, &sizes);
    }
    found.retain(|f| f.risk >= Risk::High);
    Ok(found)
}

/// The risk of each step that applies a migration: the highest of the risk its file
/// declares and its lint findings that are not allowed (`low` when there are none); with the
/// rules found.
pub fn lint_steps(
    steps: &mut [ferry_engine::runner::StepView],
    dialect: ferry_core::Dialect,
    config: &crate::config::Config,
) -> Vec<Vec<&'static str>> {
    let mut rules = Vec::new();
    for step in steps.iter_mut() {
        let applies = !matches!(step.action, ferry_core::plan::Action::Revert);
        if !applies {
            rules.push(Vec::new());
            continue;
        }
        // A file may declare its own risk (a portable migration's riskLevel); the lint's is
        // never taken below it, nor it below the lint's (found by an adversarial trial: a
        // plugin declaring "low" for a DROP TABLE).
        let declared = step.risk.as_deref().and_then(ferry_lint::Risk::parse);
        // The file itself where it is SQL, so that its allow comments count.
        let file = step.file.as_deref().filter(|f| f.ends_with(".sql"));
        let text = (file.and_then(|f| std::fs::read_to_string(f).ok()))
            .unwrap_or_else(|| step.statements.join(";\n"));
        let options = config.lint_options(step.no_transaction_reason.is_some(), None);
        let findings = ferry_lint::lint(file.unwrap_or("plan"), &text, dialect, &options);
        let open: Vec<&ferry_lint::Finding> =
            findings.iter().filter(|f| f.allowed.is_none()).collect();
        let risk = (open.iter().map(|f| f.risk))
            .chain(declared)
            .max()
            .unwrap_or(ferry_lint::Risk::Low);
        step.risk = Some(risk.as_str().to_owned());
        let mut ids: Vec<&'static str> = (open.iter().filter(|f| f.risk == risk))
            .map(|f| f.rule)
            .collect();
        ids.dedup();
        rules.push(ids);
    }
    rules
}

/// Refuses (exit 5) a plan across plugins with a high-risk step in a protected
/// environment, unless `--allow-risk high` or a typed confirmation.
pub fn gate_steps(
    g: &Global,
    config: &crate::config::Config,
    steps: &mut [ferry_engine::runner::StepView],
    dialect: ferry_core::Dialect,
) -> Result<(), CliError> {
    if !config.protected || g.allow_risk == Some(AllowRisk::High) {
        return Ok(());
    }
    let rules = lint_steps(steps, dialect, config);
    let risky: Vec<String> = (steps.iter().zip(&rules))
        .filter(|(s, _)| s.risk.as_deref() == Some("high"))
        .map(|(s, r)| format!("  {} {} [{}]", s.version, s.name, r.join(", ")))
        .collect();
    if risky.is_empty() {
        return Ok(());
    }
    let what = format!(
        "{} high-risk step(s) in the plan (`ferry plan` shows each):\n{}",
        risky.len(),
        risky.join("\n")
    );
    confirm_risk(g, &config.env, &what)
}

/// Asks for the environment's name on a terminal; refuses otherwise.
fn confirm_risk(g: &Global, env: &str, what: &str) -> Result<(), CliError> {
    if !std::io::stdin().is_terminal() || g.json {
        return Err(CliError::Refused(format!(
            "{what}\nin the `{env}` environment they need `--allow-risk high` (or fix them, or allow each with `-- ferry:allow rule-id reason`); nothing was applied"
        )));
    }
    crate::render::err(&format!("{what}\nType `{env}` to apply them anyway:"));
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    match answer.trim() == env {
        true => Ok(()),
        false => Err(CliError::Refused(
            "not confirmed; nothing was applied".into(),
        )),
    }
}
