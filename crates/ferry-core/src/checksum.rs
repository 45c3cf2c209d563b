//! Checksums of migration scripts.
//!
//! # Algorithm 1 (the current one)
//! 1. A leading UTF-8 byte order mark (U+FEFF) is removed.
//! 2. Every CRLF and every lone CR becomes LF.
//! 3. Whitespace at the very end of the text (spaces, tabs, newlines) is removed.
//! 4. The result is hashed with SHA-256 and written as 64 lowercase hex digits.
//!
//! So a file checked out with Windows line endings, saved with a BOM, or given an extra
//! blank line at the end keeps its checksum; any other change, including whitespace inside
//! the text, changes it.
//!
//! The algorithm's number is stored beside every checksum in the history. A future
//! algorithm gets a new number, and rows keep being verified with the algorithm that wrote
//! them, so changing it never turns applied migrations into "modified".
//!
//! # Other tools' algorithms
//! A history imported from another tool (`ferry import-history`) keeps that tool's
//! checksums, verified the way the tool verifies them:
//! - 101, sqlx: SHA-384 of the file's text exactly as read (byte order mark and line
//!   endings included); 48 bytes.
//! - 102, Flyway: CRC32 of the text's lines without their line terminators (so every CR
//!   and LF removed), after one leading byte order mark is removed; 4 bytes, big-endian
//!   (Flyway stores the same 32 bits as a signed integer).

use sha2::{Digest, Sha256, Sha384};
use std::fmt;

/// The algorithm new checksums are computed with.
pub const CURRENT_ALGORITHM: u32 = 1;

/// sqlx's checksum (see the module documentation).
pub const SQLX_ALGORITHM: u32 = 101;

/// Flyway's checksum (see the module documentation).
pub const FLYWAY_ALGORITHM: u32 = 102;

/// The longest digest of any algorithm (SHA-384).
const MAX_DIGEST: usize = 48;

/// The checksum of a script under one numbered algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Checksum {
    /// Which algorithm computed `digest`.
    pub algorithm: u32,
    /// The digest, in the first [`digest_len`] bytes; kept as bytes, since a long history
    /// holds thousands of them.
    digest: [u8; MAX_DIGEST],
}

impl Default for Checksum {
    fn default() -> Checksum {
        Checksum {
            algorithm: CURRENT_ALGORITHM,
            digest: [0; MAX_DIGEST],
        }
    }
}

/// How many bytes an algorithm's digest has; `None` for an unknown algorithm.
pub fn digest_len(algorithm: u32) -> Option<usize> {
    match algorithm {
        CURRENT_ALGORITHM => Some(32),
        SQLX_ALGORITHM => Some(48),
        FLYWAY_ALGORITHM => Some(4),
        _ => None,
    }
}

/// Why a checksum could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("checksum algorithm {0} is unknown to this ferry version; upgrade ferry")]
pub struct UnknownAlgorithm(pub u32);

impl Checksum {
    /// The checksum of `text` under the current algorithm.
    pub fn of(text: &str) -> Checksum {
        Checksum::sha256(algorithm_1(text))
    }

    /// A checksum of the current algorithm from its SHA-256 digest.
    pub fn sha256(digest: [u8; 32]) -> Checksum {
        let mut bytes = [0; MAX_DIGEST];
        bytes[..32].copy_from_slice(&digest);
        Checksum {
            algorithm: CURRENT_ALGORITHM,
            digest: bytes,
        }
    }

    /// A checksum from its algorithm and digest bytes; `None` if the length is not the
    /// algorithm's (or the algorithm is unknown).
    pub fn from_digest(algorithm: u32, bytes: &[u8]) -> Option<Checksum> {
        if digest_len(algorithm)? != bytes.len() {
            return None;
        }
        let mut digest = [0; MAX_DIGEST];
        digest[..bytes.len()].copy_from_slice(bytes);
        Some(Checksum { algorithm, digest })
    }

    /// A checksum as stored: its algorithm and hex digits; `None` if they are not that.
    pub fn from_hex(algorithm: u32, hex: &str) -> Option<Checksum> {
        Checksum::from_digest(algorithm, &hex::decode(hex).ok()?)
    }

    /// The digest's bytes.
    pub fn digest(&self) -> &[u8] {
        &self.digest[..digest_len(self.algorithm).unwrap_or(MAX_DIGEST)]
    }

