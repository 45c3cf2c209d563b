//! Listing a migrations folder: its entries, and those of its subfolders (one level down:
//! `rollback/`, diesel's migration folders). Nothing is skipped in silence here; the
//! caller decides, with the convention, what each entry is.

use ferry_core::LoadError;
use std::path::{Path, PathBuf};

/// One listed entry.
#[derive(Debug)]
pub struct Listed {
    /// The path inside the folder, `/`-separated; lossy for a name that is not UTF-8.
    pub rel: String,
    /// The full path.
    pub path: PathBuf,
    /// What the entry is, or why it cannot be used.
    pub kind: Result<Kind, &'static str>,
}

/// A usable entry's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A file (or a symlink to one).
    File,
    /// A folder (or a symlink to one).
    Dir,
}

impl Listed {
    /// Whether the entry is a folder.
    pub fn is_dir(&self) -> bool {
        self.kind == Ok(Kind::Dir)
    }

    /// The entry's name, its last path part.
    pub fn file_name(&self) -> &str {
        self.rel.rsplit('/').next().unwrap_or(&self.rel)
    }
}

/// The entries of `dir` (hidden ones left out: they are editors' and tools', like Emacs's
/// `.#001_a.sql` lock links), prefixed with `prefix`.
pub fn list(dir: &Path, prefix: &str) -> Result<Vec<Listed>, LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut listed = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        let lossy = name.to_string_lossy();
        if lossy.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // The directory entry knows its type; only symlinks need a stat to follow them.
        let kind = match entry.file_type() {
            Ok(t) if t.is_file() => Ok(Kind::File),
            Ok(t) if t.is_dir() => Ok(Kind::Dir),
            Ok(t) if t.is_symlink() => match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => Ok(Kind::File),
                Ok(m) if m.is_dir() => Ok(Kind::Dir),
                Ok(_) => Err("is a symlink to something that is not a file"),
                Err(_) => Err("is a symlink whose target does not exist (or loops)"),
            },
            Ok(_) => Err("is not a regular file"),
            Err(_) => Err("cannot be examined"),
        };
        let kind = match name.to_str() {
            None => Err("has a name that is not valid UTF-8; rename it"),
            Some(_) => kind,
        };
        listed.push(Listed {
            rel: format!("{prefix}{lossy}"),
            path,
            kind,
        });
    }
    Ok(listed)
}

/// Reads a file as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8 {
        path: path.to_owned(),
    })
}

/// The first `limit` bytes of a file, as text (cut at a character boundary); `None` if it
/// cannot be read.
pub fn peek(path: &Path, limit: usize) -> Option<String> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(limit);
    std::fs::File::open(path)
        .ok()?
        .take(limit as u64)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            String::from_utf8_lossy(&e.into_bytes()[..valid]).into_owned()
        }
    })
}
