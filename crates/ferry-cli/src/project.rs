//! A project of plugins: the application's migrations (plugin `app`, if its folder
//! exists), the plugins' releases on disk, and the versions installed in the database.
//! What plugin commands and `ferry plan` start from.

use crate::cli::Global;
use crate::config::Config;
use crate::error::CliError;
use crate::session::connect_options;
use ferry_core::plugin::Manifest;
use ferry_core::plugin::upgrade::{Change, Target};
use ferry_core::{Migration, MigrationSource};
use ferry_engine::Driver;
use ferry_engine::driver::InstalledPlugin;
use ferry_source::plugins::{Catalog, Release};
use ferry_source::{Folder, FolderOptions};
use semver::Version;
use std::collections::BTreeMap;

pub use ferry_core::plugin::APP;

/// A configured, connected project.
pub struct Project {
    /// The resolved configuration.
    pub config: Config,
    /// The connection.
    pub db: Box<dyn Driver>,
    /// Every plugin's releases, by name.
    pub catalogs: BTreeMap<String, Catalog>,
    /// What `ferry_plugins` says is installed.
    pub installed: Vec<InstalledPlugin>,
    /// Whether unchanged files are known from the summary cache (`--no-cache`: no).
    cached: bool,
}

/// One plugin's migrations at the version a plan brings it to.
pub struct Member {
    /// The plugin.
    pub plugin: String,
    /// Its version after the plan (`None`: the application).
    pub version: Option<Version>,
    /// Its manifest at that version.
    pub manifest: Option<Manifest>,
    /// Its migrations for this engine.
    pub migrations: Vec<Migration>,
    /// What the plan does to it.
    pub change: Change,
}

/// A change a command asks of one plugin.
pub struct Asked<'a> {
    /// The plugin.
    pub plugin: &'a str,
    /// The version to bring it to.
    pub to: Version,
    /// Up (install, update) or down (rollback).
    pub change: Change,
}

impl Project {
    /// Reads the configuration and the plugins on disk, connects, and reads the installed
    /// versions. Only a command that `creates` history creates a missing SQLite file.
    pub async fn open(global: &Global, creates: bool) -> Result<Project, CliError> {
        let config = Config::load(global)?;
        ferry_engine::dialect_of(&config.url)?;
        let catalogs =
            ferry_source::plugins::discover(&config.plugins_dir, config.releases.as_deref())?;
        let options = connect_options(&config, creates);
        let mut db = ferry_engine::connect(&config.url, &options).await?;
        let installed = (db.read_plugins().await)
            .map_err(ferry_engine::EngineError::db("reading ferry_plugins"))?;
        Ok(Project {
            config,
            db,
            catalogs,
            installed,
            cached: !global.no_cache,
        })
    }

