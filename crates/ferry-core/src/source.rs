//! Migration files on disk, grouped by version and resolved for one engine.

use crate::cache::{CachedScript, ScriptCache, Stamp, Summary};
use crate::naming::{Direction, NameError, ParsedName, parse_file_name};
use crate::{
    Checksum, Dialect, DirectiveError, Directives, SplitError, Statement, Version,
    parse_directives, split,
};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

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
    /// An entry of the migrations folder that looks like a migration cannot be read as one.
    #[error("{}: {reason}; it looks like a migration, so ferry stops rather than skip it (fix or remove it)", path.display())]
    Unreadable {
        /// The entry.
        path: PathBuf,
        /// Why it cannot be read.
        reason: &'static str,
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
    /// A file's text no longer has the checksum it was planned with.
    #[error("{}: the file changed while ferry was running; run the command again", path.display())]
    Changed {
        /// The file.
        path: PathBuf,
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

/// One script: its checksum and directives, and its text.
#[derive(Clone, Debug)]
pub struct Script {
    /// Where the script came from (a file path, or `history:` for a stored down script).
    pub path: PathBuf,
    /// The checksum of the text.
    pub checksum: Checksum,
    /// The script's `-- ferry:` directives.
    pub directives: Directives,
    /// Set from the start for a script built from its text; read on first use for one
    /// known from the summary cache.
    text: OnceLock<String>,
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
            directives,
            text: OnceLock::from(text),
        })
    }

    /// A script known from its summary; the text is read when first asked for.
    fn known(path: PathBuf, summary: Summary) -> Script {
        Script {
            path,
            checksum: summary.checksum,
            directives: summary.directives,
            text: OnceLock::new(),
        }
    }

    /// The checksum and directives, for the summary cache.
    pub fn summary(&self) -> Summary {
        Summary {
            checksum: self.checksum,
            directives: self.directives.clone(),
        }
    }

    /// The text. A script known from the cache reads its file now, and refuses a text
    /// whose checksum differs from the one everything was planned with.
    pub fn text(&self) -> Result<&str, LoadError> {
        if let Some(text) = self.text.get() {
            return Ok(text);
        }
        let text = read_text(&self.path)?;
        if Checksum::of(&text) != self.checksum {
            return Err(LoadError::Changed {
                path: self.path.clone(),
            });
        }
        Ok(self.text.get_or_init(|| text))
    }

    /// The script's statements for `dialect`.
    pub fn statements(&self, dialect: Dialect) -> Result<Vec<Statement>, LoadError> {
        split(self.text()?, dialect).map_err(|error| LoadError::Split {
            path: self.path.clone(),
            error,
        })
    }
}

/// A migration as it applies to one engine: its up script and, if any, its down script.
#[derive(Clone, Debug)]
pub struct Migration {
    /// The plugin that owns the migration (one copy shared by all of its migrations).
    pub plugin: Arc<str>,
    /// The version.
    pub version: Version,
    /// The version as written in the file name.
    pub label: String,
    /// The descriptive name.
    pub name: String,
    /// The up script for this engine.
    pub up: Script,
    /// The down script for this engine, if there is one.
    pub down: Option<DownScript>,
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

/// A down script. [`Source::load`] leaves it on disk: most commands never need it, and on a
/// long history reading every rollback file doubled the work of a no-op run.
#[derive(Clone, Debug)]
pub enum DownScript {
    /// Read already (boxed: most down scripts stay on disk, and a migration's `down` should
    /// cost a path, not a whole script, in a long history).
    Read(Box<Script>),
    /// To be read when needed.
    OnDisk(PathBuf),
}

impl DownScript {
    /// The file.
    pub fn path(&self) -> &Path {
        match self {
            DownScript::Read(script) => &script.path,
            DownScript::OnDisk(path) => path,
        }
    }

    /// The script, reading the file if it was not read yet.
    pub fn load(&self) -> Result<Cow<'_, Script>, LoadError> {
        match self {
            DownScript::Read(script) => Ok(Cow::Borrowed(script)),
            DownScript::OnDisk(path) => {
                Ok(Cow::Owned(Script::new(path.clone(), read_text(path)?)?))
            }
        }
    }
}

/// All script files of one version, every engine variant included.
#[derive(Debug, Default)]
struct VersionFiles {
    label: String,
    name: String,
    /// The up script `label` and `name` come from: the plain file, or an engine's variant.
    named_by: Option<Option<Dialect>>,
    /// A handful at most: a map's nodes would cost a kilobyte per version.
    scripts: Vec<((Direction, Option<Dialect>), DownScript)>,
}

