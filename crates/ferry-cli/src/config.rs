//! ferry.toml and how flags, environment variables and the file combine.

use crate::cli::Global;
use crate::error::CliError;
use ferry_core::layout::Layout;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The default database when nothing else is configured.
pub const DEFAULT_URL: &str = "sqlite://ferry.db";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    env: Option<String>,
    lock_timeout: Option<String>,
    connect_timeout: Option<String>,
    #[serde(default)]
    database: DatabaseSection,
    #[serde(default)]
    migrations: MigrationsSection,
    #[serde(default)]
    plugins: PluginsSection,
    #[serde(default)]
    portable: PortableSection,
    #[serde(default)]
    lint: LintSection,
    #[serde(default)]
    environments: BTreeMap<String, EnvironmentSection>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatabaseSection {
    url: Option<String>,
    session: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MigrationsSection {
    dir: Option<PathBuf>,
    table: Option<String>,
    events_table: Option<String>,
    plugin: Option<String>,
    allow_out_of_order: Option<bool>,
    layout: Option<String>,
    ignore: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PluginsSection {
    dir: Option<PathBuf>,
    releases: Option<PathBuf>,
    table: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PortableSection {
    expected_changes: Option<Strictness>,
}

/// `[lint]`: opt-in rules switched on, and rules switched off with the reason why.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LintSection {
    #[serde(default)]
    enable: Vec<String>,
    #[serde(default)]
    allow: BTreeMap<String, String>,
}

/// What a mismatch with a portable step's `expectedChanges` does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strictness {
    /// The migration fails.
    #[default]
    Error,
    /// A warning is printed and the migration goes on.
    Warn,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvironmentSection {
    url: Option<String>,
    session: Option<Vec<String>>,
    protected: Option<bool>,
}

/// Everything a command needs to know, resolved.
#[derive(Debug, Clone)]
pub struct Config {
    /// The database URL (may hold a password: never print it unredacted).
    pub url: String,
    /// The migrations folder.
    pub dir: PathBuf,
    /// The plugin whose migrations these are.
    pub plugin: String,
    /// The folder's convention, if ferry.toml sets it (else detected).
    pub layout: Option<Layout>,
    /// Patterns of entries in the folder that are not migrations.
    pub ignore: Vec<String>,
    /// Names of ferry's tables.
    pub tables: ferry_engine::TableNames,
    /// Per-connection preamble.
    pub session: Vec<String>,
    /// Apply out-of-order migrations without asking.
    pub allow_out_of_order: bool,
    /// The environment's name.
    pub env: String,
    /// Production-like: destructive commands need confirmation; reset is refused.
    pub protected: bool,
    /// Lock wait.
    pub lock_timeout: Duration,
    /// Connection wait, and the limit on each of ferry's own queries.
    pub connect_timeout: Duration,
    /// Recorded as applied_by.
    pub actor: String,
    /// Where the plugins' sources are (`plugins/<name>/plugin.toml`).
    pub plugins_dir: PathBuf,
    /// A directory of released plugin versions (`<name>/<version>/`), if configured.
    pub releases: Option<PathBuf>,
    /// What a mismatch with a portable step's `expectedChanges` does.
    pub expected_changes: Strictness,
    /// The URL came from a flag, the environment or ferry.toml (not ferry's default).
    pub url_given: bool,
    /// `[lint] enable`: opt-in rules switched on.
    pub lint_enable: Vec<String>,
    /// `[lint.allow]`: rules switched off for the project, with the reason.
    pub lint_allow: Vec<(String, String)>,
}

impl Config {
    /// Combines flags, environment variables and ferry.toml (flags win).
    pub fn load(global: &Global) -> Result<Config, CliError> {
        let (file, base) = read_file(global.config.as_deref())?;
        let env = global
            .env
            .clone()
            .or(file.env.clone())
            .unwrap_or_else(|| "development".into());
        let section = file.environments.get(&env);
        if global.env.is_some() && section.is_none() && env != "development" && env != "production"
        {
            return Err(CliError::Usage(format!(
                "environment `{env}` is not defined; add [environments.{env}] to ferry.toml"
            )));
        }
        let url = global
            .database_url
            .clone()
            .or_else(|| section.and_then(|s| s.url.clone()))
            .or_else(|| std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()))
            .or(file.database.url.clone());
        let url_given = url.is_some();
        check_lint(&file.lint)?;
        let url = url.unwrap_or_else(|| DEFAULT_URL.into());
        let dir = global
            .dir
            .clone()
            .or_else(|| file.migrations.dir.as_ref().map(|d| base.join(d)))
            .unwrap_or_else(|| base.join("migrations"));
        let from_file = |key: &str, text: &Option<String>| {
            text.as_deref()
                .map(crate::cli::parse_duration)
                .transpose()
                .map_err(|e| CliError::Usage(format!("{}: {key}: {e}", config_name(global))))
        };
        let lock_timeout = match global.lock_timeout {
            Some(d) => d,
            None => {
                from_file("lock_timeout", &file.lock_timeout)?.unwrap_or(Duration::from_secs(60))
            }
        };
        let connect_timeout = match global.connect_timeout {
            Some(d) => d,
            None => from_file("connect_timeout", &file.connect_timeout)?
                .unwrap_or(Duration::from_secs(10)),
        };
        if connect_timeout.is_zero() {
            return Err(CliError::Usage(
                "a connect timeout of 0 would never connect; give it a duration such as 10s".into(),
            ));
        }
        let layout = match file.migrations.layout.as_deref() {
            None => None,
            Some(name) => Some(Layout::from_name(name).ok_or_else(|| {
                CliError::Usage(format!(
                    "{}: layout `{name}` is unknown; use one of: {}",
                    config_name(global),
                    Layout::NAMES
                ))
            })?),
        };
        let defaults = ferry_engine::TableNames::default();
        let history = file
            .migrations
            .table
            .clone()
            .unwrap_or(defaults.history.clone());
        let events = (file.migrations.events_table.clone()).unwrap_or(defaults.events.clone());
        if history == events {
            return Err(CliError::Usage(format!(
                "{}: the history table and the events table are both `{history}`; give them different names",
                config_name(global)
            )));
        }
        // A folder named in ferry.toml that is not there is a typo, not "no plugins".
        let named = [
            ("dir", &file.plugins.dir),
            ("releases", &file.plugins.releases),
        ];
        for (key, dir) in named {
            if let Some(dir) = dir
                && !base.join(dir).is_dir()
            {
                return Err(CliError::Usage(format!(
                    "{}: [plugins] {key} = \"{}\" is not a folder; fix the path or remove the key",
                    config_name(global),
                    dir.display()
                )));
            }
        }
        Ok(Config {
            url,
            dir,
            plugin: file
                .migrations
                .plugin
                .clone()
                .unwrap_or_else(|| "app".into()),
            layout,
            ignore: file.migrations.ignore.clone().unwrap_or_default(),
            tables: ferry_engine::TableNames {
                history: file.migrations.table.clone().unwrap_or(defaults.history),
                events: file
                    .migrations
                    .events_table
                    .clone()
                    .unwrap_or(defaults.events),
                plugins: file.plugins.table.clone().unwrap_or_else(|| {
                    // Beside the history, in its schema if it names one.
                    match history.rsplit_once('.') {
                        Some((schema, _)) => format!("{schema}.{}", defaults.plugins),
                        None => defaults.plugins.clone(),
                    }
                }),
                snapshots: match history.rsplit_once('.') {
                    Some((schema, _)) => format!("{schema}.{}", defaults.snapshots),
                    None => defaults.snapshots.clone(),
                },
            },
            session: section
                .and_then(|s| s.session.clone())
                .or(file.database.session.clone())
                .unwrap_or_default(),
            allow_out_of_order: file.migrations.allow_out_of_order.unwrap_or(false),
            protected: env == "production" || section.and_then(|s| s.protected).unwrap_or(false),
            env,
            lock_timeout,
            connect_timeout,
            actor: global.actor.clone().unwrap_or_else(os_user),
            plugins_dir: base.join(file.plugins.dir.as_deref().unwrap_or(Path::new("plugins"))),
            releases: file.plugins.releases.as_deref().map(|r| base.join(r)),
            expected_changes: file.portable.expected_changes.unwrap_or_default(),
            url_given,
            lint_enable: file.lint.enable.clone(),
            lint_allow: file.lint.allow.clone().into_iter().collect(),
        })
    }
}

impl Config {
    /// What ferry.toml's `[lint]` says, for a script that runs without a transaction or
    /// not, on a PostgreSQL server of `pg_version` if known.
    pub fn lint_options(
        &self,
        no_transaction: bool,
        pg_version: Option<String>,
    ) -> ferry_lint::Options {
        ferry_lint::Options {
            enabled: self.lint_enable.clone(),
            disabled: self.lint_allow.clone(),
            no_transaction,
            pg_version,
        }
    }

    /// Who runs, how long to wait for the lock, and how strict portable steps are.
    pub fn run_context(&self) -> ferry_engine::runner::RunContext {
        ferry_engine::runner::RunContext {
            actor: self.actor.clone(),
            lock_timeout: self.lock_timeout,
            expected_changes_warn: self.expected_changes == Strictness::Warn,
            snapshots: true,
        }
    }
}

/// `[lint]` names rules ferry knows, and every rule switched off says why.
fn check_lint(lint: &LintSection) -> Result<(), CliError> {
    let unknown = |id: &String| ferry_lint::rules::find(id).is_none();
    if let Some(id) = lint
        .enable
        .iter()
        .chain(lint.allow.keys())
        .find(|id| unknown(id))
    {
        return Err(CliError::Usage(format!(
            "ferry.toml: [lint] names `{id}`, which is no rule ferry knows (`ferry lint --format json` lists the ids it finds)"
        )));
    }
    if let Some((id, _)) = lint.allow.iter().find(|(_, why)| why.trim().is_empty()) {
        return Err(CliError::Usage(format!(
            "ferry.toml: [lint.allow] {id} needs a reason: {id} = \"why it is safe here\""
        )));
    }
    Ok(())
}

/// The configuration file's name, for messages.
fn config_name(global: &Global) -> String {
    global
        .config
        .as_deref()
        .unwrap_or(Path::new("ferry.toml"))
        .display()
        .to_string()
}

fn os_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(|| Some(whoami::username()))
        .unwrap_or_else(|| "unknown".into())
}

