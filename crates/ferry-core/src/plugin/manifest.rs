//! `plugins/<name>/plugin.toml`: the plugin's name and version, what it requires of other
//! plugins and conflicts with, the engines (and server versions) it supports, and the
//! ferry version it needs.
//!
//! ```toml
//! name = "stripe"
//! version = "2.0.0"
//! description = "Stripe billing"
//! ferry = ">=0.1"
//!
//! [requires]
//! jobs = ">=1.0, <2"
//!
//! [conflicts]
//! legacy-billing = "*"
//!
//! [engines]
//! postgresql = ">=14"
//! sqlite = "*"
//! ```

use crate::{Dialect, line_col};
use semver::{Version, VersionReq};
use std::collections::BTreeMap;

/// A plugin's manifest, read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The plugin's name (lower-case letters, digits, `-` and `_`).
    pub name: String,
    /// Its version.
    pub version: Version,
    /// What it is.
    pub description: Option<String>,
    /// The ferry versions it works with.
    pub ferry: Option<VersionReq>,
    /// Other plugins it needs, with the versions it works with.
    pub requires: BTreeMap<String, VersionReq>,
    /// Plugins (at these versions) it cannot be installed with.
    pub conflicts: BTreeMap<String, VersionReq>,
    /// The engines it supports, with the server versions (empty: every engine).
    pub engines: BTreeMap<EngineKey, VersionReq>,
}

/// A server a plugin names in `[engines]`: MySQL and MariaDB apart, since their version
/// numbers are not comparable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EngineKey {
    /// `postgresql`.
    Postgresql,
    /// `mysql`.
    Mysql,
    /// `mariadb`.
    Mariadb,
    /// `sqlite`.
    Sqlite,
}

impl EngineKey {
    /// The key as written in plugin.toml.
    pub fn as_str(self) -> &'static str {
        match self {
            EngineKey::Postgresql => "postgresql",
            EngineKey::Mysql => "mysql",
            EngineKey::Mariadb => "mariadb",
            EngineKey::Sqlite => "sqlite",
        }
    }

    /// The server `dialect` is, by its version text (MariaDB says so in it).
    pub fn of(dialect: Dialect, server_version: &str) -> EngineKey {
        match dialect {
            Dialect::Postgres => EngineKey::Postgresql,
            Dialect::Mysql if server_version.contains("MariaDB") => EngineKey::Mariadb,
            Dialect::Mysql => EngineKey::Mysql,
            Dialect::Sqlite => EngineKey::Sqlite,
        }
    }
}

/// The longest plugin name or version ferry's tables hold.
const MAX_NAME: usize = 64;

/// A manifest that cannot be used: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ManifestError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong and what to do.
    pub message: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: toml::Spanned<String>,
    version: toml::Spanned<String>,
    description: Option<String>,
    ferry: Option<toml::Spanned<String>>,
    #[serde(default)]
    requires: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    conflicts: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    engines: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
}

