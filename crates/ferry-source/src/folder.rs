//! A migrations folder: listed, its convention detected (or given), its scripts read.

use crate::cache::{CachedScript, ScriptCache, Stamp};
use crate::listing::{Kind, Listed, list, peek, read_text};
use ferry_core::layout::{Convention, Entry, Found, Layout, detect, looks_like_migration};
use ferry_core::naming::{Direction, ParsedName};
use ferry_core::{
    Dialect, DownScript, LoadError, MigrationSource, NamedFile, ROLLBACK_DIR, ReadText, Script,
    ScriptFile, Source, Version, VersionKind,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// How to read a folder.
#[derive(Clone, Debug, Default)]
pub struct FolderOptions {
    /// The convention; detected when `None`.
    pub layout: Option<Layout>,
    /// Glob patterns (`data_*.sql`, `seeds/*`) of entries that are not migrations, matched
    /// against the path inside the folder.
    pub ignore: Vec<String>,
    /// The summary cache file, if one is used.
    pub cache: Option<PathBuf>,
}

/// Something in the folder that ferry does not run, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The entry.
    pub path: PathBuf,
    /// Why it is not run.
    pub why: String,
}

/// What reading a folder found.
#[derive(Debug)]
pub struct Loaded {
    /// The migrations.
    pub source: Source,
    /// Entries skipped on purpose: other engines' variants, files the convention ignores,
    /// `ignore` patterns.
    pub skipped: Vec<Skipped>,
    /// Entries that look like migrations but cannot be run (their reading refuses).
    pub unread: Vec<(PathBuf, String)>,
}

/// A migrations folder, listed, with its convention known.
#[derive(Debug)]
pub struct Folder {
    dir: PathBuf,
    plugin: String,
    layout: Layout,
    why: String,
    listed: Vec<Listed>,
    ignore: Vec<(String, glob::Pattern)>,
    cache: Option<PathBuf>,
}

/// Reads files from disk for scripts known only from their summaries.
#[derive(Debug)]
struct Disk;

impl ReadText for Disk {
    fn read_text(&self, path: &Path) -> Result<String, LoadError> {
        read_text(path)
    }
}

/// Bytes of a file that detection reads.
const PEEK: usize = 8192;

impl Folder {
    /// Lists `dir` (and its subfolders, one level down) and settles its convention. Cheap:
    /// at most a few files' first bytes are read.
    pub fn open(dir: &Path, plugin: &str, options: FolderOptions) -> Result<Folder, LoadError> {
        if !dir.is_dir() {
            return Err(LoadError::MissingDir {
                path: dir.to_owned(),
            });
        }
        let mut listed = list(dir, "")?;
        let mut inner = Vec::new();
        for folder in listed.iter_mut().filter(|l| l.is_dir()) {
            if folder.rel == ROLLBACK_DIR {
                check_rollback_dir(dir, &folder.path)?;
            }
            // A subfolder that cannot be listed matters only if it holds migrations.
            match list(&folder.path, &format!("{}/", folder.rel)) {
                Ok(entries) => inner.extend(entries),
                Err(_) => folder.kind = Err("is a folder that cannot be listed"),
            }
        }
        listed.extend(inner);
        listed.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
        let ignore = compile(&options.ignore)?;
        let (layout, why) = match options.layout {
            Some(layout) => (layout, "set in ferry.toml".to_owned()),
            None => {
                let entries: Vec<Entry<'_>> = (listed.iter())
                    .filter(|l| l.kind.is_ok() && !ignored(&ignore, &l.rel))
                    .map(|l| Entry {
                        path: &l.rel,
                        is_dir: l.is_dir(),
                    })
                    .collect();
                detect(&entries, &mut |rel| peek(&dir.join(rel), PEEK))
            }
        };
        if layout == Layout::Ferry
            && let Some(bad) = listed
                .iter()
                .find(|l| l.rel == ROLLBACK_DIR && l.kind != Ok(Kind::Dir))
        {
            return Err(LoadError::Unread {
                entries: vec![(
                    bad.path.clone(),
                    "is where down scripts live but is not a folder (or a symlink to one)".into(),
                )],
            });
        }
        Ok(Folder {
            dir: dir.to_owned(),
            plugin: plugin.to_owned(),
            layout,
            why,
            listed,
            ignore,
            cache: options.cache,
        })
    }

