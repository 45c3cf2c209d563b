//! Migration scripts grouped by version and resolved for one engine. Pure: the files are
//! listed and read elsewhere (the `ferry-source` crate), through [`ReadText`] when a
//! script's text is needed later than its listing.

use crate::layout::{Entry, Found, Layout, SectionError};
use crate::naming::{Direction, ParsedName};
use crate::{
    Checksum, Dialect, DirectiveError, Directives, SplitError, Statement, Version, VersionKind,
    parse_directives, split,
};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

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
    /// Two files claim the same version and direction for the same engine.
    #[error("{} and {}: both are version {version}; give one of them another number (or, if the names are keys run in name order, set `layout = \"maragudk\"`)", first.display(), second.display())]
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
    /// A file that holds both directions has sections ferry cannot tell apart.
    #[error("{}:{}: {}", path.display(), error.line, error.message)]
    Sections {
        /// The file.
        path: PathBuf,
        /// The problem.
        error: SectionError,
    },
    /// A portable JSON migration that cannot be read.
    #[error("{}{}{error}", path.display(), if matches!(error, crate::portable::PortableError::Invalid { .. }) { ":" } else { ": " })]
    Portable {
        /// The file.
        path: PathBuf,
        /// What is wrong, where.
        error: crate::portable::PortableError,
    },
    /// A migration this ferry cannot run on this engine yet, and why.
    #[error("{}: {message}", path.display())]
    Unusable {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A plugin's `plugin.toml` cannot be used.
    #[error("{}:{}:{}: {}", path.display(), error.line, error.column, error.message)]
    Manifest {
        /// The file.
        path: PathBuf,
        /// What is wrong, where.
        error: crate::plugin::ManifestError,
    },
    /// A migration's settings file cannot be read.
    #[error("{}: {message}", path.display())]
    Settings {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Entries look like migrations but ferry cannot run them.
    #[error("{}", unread_message(entries))]
    Unread {
        /// Each entry and why.
        entries: Vec<(PathBuf, String)>,
    },
}

fn unread_message(entries: &[(PathBuf, String)]) -> String {
    let mut text = match entries {
        [(path, why)] => format!("{}: {why}", path.display()),
        _ => {
            let mut text = format!(
                "{} entries look like migrations but cannot be read:",
                entries.len()
            );
            for (path, why) in entries {
                text.push_str(&format!("\n  {}: {why}", path.display()));
            }
            text.push('\n');
            text
        }
    };
    text.push_str("; ferry stops rather than skip a migration: fix or remove them, or list them in `ignore` in ferry.toml");
    text
}

/// Reads a script's text when it is first needed (the `ferry-source` crate reads files).
pub trait ReadText: Send + Sync + fmt::Debug {
    /// The text of the script at `path`.
    fn read_text(&self, path: &Path) -> Result<String, LoadError>;
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
    text: Text,
    /// Lines of its file before the text (a changeset within a changelog): added to every
    /// line number reported, so that errors point into the file.
    first_line: u32,
}

/// A script's text: read already, or read when first needed.
#[derive(Clone, Debug)]
enum Text {
    /// Built from its text.
    Read(String),
    /// A script ferry cannot run on this engine, and why (a portable migration with no SQL
    /// for it, or a step the executor does not run yet): refused when it is prepared, at
    /// plan time, before anything runs.
    Unusable(String),
    /// Known from its summary (the summary cache); read on first use.
    Later {
        reader: Arc<dyn ReadText>,
        read: OnceLock<String>,
    },
}

/// What a script's text says, without the text: enough to plan and to show status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The checksum of the text.
    pub checksum: Checksum,
    /// The directives of the text.
    pub directives: Directives,
}

impl Script {
    /// Builds a script from text, reading its directives.
    pub fn new(path: PathBuf, text: String) -> Result<Script, LoadError> {
        Script::at(path, text, 0)
    }

    /// A script whose text starts after `first_line` lines of its file (a changeset in a
    /// changelog): its checksum is its own text's, its line numbers the file's.
    pub fn at(path: PathBuf, text: String, first_line: u32) -> Result<Script, LoadError> {
        let directives = parse_directives(&text).map_err(|mut error| {
            error.line += first_line;
            LoadError::Directive {
                path: path.clone(),
                error,
            }
        })?;
        Ok(Script {
            checksum: Checksum::of(&text),
            path,
            directives,
            text: Text::Read(text),
            first_line,
        })
    }