impl Manifest {
    /// Reads a manifest's text; errors name the line and column.
    pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
        let at = |offset: usize, message: String| {
            let (line, column) = line_col(text, offset);
            ManifestError {
                line,
                column,
                message,
            }
        };
        let raw: Raw = toml::from_str(text)
            .map_err(|e| at(e.span().map_or(0, |s| s.start), e.message().to_owned()))?;
        let name = raw.name.get_ref();
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err(at(
                raw.name.span().start,
                format!("`{name}`: a plugin name is lower-case letters, digits, `-` and `_`"),
            ));
        }
        if name.len() > MAX_NAME {
            return Err(at(
                raw.name.span().start,
                format!("a plugin name is at most {MAX_NAME} characters"),
            ));
        }
        if name == crate::plugin::APP {
            return Err(at(
                raw.name.span().start,
                "`app` is the name of the application's own migrations; give the plugin another name".into(),
            ));
        }
        if raw.version.get_ref().len() > MAX_NAME {
            return Err(at(
                raw.version.span().start,
                format!("a version is at most {MAX_NAME} characters"),
            ));
        }
        let version = Version::parse(raw.version.get_ref()).map_err(|e| {
            at(
                raw.version.span().start,
                format!("`{}` is not a semantic version: {e}", raw.version.get_ref()),
            )
        })?;
        let req = |s: &toml::Spanned<String>| {
            VersionReq::parse(s.get_ref()).map_err(|e| {
                at(
                    s.span().start,
                    format!(
                        "`{}` is not a version requirement (like \">=1.0, <2\"): {e}",
                        s.get_ref()
                    ),
                )
            })
        };
        let reqs = |map: &BTreeMap<String, toml::Spanned<String>>| -> Result<BTreeMap<String, VersionReq>, ManifestError> {
            map.iter().map(|(k, v)| Ok((k.clone(), req(v)?))).collect()
        };
        let mut engines = BTreeMap::new();
        for (engine, v) in &raw.engines {
            let key = match engine.get_ref().as_str() {
                "postgresql" => EngineKey::Postgresql,
                "mysql" => EngineKey::Mysql,
                "mariadb" => EngineKey::Mariadb,
                "sqlite" => EngineKey::Sqlite,
                other => {
                    return Err(at(
                        engine.span().start,
                        format!(
                            "`{other}` is not an engine ferry runs (postgresql, mysql, mariadb, sqlite)"
                        ),
                    ));
                }
            };
            engines.insert(key, req(v)?);
        }
        let manifest = Manifest {
            name: name.clone(),
            version,
            description: raw.description,
            ferry: raw.ferry.as_ref().map(req).transpose()?,
            requires: reqs(&raw.requires)?,
            conflicts: reqs(&raw.conflicts)?,
            engines,
        };
        if manifest.requires.contains_key(&manifest.name) {
            return Err(at(0, format!("plugin `{}` requires itself", manifest.name)));
        }
        Ok(manifest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRIPE: &str = "name = \"stripe\"\nversion = \"2.0.0\"\nferry = \">=0.1\"\n\n[requires]\njobs = \">=1.0, <2\"\n\n[engines]\npostgresql = \">=14\"\nsqlite = \"*\"\n";

    #[test]
    fn a_manifest_reads_with_its_requirements() {
        let m = Manifest::parse(STRIPE).unwrap();
        assert_eq!(
            (m.name.as_str(), m.version.to_string()),
            ("stripe", "2.0.0".into())
        );
        assert!(m.requires["jobs"].matches(&Version::new(1, 4, 0)));
        assert!(!m.requires["jobs"].matches(&Version::new(2, 0, 0)));
        assert!(m.engines[&EngineKey::Postgresql].matches(&Version::new(15, 0, 0)));
        assert!(!m.engines.contains_key(&EngineKey::Mysql));
    }

    #[test]
    fn bad_manifests_are_located() {
        for (text, line, says) in [
            (STRIPE.replace("2.0.0", "2.0"), 2, "not a semantic version"),
            (
                STRIPE.replace(">=1.0, <2", "about one"),
                6,
                "not a version requirement",
            ),
            (
                STRIPE.replace("postgresql =", "postgre ="),
                9,
                "not an engine",
            ),
            (
                STRIPE.replace("name = \"stripe\"", "name = \"Stripe Billing\""),
                1,
                "lower-case",
            ),
            (format!("colour = \"blue\"\n{STRIPE}"), 1, "unknown field"),
            (STRIPE.replace("version = \"2.0.0\"\n", ""), 1, "version"),
            (
                STRIPE.replace("\"stripe\"", "\"app\""),
                1,
                "application's own",
            ),
            (
                STRIPE.replace("2.0.0", &format!("1.0.0-{}", "a".repeat(70))),
                2,
                "at most 64",
            ),
        ] {
            let err = Manifest::parse(&text).unwrap_err();
            assert_eq!(err.line, line, "{says}: {err}");
            assert!(err.message.contains(says), "{says}: {err}");
        }
    }
}
