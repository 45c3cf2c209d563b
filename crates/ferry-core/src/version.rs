//! Migration versions.
//!
//! A version is the numeric prefix of a migration file name. It may carry a `V` prefix and
//! dots (`V2.1__x.sql`); parts are compared one by one as numbers of any width, so `10_x`
//! sorts after `2_x` and a 14-digit timestamp is just a large number. Leading zeros do not
//! count: `001` and `1` are the same version.
//!
//! Some tools order their migrations as strings instead (diesel, dbmate, popx, and
//! maragudk/migrate, whose whole file stem is the key). Their versions are
//! [`VersionKind::Text`]: kept exactly as written and compared byte by byte, so ferry keeps
//! the order, and the identity, the tool gave them. One folder's versions are all of one kind.

use std::cmp::Ordering;
use std::fmt;

/// How a folder's versions are compared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionKind {
    /// Numeric parts compared as numbers; leading zeros do not count.
    #[default]
    Numeric,
    /// Text compared byte by byte, exactly as written.
    Text,
    /// A repeatable migration (Flyway's `R__name.sql`): no version, applied after every
    /// versioned one, in name order, and again whenever its checksum changes. Its "version"
    /// is `R__` and the name.
    Repeatable,
    /// A Liquibase changeset: its key is `author:id`, and it runs in its changelog's order,
    /// which only the files know (the history compares keys).
    Sequence,
}

/// How a repeatable migration's version starts.
pub const REPEATABLE_PREFIX: &str = "R__";

/// A migration version: one or more numeric parts, compared part by part as numbers, or a
/// text compared as written (see [`VersionKind`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    kind: VersionKind,
    /// The first part as a number, or `u64::MAX` if it is larger: most comparisons end here.
    /// Always 0 for a text version.
    head: u64,
    /// The parts' digits without leading zeros ("0" for zero), joined by dots: one small
    /// allocation per version, since a long history holds tens of thousands of them.
    text: Box<str>,
}

impl Version {
    /// Parses a version written as digits separated by dots or underscores, with an
    /// optional leading `V`/`v` (`001`, `2.1`, `V2_1`, `20260130120000`).
    pub fn parse(text: &str) -> Option<Version> {
        let body = text.strip_prefix(['V', 'v']).unwrap_or(text);
        let mut parts = Vec::new();
        for part in body.split(['.', '_']) {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let trimmed = part.trim_start_matches('0');
            parts.push(if trimmed.is_empty() { "0" } else { trimmed });
        }
        // 2.1.0 and 2.1 are one version: trailing zero parts carry no meaning.
        while parts.len() > 1 && parts.last() == Some(&"0") {
            parts.pop();
        }
        Some(Version {
            kind: VersionKind::Numeric,
            head: parts[0].parse().unwrap_or(u64::MAX),
            text: parts.join(".").into(),
        })
    }

    /// A version compared as text, kept exactly as written; `None` if it is empty or holds
    /// whitespace or control characters.
    pub fn text(text: &str) -> Option<Version> {
        let fine = !text.is_empty() && !text.chars().any(|c| c.is_whitespace() || c.is_control());
        fine.then(|| Version {
            kind: VersionKind::Text,
            head: 0,
            text: text.into(),
        })
    }

    /// The version of the repeatable migration named `name`.
    pub fn repeatable(name: &str) -> Option<Version> {
        if name.is_empty() {
            return None;
        }
        let text = format!("{REPEATABLE_PREFIX}{name}");
        Version::text(&text).map(|v| Version {
            kind: VersionKind::Repeatable,
            ..v
        })
    }

    /// A changeset's version: its key (`author:id`), at `position` in the changelogs.
    pub fn sequence(position: u64, key: &str) -> Option<Version> {
        Version::text(key).map(|v| Version {
            kind: VersionKind::Sequence,
            head: position,
            ..v
        })
    }

    /// Parses `text` as a version of `kind` (a repeatable's `R__name` is read in any
    /// numeric folder, where it cannot be a version; a changeset's position is unknown,
    /// so it sorts last until matched with its file).
    pub fn parse_as(kind: VersionKind, text: &str) -> Option<Version> {
        let repeatable = || {
            text.strip_prefix(REPEATABLE_PREFIX)
                .and_then(Version::repeatable)
        };
        match kind {
            VersionKind::Numeric => Version::parse(text).or_else(repeatable),
            VersionKind::Text => Version::text(text),
            VersionKind::Repeatable => repeatable(),
            VersionKind::Sequence => Version::sequence(u64::MAX, text),
        }
    }

    /// Whether this is a repeatable migration's version.
    pub fn is_repeatable(&self) -> bool {
        self.kind == VersionKind::Repeatable
    }

