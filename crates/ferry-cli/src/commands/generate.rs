//! `ferry generate rollback VERSION`

use crate::cli::{GenerateCommand, Global};
use crate::config::Config;
use crate::error::CliError;
use crate::render::out;
use ferry_core::layout::Layout;
use ferry_core::rollback::{self, Rollback};
use ferry_core::{Migration, MigrationSource};
use std::path::PathBuf;

/// Runs a generate subcommand.
pub fn run(g: &Global, command: GenerateCommand) -> Result<(), CliError> {
    let GenerateCommand::Rollback {
        version,
        force,
        stdout,
    } = command;
    let config = Config::load(g)?;
    let dialect = ferry_engine::dialect_of(&config.url)?;
    let folder = crate::session::open_folder(&config, false)?;
    let layout = folder.layout();
    let migrations = Box::new(folder).read()?.resolve(dialect);
    let wanted = super::parse_version(&version, layout.version_kind())?;
    let m = (migrations.iter())
        .find(|m| m.version == wanted)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "no migration has version `{version}` in {}",
                config.dir.display()
            ))
        })?;
    let up = m.up.text()?;
    let generated = (rollback::generate(up, dialect))
        .map_err(|e| CliError::Usage(format!("{}: {e}", m.up.path.display())))?;
    if !generated.not_invertible.is_empty() {
        return refuse(g, m, &generated);
    }
    let mut text = rollback::render(&generated, &m.up.path.display().to_string(), &today());
    if let Some(directive) = &m.up.directives.no_transaction {
        // What the up could not run in a transaction (CONCURRENTLY), its inverse cannot either.
        text = format!("{directive}\n{text}");
    }
    if stdout {
        out(text.trim_end());
        return Ok(());
    }
    let path = down_path(m, layout, &config.dir)?;
    if !force && has_statements(&path) {
        return Err(CliError::Refused(format!(
            "{} already has statements; pass --force to replace it, or --stdout to print the generated one",
            path.display()
        )));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::Usage(format!("{}: {e}", dir.display())))?;
    }
    std::fs::write(&path, &text)
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
    out(&format!(
        "wrote {} ({} statement(s)); rehearse it with `ferry test`",
        path.display(),
        generated.statements.len()
    ));
    Ok(())
}

/// Lists the statements without an inverse; exit 4, nothing written.
fn refuse(g: &Global, m: &Migration, r: &Rollback) -> Result<(), CliError> {
    let path = m.up.path.display();
    if g.json {
        out(&serde_json::to_string_pretty(r).unwrap_or_default());
    } else {
        for n in &r.not_invertible {
            out(&format!(
                "{path}:{}:{}: {}: {}",
                n.line, n.column, n.statement, n.why
            ));
        }
    }
    Err(CliError::Check(format!(
        "{} statement(s) of {path} have no inverse ferry can stand behind; nothing was written: write the down script by hand (or restore from a backup)",
        r.not_invertible.len()
    )))
}

/// Where the down script goes: the migration's own down file if it has one, else ferry's
/// `rollback/` folder.
fn down_path(m: &Migration, layout: Layout, dir: &std::path::Path) -> Result<PathBuf, CliError> {
    if let Some(down) = &m.down {
        return Ok(down.path().to_path_buf());
    }
    if layout != Layout::Ferry {
        return Err(CliError::Usage(format!(
            "the folder follows the {layout} layout, whose down scripts ferry does not write; use --stdout and save it where {layout} expects it"
        )));
    }
    let file = m.up.path.file_name().unwrap_or_default();
    Ok(dir.join(ferry_core::ROLLBACK_DIR).join(file))
}

/// Whether a file exists with something other than comments and blank lines (a file that
/// is not UTF-8 text counts as having statements: it is not ferry's to replace).
fn has_statements(path: &std::path::Path) -> bool {
    match std::fs::read(path) {
        Err(_) => false,
        Ok(bytes) => match String::from_utf8(bytes) {
            Err(_) => true,
            Ok(text) => {
                (text.lines().map(str::trim)).any(|l| !l.is_empty() && !l.starts_with("--"))
            }
        },
    }
}

/// Today's date (UTC), `YYYY-MM-DD`.
fn today() -> String {
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    now.get(..10).unwrap_or_default().to_owned()
}