    /// The folder's convention.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Why this convention: set in ferry.toml, or what detection saw.
    pub fn why(&self) -> &str {
        &self.why
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads every migration; entries ferry cannot run are listed in
    /// [`Loaded::unread`] (reading them as a [`MigrationSource`] refuses instead).
    pub fn load(self) -> Result<Loaded, LoadError> {
        let convention = self.layout.convention();
        let sorted = Sorted::of(self.listed, &self.ignore, convention);
        let settings = read_settings(convention, &sorted.settings)?;
        let cache = self.cache.as_deref().map(ScriptCache::open);
        // SQL migrations' versions, which a portable migration may not take too.
        let sql_versions: HashMap<Version, PathBuf> = (sorted.scripts.iter())
            .filter(|t| t.name.direction == Direction::Up)
            .map(|t| (t.name.version.clone(), t.path.clone()))
            .collect();
        let parts = prepare_all(sorted.scripts, convention, cache.as_ref(), &settings)?;
        let (mut hits, mut fresh, mut files) = (Vec::new(), Vec::new(), Vec::new());
        files.push(read_changelogs(convention, &sorted.changelogs)?);
        files.push(read_portables(
            &sorted.portables,
            &sql_versions,
            &self.plugin,
        )?);
        for part in parts {
            hits.extend(part.hits);
            fresh.extend(part.fresh);
            files.push(part.files);
        }
        if let Some(cache) = cache {
            cache.update(hits, fresh);
        }
        let mut unread = sorted.unread;
        if convention.folders_are_migrations() {
            // Only folders named like migrations must hold one (`seeds/` need not).
            let named: Vec<_> = (sorted.folders.iter())
                .filter(|(rel, _)| rel.starts_with(|c: char| c.is_ascii_digit()))
                .cloned()
                .collect();
            unread.extend(folders_without_up(&named, &files));
        }
        // Nothing read while files that look like migrations were skipped: the convention
        // is probably not the folder's (a `layout` set by mistake), so say so.
        if files.iter().all(Vec::is_empty) && unread.is_empty() {
            unread.extend(
                (sorted.skipped.iter())
                    .filter(|s| s.why.starts_with("not a migration"))
                    .filter(|s| {
                        let name = s.path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
                        looks_like_migration(&name)
                    })
                    .map(|s| {
                        let why = format!(
                            "{}, and nothing in the folder is; is `layout` right? (`ferry doctor` shows what ferry detects)",
                            s.why
                        );
                        (s.path.clone(), why)
                    }),
            );
        }
        // Each thread's files are consumed in turn, never copied into one long list.
        let source = Source::build(
            &self.plugin,
            convention.version_kind(),
            files.into_iter().flatten(),
        )?;
        Ok(Loaded {
            source,
            skipped: sorted.skipped,
            unread,
        })
    }
}

impl MigrationSource for Folder {
    fn version_kind(&self) -> VersionKind {
        self.layout.version_kind()
    }

