//! node-pg-migrate SQL files: `<timestamp>_<name>.sql` with `-- Up Migration` and
//! `-- Down Migration` sections. JavaScript/TypeScript migrations are reported, not run.

use super::dbmate::classify_single;
use super::sections::{Marker, SectionError, Sections, comment_words, split_at_markers};
use super::{Convention, Entry, Found};

/// node-pg-migrate's layout.
pub struct NodePgMigrate;

impl Convention for NodePgMigrate {
    fn name(&self) -> &'static str {
        "node-pg-migrate"
    }

    fn classify(&self, entry: Entry<'_>) -> Found {
        classify_single(entry, self.version_kind())
    }

    fn sections(&self, text: &str) -> Result<Sections, SectionError> {
        split_at_markers(text, "-- Up Migration", |line| {
            let words = comment_words(line)?;
            match words.as_slice() {
                [up, m] if up == "up" && m == "migration" => Some(Marker::Up),
                [down, m] if down == "down" && m == "migration" => Some(Marker::Down),
                _ => None,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections() {
        let s = NodePgMigrate
            .sections(
                "-- Up Migration\nCREATE TABLE t (a int);\n-- Down Migration\nDROP TABLE t;\n",
            )
            .unwrap();
        assert!(s.up.contains("CREATE") && s.down.unwrap().contains("DROP"));
    }
}
