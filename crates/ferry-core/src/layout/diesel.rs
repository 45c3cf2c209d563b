//! diesel: one folder per migration, `<version>_<name>/up.sql` and `down.sql`, with
//! `metadata.toml` saying `run_in_transaction = false` where needed. The version is the
//! text before the folder name's first `_` with every `-` removed, and diesel orders
//! versions as strings. Files at the top are not migrations to diesel, so ferry skips them
//! too (`ferry doctor` lists them).

use super::{Convention, Entry, Found, Settings};
use crate::naming::{Direction, ParsedName};
use crate::{Version, VersionKind};

/// diesel's layout.
pub struct Diesel;

/// The version and name a migration folder's name gives.
fn folder_version(folder: &str) -> Option<(Version, &str)> {
    let (head, name) = folder.split_once('_').unwrap_or((folder, ""));
    let digits = head.replace('-', "");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((Version::text(&digits)?, name))
}

impl Convention for Diesel {
    fn name(&self) -> &'static str {
        "diesel"
    }

    fn version_kind(&self) -> VersionKind {
        VersionKind::Text
    }

    fn classify(&self, entry: Entry<'_>) -> Found {
        let Some(folder) = entry.parent() else {
            // Every folder is listed: one with an up.sql is a migration whatever its name.
            return match entry.is_dir {
                true => Found::Folder,
                false => Found::NotMigration,
            };
        };
        let direction = match entry.file_name() {
            "up.sql" => Direction::Up,
            "down.sql" => Direction::Down,
            "metadata.toml" if folder_version(folder).is_some() => return Found::Settings,
            _ => return Found::NotMigration,
        };
        let Some((version, name)) = folder_version(folder) else {
            return Found::Unread(
                "a migration folder whose name does not start with a version (`<digits>_<name>`, dashes allowed)".into(),
            );
        };
        Found::Script {
            name: ParsedName {
                label: version.to_string(),
                version,
                name: name.to_owned(),
                direction,
                dialect: None,
            },
            both: false,
            no_transaction: None,
        }
    }

    fn settings(&self, text: &str) -> Result<Settings, String> {
        #[derive(serde::Deserialize)]
        struct Metadata {
            run_in_transaction: Option<bool>,
        }
        let metadata: Metadata = toml::from_str(text).map_err(|e| e.to_string())?;
        Ok(Settings {
            no_transaction: (metadata.run_in_transaction == Some(false))
                .then(|| "run_in_transaction = false in metadata.toml".to_owned()),
        })
    }

    fn settings_version(&self, path: &str) -> Option<Version> {
        folder_version(path.split('/').next()?).map(|(v, _)| v)
    }

    fn folders_are_migrations(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(path: &str, is_dir: bool) -> Found {
        Diesel.classify(Entry { path, is_dir })
    }

    #[test]
    fn folders_hold_the_migrations_and_versions_drop_dashes() {
        assert_eq!(found("2020-01-01-120000_create_users", true), Found::Folder);
        assert_eq!(found("README.md", false), Found::NotMigration);
        let Found::Script { name, .. } = found("2020-01-01-120000_create_users/down.sql", false)
        else {
            panic!("a script");
        };
        assert_eq!(name.version.as_str(), "20200101120000");
        assert_eq!(
            (name.name.as_str(), name.direction),
            ("create_users", Direction::Down)
        );
        assert_eq!(
            found("00000000000000_diesel_initial_setup/metadata.toml", false),
            Found::Settings
        );
        assert_eq!(found("README.md", false), Found::NotMigration);
        assert_eq!(found("seed_data.sql", false), Found::NotMigration);
        assert_eq!(found("1_x/notes.txt", false), Found::NotMigration);
        assert_eq!(found("seeds", true), Found::Folder);
        assert_eq!(found("seeds/data.csv", false), Found::NotMigration);
        assert!(matches!(found("abc_x/up.sql", false), Found::Unread(_)));
    }

    #[test]
    fn versions_order_as_strings() {
        let v = |s| folder_version(s).unwrap().0;
        // Mixed formats: numerically 9 < 20200101, as strings "2020..." comes first.
        assert!(v("2020-01-01_a") < v("9_b"));
    }

    #[test]
    fn metadata_turns_the_transaction_off() {
        let s = Diesel.settings("run_in_transaction = false\n").unwrap();
        assert_eq!(
            s.no_transaction.as_deref(),
            Some("run_in_transaction = false in metadata.toml")
        );
        assert_eq!(Diesel.settings("").unwrap().no_transaction, None);
        assert!(Diesel.settings("run_in_transaction = 3").is_err());
    }
}