    fn read(self: Box<Self>) -> Result<Source, LoadError> {
        let loaded = self.load()?;
        if !loaded.unread.is_empty() {
            return Err(LoadError::Unread {
                entries: loaded.unread,
            });
        }
        Ok(loaded.source)
    }
}

/// A script to read: its file, what its name says, and what the convention adds.
struct ToRead {
    rel: String,
    path: PathBuf,
    name: ParsedName,
    both: bool,
    no_transaction: Option<&'static str>,
}

/// The folder's entries, sorted by what they are.
#[derive(Default)]
struct Sorted {
    scripts: Vec<ToRead>,
    settings: Vec<(String, PathBuf)>,
    changelogs: Vec<PathBuf>,
    portables: Vec<(PathBuf, ParsedName)>,
    folders: Vec<(String, PathBuf)>,
    skipped: Vec<Skipped>,
    unread: Vec<(PathBuf, String)>,
}

impl Sorted {
    /// Sorts the listing, consuming it: each path moves into what it becomes.
    fn of(
        listed: Vec<Listed>,
        ignore: &[(String, glob::Pattern)],
        convention: &dyn Convention,
    ) -> Sorted {
        let mut out = Sorted::default();
        let mut folders: Vec<String> = Vec::new();
        for l in listed {
            // Entries of a folder the convention does not list are not its business.
            if let Some((parent, _)) = l.rel.rsplit_once('/')
                && !folders.iter().any(|f| f == parent)
            {
                continue;
            }
            if let Some(pattern) = ignore.iter().find(|(_, p)| p.matches(&l.rel)) {
                let why = format!("matches `{}` in `ignore`", pattern.0);
                out.skip(l, why);
                continue;
            }
            let kind = match l.kind {
                Ok(kind) => kind,
                Err(why) if looks_like_migration(l.file_name()) => {
                    out.unread.push((l.path, why.to_owned()));
                    continue;
                }
                Err(why) => {
                    tracing::warn!("{}: {why}; skipped", l.path.display());
                    out.skip(l, why.to_owned());
                    continue;
                }
            };
            let entry = Entry {
                path: &l.rel,
                is_dir: kind == Kind::Dir,
            };
            match convention.classify(entry) {
                Found::Script {
                    name,
                    both,
                    no_transaction,
                } => out.scripts.push(ToRead {
                    rel: l.rel,
                    path: l.path,
                    name,
                    both,
                    no_transaction,
                }),
                Found::Folder => {
                    folders.push(l.rel.clone());
                    out.folders.push((l.rel, l.path));
                }
                Found::Settings => out.settings.push((l.rel, l.path)),
                Found::Changelog => out.changelogs.push(l.path),
                Found::Portable(name) => out.portables.push((l.path, name)),
                Found::OtherEngine(tag) => {
                    let why = format!("a variant for `{tag}`, an engine ferry does not run");
                    out.skip(l, why);
                }
                Found::NotMigration => {
                    let why = format!("not a migration in the {} layout", convention.name());
                    out.skip(l, why);
                }
                Found::Unread(why) => out.unread.push((l.path, why)),
            }
        }
        out
    }

