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
//!   checksum before it runs ([`ferry_core::Script::text`]).
//! - `ferry validate` does not use the cache: it reads every file.
//!
//! A cache that cannot be read or written is ignored: it only ever saves time.

use ferry_core::{Checksum, Directives, Summary};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How old a file's times must be before its summary is cached.
pub const SETTLED: Duration = Duration::from_secs(2);

/// The identity of a file's content as the file system reports it: length, modification
/// and change times in nanoseconds, and inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp(u64, i64, i64, u64);

impl Stamp {
    /// The stamp of a file's metadata (`None` where the platform has no change time).
    pub fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns = |s: i64, n: i64| s.saturating_mul(1_000_000_000).saturating_add(n);
            Some(Stamp(
                meta.len(),
                ns(meta.mtime(), meta.mtime_nsec()),
                ns(meta.ctime(), meta.ctime_nsec()),
                meta.ino(),
            ))
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
        let limit = i64::try_from(now.saturating_sub(SETTLED).as_nanos()).unwrap_or(i64::MAX);
        self.1 <= limit && self.2 <= limit
    }
}

/// One cached file: its path inside the migrations folder, its stamp, and its summary
/// (digest, directives). A tuple, so that the cache file is a compact array per file: it
/// is parsed on every run.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct CachedScript(String, Stamp, Digest, Directives);

impl CachedScript {
    /// An entry for a file just read.
    pub fn new(file: String, stamp: Stamp, summary: &Summary) -> CachedScript {
        let d = &summary.directives;
        let digest = Digest(summary.checksum.digest().try_into().unwrap_or([0; 32]));
        CachedScript(file, stamp, digest, d.clone())
    }

    fn file(&self) -> &str {
        &self.0
    }

    fn summary(&self) -> Summary {
        Summary {
            checksum: Checksum::sha256(self.2.0),
            directives: self.3.clone(),
        }
    }
}

/// A SHA-256 digest written as four numbers, which JSON reads far faster than hex.
#[derive(Clone, Copy, Debug)]
struct Digest([u8; 32]);

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (chunks, _) = self.0.as_chunks::<8>();
        let words: Vec<u64> = chunks.iter().map(|c| u64::from_le_bytes(*c)).collect();
        words.serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let words = <[u64; 4]>::deserialize(d)?;
        let mut digest = [0; 32];
        for (bytes, word) in digest.chunks_exact_mut(8).zip(words) {
            bytes.copy_from_slice(&word.to_le_bytes());
        }
        Ok(Digest(digest))
    }
}

/// The layout of the cache and the meaning of its summaries: raise it whenever what a
/// summary holds, or how it is derived from a script (checksum, directives), changes.
const FORMAT: u32 = 5;

#[derive(serde::Serialize, serde::Deserialize)]
struct CacheFile {
    format: u32,
    ferry: String,
    scripts: Vec<CachedScript>,
}

impl CacheFile {
    fn is_ours(&self) -> bool {
        self.format == FORMAT && self.ferry == env!("CARGO_PKG_VERSION")
    }
}

/// The cache of one migrations folder.
#[derive(Debug, Default)]
pub struct ScriptCache {
    path: Option<PathBuf>,
    scripts: Vec<CachedScript>,
    /// File name to index in `scripts`.
    index: HashMap<String, usize>,
}

impl ScriptCache {
    /// The cache file for the migrations in `dir`, inside `cache_dir`.
    pub fn file_for(cache_dir: &Path, dir: &Path) -> PathBuf {
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
        let id = Checksum::of(&dir.to_string_lossy()).hex();
        cache_dir.join(format!("scripts-{}.json", &id[..16]))
    }

    /// Reads the cache at `path`; an unreadable cache, or another version's, is empty.
    pub fn open(path: &Path) -> ScriptCache {
        let mut scripts = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
            .filter(CacheFile::is_ours)
            .map(|c| c.scripts)
            .unwrap_or_default();
        // The names move into the index; `update` puts them back if it writes.
        let index = (scripts.iter_mut().enumerate())
            .map(|(i, s)| (std::mem::take(&mut s.0), i))
            .collect();
        ScriptCache {
            path: Some(path.to_owned()),
            scripts,
            index,
        }
    }

    /// The index and summary of `file`'s entry, if its stamp is unchanged.
    pub fn get(&self, file: &str, stamp: &Stamp) -> Option<(usize, Summary)> {
        let i = *self.index.get(file)?;
        let entry = &self.scripts[i];
        (entry.1 == *stamp).then(|| (i, entry.summary()))
    }

    /// Writes the cache again if it changed: `hits` are the indexes of entries still valid,
    /// `fresh` the files read and settled since. Failures are ignored.
    pub fn update(self, mut hits: Vec<usize>, fresh: Vec<CachedScript>) {
        let Some(path) = self.path else { return };
        if fresh.is_empty() && hits.len() == self.scripts.len() {
            return;
        }
        hits.sort_unstable();
        let mut scripts = self.scripts;
        for (name, i) in self.index {
            scripts[i].0 = name;
        }
        let mut scripts: Vec<CachedScript> = (scripts.into_iter().enumerate())
            .filter(|(i, _)| hits.binary_search(i).is_ok())
            .map(|(_, s)| s)
            .collect();
        scripts.extend(fresh);
        scripts.sort_by(|a, b| a.file().cmp(b.file()));
        scripts.dedup_by(|a, b| a.file() == b.file());
        let file = CacheFile {
            format: FORMAT,
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
        let ns = i64::try_from(ns).unwrap();
        Stamp(len, ns, ns, 7)
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
        let other = r#"{"format":1,"ferry":"0.0.0-other","scripts":[["1_a.sql",[1,1,1,1],[0,0,0,0],false,null]]}"#;
        std::fs::write(&path, other).unwrap();
        assert!(ScriptCache::open(&path).scripts.is_empty());
    }
}
