//! Migration files on disk, grouped by version and resolved for one engine.

use crate::naming::{Direction, NameError, parse_file_name};
use crate::{
    Checksum, Dialect, DirectiveError, Directives, SplitError, Statement, Version,
    parse_directives, split,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The subfolder that holds down scripts in the seed layout.
pub const ROLLBACK_DIR: &str = "rollback";

/// A file that could not be used as a migration.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The migrations folder does not exist.
    #[error("{}: the migrations folder does not exist; run `ferry init` or pass --dir", path.display())]
    MissingDir {
        /// The folder looked for.
        path: PathBuf,
    },
    /// A file or folder could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file is not valid UTF-8.
    #[error("{}: the file is not valid UTF-8; save it as UTF-8", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// A `.sql` file's name is not a migration name.
    #[error("{}: {reason}", path.display())]
    BadName {
        /// The file.
        path: PathBuf,
        /// What is wrong with the name.
        reason: NameError,
    },
    /// Two files claim the same version and direction for the same engine.
    #[error("{} and {}: both are version {version}; give one of them another number", first.display(), second.display())]
    Duplicate {
        /// The shared version.
        version: String,
        /// The first file.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },
    /// A down script has no up script.
    #[error("{}: a down script for version {version}, which has no migration; remove it or add the migration", path.display())]
    OrphanDown {
        /// The version.
        version: String,
        /// The down script.
        path: PathBuf,
    },
    /// A `-- ferry:` directive is wrong.
    #[error("{}:{}:{}: {}", path.display(), error.line, error.column, error.message)]
    Directive {
        /// The file.
        path: PathBuf,
        /// The problem.
        error: DirectiveError,
    },
    /// A script could not be split into statements.
    #[error("{}:{}:{}: {}", path.display(), error.line, error.column, error.message)]
    Split {
        /// The file.
        path: PathBuf,
        /// The problem.
        error: SplitError,
    },
}

/// One script file and its content.
#[derive(Clone, Debug)]
pub struct Script {
    /// Where the script came from (a file path, or `history:` for a stored down script).
    pub path: PathBuf,
    /// The script's text as read.
    pub text: String,
    /// The checksum of `text`.
    pub checksum: Checksum,
    /// The script's `-- ferry:` directives.
    pub directives: Directives,
}

impl Script {
    /// Builds a script from text, reading its directives.
    pub fn new(path: PathBuf, text: String) -> Result<Script, LoadError> {
        let directives = parse_directives(&text).map_err(|error| LoadError::Directive {
            path: path.clone(),
            error,
        })?;
        Ok(Script {
            checksum: Checksum::of(&text),
            path,
            text,
            directives,
        })
    }

    /// The script's statements for `dialect`.
    pub fn statements(&self, dialect: Dialect) -> Result<Vec<Statement>, LoadError> {
        split(&self.text, dialect).map_err(|error| LoadError::Split {
            path: self.path.clone(),
            error,
        })
    }
}

/// A migration as it applies to one engine: its up script and, if any, its down script.
#[derive(Clone, Debug)]
pub struct Migration {
    /// The plugin that owns the migration.
    pub plugin: String,
    /// The version.
    pub version: Version,
    /// The version as written in the file name.
    pub label: String,
    /// The descriptive name.
    pub name: String,
    /// The up script for this engine.
    pub up: Script,
    /// The down script for this engine, if there is one.
    pub down: Option<Script>,
}

impl Migration {
    /// The description: the `ferry:description` directive, else the name.
    pub fn description(&self) -> String {
        self.up
            .directives
            .description
            .clone()
            .unwrap_or_else(|| self.name.replace('_', " "))
    }
}

/// All script files of one version, every engine variant included.
#[derive(Debug, Default)]
struct VersionFiles {
    label: String,
    name: String,
    /// A handful at most: a map's nodes would cost a kilobyte per version.
    scripts: Vec<((Direction, Option<Dialect>), Script)>,
}

impl VersionFiles {
    fn get(&self, key: &(Direction, Option<Dialect>)) -> Option<&Script> {
        self.scripts.iter().find(|(k, _)| k == key).map(|(_, s)| s)
    }

    /// Takes the script for `direction`: this engine's variant, else the plain file.
    fn take(&mut self, direction: Direction, dialect: Dialect) -> Option<Script> {
        let i = (self.scripts.iter())
            .position(|(k, _)| *k == (direction, Some(dialect)))
            .or_else(|| {
                self.scripts
                    .iter()
                    .position(|(k, _)| *k == (direction, None))
            })?;
        Some(self.scripts.swap_remove(i).1)
    }
}

/// The migrations of one plugin, read from its folder.
#[derive(Debug)]
pub struct Source {
    plugin: String,
    versions: BTreeMap<Version, VersionFiles>,
}

impl Source {
    /// Reads every migration in `dir` (and `dir/rollback`) for `plugin`.
    pub fn load(dir: &Path, plugin: &str) -> Result<Source, LoadError> {
        if !dir.is_dir() {
            return Err(LoadError::MissingDir {
                path: dir.to_owned(),
            });
        }
        let mut files = Vec::new();
        collect(dir, false, &mut files)?;
        let rollback = dir.join(ROLLBACK_DIR);
        if rollback.is_dir() {
            collect(&rollback, true, &mut files)?;
        }
        Source::from_files(plugin, files)
    }

    /// Builds a source from (path, text, is-in-rollback-folder) triples. Pure.
    pub fn from_files(
        plugin: &str,
        mut files: Vec<(PathBuf, String, bool)>,
    ) -> Result<Source, LoadError> {
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut versions: BTreeMap<Version, VersionFiles> = BTreeMap::new();
        for (path, text, in_rollback) in files {
            let file_name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let parsed = match parse_file_name(file_name, in_rollback) {
                Ok(Some(parsed)) => parsed,
                Ok(None) => continue,
                Err(reason) => return Err(LoadError::BadName { path, reason }),
            };
            let entry = versions.entry(parsed.version.clone()).or_default();
            let key = (parsed.direction, parsed.dialect);
            if let Some(existing) = entry.get(&key) {
                return Err(LoadError::Duplicate {
                    version: parsed.label,
                    first: existing.path.clone(),
                    second: path,
                });
            }
            // An up script without an engine tag names the migration; a variant does if nothing else has.
            if parsed.direction == Direction::Up
                && (parsed.dialect.is_none() || entry.label.is_empty())
            {
                entry.label = parsed.label;
                entry.name = parsed.name;
            }
            entry.scripts.push((key, Script::new(path, text)?));
        }
        for (version, files) in &versions {
            if files.label.is_empty() {
                let path = (files.scripts.first())
                    .map(|(_, s)| s.path.clone())
                    .unwrap_or_default();
                return Err(LoadError::OrphanDown {
                    version: version.to_string(),
                    path,
                });
            }
        }
        Ok(Source {
            plugin: plugin.to_owned(),
            versions,
        })
    }

    /// The migrations that apply to `dialect`, in version order: an engine's variant wins over
    /// the plain file, and versions with only other engines' variants are left out.
    pub fn resolve(self, dialect: Dialect) -> Vec<Migration> {
        let plugin = self.plugin;
        self.versions
            .into_iter()
            .filter_map(|(version, mut files)| {
                let up = files.take(Direction::Up, dialect)?;
                Some(Migration {
                    plugin: plugin.clone(),
                    version,
                    down: files.take(Direction::Down, dialect),
                    label: files.label,
                    name: files.name,
                    up,
                })
            })
            .collect()
    }

    /// The highest version with any file, if there are files.
    pub fn newest_version(&self) -> Option<&Version> {
        self.versions.keys().next_back()
    }

    /// The label of the newest version, to number a new migration like the old ones.
    pub fn newest_label(&self) -> Option<&str> {
        self.versions.values().next_back().map(|f| f.label.as_str())
    }
}

/// Files read by one thread before another is worth starting.
const FILES_PER_THREAD: usize = 256;

fn collect(
    dir: &Path,
    in_rollback: bool,
    out: &mut Vec<(PathBuf, String, bool)>,
) -> Result<(), LoadError> {
    let paths = sql_files(dir)?;
    // Opening many small files is syscall-bound; on a multi-core machine a few threads
    // divide the wait.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(paths.len().div_ceil(FILES_PER_THREAD))
        .max(1);
    let chunk = paths.len().div_ceil(threads).max(1);
    let read = |paths: &[PathBuf]| -> Result<Vec<(PathBuf, String, bool)>, LoadError> {
        paths
            .iter()
            .map(|p| Ok((p.clone(), read_text(p)?, in_rollback)))
            .collect()
    };
    if threads == 1 {
        out.extend(read(&paths)?);
        return Ok(());
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| scope.spawn(move || read(part)))
            .collect();
        for handle in handles {
            let part = handle
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
            out.extend(part);
        }
        Ok(())
    })
}