    /// The digest as lowercase hex digits, as the history stores it.
    pub fn hex(&self) -> String {
        hex::encode(self.digest())
    }

    /// The checksum of `text` under a given algorithm, to compare with a stored one.
    pub fn with_algorithm(algorithm: u32, text: &str) -> Result<Checksum, UnknownAlgorithm> {
        let digest: Vec<u8> = match algorithm {
            CURRENT_ALGORITHM => algorithm_1(text).to_vec(),
            SQLX_ALGORITHM => Sha384::digest(text.as_bytes()).to_vec(),
            FLYWAY_ALGORITHM => flyway(text).to_be_bytes().to_vec(),
            other => return Err(UnknownAlgorithm(other)),
        };
        Checksum::from_digest(algorithm, &digest).ok_or(UnknownAlgorithm(algorithm))
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

impl serde::Serialize for Checksum {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

fn algorithm_1(text: &str) -> [u8; 32] {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.trim_end();
    // Most files have no CR at all: hash them without copying.
    if !text.contains('\r') {
        return Sha256::digest(text.as_bytes()).into();
    }
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    Sha256::digest(normalized.as_bytes()).into()
}

/// Flyway's CRC32: of every line's text without its terminator.
fn flyway(text: &str) -> u32 {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut crc = crc32fast::Hasher::new();
    for piece in text.split(['\r', '\n']) {
        crc.update(piece.as_bytes());
    }
    crc.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LF: &str = "CREATE TABLE t (id int);\n\tINSERT INTO t VALUES (1);\n";

    #[test]
    fn known_digest() {
        // sha256 of "select 1", fixed so that algorithm 1 can never drift.
        assert_eq!(
            Checksum::of("select 1\n").hex(),
            "822ae07d4783158bc1912bb623e5107cc9002d519e1143a9c200ed6ee18b6d0f"
        );
    }

    #[test]
    fn crlf_and_lf_agree() {
        assert_eq!(Checksum::of(LF), Checksum::of(&LF.replace('\n', "\r\n")));
        assert_eq!(Checksum::of(LF), Checksum::of(&LF.replace('\n', "\r")));
    }

    #[test]
    fn bom_is_ignored() {
        assert_eq!(Checksum::of(LF), Checksum::of(&format!("\u{feff}{LF}")));
    }

    #[test]
    fn trailing_whitespace_at_end_is_ignored() {
        assert_eq!(Checksum::of(LF), Checksum::of(&format!("{LF}\n\n  \t\n")));
    }

    #[test]
    fn tabs_and_inner_whitespace_count() {
        assert_ne!(Checksum::of(LF), Checksum::of(&LF.replace('\t', "    ")));
        assert_ne!(Checksum::of(LF), Checksum::of(&LF.replace("int", "int ")));
    }

    #[test]
    fn unknown_algorithm_is_an_error() {
        assert_eq!(Checksum::with_algorithm(7, "x"), Err(UnknownAlgorithm(7)));
    }

    #[test]
    fn other_tools_algorithms() {
        // sha384("select 1\n") and Flyway's CRC32 of "select 1" (crc32 of the line).
        let sqlx = Checksum::with_algorithm(SQLX_ALGORITHM, "select 1\n").unwrap();
        assert_eq!(sqlx.digest().len(), 48);
        assert_eq!(sqlx.hex(), hex::encode(Sha384::digest(b"select 1\n")));
        assert_ne!(
            sqlx,
            Checksum::with_algorithm(SQLX_ALGORITHM, "select 1\r\n").unwrap()
        );
        let fly = |t| Checksum::with_algorithm(FLYWAY_ALGORITHM, t).unwrap();
        assert_eq!(
            fly("select 1\n").hex(),
            format!("{:08x}", crc32fast::hash(b"select 1"))
        );
        assert_eq!(fly("a\r\nb\n"), fly("\u{feff}a\nb"));
        assert_eq!(Checksum::from_hex(SQLX_ALGORITHM, &sqlx.hex()), Some(sqlx));
        assert_eq!(Checksum::from_hex(FLYWAY_ALGORITHM, &sqlx.hex()), None);
    }

    #[test]
    fn stored_hex_round_trips() {
        let c = Checksum::of(LF);
        assert_eq!(Checksum::from_hex(1, &c.hex()), Some(c));
        assert_eq!(Checksum::from_hex(1, "abc"), None);
    }
}
