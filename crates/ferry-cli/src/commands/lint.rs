//! `ferry lint [PATHS]`

use crate::cli::{FailOn, Global, LintEngine, LintFormat};
use crate::config::Config;
use crate::error::CliError;
use crate::render::out;
use crate::session::Session;
use ferry_core::plan::{self, State};
use ferry_core::{Dialect, Migration, MigrationSource};
use ferry_lint::{Finding, Risk};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One script to lint.
struct Script {
    file: String,
    text: String,
    no_transaction: bool,
}

/// Lints the files and folders given, or the pending migrations; exit 4 when a finding is
/// at or above `fail_on`.
pub async fn run(
    g: &Global,
    paths: &[PathBuf],
    engine: Option<LintEngine>,
    (format, fail_on): (LintFormat, FailOn),
) -> Result<(), CliError> {
    let config = Config::load(g)?;
    let dialect = match engine {
        Some(LintEngine::Postgres) => Dialect::Postgres,
        Some(LintEngine::Mysql) => Dialect::Mysql,
        Some(LintEngine::Sqlite) => Dialect::Sqlite,
        None if config.url_given => ferry_engine::dialect_of(&config.url)?,
        None => Dialect::Postgres,
    };
    let (scripts, pg_version) = match paths.is_empty() {
        true => pending(g, dialect).await?,
        false => (from_paths(paths, dialect, &config)?, None),
    };
    let mut findings = Vec::new();
    let mut sources = BTreeMap::new();
    let mut tables = Vec::new();
    for s in scripts {
        let options = config.lint_options(s.no_transaction, pg_version.clone());
        let mut found = ferry_lint::lint(&s.file, &s.text, dialect, &options);
        tables.extend(ferry_lint::facts::name_tables(&mut found, &s.text, dialect));
        findings.extend(found);
        sources.insert(s.file, s.text);
    }
    if config.url_given && !tables.is_empty() {
        live_facts(&config, &mut findings, &tables).await;
    }
    let report = match format {
        LintFormat::Human => ferry_lint::render::human(&findings, &sources),
        LintFormat::Json => ferry_lint::render::json(&findings),
        LintFormat::Sarif => ferry_lint::render::sarif(&findings),
        LintFormat::Github => ferry_lint::render::github(&findings),
    };
    if !report.is_empty() {
        out(report.trim_end());
    }
    verdict(&findings, fail_on)
}

/// The touched tables' rows and sizes from the configured database, making the risk of
/// rewrites and scans follow them; without a database the static risk stands (said on
/// stderr).
async fn live_facts(config: &Config, findings: &mut [Finding], tables: &[String]) {
    let options = crate::session::connect_options(config, false);
    let sizes = match ferry_engine::connect(&config.url, &options).await {
        Ok(mut db) => {
            let names: Vec<&str> = tables.iter().map(String::as_str).collect();
            let sizes = db.table_sizes(&names).await;
            db.close().await;
            sizes.map_err(|e| e.to_string())
        }
        Err(e) => Err(e.to_string()),
    };
    match sizes {
        Ok(sizes) => ferry_lint::facts::apply_sizes(findings, &sizes),
        Err(e) => crate::render::err(&format!(
            "note: without the database's table sizes ({e}); risks are the rules' own"
        )),
    }
}

/// Exit 4 when a finding that is not allowed is at or above `fail_on`.
fn verdict(findings: &[Finding], fail_on: FailOn) -> Result<(), CliError> {
    let threshold = match fail_on {
        FailOn::Low => Risk::Low,
        FailOn::Medium => Risk::Medium,
        FailOn::High => Risk::High,
    };
    let failing = (findings.iter())
        .filter(|f| f.allowed.is_none() && f.risk >= threshold)
        .count();
    match failing {
        0 => Ok(()),
        n => Err(CliError::Check(format!(
            "lint: {n} finding(s) at or above {} risk; fix them, or allow each with `-- ferry:allow rule-id reason`",
            threshold.as_str()
        ))),
    }
}

/// The pending migrations of the project, and the PostgreSQL server's version.
async fn pending(g: &Global, dialect: Dialect) -> Result<(Vec<Script>, Option<String>), CliError> {
    let mut s = Session::open(g, true, false).await?;
    let version = (dialect == Dialect::Postgres).then(|| s.db.server_version().to_owned());
    let result = async {
        let history = s.read_history(false).await?;
        let migrations = s.files.get().await?;
        let entries = plan::status(migrations, &history, &s.config.plugin);
        let pending = entries
            .iter()
            .filter(|e| matches!(e.state, State::Pending | State::RolledBack));
        pending
            .filter_map(|e| e.migration)
            .map(script)
            .collect::<Result<Vec<_>, CliError>>()
    }
    .await;
    s.close().await;
    let version = version.and_then(|v| v.split_whitespace().next().map(str::to_owned));
    Ok((result?, version))
}

/// Every file given, and the migrations (up scripts) of every folder given.
fn from_paths(
    paths: &[PathBuf],
    dialect: Dialect,
    config: &Config,
) -> Result<Vec<Script>, CliError> {
    let mut scripts = Vec::new();
    for path in paths {
        if path.is_dir() {
            scripts.extend(folder(path, dialect, config)?);
            continue;
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
        let no_transaction =
            (ferry_core::parse_directives(&text).ok()).is_some_and(|d| d.no_transaction.is_some());
        scripts.push(Script {
            file: path.display().to_string(),
            text,
            no_transaction,
        });
    }
    Ok(scripts)
}

fn folder(dir: &Path, dialect: Dialect, config: &Config) -> Result<Vec<Script>, CliError> {
    let options = ferry_source::FolderOptions {
        layout: None,
        ignore: Vec::new(),
        cache: None,
    };
    let source = ferry_source::Folder::open(dir, &config.plugin, options)?;
    let migrations = Box::new(source).read()?.resolve(dialect);
    migrations.iter().map(script).collect()
}

fn script(m: &Migration) -> Result<Script, CliError> {
    Ok(Script {
        file: m.up.path.display().to_string(),
        text: m.up.text()?.to_owned(),
        no_transaction: m.up.directives.no_transaction.is_some(),
    })
}