    /// The plugin's catalog, or an error naming the plugins there are.
    pub fn catalog(&self, name: &str) -> Result<&Catalog, CliError> {
        self.catalogs.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.catalogs.keys().map(String::as_str).collect();
            CliError::Usage(format!(
                "unknown plugin `{name}`: no {}/{name}/plugin.toml{}; plugins found: {}",
                self.config.plugins_dir.display(),
                match &self.config.releases {
                    Some(r) => format!(" and no {}/{name}/", r.display()),
                    None => String::new(),
                },
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ))
        })
    }

    /// The installed version of `name`, if it is installed.
    pub fn installed_version(&self, name: &str) -> Result<Option<Version>, CliError> {
        let Some(row) = self.installed.iter().find(|i| i.name == name) else {
            return Ok(None);
        };
        Version::parse(&row.version).map(Some).map_err(|e| {
            CliError::Usage(format!(
                "ferry_plugins says {name} is at `{}`, which is not a semantic version ({e})",
                row.version
            ))
        })
    }

    /// Every plugin of the project at the version a plan brings it to: the application
    /// (every migration), each installed plugin at its version, and `asked`'s plugin at
    /// its target. `all_up` applies every member's pending migrations (`migrate`);
    /// otherwise only the asked plugin changes. Members come in the plugins' order (the
    /// application first, each plugin after those it requires).
    pub fn members(
        &self,
        asked: Option<&Asked<'_>>,
        all_up: bool,
    ) -> Result<Vec<Member>, CliError> {
        let keep = if all_up { Change::Up } else { Change::Keep };
        let (mut members, mut sources) = (Vec::new(), Vec::new());
        if self.config.dir.is_dir() {
            members.push(Member {
                plugin: APP.into(),
                version: None,
                manifest: None,
                migrations: Vec::new(),
                change: keep,
            });
            sources.push(Source {
                dir: self.config.dir.clone(),
                plugin: APP.into(),
                release: None,
            });
        }
        for row in &self.installed {
            if asked.is_some_and(|a| a.plugin == row.name) {
                continue;
            }
            let version = self
                .installed_version(&row.name)?
                .unwrap_or(Version::new(0, 0, 0));
            let (member, source) = self.member(&row.name, &version, &version, keep)?;
            members.push(member);
            sources.push(source);
        }
        let mut after = None;
        if let Some(a) = asked {
            // A rollback reads the installed release: it knows the migrations to take back.
            let from = match (a.change, self.installed_version(a.plugin)?) {
                (Change::Down, Some(installed)) => installed,
                _ => a.to.clone(),
            };
            let (member, source) = self.member(a.plugin, &from, &a.to, a.change)?;
            if a.change == Change::Down {
                after = Some((members.len(), from));
            }
            members.push(member);
            sources.push(source);
        }
        // The folders are read two at a time: most of a plan's time on a large project.
        for (member, migrations) in members.iter_mut().zip(self.read_all(&sources)?) {
            member.migrations = migrations;
        }
        if let (Some((i, from)), Some(a)) = (after, asked) {
            self.mark_after(&mut members[i], &from, &a.to)?;
        }
        order(members)
    }

    /// Reads each source's migrations, on two threads.
    fn read_all(&self, sources: &[Source]) -> Result<Vec<Vec<Migration>>, CliError> {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let slots: Vec<Slot> = sources
            .iter()
            .map(|_| std::sync::Mutex::new(None))
            .collect();
        let (config, cached) = (&self.config, self.cached);
        std::thread::scope(|scope| {
            for _ in 0..2 {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(source) = sources.get(i) else { break };
                        let read = read(config, cached, source);
                        if let Ok(mut slot) = slots[i].lock() {
                            *slot = Some(read);
                        }
                    }
                });
            }
        });
        (slots.into_iter())
            .map(|slot| {
                let taken = slot.into_inner().ok().flatten();
                taken.unwrap_or_else(|| {
                    Err(CliError::Usage("a migrations folder was not read".into()))
                })
            })
            .collect()
    }

    /// Plugin `name`'s migrations from release `from` (or, if that release is not on disk,
    /// the newest, whose `ferry:since` say what belongs to `to`), with its manifest at `to`.
    fn member(
        &self,
        name: &str,
        from: &Version,
        to: &Version,
        change: Change,
    ) -> Result<(Member, Source), CliError> {
        let catalog = match (self.catalog(name), self.installed_version(name)?) {
            (Ok(c), _) => c,
            (Err(_), Some(installed)) => {
                return Err(CliError::Usage(format!(
                    "plugin {name} is installed at {installed} (ferry_plugins), but its source is in neither {} nor the releases folder; put it back (a plan needs its migrations)",
                    self.config.plugins_dir.display()
                )));
            }
            (Err(e), None) => return Err(e),
        };
        let release = match catalog.releases.get(from) {
            Some(r) => r,
            None => catalog
                .newest()
                .ok_or_else(|| CliError::Usage(format!("{name} has no release")))?,
        };
        let mut manifest = match catalog.releases.get(to) {
            Some(r) => r.manifest.clone(),
            None => release.manifest.clone(),
        };
        manifest.version = to.clone();
        let member = Member {
            plugin: name.to_owned(),
            version: Some(to.clone()),
            migrations: Vec::new(),
            manifest: Some(manifest),
            change,
        };
        Ok((member, Source::of(release)))
    }

    /// For a rollback to `to`: a migration without `ferry:since` that release `to` (on disk)
    /// does not have came after it, with `from`.
    fn mark_after(
        &self,
        member: &mut Member,
        from: &Version,
        to: &Version,
    ) -> Result<(), CliError> {
        let Some(release) = self
            .catalogs
            .get(&member.plugin)
            .and_then(|c| c.releases.get(to))
        else {
            return Ok(());
        };
        let kept: std::collections::BTreeSet<String> = (self.read_release(release)?.iter())
            .map(|m| m.version.as_str().to_owned())
            .collect();
        for m in &mut member.migrations {
            if m.up.directives.since.is_none() && !kept.contains(m.version.as_str()) {
                m.up.directives.since = Some(from.clone());
            }
        }
        Ok(())
    }

    /// A release's migrations; one that says it came with a later version than the
    /// release is an error.
    pub fn read_release(&self, release: &Release) -> Result<Vec<Migration>, CliError> {
        read(&self.config, self.cached, &Source::of(release))
    }

    /// Checks that the members' versions work together on this server.
    pub fn check(&self, members: &[Member]) -> Result<(), CliError> {
        let manifests: Vec<&Manifest> =
            members.iter().filter_map(|m| m.manifest.as_ref()).collect();
        let server = self.db.server_version();
        let ferry = Version::parse(env!("CARGO_PKG_VERSION")).unwrap_or(Version::new(0, 0, 0));
        ferry_core::plugin::compat::check(&manifests, self.db.dialect(), server, &ferry)
            .map_err(|e| CliError::Refused(format!("{e}; nothing was changed")))
    }

    /// Closes the connection.
    pub async fn close(self) {
        self.db.close().await;
    }
}