    fn skip(&mut self, l: Listed, why: String) {
        self.skipped.push(Skipped { path: l.path, why });
    }
}

fn compile(patterns: &[String]) -> Result<Vec<(String, glob::Pattern)>, LoadError> {
    (patterns.iter())
        .map(|p| {
            glob::Pattern::new(p)
                .map(|g| (p.clone(), g))
                .map_err(|e| LoadError::Settings {
                    path: PathBuf::from("ferry.toml"),
                    message: format!("ignore pattern `{p}`: {e}"),
                })
        })
        .collect()
}

fn ignored(ignore: &[(String, glob::Pattern)], rel: &str) -> bool {
    ignore.iter().any(|(_, p)| p.matches(rel))
}

/// Each migration's settings (diesel's `metadata.toml`): the no-transaction marker by
/// version.
fn read_settings(
    convention: &dyn Convention,
    files: &[(String, PathBuf)],
) -> Result<HashMap<Version, String>, LoadError> {
    let mut out = HashMap::new();
    for (rel, path) in files {
        let settings =
            convention
                .settings(&read_text(path)?)
                .map_err(|message| LoadError::Settings {
                    path: path.clone(),
                    message,
                })?;
        if let (Some(version), Some(marker)) =
            (convention.settings_version(rel), settings.no_transaction)
        {
            out.insert(version, marker);
        }
    }
    Ok(out)
}

/// The changesets of every changelog, in order (files in name order, then top to bottom),
/// each numbered by its place; a key used twice is an error naming both places.
fn read_changelogs(
    convention: &dyn Convention,
    changelogs: &[PathBuf],
) -> Result<Vec<NamedFile>, LoadError> {
    let mut named = Vec::new();
    let mut seen: HashMap<String, (PathBuf, u32)> = HashMap::new();
    for path in changelogs {
        let text = read_text(path)?;
        let sets = convention
            .changesets(&text)
            .map_err(|error| LoadError::Sections {
                path: path.clone(),
                error,
            })?;
        for set in sets {
            if let Some((first, line)) = seen.insert(set.key.clone(), (path.clone(), set.line)) {
                return Err(LoadError::Duplicate {
                    version: set.key,
                    first: PathBuf::from(format!("{}:{line}", first.display())),
                    second: PathBuf::from(format!("{}:{}", path.display(), set.line)),
                });
            }
            let Some(version) = Version::sequence(named.len() as u64, &set.key) else {
                return Err(LoadError::Sections {
                    path: path.clone(),
                    error: ferry_core::layout::SectionError {
                        line: set.line,
                        message: format!("`{}` holds spaces or control characters", set.key),
                    },
                });
            };
            let name = ParsedName {
                label: set.key.clone(),
                version,
                name: set.id.clone(),
                direction: Direction::Up,
                dialect: set.dialect,
            };
            let marker = set.no_transaction;
            let first_line = set.line - 1;
            let down = (set.down)
                .map(|down| {
                    Script::at(path.clone(), down, first_line)
                        .map(|s| with_marker(s, marker.clone()))
                })
                .transpose()?;
            let up = with_marker(Script::at(path.clone(), set.up, first_line)?, marker);
            push_pair(&mut named, name, up, down);
        }
    }
    Ok(named)
}

/// Portable JSON migrations: each read strictly, then one variant per engine, with the SQL
/// of its steps for that engine, or, where this ferry cannot run it there yet, a script that
/// says why when it is prepared (at plan time, before anything runs).
fn read_portables(
    portables: &[(PathBuf, ParsedName)],
    sql_versions: &HashMap<Version, PathBuf>,
    plugin: &str,
) -> Result<Vec<NamedFile>, LoadError> {
    let mut named = Vec::new();
    let mut ids: HashMap<String, &PathBuf> = HashMap::new();
    for (path, name) in portables {
        if let Some(sql) = sql_versions.get(&name.version) {
            let mut pair = [sql.clone(), path.clone()];
            pair.sort();
            let [first, second] = pair;
            return Err(LoadError::Duplicate {
                version: name.label.clone(),
                first,
                second,
            });
        }
        let text = read_text(path)?;
        let file = ferry_core::portable::parse(&text).map_err(|error| LoadError::Portable {
            path: path.clone(),
            error,
        })?;
        check_identity(&file, path, plugin, &mut ids)?;
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            // Its id is its name in the history: how a renumbered file is still known.
            let name = ParsedName {
                dialect: Some(dialect),
                name: file.migration.id.clone(),
                ..name.clone()
            };
            match ferry_core::portable::for_engine(&file, dialect) {
                Ok(scripts) => {
                    let declared = ferry_core::portable::directives(&file);
                    let meta = |steps: Vec<ferry_core::StepGuard>| {
                        (declared.portable.clone()).map(|p| ferry_core::PortableMeta { steps, ..p })
                    };
                    let down = (scripts.down)
                        .map(|down| {
                            let mut script = with_marker(
                                Script::new(path.clone(), down)?,
                                scripts.down_no_transaction.clone(),
                            );
                            script.directives.portable = meta(scripts.down_steps.clone());
                            Ok::<_, LoadError>(script)
                        })
                        .transpose()?;
                    let mut up = with_marker(
                        Script::new(path.clone(), scripts.up)?,
                        scripts.no_transaction,
                    );
                    // What the JSON declares beside its SQL, as a SQL file's directives would.
                    up.directives = ferry_core::Directives {
                        no_transaction: up.directives.no_transaction.take(),
                        portable: meta(scripts.up_steps),
                        ..declared.clone()
                    };
                    push_pair(&mut named, name, up, down);
                }
                Err(why) => {
                    let up = Script::unusable(path.clone(), &text, why);
                    push_pair(&mut named, name, up, None);
                }
            }
        }
    }
    Ok(named)
}