impl VersionFiles {
    /// Whether the up script at `path` should name the version: the plain file does, else
    /// the variant whose path sorts first.
    fn names_better(&self, dialect: Option<Dialect>, path: &Path) -> bool {
        match self.named_by {
            None => true,
            Some(None) => false,
            Some(Some(_)) if dialect.is_none() => true,
            Some(current) => {
                (self.get(&(Direction::Up, current))).is_some_and(|namer| path < namer.path())
            }
        }
    }

    fn get(&self, key: &(Direction, Option<Dialect>)) -> Option<&DownScript> {
        self.scripts.iter().find(|(k, _)| k == key).map(|(_, s)| s)
    }

    /// Takes the file for `direction`: this engine's variant, else the plain file.
    fn take(&mut self, direction: Direction, dialect: Dialect) -> Option<DownScript> {
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
    /// Reads every migration in `dir` (and `dir/rollback`) for `plugin`; down scripts are
    /// only listed (see [`DownScript`]).
    pub fn load(dir: &Path, plugin: &str) -> Result<Source, LoadError> {
        Source::load_with(dir, plugin, None)
    }

    /// Like [`Source::load`], with the summary cache at `cache` (see [`crate::cache`]): up
    /// scripts whose files are unchanged are not read until their text is needed.
    pub fn load_with(dir: &Path, plugin: &str, cache: Option<&Path>) -> Result<Source, LoadError> {
        if !dir.is_dir() {
            return Err(LoadError::MissingDir {
                path: dir.to_owned(),
            });
        }
        // The two folders are listed, and the cache read, at the same time.
        let rollback = dir.join(ROLLBACK_DIR);
        check_rollback_dir(dir, &rollback)?;
        let (ups, downs, cache) = std::thread::scope(|scope| {
            let downs = scope.spawn(|| match rollback.is_dir() {
                true => sql_files(&rollback),
                false => Ok(Vec::new()),
            });
            let cache = scope.spawn(|| cache.map(ScriptCache::open));
            let ups = sql_files(dir);
            let downs = downs
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (
                ups,
                downs,
                cache
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            )
        });
        let mut listed: Vec<(PathBuf, bool)> = ups?.into_iter().map(|p| (p, false)).collect();
        listed.extend(downs?.into_iter().map(|p| (p, true)));
        let parts = prepare_all(listed, cache.as_ref())?;
        let (mut hits, mut fresh, mut files) = (Vec::new(), Vec::new(), Vec::new());
        for part in parts {
            hits.extend(part.hits);
            fresh.extend(part.fresh);
            files.push(part.files);
        }
        if let Some(cache) = cache {
            cache.update(hits, fresh);
        }
        // Each thread's files are consumed in turn, never copied into one long list.
        Source::build(plugin, files.into_iter().flatten())
    }

    /// Builds a source from (path, text, is-in-rollback-folder) triples. Pure.
    pub fn from_files(
        plugin: &str,
        files: Vec<(PathBuf, String, bool)>,
    ) -> Result<Source, LoadError> {
        let mut named = Vec::new();
        for (path, text, in_rollback) in files {
            if let Some(name) = parse_name(&path, in_rollback)? {
                let file = DownScript::Read(Box::new(Script::new(path, text)?));
                named.push(NamedFile { name, file });
            }
        }
        Source::build(plugin, named)
    }

    /// Arranges named files by version. The files come in directory order; every choice
    /// below compares paths, so the result does not depend on it.
    fn build(
        plugin: &str,
        files: impl IntoIterator<Item = NamedFile>,
    ) -> Result<Source, LoadError> {
        let mut versions: BTreeMap<Version, VersionFiles> = BTreeMap::new();
        for NamedFile { name, file } in files {
            let ParsedName {
                version,
                label,
                name,
                direction,
                dialect,
            } = name;
            let entry = versions.entry(version).or_default();
            let key = (direction, dialect);
            if let Some(existing) = entry.get(&key) {
                let mut pair = [existing.path().to_owned(), file.path().to_owned()];
                pair.sort();
                let [first, second] = pair;
                return Err(LoadError::Duplicate {
                    version: label,
                    first,
                    second,
                });
            }
            if direction == Direction::Up && entry.names_better(dialect, file.path()) {
                entry.label = label;
                entry.name = name;
                entry.named_by = Some(dialect);
            }
            if entry.scripts.is_empty() {
                // Most versions have an up and a down file: room for two, not the default four.
                entry.scripts.reserve_exact(2);
            }
            entry.scripts.push((key, file));
        }
        for (version, files) in &versions {
            if files.label.is_empty() {
                let path = (files.scripts.iter().map(|(_, s)| s.path()).min())
                    .map(Path::to_owned)
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
        let plugin: Arc<str> = self.plugin.into();
        let mut migrations = Vec::with_capacity(self.versions.len());
        let resolved = self
            .versions
            .into_iter()
            .filter_map(|(version, mut files)| {
                let up = match files.take(Direction::Up, dialect)? {
                    DownScript::Read(script) => *script,
                    DownScript::OnDisk(_) => unreachable!("up scripts are always read"),
                };
                Some(Migration {
                    plugin: plugin.clone(),
                    version,
                    down: files.take(Direction::Down, dialect),
                    label: files.label,
                    name: files.name,
                    up,
                })
            });
        migrations.extend(resolved);
        migrations
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
/// (At a thousand files a second thread costs more than it saves: it competes with the
/// connection being set up meanwhile.)
const FILES_PER_THREAD: usize = 2048;

/// The name of a migration file, or `None` for a `.sql` file that is not one.
fn parse_name(path: &Path, in_rollback: bool) -> Result<Option<ParsedName>, LoadError> {
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    parse_file_name(file_name, in_rollback).map_err(|reason| LoadError::BadName {
        path: path.to_owned(),
        reason,
    })
}

/// A migration file: its parsed name and its script (read, or left on disk).
struct NamedFile {
    name: ParsedName,
    file: DownScript,
}

/// What reading the listed files produced: the files, and for the summary cache the
/// entries still valid and the files read and settled since.
#[derive(Default)]
struct Prepared {
    files: Vec<NamedFile>,
    hits: Vec<usize>,
    fresh: Vec<CachedScript>,
}

impl Prepared {
    /// Parses a listed file's name and adds it: down scripts stay on disk, up scripts are
    /// read or known from the cache. A `.sql` file that is not a migration is skipped.
    fn add(
        &mut self,
        path: PathBuf,
        in_rollback: bool,
        cache: Option<&ScriptCache>,
        now: SystemTime,
    ) -> Result<(), LoadError> {
        let Some(name) = parse_name(&path, in_rollback)? else {
            return Ok(());
        };
        let file = match name.direction {
            Direction::Down => DownScript::OnDisk(path),
            Direction::Up => DownScript::Read(Box::new(self.up_script(path, cache, now)?)),
        };
        self.files.push(NamedFile { name, file });
        Ok(())
    }

    /// An up script: from the cache if its file is unchanged, else read (and recorded for
    /// the cache once its times have settled).
    fn up_script(
        &mut self,
        path: PathBuf,
        cache: Option<&ScriptCache>,
        now: SystemTime,
    ) -> Result<Script, LoadError> {
        let Some(cache) = cache else {
            let text = read_text(&path)?;
            return Script::new(path, text);
        };
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let stamp = std::fs::metadata(&path).ok().as_ref().and_then(Stamp::of);
        if let Some((i, summary)) = stamp.and_then(|s| cache.get(file, &s)) {
            self.hits.push(i);
            return Ok(Script::known(path, summary));
        }
        let settled = stamp
            .filter(|s| s.settled(now))
            .map(|s| (file.to_owned(), s));
        let text = read_text(&path)?;
        let script = Script::new(path, text)?;
        if let Some((file, stamp)) = settled {
            (self.fresh).push(CachedScript::new(file, stamp, &script.summary()));
        }
        Ok(script)
    }
}

/// Prepares every listed file on a few threads (one part each): opening many small files
/// is syscall-bound, and a multi-core machine divides the wait (checksums and directives
/// come along).
fn prepare_all(
    listed: Vec<(PathBuf, bool)>,
    cache: Option<&ScriptCache>,
) -> Result<Vec<Prepared>, LoadError> {
    let now = SystemTime::now();
    let prepare_part = |part: Vec<(PathBuf, bool)>| -> Result<Prepared, LoadError> {
        let mut out = Prepared {
            files: Vec::with_capacity(part.len()),
            ..Prepared::default()
        };
        for (path, in_rollback) in part {
            out.add(path, in_rollback, cache, now)?;
        }
        Ok(out)
    };
    let total = listed.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(total.div_ceil(FILES_PER_THREAD))
        .max(1);
    if threads == 1 {
        return Ok(vec![prepare_part(listed)?]);
    }
    // Dealt out in turn, so that each thread gets its share of the up scripts (which are
    // stat'ed or read) and of the down scripts (which are only named); owned, so that each
    // path moves into its script instead of being copied.
    let mut parts = vec![Vec::with_capacity(total.div_ceil(threads)); threads];
    for (i, file) in listed.into_iter().enumerate() {
        parts[i % threads].push(file);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = (parts.into_iter())
            .map(|part| scope.spawn(move || prepare_part(part)))
            .collect();
        (handles.into_iter())
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// The `rollback` folder, if there is one, must be a folder other than `dir` itself.
fn check_rollback_dir(dir: &Path, rollback: &Path) -> Result<(), LoadError> {
    let unreadable = |reason| {
        Err(LoadError::Unreadable {
            path: rollback.to_owned(),
            reason,
        })
    };
    match std::fs::symlink_metadata(rollback) {
        Err(_) => Ok(()),
        Ok(_) if !rollback.is_dir() => {
            unreadable("is where down scripts live but is not a folder (or a symlink to one)")
        }
        Ok(_) => match (std::fs::canonicalize(dir), std::fs::canonicalize(rollback)) {
            (Ok(a), Ok(b)) if a == b => unreadable("is the migrations folder itself"),
            _ => Ok(()),
        },
    }
}

/// The `.sql` files directly inside `dir` (the `rollback` folder is read on its own).
/// Entries that cannot be read as files are never skipped in silence: one that looks like a
/// migration (a `.sql` name, or a name starting with a digit) is an error, any other is
/// named in a warning.
fn sql_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let name = entry.file_name();
        let lossy = name.to_string_lossy();
        // Hidden entries are editors' and tools' (`.#001_a.sql` is an Emacs lock link).
        if lossy.starts_with('.') {
            continue;
        }
        let is_sql = lossy.to_ascii_lowercase().ends_with(".sql");
        // The directory entry knows its type; only symlinks need a stat to follow them.
        let kind = match entry.file_type() {
            Ok(t) if t.is_file() => Ok(()),
            Ok(t) if t.is_dir() => Err("is a folder, not a file"),
            Ok(t) if t.is_symlink() => match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => Ok(()),
                Ok(m) if m.is_dir() => Err("is a symlink to a folder, not to a file"),
                Ok(_) => Err("is a symlink to something that is not a file"),
                Err(_) => Err("is a symlink whose target does not exist (or loops)"),
            },
            Ok(_) => Err("is not a regular file"),
            Err(_) => Err("cannot be examined"),
        };
        let looks_like_migration = is_sql || lossy.starts_with(|c: char| c.is_ascii_digit());
        let problem = match (kind, name.to_str()) {
            (Err(why), _) => why,
            (Ok(()), None) => "has a name that is not valid UTF-8; rename it",
            (Ok(()), Some(_)) if is_sql => {
                paths.push(path);
                continue;
            }
            (Ok(()), Some(_)) => continue,
        };
        if path.file_name().is_some_and(|n| n == ROLLBACK_DIR) {
            continue;
        }
        if looks_like_migration {
            return Err(LoadError::Unreadable {
                path,
                reason: problem,
            });
        }
        tracing::warn!("{}: {problem}; skipped", path.display());
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
        assert_eq!(pg[0].up.text().unwrap(), "pg");
        assert_eq!(
            pg[0].down.as_ref().unwrap().load().unwrap().text().unwrap(),
            "down"
        );
        let lite = source.resolve(Dialect::Sqlite);
        assert_eq!(lite.len(), 1);
        assert_eq!(
            (lite[0].up.text().unwrap(), lite[0].name.as_str()),
            ("plain", "a")
        );
    }

    #[test]
    fn the_result_does_not_depend_on_directory_order() {
        let files = vec![
            file("001_b.mysql.sql", "m"),
            file("001_a.postgres.sql", "p"),
            file("1_c.sql", "x"),
            file("01_d.sql", "y"),
        ];
        let mut reversed = files.clone();
        reversed.reverse();
        for order in [files, reversed] {
            let err = Source::from_files("app", order).unwrap_err().to_string();
            assert!(err.starts_with("01_d.sql and 1_c.sql"), "{err}");
        }
        for order in [[0, 1], [1, 0]] {
            let pair = ["001_b.mysql.sql", "001_a.postgres.sql"];
            let files = order.map(|i| file(pair[i], "")).to_vec();
            let m = Source::from_files("app", files)
                .unwrap()
                .resolve(Dialect::Mysql);
            assert_eq!(
                m[0].name, "a",
                "the variant sorting first names the version"
            );
        }
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
            (
                m.up.text().unwrap(),
                m.down
                    .as_ref()
                    .unwrap()
                    .load()
                    .unwrap()
                    .text()
                    .unwrap()
                    .to_owned()
            ),
            ("u", "d".to_owned())
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
            assert_eq!(m.up.text().unwrap(), format!("SELECT {n};"));
            let down = m.down.as_ref().unwrap();
            assert!(matches!(down, DownScript::OnDisk(_)), "left on disk");
            assert_eq!(
                down.load().unwrap().text().unwrap(),
                format!("SELECT -{n};")
            );
        }
    }

    #[test]
    fn a_script_known_from_the_cache_refuses_a_text_that_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("001_a.sql");
        std::fs::write(&path, "SELECT 1;").unwrap();
        let planned = Script::new(path.clone(), "SELECT 1;".into()).unwrap();
        let known = Script::known(path.clone(), planned.summary());
        assert_eq!(known.text().unwrap(), "SELECT 1;");
        std::fs::write(&path, "SELECT 2;").unwrap();
        let known = Script::known(path, planned.summary());
        assert!(matches!(known.text(), Err(LoadError::Changed { .. })));
    }

    #[test]
    fn a_cache_that_cannot_be_written_only_costs_time() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("001_a.sql"), "SELECT 1;").unwrap();
        // The cache's folder is a file: nothing can be written under it.
        let blocker = dir.path().join("not-a-folder");
        std::fs::write(&blocker, "").unwrap();
        let cache = blocker.join("cache.json");
        // Settled files are the ones the cache would record.
        std::thread::sleep(crate::cache::SETTLED + std::time::Duration::from_millis(200));
        let migrations = Source::load_with(dir.path(), "app", Some(&cache))
            .unwrap()
            .resolve(Dialect::Sqlite);
        assert_eq!(migrations[0].up.text().unwrap(), "SELECT 1;");
        assert!(!cache.exists());
    }