    /// A script that cannot run, and why; its checksum is `source`'s (the file it comes
    /// from).
    pub fn unusable(path: PathBuf, source: &str, why: String) -> Script {
        Script {
            checksum: Checksum::of(source),
            path,
            directives: Directives::default(),
            text: Text::Unusable(why),
            first_line: 0,
        }
    }

    /// A script known from its summary; `reader` reads the text when first asked for.
    pub fn known(path: PathBuf, summary: Summary, reader: Arc<dyn ReadText>) -> Script {
        Script {
            path,
            checksum: summary.checksum,
            directives: summary.directives,
            text: Text::Later {
                reader,
                read: OnceLock::new(),
            },
            first_line: 0,
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
        let (reader, read) = match &self.text {
            Text::Read(text) => return Ok(text),
            Text::Unusable(why) => {
                return Err(LoadError::Unusable {
                    path: self.path.clone(),
                    message: why.clone(),
                });
            }
            Text::Later { reader, read } => match read.get() {
                Some(text) => return Ok(text),
                None => (reader, read),
            },
        };
        let text = reader.read_text(&self.path)?;
        if Checksum::of(&text) != self.checksum {
            return Err(LoadError::Changed {
                path: self.path.clone(),
            });
        }
        Ok(read.get_or_init(|| text))
    }

    /// The script's statements for `dialect`.
    pub fn statements(&self, dialect: Dialect) -> Result<Vec<Statement>, LoadError> {
        let mut statements = split(self.text()?, dialect).map_err(|mut error| {
            error.line += self.first_line;
            LoadError::Split {
                path: self.path.clone(),
                error,
            }
        })?;
        for statement in &mut statements {
            statement.line += self.first_line;
        }
        Ok(statements)
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

/// A down script. The folder reader leaves it on disk: most commands never need it, and on
/// a long history reading every rollback file doubled the work of a no-op run.
#[derive(Clone, Debug)]
pub enum DownScript {
    /// Read already (boxed: most down scripts stay on disk, and a migration's `down` should
    /// cost a path, not a whole script, in a long history).
    Read(Box<Script>),
    /// To be read when needed.
    OnDisk {
        /// The file.
        path: PathBuf,
        /// What reads it.
        reader: Arc<dyn ReadText>,
    },
}

impl DownScript {
    /// The file.
    pub fn path(&self) -> &Path {
        match self {
            DownScript::Read(script) => &script.path,
            DownScript::OnDisk { path, .. } => path,
        }
    }

    /// The script, reading the file if it was not read yet.
    pub fn load(&self) -> Result<Cow<'_, Script>, LoadError> {
        match self {
            DownScript::Read(script) => Ok(Cow::Borrowed(script)),
            DownScript::OnDisk { path, reader } => Ok(Cow::Owned(Script::new(
                path.clone(),
                reader.read_text(path)?,
            )?)),
        }
    }
}

/// A migration's script file, in either direction.
#[derive(Clone, Debug)]
pub enum ScriptFile {
    /// An up script, always known (read, or from its summary). Boxed, as a down script's
    /// place is: most entries of a long folder should cost a pointer, not a whole script.
    Up(Box<Script>),
    /// A down script.
    Down(DownScript),
}

impl ScriptFile {
    /// The file.
    pub fn path(&self) -> &Path {
        match self {
            ScriptFile::Up(script) => &script.path,
            ScriptFile::Down(down) => down.path(),
        }
    }

    fn direction(&self) -> Direction {
        match self {
            ScriptFile::Up(_) => Direction::Up,
            ScriptFile::Down(_) => Direction::Down,
        }
    }
}

/// A script file and what its name says (its direction is the file's).
#[derive(Debug)]
pub struct NamedFile {
    /// What the name says.
    pub name: ParsedName,
    /// The script.
    pub file: ScriptFile,
}

/// All script files of one version, every engine variant included.
#[derive(Debug, Default)]
struct VersionFiles {
    label: String,
    name: String,
    /// The up script `label` and `name` come from: the plain file, or an engine's variant.
    named_by: Option<Option<Dialect>>,
    /// A handful at most: a map's nodes would cost a kilobyte per version.
    scripts: Vec<(Option<Dialect>, ScriptFile)>,
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
                (self.get(Direction::Up, current)).is_some_and(|namer| path < namer.path())
            }
        }
    }

    fn get(&self, direction: Direction, dialect: Option<Dialect>) -> Option<&ScriptFile> {
        (self.scripts.iter())
            .find(|(d, f)| *d == dialect && f.direction() == direction)
            .map(|(_, f)| f)
    }

    /// Takes the file for `direction`: this engine's variant, else the plain file.
    fn take(&mut self, direction: Direction, dialect: Dialect) -> Option<ScriptFile> {
        let at = |d: Option<Dialect>| {
            (self.scripts.iter()).position(|(k, f)| *k == d && f.direction() == direction)
        };
        let i = at(Some(dialect)).or_else(|| at(None))?;
        Some(self.scripts.swap_remove(i).1)
    }

    fn take_up(&mut self, dialect: Dialect) -> Option<Script> {
        match self.take(Direction::Up, dialect)? {
            ScriptFile::Up(script) => Some(*script),
            ScriptFile::Down(_) => None,
        }
    }

    fn take_down(&mut self, dialect: Dialect) -> Option<DownScript> {
        match self.take(Direction::Down, dialect)? {
            ScriptFile::Down(down) => Some(down),
            ScriptFile::Up(_) => None,
        }
    }
}

