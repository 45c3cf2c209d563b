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

use sha2::{Digest, Sha256};
use std::fmt;

/// The algorithm new checksums are computed with.
pub const CURRENT_ALGORITHM: u32 = 1;

/// The checksum of a script under one numbered algorithm.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Checksum {
    /// Which algorithm computed `digest`.
    pub algorithm: u32,
    /// The SHA-256 digest; kept as bytes, since a long history holds thousands of them.
    pub digest: [u8; 32],
}

/// Why a checksum could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("checksum algorithm {0} is unknown to this ferry version; upgrade ferry")]
pub struct UnknownAlgorithm(pub u32);

impl Checksum {
    /// The checksum of `text` under the current algorithm.
    pub fn of(text: &str) -> Checksum {
        Checksum {
            algorithm: CURRENT_ALGORITHM,
            digest: algorithm_1(text),
        }
    }

    /// A checksum as stored: its algorithm and 64 hex digits; `None` if they are not that.
    pub fn from_hex(algorithm: u32, hex: &str) -> Option<Checksum> {
        let mut digest = [0; 32];
        hex::decode_to_slice(hex, &mut digest).ok()?;
        Some(Checksum { algorithm, digest })
    }

    /// The digest as 64 lowercase hex digits, as the history stores it.
    pub fn hex(&self) -> String {
        hex::encode(self.digest)
    }

    /// The checksum of `text` under a given algorithm, to compare with a stored one.
    pub fn with_algorithm(algorithm: u32, text: &str) -> Result<Checksum, UnknownAlgorithm> {
        match algorithm {
            1 => Ok(Checksum {
                algorithm,
                digest: algorithm_1(text),
            }),
            other => Err(UnknownAlgorithm(other)),
        }
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
    fn stored_hex_round_trips() {
        let c = Checksum::of(LF);
        assert_eq!(Checksum::from_hex(1, &c.hex()), Some(c));
        assert_eq!(Checksum::from_hex(1, "abc"), None);
    }
}
