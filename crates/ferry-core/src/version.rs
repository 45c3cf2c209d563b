//! Migration versions.
//!
//! A version is the numeric prefix of a migration file name. It may carry a `V` prefix and
//! dots (`V2.1__x.sql`); parts are compared one by one as numbers of any width, so `10_x`
//! sorts after `2_x` and a 14-digit timestamp is just a large number. Leading zeros do not
//! count: `001` and `1` are the same version.

use std::cmp::Ordering;
use std::fmt;

/// A migration version: one or more numeric parts, compared part by part as numbers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    /// Each part's digits with leading zeros removed ("0" for zero).
    parts: Vec<String>,
}

impl Version {
    /// Parses a version written as digits separated by dots or underscores, with an
    /// optional leading `V`/`v` (`001`, `2.1`, `V2_1`, `20260130120000`).
    pub fn parse(text: &str) -> Option<Version> {
        let body = text.strip_prefix(['V', 'v']).unwrap_or(text);
        let parts: Option<Vec<String>> = body
            .split(['.', '_'])
            .map(|part| {
                if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let trimmed = part.trim_start_matches('0');
                Some(if trimmed.is_empty() {
                    "0".into()
                } else {
                    trimmed.into()
                })
            })
            .collect();
        let mut parts = parts?;
        // 2.1.0 and 2.1 are one version: trailing zero parts carry no meaning.
        while parts.len() > 1 && parts.last().is_some_and(|p| p == "0") {
            parts.pop();
        }
        Some(Version { parts })
    }

    /// The parts of this version, without leading zeros.
    pub fn parts(&self) -> &[String] {
        &self.parts
    }
}

fn cmp_number(a: &str, b: &str) -> Ordering {
    // Both are digit strings without leading zeros: a longer one is larger.
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.parts.iter().zip(&other.parts) {
            let ord = cmp_number(a, b);
            if ord != Ordering::Equal {
                return ord;
            }
        }
        // Trailing zero parts were dropped by `parse`, so the longer version is the larger.
        self.parts.len().cmp(&other.parts.len())
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.parts.join("."))
    }
}

impl serde::Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
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
}