/// The members as the planner's targets.
pub fn targets(members: &[Member]) -> Vec<Target<'_>> {
    (members.iter())
        .map(|m| Target {
            plugin: &m.plugin,
            to: m.version.as_ref(),
            migrations: &m.migrations,
            change: m.change,
        })
        .collect()
}

/// The members in the plugins' order: the application first, then each plugin after the
/// plugins it requires, ties by name.
fn order(members: Vec<Member>) -> Result<Vec<Member>, CliError> {
    let present: Vec<&str> = members.iter().map(|m| m.plugin.as_str()).collect();
    let requires: BTreeMap<String, Vec<String>> = (members.iter())
        .filter(|m| m.plugin != APP)
        .map(|m| {
            let needs = (m.manifest.iter())
                .flat_map(|man| man.requires.keys())
                .filter(|n| present.contains(&n.as_str()))
                .cloned()
                .collect();
            (m.plugin.clone(), needs)
        })
        .collect();
    let sorted = ferry_core::plugin::graph::plugin_order(&requires)
        .map_err(|e| CliError::Usage(format!("the plugins' requirements: {e}")))?;
    let mut by_name: BTreeMap<String, Member> =
        members.into_iter().map(|m| (m.plugin.clone(), m)).collect();
    let mut out: Vec<Member> = by_name.remove(APP).into_iter().collect();
    out.extend(sorted.iter().filter_map(|n| by_name.remove(n)));
    Ok(out)
}

/// Where a thread leaves one folder's migrations.
type Slot = std::sync::Mutex<Option<Result<Vec<Migration>, CliError>>>;

/// A folder of migrations to read for a plan.
struct Source {
    dir: std::path::PathBuf,
    plugin: String,
    /// The release the folder is (its migrations may not be newer).
    release: Option<Version>,
}

impl Source {
    fn of(release: &Release) -> Source {
        Source {
            dir: release.migrations(),
            plugin: release.manifest.name.clone(),
            release: Some(release.manifest.version.clone()),
        }
    }
}

/// A source's migrations for the configured engine; one that says it came with a later
/// version than its release is an error.
fn read(config: &Config, cached: bool, source: &Source) -> Result<Vec<Migration>, CliError> {
    let (dir, plugin, release) = (&source.dir, source.plugin.as_str(), source.release.as_ref());
    let dialect = ferry_engine::dialect_of(&config.url)?;
    let app = plugin == APP;
    let options = FolderOptions {
        layout: if app { config.layout } else { None },
        ignore: if app {
            config.ignore.clone()
        } else {
            Vec::new()
        },
        cache: (cached.then(crate::session::cache_dir).flatten())
            .map(|d| ferry_source::cache::ScriptCache::file_for(&d, dir)),
    };
    let migrations = Box::new(Folder::open(dir, plugin, options)?)
        .read()?
        .resolve(dialect);
    for m in &migrations {
        let since = m.up.directives.since.as_ref();
        if let (Some(since), Some(release)) = (since, release)
            && since > release
        {
            return Err(CliError::Usage(format!(
                "{}: it says it came with {plugin} {since}, but it is in release {release}; fix its `ferry:since` (or the release's version)",
                m.up.path.display()
            )));
        }
    }
    Ok(migrations)
}
