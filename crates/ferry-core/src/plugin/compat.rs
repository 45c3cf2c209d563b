//! Whether a set of plugin versions can be installed together on this server: every
//! `requires` met, no `conflicts`, every engine and server version supported, and this
//! ferry new enough.

use super::{EngineKey, Manifest};
use crate::Dialect;
use semver::Version;

/// Why the plugins cannot be installed together.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CompatError {
    /// A plugin needs another at a version that is not there.
    #[error("{plugin} {version} requires {needs} {req}, {found}")]
    Requires {
        /// The plugin.
        plugin: String,
        /// Its version.
        version: Version,
        /// What it needs.
        needs: String,
        /// At which versions.
        req: semver::VersionReq,
        /// What there is instead, and what to do.
        found: String,
    },
    /// Two plugins that cannot be installed together.
    #[error(
        "{plugin} {version} conflicts with {other} {other_version} ({req}); remove one of them"
    )]
    Conflicts {
        /// The plugin.
        plugin: String,
        /// Its version.
        version: Version,
        /// The other.
        other: String,
        /// The other's version.
        other_version: Version,
        /// The versions it conflicts with.
        req: semver::VersionReq,
    },
    /// The plugin does not support this engine, or this server's version.
    #[error("{plugin} {version} {why}")]
    Engine {
        /// The plugin.
        plugin: String,
        /// Its version.
        version: Version,
        /// What it supports.
        why: String,
    },
}

/// Checks that `plugins` (each manifest at the version it would be installed at) work
/// together on a `dialect` server that reports version `server` (`16.4`,
/// `10.11.6-MariaDB`), with ferry `ferry`.
pub fn check(
    plugins: &[&Manifest],
    dialect: Dialect,
    server: &str,
    ferry: &Version,
) -> Result<(), Box<CompatError>> {
    let find = |name: &str| plugins.iter().find(|m| m.name == name);
    for m in plugins {
        for (needs, req) in &m.requires {
            let found = match find(needs) {
                Some(other) if req.matches(&other.version) => continue,
                Some(other) => format!(
                    "but {needs} {} would be installed; choose versions that fit together",
                    other.version
                ),
                None => format!(
                    "which is not installed: install it first (ferry plugin install {needs})"
                ),
            };
            return Err(Box::new(CompatError::Requires {
                plugin: m.name.clone(),
                version: m.version.clone(),
                needs: needs.clone(),
                req: req.clone(),
                found,
            }));
        }
        for (other, req) in &m.conflicts {
            if let Some(o) = find(other).filter(|o| req.matches(&o.version)) {
                return Err(Box::new(CompatError::Conflicts {
                    plugin: m.name.clone(),
                    version: m.version.clone(),
                    other: other.clone(),
                    other_version: o.version.clone(),
                    req: req.clone(),
                }));
            }
        }
        engine(m, dialect, server, ferry)?;
    }
    Ok(())
}

/// The plugin supports this server: its key (a MariaDB server takes a `mysql` entry too,
/// whose version numbers say nothing of MariaDB's) and its version.
fn engine(
    m: &Manifest,
    dialect: Dialect,
    server: &str,
    ferry: &Version,
) -> Result<(), Box<CompatError>> {
    let refuse = |why: String| {
        Box::new(CompatError::Engine {
            plugin: m.name.clone(),
            version: m.version.clone(),
            why,
        })
    };
    if let Some(req) = m.ferry.as_ref().filter(|r| !r.matches(ferry)) {
        return Err(refuse(format!(
            "needs ferry {req}; this is ferry {ferry}: upgrade ferry"
        )));
    }
    if m.engines.is_empty() {
        return Ok(());
    }
    let key = EngineKey::of(dialect, server);
    let req = match (m.engines.get(&key), key) {
        (Some(req), _) => req,
        (None, EngineKey::Mariadb) if m.engines.contains_key(&EngineKey::Mysql) => return Ok(()),
        (None, _) => {
            let supported: Vec<&str> = m.engines.keys().map(|k| k.as_str()).collect();
            return Err(refuse(format!(
                "does not support {}; it supports {}",
                key.as_str(),
                supported.join(", ")
            )));
        }
    };
    match server_version(server) {
        Some(v) if !req.matches(&v) => Err(refuse(format!(
            "needs {} {req}; this server is {v}",
            key.as_str()
        ))),
        _ => Ok(()),
    }
}

