//! A plugin's CHANGELOG.md: its releases (`## 2.0.0`, `## [2.0.0] - 2026-01-30`) and the
//! items under each release's `### BREAKING CHANGES` heading, which a major update prints
//! before it asks for confirmation.

use semver::Version;

/// One release's section of the changelog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    /// The version the heading names.
    pub version: Version,
    /// The section's text, heading included.
    pub text: String,
    /// The items under `### BREAKING CHANGES`.
    pub breaking: Vec<String>,
}

/// Every release section, in the changelog's order. Headings that name no version
/// (`## Unreleased`) are not releases.
pub fn releases(text: &str) -> Vec<Release> {
    let mut found: Vec<Release> = Vec::new();
    // Whether the lines belong to the last release found (another `## ` heading ends it).
    let mut in_release = false;
    let mut in_breaking = false;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            in_breaking = false;
            in_release = match heading_version(heading) {
                Some(version) => {
                    found.push(Release {
                        version,
                        text: String::new(),
                        breaking: Vec::new(),
                    });
                    true
                }
                None => false,
            };
        } else if let Some(sub) = line.strip_prefix("### ") {
            in_breaking = sub.trim().eq_ignore_ascii_case("BREAKING CHANGES");
        } else if in_breaking && in_release {
            let item = line.trim_start().strip_prefix(['-', '*']).map(str::trim);
            if let (Some(item), Some(release)) = (item.filter(|i| !i.is_empty()), found.last_mut())
            {
                release.breaking.push(item.to_owned());
            }
        }
        if in_release && let Some(release) = found.last_mut() {
            release.text.push_str(line);
            release.text.push('\n');
        }
    }
    found
}

/// The version a `## ` heading names: its first word, without brackets or a leading `v`.
fn heading_version(heading: &str) -> Option<Version> {
    let word = heading.split_whitespace().next()?;
    let word = word.trim_matches(['[', ']']);
    Version::parse(word.strip_prefix('v').unwrap_or(word)).ok()
}

/// The breaking changes of the releases after `from` up to and including `to`, newest
/// first, each with its version.
pub fn breaking_between(text: &str, from: &Version, to: &Version) -> Vec<(Version, String)> {
    let mut found: Vec<(Version, String)> = (releases(text).into_iter())
        .filter(|r| &r.version > from && &r.version <= to)
        .flat_map(|r| r.breaking.into_iter().map(move |b| (r.version.clone(), b)))
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANGELOG: &str = "# Changelog\n\n## Unreleased\n- nothing yet\n\n## [2.0.0] - 2026-01-30\n### BREAKING CHANGES\n- Removed stripe_customers.old_metadata\n- Renamed STRIPE_API_KEY to STRIPE_SECRET_KEY\n### Added\n- Billing portal\n\n## 1.1.0\n### Added\n- Customer metadata\n\n## v1.0.0\nFirst release.\n";

    #[test]
    fn releases_and_their_breaking_changes() {
        let all = releases(CHANGELOG);
        let versions: Vec<String> = all.iter().map(|r| r.version.to_string()).collect();
        assert_eq!(versions, ["2.0.0", "1.1.0", "1.0.0"]);
        assert_eq!(all[0].breaking.len(), 2);
        assert!(all[0].text.starts_with("## [2.0.0]") && all[0].text.contains("Billing portal"));
        assert!(all[1].breaking.is_empty());
        let from_1 = breaking_between(CHANGELOG, &Version::new(1, 0, 0), &Version::new(2, 0, 0));
        assert_eq!(from_1.len(), 2);
        assert!(
            breaking_between(CHANGELOG, &Version::new(1, 0, 0), &Version::new(1, 1, 0)).is_empty()
        );
    }
}