/// A portable migration's id is unique in its folder (ids identify migrations forever),
/// and a plugin's migration names that plugin (`pluginId`; the application's folder takes
/// any).
fn check_identity<'p>(
    file: &ferry_core::portable::PortableFile,
    path: &'p PathBuf,
    plugin: &str,
    ids: &mut HashMap<String, &'p PathBuf>,
) -> Result<(), LoadError> {
    let m = &file.migration;
    let refuse = |message: String| {
        Err(LoadError::Settings {
            path: path.clone(),
            message,
        })
    };
    if let Some(other) = ids.insert(m.id.clone(), path) {
        return refuse(format!(
            "its id `{}` is also the id of {}; an id identifies one migration forever: give one of them another",
            m.id,
            other.display()
        ));
    }
    if plugin != ferry_core::plugin::APP && m.plugin_id != plugin {
        return refuse(format!(
            "its pluginId is `{}`, but it is a migration of plugin {plugin}; fix pluginId",
            m.plugin_id
        ));
    }
    Ok(())
}

/// A migration's up script and, if it has one, its down script, both read already.
fn push_pair(named: &mut Vec<NamedFile>, name: ParsedName, up: Script, down: Option<Script>) {
    if let Some(down) = down {
        let name = ParsedName {
            direction: Direction::Down,
            ..name.clone()
        };
        let file = ScriptFile::Down(DownScript::Read(Box::new(down)));
        named.push(NamedFile { name, file });
    }
    let file = ScriptFile::Up(Box::new(up));
    named.push(NamedFile { name, file });
}

/// Migration folders that hold no up script (diesel refuses them too).
fn folders_without_up(
    folders: &[(String, PathBuf)],
    files: &[Vec<NamedFile>],
) -> Vec<(PathBuf, String)> {
    (folders.iter())
        .filter(|(_, path)| {
            !(files.iter().flatten()).any(|f| {
                matches!(f.file, ScriptFile::Up(_)) && f.file.path().parent() == Some(path)
            })
        })
        .map(|(_, path)| (path.clone(), "a migration folder without up.sql".to_owned()))
        .collect()
}

/// Files read by one thread before another is worth starting.
/// (At a thousand files a second thread costs more than it saves: it competes with the
/// connection being set up meanwhile.)
const FILES_PER_THREAD: usize = 2048;

/// What reading the listed files produced: the files, and for the summary cache the
/// entries still valid and the files read and settled since.
#[derive(Default)]
struct Prepared {
    files: Vec<NamedFile>,
    hits: Vec<usize>,
    fresh: Vec<CachedScript>,
}

/// What every part of the reading shares.
struct Context<'a> {
    convention: &'a dyn Convention,
    cache: Option<&'a ScriptCache>,
    settings: &'a HashMap<Version, String>,
    now: SystemTime,
    disk: Arc<dyn ReadText>,
}

impl Prepared {
    /// Adds a script: down scripts stay on disk, up scripts are read or known from the
    /// cache, files holding both directions are read and cut in two.
    fn add(&mut self, file: ToRead, cx: &Context<'_>) -> Result<(), LoadError> {
        let marker = (file.no_transaction.map(str::to_owned))
            .or_else(|| cx.settings.get(&file.name.version).cloned());
        if file.both {
            return self.add_both(file, marker, cx);
        }
        let script = match (file.name.direction, &marker) {
            (Direction::Down, None) => ScriptFile::Down(DownScript::OnDisk {
                path: file.path,
                reader: cx.disk.clone(),
            }),
            (Direction::Down, Some(_)) => {
                let script = with_marker(
                    Script::new(file.path.clone(), read_text(&file.path)?)?,
                    marker,
                );
                ScriptFile::Down(DownScript::Read(Box::new(script)))
            }
            (Direction::Up, _) => {
                let script = self.up_script(&file, cx)?;
                refuse_down_section(&script)?;
                ScriptFile::Up(Box::new(with_marker(script, marker)))
            }
        };
        self.files.push(NamedFile {
            name: file.name,
            file: script,
        });
        Ok(())
    }

    fn add_both(
        &mut self,
        file: ToRead,
        marker: Option<String>,
        cx: &Context<'_>,
    ) -> Result<(), LoadError> {
        let text = read_text(&file.path)?;
        let sections = cx
            .convention
            .sections(&text)
            .map_err(|error| LoadError::Sections {
                path: file.path.clone(),
                error,
            })?;
        let down = (sections.down)
            .map(|down| {
                Script::new(file.path.clone(), down).map(|s| with_marker(s, marker.clone()))
            })
            .transpose()?;
        let up = with_marker(Script::new(file.path, sections.up)?, marker);
        push_pair(&mut self.files, file.name, up, down);
        Ok(())
    }