/// The migrations of one plugin, as a source listed them.
#[derive(Debug)]
pub struct Source {
    plugin: String,
    kind: VersionKind,
    versions: BTreeMap<Version, VersionFiles>,
}

impl Source {
    /// Builds a source from files in ferry's layout given as (path, text,
    /// is-in-rollback-folder). Pure; for tests and tools that hold the texts already.
    pub fn from_files(
        plugin: &str,
        files: Vec<(PathBuf, String, bool)>,
    ) -> Result<Source, LoadError> {
        let ferry = Layout::Ferry.convention();
        let mut named = Vec::new();
        for (path, text, in_rollback) in files {
            let file_name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let listed = match in_rollback {
                true => format!("{}/{file_name}", crate::ROLLBACK_DIR),
                false => file_name.to_owned(),
            };
            let name = match ferry.classify(Entry {
                path: &listed,
                is_dir: false,
            }) {
                Found::Script { name, .. } => name,
                Found::Unread(_) if !file_name.to_ascii_lowercase().ends_with(".sql") => continue,
                Found::Unread(why) => {
                    return Err(LoadError::Unread {
                        entries: vec![(path, why)],
                    });
                }
                _ => continue,
            };
            let script = Script::new(path, text)?;
            let file = match name.direction {
                Direction::Up => ScriptFile::Up(Box::new(script)),
                Direction::Down => ScriptFile::Down(DownScript::Read(Box::new(script))),
            };
            named.push(NamedFile { name, file });
        }
        Source::build(plugin, VersionKind::Numeric, named)
    }

    /// Arranges named files by version. The files may come in any order; every choice
    /// below compares paths, so the result does not depend on it.
    pub fn build(
        plugin: &str,
        kind: VersionKind,
        files: impl IntoIterator<Item = NamedFile>,
    ) -> Result<Source, LoadError> {
        let mut versions: BTreeMap<Version, VersionFiles> = BTreeMap::new();
        for NamedFile { name, file } in files {
            let ParsedName {
                version,
                label,
                name,
                dialect,
                ..
            } = name;
            let direction = file.direction();
            let entry = versions.entry(version).or_default();
            if let Some(existing) = entry.get(direction, dialect) {
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
            entry.scripts.push((dialect, file));
        }
        for (version, files) in &versions {
            if files.named_by.is_none() {
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
            kind,
            versions,
        })
    }

    /// How this source's versions compare.
    pub fn version_kind(&self) -> VersionKind {
        self.kind
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
                let up = files.take_up(dialect)?;
                Some(Migration {
                    plugin: plugin.clone(),
                    version,
                    down: files.take_down(dialect),
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

/// Where migrations come from: a folder in some convention today, plugins' packages later.
/// Reading may block (it reads files); callers run it off the async runtime.
pub trait MigrationSource: Send {
    /// How the source's versions compare (the history is read with the same kind).
    fn version_kind(&self) -> VersionKind;

    /// Lists and reads the migrations.
    fn read(self: Box<Self>) -> Result<Source, LoadError>;
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
            "001_a.sql:1:4: unknown directive `ferry:nope`; known directives: ferry:no-transaction, ferry:description, ferry:since, ferry:requires, ferry:conflicts, ferry:allow"
        );
    }
}