/// Reads the config file; returns it and the folder relative paths in it start from.
fn read_file(explicit: Option<&Path>) -> Result<(File, PathBuf), CliError> {
    let path = match explicit {
        Some(p) => p.to_owned(),
        None if Path::new("ferry.toml").is_file() => PathBuf::from("ferry.toml"),
        None => return Ok((File::default(), PathBuf::new())),
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        CliError::Usage(format!(
            "{}: cannot read the configuration: {e}",
            path.display()
        ))
    })?;
    let file = parse_text(&text, &path)?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok((file, base))
}

/// Parses a configuration file's text; errors name `path`, line and column.
fn parse_text(text: &str, path: &Path) -> Result<File, CliError> {
    toml::from_str(text).map_err(|e| {
        let (line, col) = e
            .span()
            .map(|s| ferry_core::line_col(text, s.start))
            .unwrap_or((1, 1));
        CliError::Usage(format!("{}:{line}:{col}: {}", path.display(), e.message()))
    })
}

/// Checks a configuration file's text as `ferry` would read it: the TOML and its
/// durations. The error is the message ferry prints. (For the fuzz target.)
pub fn check(text: &str) -> Result<(), String> {
    let file = parse_text(text, Path::new("ferry.toml")).map_err(|e| e.to_string())?;
    for value in [&file.lock_timeout, &file.connect_timeout]
        .into_iter()
        .flatten()
    {
        crate::cli::parse_duration(value)?;
    }
    Ok(())
}
