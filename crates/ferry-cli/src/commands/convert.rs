//! `ferry convert --to json|sql --out DIR`: a migrations folder (the application's, or a
//! plugin's with `--plugin`) written again as portable JSON migrations, or as SQL files.
//! Files already in the target form are copied as they are; nothing is overwritten.

use crate::cli::{ConvertTarget, Global};
use crate::config::Config;
use crate::error::CliError;
use crate::project::APP;
use crate::render::out;
use ferry_core::portable::convert::{self, SqlMigration};
use ferry_core::{Dialect, Migration, MigrationSource};
use ferry_source::{Folder, FolderOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const ENGINES: [Dialect; 3] = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite];

/// Converts the folder; prints each file written and what a SQL file could not hold.
pub fn run(
    g: &Global,
    to: ConvertTarget,
    plugin: Option<&str>,
    out_dir: &Path,
) -> Result<(), CliError> {
    let config = Config::load(g)?;
    let (dir, name, version) = source(&config, plugin)?;
    if out_dir.exists() && std::fs::read_dir(out_dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(CliError::Usage(format!(
            "{}: the folder is not empty; convert writes into a new or empty folder",
            out_dir.display()
        )));
    }
    let per_engine = read(&dir, &name)?;
    let mut written = Vec::new();
    for (label, scripts) in &per_engine {
        let Some(any) = scripts.values().next() else {
            continue;
        };
        let is_json = any.up.path.extension().is_some_and(|e| e == "json");
        let files = match (to, is_json) {
            (ConvertTarget::Json, false) => vec![to_json(scripts, any, (&name, &version), label)?],
            (ConvertTarget::Sql, true) => to_sql(&any.up.path)?,
            _ => copies(&dir, scripts)?,
        };
        for (path, text, dropped) in files {
            write(out_dir, &path, &text)?;
            let note = match dropped.is_empty() {
                true => String::new(),
                false => format!(
                    " (dropped, a SQL file cannot hold them: {})",
                    dropped.join(", ")
                ),
            };
            written.push(format!("wrote {}{note}", out_dir.join(&path).display()));
        }
    }
    written.push(format!(
        "converted {} migration(s) of {name}",
        per_engine.len()
    ));
    out(&written.join("\n"));
    Ok(())
}

/// The folder to convert, its plugin and the version its migrations default to.
fn source(config: &Config, plugin: Option<&str>) -> Result<(PathBuf, String, String), CliError> {
    let Some(name) = plugin else {
        return Ok((config.dir.clone(), APP.into(), "0.0.0".into()));
    };
    let catalogs =
        ferry_source::plugins::discover(&config.plugins_dir, config.releases.as_deref())?;
    let release = (catalogs.get(name).and_then(|c| c.newest())).ok_or_else(|| {
        CliError::Usage(format!(
            "unknown plugin `{name}`: no {}/{name}/plugin.toml",
            config.plugins_dir.display()
        ))
    })?;
    Ok((
        release.migrations(),
        name.into(),
        release.manifest.version.to_string(),
    ))
}

/// The folder's migrations for every engine, by version label.
fn read(
    dir: &Path,
    plugin: &str,
) -> Result<BTreeMap<String, BTreeMap<Dialect, Migration>>, CliError> {
    let mut by_label: BTreeMap<String, BTreeMap<Dialect, Migration>> = BTreeMap::new();
    for d in ENGINES {
        let options = FolderOptions::default();
        let migrations = Box::new(Folder::open(dir, plugin, options)?)
            .read()?
            .resolve(d);
        for m in migrations {
            by_label.entry(m.label.clone()).or_default().insert(d, m);
        }
    }
    Ok(by_label)
}

type Written = (PathBuf, String, Vec<String>);

/// A SQL migration (`any` of its engines' versions) as portable JSON; an engine whose
/// script cannot run there is left out of `databaseEngines`.
fn to_json(
    scripts: &BTreeMap<Dialect, Migration>,
    any: &Migration,
    (plugin, version): (&str, &str),
    label: &str,
) -> Result<Written, CliError> {
    let mut up = BTreeMap::new();
    let mut down = BTreeMap::new();
    for (d, m) in scripts {
        let Ok(text) = m.up.text() else { continue };
        up.insert(*d, text.to_owned());
        if let Some(script) = &m.down {
            down.insert(*d, script.load()?.text()?.to_owned());
        }
    }
    let migration = SqlMigration {
        plugin: plugin.into(),
        label: label.into(),
        name: any.name.clone(),
        default_version: version.into(),
        up,
        down,
        directives: any.up.directives.clone(),
    };
    let file = convert::from_sql(&migration);
    let mut json = serde_json::to_string_pretty(&file).unwrap_or_default();
    json.push('\n');
    Ok((
        PathBuf::from(format!("{label}_{}.json", any.name)),
        json,
        Vec::new(),
    ))
}

/// A portable migration as SQL files named like its JSON file.
fn to_sql(path: &Path) -> Result<Vec<Written>, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
    let file =
        ferry_core::portable::parse(&text).map_err(|error| ferry_core::LoadError::Portable {
            path: path.to_owned(),
            error,
        })?;
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let convert::SqlFiles { files, dropped } = convert::to_sql(&file, &stem)
        .map_err(|why| CliError::Usage(format!("{}: {why}", path.display())))?;
    Ok(files
        .into_iter()
        .enumerate()
        .map(|(i, (p, t))| {
            (
                PathBuf::from(p),
                t,
                if i == 0 { dropped.clone() } else { Vec::new() },
            )
        })
        .collect())
}

/// The files of a migration already in the target form, as they are.
fn copies(dir: &Path, scripts: &BTreeMap<Dialect, Migration>) -> Result<Vec<Written>, CliError> {
    let mut paths: Vec<&Path> = Vec::new();
    for m in scripts.values() {
        paths.push(&m.up.path);
        paths.extend(m.down.as_ref().map(|d| d.path()));
    }
    paths.sort();
    paths.dedup();
    (paths.into_iter())
        .map(|p| {
            let text = std::fs::read_to_string(p)
                .map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))?;
            let relative = p.strip_prefix(dir).unwrap_or(p).to_owned();
            Ok((relative, text, Vec::new()))
        })
        .collect()
}

fn write(out_dir: &Path, relative: &Path, text: &str) -> Result<(), CliError> {
    let path = out_dir.join(relative);
    let failed = |e: std::io::Error| CliError::Usage(format!("{}: {e}", path.display()));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    std::fs::write(&path, text).map_err(failed)
}