    #[test]
    fn entries_that_look_like_migrations_but_cannot_be_read_are_errors() {
        use std::os::unix::ffi::OsStrExt;
        type Make = fn(&Path);
        let cases: [(&str, Make); 4] = [
            ("002_folder.sql", |p| std::fs::create_dir(p).unwrap()),
            ("003_dangling.sql", |p| {
                std::os::unix::fs::symlink("nowhere.sql", p).unwrap()
            }),
            ("004_loop.sql", |p| {
                std::os::unix::fs::symlink(p, p).unwrap()
            }),
            ("005_diesel_style", |p| std::fs::create_dir(p).unwrap()),
        ];
        for (name, make) in cases {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("001_a.sql"), "SELECT 1;").unwrap();
            make(&dir.path().join(name));
            let err = Source::load(dir.path(), "app").unwrap_err();
            assert!(matches!(err, LoadError::Unreadable { .. }), "{name}: {err}");
            assert!(err.to_string().contains(name), "{err}");
        }
        let dir = tempfile::tempdir().unwrap();
        let bad = std::ffi::OsStr::from_bytes(b"006_\xff.sql");
        std::fs::write(dir.path().join(bad), "SELECT 1;").unwrap();
        let err = Source::load(dir.path(), "app").unwrap_err();
        assert!(err.to_string().contains("UTF-8"), "{err}");
        // Hidden entries (an Emacs lock link) are skipped without a word.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("001_a.sql"), "SELECT 1;").unwrap();
        std::os::unix::fs::symlink("user@host.123", dir.path().join(".#001_a.sql")).unwrap();
        assert!(Source::load(dir.path(), "app").is_ok());
        // A rollback "folder" that is a file, or the migrations folder itself, is an error.
        for make in [
            (|p: &Path| std::fs::write(p, "x").unwrap()) as Make,
            |p: &Path| std::os::unix::fs::symlink(".", p).unwrap(),
            |p: &Path| std::os::unix::fs::symlink("gone", p).unwrap(),
        ] {
            let dir = tempfile::tempdir().unwrap();
            make(&dir.path().join(ROLLBACK_DIR));
            let err = Source::load(dir.path(), "app").unwrap_err();
            assert!(matches!(err, LoadError::Unreadable { .. }), "{err}");
        }
        // Other folders and files are not migrations: skipped (folders with a warning).
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("archive")).unwrap();
        std::fs::create_dir(dir.path().join(ROLLBACK_DIR)).unwrap();
        std::fs::write(dir.path().join("README.md"), "x").unwrap();
        assert!(Source::load(dir.path(), "app").is_ok());
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