/// A server's version text (`16.4`, `10.11.6-MariaDB-0+deb12u1`, `3.45.1`) as a semantic
/// version: its leading numbers, missing parts zero.
pub fn server_version(text: &str) -> Option<Version> {
    let mut parts = text
        .split(|c: char| !c.is_ascii_digit())
        .take_while(|p| !p.is_empty())
        .map(|p| p.parse::<u64>().ok());
    let major = parts.next()??;
    let minor = parts.next().flatten().unwrap_or(0);
    let patch = parts.next().flatten().unwrap_or(0);
    Some(Version::new(major, minor, patch))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(text: &str) -> Manifest {
        Manifest::parse(text).unwrap()
    }

    #[test]
    fn requirements_conflicts_and_engines_are_checked() {
        let jobs1 = manifest("name = \"jobs\"\nversion = \"1.4.0\"\n");
        let jobs2 = manifest("name = \"jobs\"\nversion = \"2.0.0\"\n");
        let stripe = manifest(
            "name = \"stripe\"\nversion = \"1.0.0\"\n[requires]\njobs = \">=1.0, <2\"\n[engines]\npostgresql = \">=14\"\nsqlite = \"*\"\n",
        );
        let ferry = Version::new(0, 1, 0);
        let ok = check(&[&jobs1, &stripe], Dialect::Postgres, "16.4", &ferry);
        assert_eq!(ok, Ok(()));
        let err = check(&[&jobs2, &stripe], Dialect::Postgres, "", &ferry).unwrap_err();
        assert_eq!(
            err.to_string(),
            "stripe 1.0.0 requires jobs >=1.0, <2, but jobs 2.0.0 would be installed; choose versions that fit together"
        );
        let err = check(&[&stripe], Dialect::Postgres, "", &ferry).unwrap_err();
        assert!(err.to_string().contains("install it first"), "{err}");
        let err = check(
            &[&jobs1, &stripe],
            Dialect::Mysql,
            "10.11.6-MariaDB",
            &ferry,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "stripe 1.0.0 does not support mariadb; it supports postgresql, sqlite"
        );
        // MariaDB and MySQL apart; a mysql entry admits MariaDB without comparing numbers.
        let both = manifest(
            "name = \"b\"\nversion = \"1.0.0\"\n[engines]\nmysql = \">=8\"\nmariadb = \">=11\"\n",
        );
        let err = check(&[&both], Dialect::Mysql, "10.11.6-MariaDB", &ferry).unwrap_err();
        assert!(err.to_string().contains("needs mariadb >=11"), "{err}");
        assert!(check(&[&both], Dialect::Mysql, "8.0.36", &ferry).is_ok());
        let mysql = manifest("name = \"m\"\nversion = \"1.0.0\"\n[engines]\nmysql = \">=8\"\n");
        assert!(check(&[&mysql], Dialect::Mysql, "10.11.6-MariaDB", &ferry).is_ok());
        let err = check(&[&jobs1, &stripe], Dialect::Postgres, "13.9", &ferry).unwrap_err();
        assert_eq!(
            err.to_string(),
            "stripe 1.0.0 needs postgresql >=14; this server is 13.9.0"
        );
        let legacy =
            manifest("name = \"legacy\"\nversion = \"0.9.0\"\n[conflicts]\njobs = \"*\"\n");
        let err = check(&[&jobs1, &legacy], Dialect::Sqlite, "", &ferry).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("legacy 0.9.0 conflicts with jobs 1.4.0")
        );
        let future = manifest("name = \"f\"\nversion = \"1.0.0\"\nferry = \">=9\"\n");
        let err = check(&[&future], Dialect::Sqlite, "", &ferry).unwrap_err();
        assert!(err.to_string().contains("upgrade ferry"), "{err}");
    }

    #[test]
    fn server_versions_read_their_leading_numbers() {
        assert_eq!(server_version("16.4"), Some(Version::new(16, 4, 0)));
        assert_eq!(
            server_version("10.11.6-MariaDB-0+deb12u1"),
            Some(Version::new(10, 11, 6))
        );
        assert_eq!(server_version("3.45.1"), Some(Version::new(3, 45, 1)));
        assert_eq!(server_version("x"), None);
    }
}
