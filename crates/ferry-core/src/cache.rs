//! A cache of what ferry learned from each up script (its checksum and directives), keyed
//! by the file's identity, so that a run with nothing to do stats files instead of reading
//! them. The idea is git's index: a file whose size, modification time, change time and
//! inode are all unchanged is taken to be unchanged.
//!
//! Safety rules:
//! - Only files whose times are at least [`SETTLED`] in the past are recorded. A file
//!   written again later gets a new change time (which no tool can set back), so it can
//!   never match an entry recorded before that write; a file still being edited is read
//!   every time until it settles.
//! - The cache belongs to one ferry version; any other version's cache is ignored.
//! - A script whose text is needed (to apply it) is read and checked against the cached
//!   checksum before it runs ([`crate::Script::text`]).
//! - `ferry validate` does not use the cache: it reads every file.
//!
//! A cache that cannot be read or written is ignored: it only ever saves time.

use crate::{Checksum, Directives};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How old a file's times must be before its summary is cached.
pub const SETTLED: Duration = Duration::from_secs(2);

/// The identity of a file's content as the file system reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    len: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    inode: u64,
}

impl Stamp {
    /// The stamp of a file's metadata (`None` where the platform has no change time).
    pub fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
            Some(Stamp {
                len: meta.len(),
                mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
                ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
                inode: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// Whether both times lie at least [`SETTLED`] before `now`.
    pub fn settled(&self, now: SystemTime) -> bool {
        let Ok(now) = now.duration_since(SystemTime::UNIX_EPOCH) else {
            return false;
        };
        let limit = now.saturating_sub(SETTLED).as_nanos() as i128;
        self.mtime_ns <= limit && self.ctime_ns <= limit
    }
}

/// What a script's text says, without the text: enough to plan and to show status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The checksum of the text.
    pub checksum: Checksum,
    /// The directives of the text.
    pub directives: Directives,
}

/// One cached file.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct CachedScript {
    /// The file name inside the migrations folder.
    file: String,
    stamp: Stamp,
    #[serde(with = "hex::serde")]
    digest: [u8; 32],
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    no_transaction: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

impl CachedScript {
    /// An entry for a file just read.
    pub fn new(file: String, stamp: Stamp, summary: &Summary) -> CachedScript {
        CachedScript {
            file,
            stamp,
            digest: summary.checksum.digest,
            no_transaction: summary.directives.no_transaction,
            description: summary.directives.description.clone(),
        }
    }

    fn summary(&self) -> Summary {
        Summary {
            checksum: Checksum {
                algorithm: crate::checksum::CURRENT_ALGORITHM,
                digest: self.digest,
            },
            directives: Directives {
                no_transaction: self.no_transaction,
                description: self.description.clone(),
            },
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CacheFile {
    ferry: String,
    scripts: Vec<CachedScript>,
}

/// The cache of one migrations folder.
#[derive(Debug, Default)]
pub struct ScriptCache {
    path: Option<PathBuf>,
    /// Sorted by file name.
    scripts: Vec<CachedScript>,
}

impl ScriptCache {
    /// The cache file for the migrations in `dir`, inside `cache_dir`.
    pub fn file_for(cache_dir: &Path, dir: &Path) -> PathBuf {
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
        let id = Checksum::of(&dir.to_string_lossy()).hex();
        cache_dir.join(format!("scripts-{}.json", &id[..16]))
    }

    /// Reads the cache at `path`; an unreadable or foreign cache is empty.
    pub fn open(path: &Path) -> ScriptCache {
        let scripts = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
            .filter(|c| c.ferry == env!("CARGO_PKG_VERSION"))
            .map(|c| c.scripts)
            .unwrap_or_default();
        ScriptCache {
            path: Some(path.to_owned()),
            scripts,
        }
    }

    /// The index and summary of `file`'s entry, if its stamp is unchanged.
    pub fn get(&self, file: &str, stamp: &Stamp) -> Option<(usize, Summary)> {
        let i = (self.scripts)
            .binary_search_by(|s| s.file.as_str().cmp(file))
            .ok()?;
        let entry = &self.scripts[i];
        (entry.stamp == *stamp).then(|| (i, entry.summary()))
    }

    /// Writes the cache again if it changed: `hits` are the indexes of entries still valid,
    /// `fresh` the files read and settled since. Failures are ignored.
    pub fn update(self, mut hits: Vec<usize>, fresh: Vec<CachedScript>) {
        let Some(path) = self.path else { return };
        if fresh.is_empty() && hits.len() == self.scripts.len() {
            return;
        }
        hits.sort_unstable();
        let mut scripts: Vec<CachedScript> = (self.scripts.into_iter().enumerate())
            .filter(|(i, _)| hits.binary_search(i).is_ok())
            .map(|(_, s)| s)
            .collect();
        scripts.extend(fresh);
        scripts.sort_by(|a, b| a.file.cmp(&b.file));
        scripts.dedup_by(|a, b| a.file == b.file);
        let file = CacheFile {
            ferry: env!("CARGO_PKG_VERSION").to_owned(),
            scripts,
        };
        let _ = write_atomically(&path, &file);
    }
}

/// Writes beside the target and renames, so a reader never sees half a cache.
fn write_atomically(path: &Path, file: &CacheFile) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
    let bytes = serde_json::to_vec(file).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(len: u64, secs_ago: u64) -> Stamp {
        let t = SystemTime::now() - Duration::from_secs(secs_ago);
        let ns = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos() as i128;
        Stamp {
            len,
            mtime_ns: ns,
            ctime_ns: ns,
            inode: 7,
        }
    }

    fn summary(text: &str) -> Summary {
        Summary {
            checksum: Checksum::of(text),
            directives: Directives::default(),
        }
    }

    #[test]
    fn only_settled_files_are_trusted() {
        assert!(stamp(1, 10).settled(SystemTime::now()));
        assert!(!stamp(1, 0).settled(SystemTime::now()));
    }

    #[test]
    fn an_entry_matches_only_its_stamp_and_survives_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = ScriptCache::file_for(dir.path(), dir.path());
        let s = stamp(5, 10);
        let entry = CachedScript::new("001_a.sql".into(), s, &summary("select 1"));
        ScriptCache::open(&path).update(vec![], vec![entry]);
        let cache = ScriptCache::open(&path);
        assert_eq!(cache.get("001_a.sql", &s), Some((0, summary("select 1"))));
        assert_eq!(cache.get("001_a.sql", &stamp(6, 10)), None);
        assert_eq!(cache.get("002_b.sql", &s), None);
    }

    #[test]
    fn entries_not_hit_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        let s = stamp(1, 10);
        let entries = ["1_a.sql", "2_b.sql"].map(|f| CachedScript::new(f.into(), s, &summary(f)));
        ScriptCache::open(&path).update(vec![], entries.to_vec());
        ScriptCache::open(&path).update(vec![1], vec![]);
        let cache = ScriptCache::open(&path);
        assert!(cache.get("1_a.sql", &s).is_none());
        assert_eq!(cache.get("2_b.sql", &s), Some((0, summary("2_b.sql"))));
    }

    #[test]
    fn a_corrupt_or_foreign_cache_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.json");
        std::fs::write(&path, "{not json").unwrap();
        assert!(ScriptCache::open(&path).scripts.is_empty());
        std::fs::write(&path, r#"{"ferry":"0.0.0-other","scripts":[]}"#).unwrap();
        assert!(ScriptCache::open(&path).scripts.is_empty());
    }
}