/// The `.sql` files directly inside `dir`.
fn sql_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let is_sql = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("sql"));
        // The directory entry knows its type; only symlinks need a stat to follow them.
        let is_file = match entry.file_type() {
            Ok(t) if t.is_symlink() => path.is_file(),
            Ok(t) => t.is_file(),
            Err(_) => path.is_file(),
        };
        if is_sql && is_file {
            paths.push(path);
        }
    }
    Ok(paths)
}

fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8 {
        path: path.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> (PathBuf, String, bool) {
        let in_rollback = path.starts_with("rollback/");
        (PathBuf::from(path), text.to_owned(), in_rollback)
    }

    #[test]
    fn engine_variant_wins_over_plain_file() {
        let files = || {
            vec![
                file("001_a.sql", "plain"),
                file("001_a.postgres.sql", "pg"),
                file("rollback/001_rollback_a.sql", "down"),
                file("002_only_pg.postgres.sql", "pg2"),
            ]
        };
        let source = Source::from_files("app", files()).unwrap();
        let pg = source.resolve(Dialect::Postgres);
        let source = Source::from_files("app", files()).unwrap();
        assert_eq!(pg.len(), 2);
        assert_eq!(pg[0].up.text, "pg");
        assert_eq!(pg[0].down.as_ref().unwrap().text, "down");
        let lite = source.resolve(Dialect::Sqlite);
        assert_eq!(lite.len(), 1);
        assert_eq!(
            (lite[0].up.text.as_str(), lite[0].name.as_str()),
            ("plain", "a")
        );
    }

    #[test]
    fn numeric_order_not_string_order() {
        let source = Source::from_files(
            "app",
            vec![
                file("10_c.sql", ""),
                file("2_b.sql", ""),
                file("1_a.sql", ""),
            ],
        )
        .unwrap();
        let names: Vec<String> = source
            .resolve(Dialect::Sqlite)
            .into_iter()
            .map(|m| m.name)
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
    }

    #[test]
    fn duplicate_versions_name_both_files() {
        let err = Source::from_files("app", vec![file("001_a.sql", ""), file("1_b.sql", "")])
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("001_a.sql") && msg.contains("1_b.sql"),
            "{msg}"
        );
    }

    #[test]
    fn up_down_pair_is_one_migration() {
        let source = Source::from_files(
            "app",
            vec![file("1_a.up.sql", "u"), file("1_a.down.sql", "d")],
        )
        .unwrap();
        let m = &source.resolve(Dialect::Mysql)[0];
        assert_eq!(
            (m.up.text.as_str(), m.down.as_ref().unwrap().text.as_str()),
            ("u", "d")
        );
    }

    #[test]
    fn a_large_folder_is_read_whole_on_several_threads() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(ROLLBACK_DIR)).unwrap();
        let count = FILES_PER_THREAD * 3;
        for i in 1..=count {
            let name = format!("{i:04}_m{i}.sql");
            std::fs::write(dir.path().join(&name), format!("SELECT {i};")).unwrap();
            let down = dir.path().join(ROLLBACK_DIR).join(&name);
            std::fs::write(down, format!("SELECT -{i};")).unwrap();
        }
        let migrations = Source::load(dir.path(), "app")
            .unwrap()
            .resolve(Dialect::Sqlite);
        assert_eq!(migrations.len(), count);
        for (i, m) in migrations.iter().enumerate() {
            let n = i + 1;
            assert_eq!(m.up.text, format!("SELECT {n};"));
            assert_eq!(m.down.as_ref().unwrap().text, format!("SELECT -{n};"));
        }
    }

    #[test]
    fn orphan_down_is_an_error() {
        let err = Source::from_files("app", vec![file("rollback/003_x.sql", "")]).unwrap_err();
        assert!(matches!(err, LoadError::OrphanDown { .. }));
    }

    #[test]
    fn bad_directive_is_located() {
        let err =
            Source::from_files("app", vec![file("001_a.sql", "-- ferry:nope\n")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "001_a.sql:1:4: unknown directive `ferry:nope`; known directives: ferry:no-transaction, ferry:description"
        );
    }
}
