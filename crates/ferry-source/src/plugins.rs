//! Plugins on disk: `plugins/<name>/plugin.toml` (with `CHANGELOG.md` and `migrations/`
//! beside it) is the release a project ships; a releases directory
//! (`<releases>/<name>/<version>/...`, same shape) adds the other released versions, so
//! that `updates` can see what is newer and `rollback` what is older.

use ferry_core::LoadError;
use ferry_core::plugin::Manifest;
use semver::Version;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One released version of a plugin.
#[derive(Clone, Debug)]
pub struct Release {
    /// Its manifest.
    pub manifest: Manifest,
    /// The directory that holds `plugin.toml`.
    pub dir: PathBuf,
}

impl Release {
    /// `CHANGELOG.md` beside the manifest, if there is one (read when asked: most commands
    /// never need it).
    pub fn changelog(&self) -> Option<String> {
        std::fs::read_to_string(self.dir.join("CHANGELOG.md")).ok()
    }

    /// The release's migrations folder.
    pub fn migrations(&self) -> PathBuf {
        self.dir.join("migrations")
    }
}

/// Every known release of one plugin.
#[derive(Clone, Debug)]
pub struct Catalog {
    /// The plugin's name.
    pub name: String,
    /// Its releases, oldest first.
    pub releases: BTreeMap<Version, Release>,
}

impl Catalog {
    /// The newest release.
    pub fn newest(&self) -> Option<&Release> {
        self.releases.values().next_back()
    }

    /// The released versions that are no prerelease (`2.0.0-rc.1` is one), oldest first:
    /// what ferry offers when no version is asked for.
    pub fn stable(&self) -> impl DoubleEndedIterator<Item = &Version> {
        self.releases.keys().filter(|v| v.pre.is_empty())
    }

    /// The newest stable release's version.
    pub fn newest_stable(&self) -> Option<&Version> {
        self.stable().next_back()
    }

    /// The release at `version`, or an error that lists the versions there are.
    pub fn release(&self, version: &Version) -> Result<&Release, String> {
        self.releases.get(version).ok_or_else(|| {
            format!(
                "{} has no release {version}; released versions: {}",
                self.name,
                self.versions().join(", ")
            )
        })
    }

    /// The released versions, as text, oldest first.
    pub fn versions(&self) -> Vec<String> {
        self.releases.keys().map(Version::to_string).collect()
    }
}

/// The plugins under `dir` (missing: none) and the releases under `releases`, by name.
pub fn discover(
    dir: &Path,
    releases: Option<&Path>,
) -> Result<BTreeMap<String, Catalog>, LoadError> {
    let mut found: BTreeMap<String, Catalog> = BTreeMap::new();
    for plugin_dir in subdirs(dir)? {
        if !plugin_dir.join("plugin.toml").is_file() {
            return Err(LoadError::Settings {
                path: plugin_dir.clone(),
                message: "a folder among the plugins without a plugin.toml; add one (name, version) or move the folder out".into(),
            });
        }
        let release = read_release(&plugin_dir)?;
        let dir_name = plugin_dir.file_name().map(|n| n.to_string_lossy());
        if dir_name.as_deref() != Some(release.manifest.name.as_str()) {
            return Err(LoadError::Settings {
                path: plugin_dir.join("plugin.toml"),
                message: format!(
                    "the plugin is named {}, but its folder is {}; rename one of them",
                    release.manifest.name,
                    plugin_dir.display()
                ),
            });
        }
        add(&mut found, release);
    }
    if let Some(releases) = releases {
        for plugin_dir in subdirs(releases)? {
            for version_dir in subdirs(&plugin_dir)? {
                let release = read_release(&version_dir)?;
                let named = |what: &Path, want: &str| {
                    let name = what.file_name().map(|n| n.to_string_lossy().into_owned());
                    (name.as_deref() != Some(want)).then(|| LoadError::Settings {
                        path: version_dir.join("plugin.toml"),
                        message: format!(
                            "the manifest says {} {}, but it is in {}; a release lives in <releases>/<name>/<version>/",
                            release.manifest.name,
                            release.manifest.version,
                            version_dir.display()
                        ),
                    })
                };
                let version = release.manifest.version.to_string();
                if let Some(e) = named(&version_dir, &version)
                    .or_else(|| named(&plugin_dir, &release.manifest.name))
                {
                    return Err(e);
                }
                // The project's own copy of a version wins over the released one.
                let catalog = found.get(&release.manifest.name);
                if !catalog.is_some_and(|c| c.releases.contains_key(&release.manifest.version)) {
                    add(&mut found, release);
                }
            }
        }
    }
    Ok(found)
}

fn add(found: &mut BTreeMap<String, Catalog>, release: Release) {
    let name = release.manifest.name.clone();
    let catalog = found.entry(name.clone()).or_insert_with(|| Catalog {
        name,
        releases: BTreeMap::new(),
    });
    catalog
        .releases
        .insert(release.manifest.version.clone(), release);
}

/// The directories in `dir`, in name order (none if `dir` does not exist).
fn subdirs(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io = |e: std::io::Error| LoadError::Io {
        path: dir.to_owned(),
        source: e,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(e)),
    };
    let mut dirs = Vec::new();
    for entry in entries {
        let path = entry.map_err(io)?.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if path.is_dir() && !hidden {
            dirs.push(path);
        } else if path.is_symlink() && !path.exists() {
            return Err(LoadError::Settings {
                path,
                message: "a symbolic link to nothing; fix or remove it".into(),
            });
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// Reads the manifest in `dir`.
fn read_release(dir: &Path) -> Result<Release, LoadError> {
    let path = dir.join("plugin.toml");
    let text = std::fs::read_to_string(&path).map_err(|source| LoadError::Io {
        path: path.clone(),
        source,
    })?;
    let manifest = Manifest::parse(&text).map_err(|error| LoadError::Manifest {
        path: path.clone(),
        error,
    })?;
    Ok(Release {
        manifest,
        dir: dir.to_owned(),
    })
}
