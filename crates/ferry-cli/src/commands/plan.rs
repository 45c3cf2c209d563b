//! `ferry plan`: the ordered steps that `migrate`, or an install, update or rollback of
//! one plugin, would run across every plugin; the same plan object the run executes.

use super::plugin::parse_version;
use crate::cli::Global;
use crate::error::CliError;
use crate::project::{self, Asked, Project};
use crate::render::out;
use ferry_core::plugin::upgrade::{self, Change};
use ferry_engine::EngineError;
use ferry_engine::runner::{self, StepView};

/// What `ferry plan` is asked.
pub struct Options {
    /// One plugin to install, update or roll back (else what `migrate` runs everywhere).
    pub plugin: Option<String>,
    /// The version to bring it to (else its newest release).
    pub to_version: Option<String>,
    /// Show each step's SQL.
    pub verbose: bool,
}

/// Prints the plan; changes nothing.
pub async fn run(g: &Global, o: Options) -> Result<(), CliError> {
    let mut p = Project::open(g, false).await?;
    let result = show(&mut p, g, &o).await;
    p.close().await;
    result
}

async fn show(p: &mut Project, g: &Global, o: &Options) -> Result<(), CliError> {
    let asked = match &o.plugin {
        Some(name) => Some(asked(p, name, o.to_version.as_deref())?),
        None => None,
    };
    let members = p.members(asked.as_ref(), asked.is_none())?;
    p.check(&members)?;
    // Stored down scripts are the bulk of a long history: read only to roll back.
    let rolls_back = members.iter().any(|m| m.change == Change::Down);
    let history =
        runner::read_history(p.db.as_mut(), rolls_back, project::APP, Default::default()).await?;
    let targets = project::targets(&members);
    let options = upgrade::Options {
        cascade: false,
        allow_out_of_order: p.config.allow_out_of_order,
    };
    let plan = upgrade::plan(&targets, &history, options).map_err(EngineError::from)?;
    let prepared = runner::prepare_plan(p.db.as_ref(), plan)?;
    let mut view = runner::view("plan", &prepared);
    let linted = super::risk::lint_steps(&mut view.steps, p.db.dialect(), &p.config);
    if g.json {
        out(&serde_json::to_string_pretty(&view).unwrap_or_default());
        return Ok(());
    }
    if view.steps.is_empty() {
        out("plan: nothing to do");
        return Ok(());
    }
    let mut text = format!("plan: {} step(s), in this order\n", view.steps.len());
    for (i, step) in view.steps.iter().enumerate() {
        text.push_str(&line(i + 1, step, &linted[i]));
        for guard in &step.guards {
            text.push_str(&guard_line(guard));
        }
        if o.verbose {
            for st in step.before_transaction.iter().chain(&step.statements) {
                let shown = visible(st).replace('\n', "\n      ");
                text.push_str(&format!("      {shown};\n"));
            }
        }
    }
    out(text.trim_end());
    Ok(())
}

/// One step as a line: what, how, what its file declares and what lint found.
fn line(n: usize, s: &StepView, rules: &[&str]) -> String {
    let action = match s.action {
        ferry_core::plan::Action::Revert => "roll back",
        _ => "apply",
    };
    let tx = match &s.no_transaction_reason {
        None => "in a transaction".to_owned(),
        Some(why) => format!("WITHOUT a transaction ({why})"),
    };
    let found = match rules.is_empty() {
        true => String::new(),
        false => format!(" (lint: {})", rules.join(", ")),
    };
    let mut notes = vec![format!(
        "risk {}{found}",
        s.risk.as_deref().unwrap_or("not assessed")
    )];
    if s.requires_backup {
        notes.push("needs a backup".into());
    }
    if let Some(d) = s.estimated_duration_s {
        notes.push(format!("about {d}s"));
    }
    format!(
        "{n:>4}. {action} {} {}: {tx}; {}\n",
        s.version,
        s.name,
        notes.join(", ")
    )
}

/// `sql` with control characters (but newlines and tabs) and bidirectional overrides
/// escaped: a reviewer sees every statement the run executes, none hidden by the terminal.
fn visible(sql: &str) -> String {
    sql.chars()
        .map(|c| {
            let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            match (c.is_control() && c != '\n' && c != '\t') || bidi {
                true => c.escape_unicode().to_string(),
                false => c.to_string(),
            }
        })
        .collect()
}

/// What a portable step promises, when it promises anything.
fn guard_line(g: &ferry_core::StepGuard) -> String {
    let mut parts = Vec::new();
    if let Some(q) = &g.pre_validation {
        parts.push(format!("before: `{}` must hold", visible(q)));
    }
    if let Some(q) = &g.post_validation {
        parts.push(format!("after: `{}` must hold", visible(q)));
    }
    if let Some(t) = g.timeout_s {
        parts.push(format!("timeout {t}s"));
    }
    if let Some(rows) = g.expected_rows {
        parts.push(format!("changes {rows} row(s)"));
    }
    if g.skip_on_error {
        parts.push("skipped if it fails".into());
    }
    match parts.is_empty() {
        true => String::new(),
        false => format!("        step `{}`: {}\n", g.id, parts.join("; ")),
    }
}

/// The change `ferry plan --plugin NAME [--to-version V]` shows.
fn asked<'a>(p: &Project, name: &'a str, to: Option<&str>) -> Result<Asked<'a>, CliError> {
    let catalog = p.catalog(name)?;
    let to = match to {
        Some(v) => parse_version(v)?,
        None => (catalog.newest_stable().cloned())
            .ok_or_else(|| CliError::Usage(format!("{name} has no release")))?,
    };
    catalog.release(&to).map_err(CliError::Usage)?;
    let change = match p.installed_version(name)? {
        Some(installed) if to < installed => Change::Down,
        _ => Change::Up,
    };
    Ok(Asked {
        plugin: name,
        to,
        change,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_and_bidi_overrides_are_shown_escaped() {
        // Found by an adversarial trial: a statement hidden from the reviewer by escapes.
        let sql = "CREATE TABLE \"q\u{1}\u{1b}[31m\u{202e}\" (id INT)\n\tx";
        assert_eq!(
            super::visible(sql),
            "CREATE TABLE \"q\\u{1}\\u{1b}[31m\\u{202e}\" (id INT)\n\tx"
        );
    }
}