    /// An up script: from the cache if its file is unchanged, else read (and recorded for
    /// the cache once its times have settled).
    fn up_script(&mut self, file: &ToRead, cx: &Context<'_>) -> Result<Script, LoadError> {
        let Some(cache) = cx.cache else {
            return Script::new(file.path.clone(), read_text(&file.path)?);
        };
        let stamp = std::fs::metadata(&file.path)
            .ok()
            .as_ref()
            .and_then(Stamp::of);
        if let Some((i, summary)) = stamp.and_then(|s| cache.get(&file.rel, &s)) {
            self.hits.push(i);
            return Ok(Script::known(file.path.clone(), summary, cx.disk.clone()));
        }
        let settled = stamp.filter(|s| s.settled(cx.now));
        let script = Script::new(file.path.clone(), read_text(&file.path)?)?;
        if let Some(stamp) = settled {
            (self.fresh).push(CachedScript::new(
                file.rel.clone(),
                stamp,
                &script.summary(),
            ));
        }
        Ok(script)
    }
}

/// Refuses an up script read whole that holds another tool's down section: what follows
/// the marker would run as part of the up migration.
fn refuse_down_section(script: &Script) -> Result<(), LoadError> {
    let Some((line, marker)) = &script.directives.down_marker else {
        return Ok(());
    };
    let layout = if marker.contains("goose") {
        "goose"
    } else if marker.contains("migrate:") {
        "dbmate"
    } else {
        "node-pg-migrate"
    };
    Err(LoadError::Sections {
        path: script.path.clone(),
        error: ferry_core::layout::SectionError {
            line: *line,
            message: format!(
                "`{marker}` starts a down section, which would run as part of the up migration in a file read whole; this is {layout}'s format: set `layout = \"{layout}\"` in ferry.toml (or remove the line)"
            ),
        },
    })
}

/// The script, marked as running without a transaction if its name or settings say so and
/// its text does not already.
fn with_marker(mut script: Script, marker: Option<String>) -> Script {
    if script.directives.no_transaction.is_none() {
        script.directives.no_transaction = marker;
    }
    script
}

/// Prepares every listed file on a few threads (one part each): opening many small files
/// is syscall-bound, and a multi-core machine divides the wait (checksums and directives
/// come along).
fn prepare_all(
    listed: Vec<ToRead>,
    convention: &dyn Convention,
    cache: Option<&ScriptCache>,
    settings: &HashMap<Version, String>,
) -> Result<Vec<Prepared>, LoadError> {
    let cx = Context {
        convention,
        cache,
        settings,
        now: SystemTime::now(),
        disk: Arc::new(Disk),
    };
    let prepare_part = |part: Vec<ToRead>| -> Result<Prepared, LoadError> {
        let mut out = Prepared {
            files: Vec::with_capacity(part.len()),
            ..Prepared::default()
        };
        for file in part {
            out.add(file, &cx)?;
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
    // stat'ed or read) and of the down scripts (which are only named).
    let mut parts: Vec<Vec<ToRead>> = (0..threads)
        .map(|_| Vec::with_capacity(total.div_ceil(threads)))
        .collect();
    for (i, file) in listed.into_iter().enumerate() {
        parts[i % threads].push(file);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = (parts.into_iter())
            .map(|part| scope.spawn(|| prepare_part(part)))
            .collect();
        (handles.into_iter())
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// The `rollback` folder must be a folder other than `dir` itself.
fn check_rollback_dir(dir: &Path, rollback: &Path) -> Result<(), LoadError> {
    match (std::fs::canonicalize(dir), std::fs::canonicalize(rollback)) {
        (Ok(a), Ok(b)) if a == b => Err(LoadError::Unread {
            entries: vec![(
                rollback.to_owned(),
                "is the migrations folder itself".into(),
            )],
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