    /// A version as the history stores it: of `kind` for the plugin being worked on
    /// (`Some`), else (another plugin's row) a number where it is one and text otherwise.
    pub fn stored(text: &str, kind: Option<VersionKind>) -> Option<Version> {
        match kind {
            Some(kind) => Version::parse_as(kind, text),
            None => Version::parse_as(VersionKind::Numeric, text).or_else(|| Version::text(text)),
        }
    }

    /// How this version compares.
    pub fn kind(&self) -> VersionKind {
        self.kind
    }

    /// The version in its canonical form: parts without leading zeros, joined by dots.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this is version 0, which stands for "before the first migration" (a text
    /// version never is: diesel's `00000000000000` is a real migration).
    pub fn is_zero(&self) -> bool {
        self.kind == VersionKind::Numeric && &*self.text == "0"
    }

    fn parts(&self) -> impl Iterator<Item = &str> {
        self.text.split('.')
    }
}

fn cmp_number(a: &str, b: &str) -> Ordering {
    // Both are digit strings without leading zeros: a longer one is larger.
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        if self.kind == VersionKind::Sequence && other.kind == VersionKind::Sequence {
            return (self.head, &self.text).cmp(&(other.head, &other.text));
        }
        if self.kind != other.kind || self.kind != VersionKind::Numeric {
            return (self.kind, &self.text).cmp(&(other.kind, &other.text));
        }
        if self.head != other.head {
            return self.head.cmp(&other.head);
        }
        let (mut a, mut b) = (self.parts(), other.parts());
        loop {
            // Trailing zero parts were dropped by `parse`, so the longer version is larger.
            match (a.next(), b.next()) {
                (Some(x), Some(y)) => match cmp_number(x, y) {
                    Ordering::Equal => continue,
                    ord => return ord,
                },
                (x, y) => return x.is_some().cmp(&y.is_some()),
            }
        }
    }
}

/// Version 0: "before the first migration".
impl Default for Version {
    fn default() -> Version {
        Version {
            kind: VersionKind::Numeric,
            head: 0,
            text: "0".into(),
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl serde::Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn numeric_not_string_order() {
        let mut vs = [v("10"), v("2"), v("1"), v("001"), v("20260130120000")];
        vs.sort();
        let shown: Vec<String> = vs.iter().map(|v| v.to_string()).collect();
        assert_eq!(shown, ["1", "1", "2", "10", "20260130120000"]);
    }

    #[test]
    fn dotted_parts_compare_as_numbers() {
        assert!(v("2.10") > v("2.9"));
        assert!(v("V2.1") < v("V10"));
        assert_eq!(v("V2_1"), v("2.1"));
        assert_eq!(v("2.1.0"), v("2.1"));
        assert_eq!(v("0001"), v("1"));
    }

    #[test]
    fn huge_numbers_have_no_width_limit() {
        assert!(v("123456789012345678901234567890") > v("99999999999999999999"));
    }

    #[test]
    fn rejects_non_numbers() {
        assert!(Version::parse("").is_none());
        assert!(Version::parse("1a").is_none());
        assert!(Version::parse("1..2").is_none());
        assert!(Version::parse("V").is_none());
    }

    #[test]
    fn text_versions_compare_as_written() {
        let t = |s| Version::text(s).unwrap();
        let mut vs = [t("9_x"), t("10_x"), t("00000000000000"), t("001")];
        vs.sort();
        let shown: Vec<&str> = vs.iter().map(Version::as_str).collect();
        assert_eq!(shown, ["00000000000000", "001", "10_x", "9_x"]);
        assert_ne!(t("001"), t("1"));
        assert!(!t("0").is_zero());
        assert!(Version::text("a b").is_none() && Version::text("").is_none());
        assert_eq!(
            Version::parse_as(VersionKind::Text, "x").unwrap().kind(),
            VersionKind::Text
        );
    }

    #[test]
    fn repeatables_come_after_every_version_in_name_order() {
        let r = |s| Version::repeatable(s).unwrap();
        let mut vs = [r("views"), v("99999999999999"), r("functions"), v("1")];
        vs.sort();
        let shown: Vec<&str> = vs.iter().map(Version::as_str).collect();
        assert_eq!(shown, ["1", "99999999999999", "R__functions", "R__views"]);
        assert_eq!(
            Version::parse_as(VersionKind::Numeric, "R__views"),
            Some(r("views"))
        );
        assert_eq!(Version::stored("R__views", None), Some(r("views")));
        assert!(!r("x").is_zero() && r("x").is_repeatable());
    }

    #[test]
    fn longer_versions_follow_their_prefixes() {
        assert!(v("2") < v("2.1") && v("2.1") < v("2.1.1") && v("2.1.1") < v("3"));
        assert!(v("0").is_zero() && v("000").is_zero() && !v("0.1").is_zero());
    }
}
