//! Other tools' folder conventions, read as they are.
//!
//! A [`Layout`] names one convention; its [`Convention`] says, for every entry listed in a
//! migrations folder, what the entry is ([`Found`]), and, for conventions that keep both
//! directions in one file, where each direction's script is ([`Sections`]). Everything
//! here is pure: the `ferry-source` crate lists the folder, reads the files and asks.
//!
//! | layout | files | versions |
//! |---|---|---|
//! | `ferry` | `001_x.sql` + `rollback/001_x.sql`, `1_x.up.sql`/`.down.sql`, Flyway `V1__x.sql`/`U1__x.sql`, engine tags (also sqlx, golang-migrate, postgres-migrations) | numeric |
//! | `diesel` | `<version>_<name>/up.sql`, `down.sql`, `metadata.toml` | text |
//! | `popx` | `<version>_<name>[.<dialect>][.autocommit].(up\|down).sql` | text |
//! | `maragudk` | `<name>.up.sql`/`.down.sql` or `<name>_up.sql`/`_down.sql` | text (the stem) |
//! | `dbmate` | one file, `-- migrate:up` / `-- migrate:down` | text |
//! | `goose` | one file, `-- +goose Up` / `-- +goose Down` | numeric |
//! | `node-pg-migrate` | one file, `-- Up Migration` / `-- Down Migration` | numeric |
//! | `liquibase` | formatted SQL changelogs, `--changeset author:id`, `--rollback` | changelog order |

mod dbmate;
mod detect;
mod diesel;
mod ferry;
mod goose;
pub mod liquibase;
mod maragudk;
mod node_pg_migrate;
mod popx;
mod sections;

use crate::VersionKind;
use crate::naming::ParsedName;
pub use detect::detect;
pub use sections::{SectionError, Sections};
use std::fmt;

/// A folder convention ferry reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// ferry's own names, which also cover sqlx, golang-migrate, Flyway's `V`/`U` files and
    /// postgres-migrations.
    Ferry,
    /// diesel: a folder per migration.
    Diesel,
    /// Ory popx / fizz-style SQL files.
    Popx,
    /// maragudk/migrate: the file stem is the key.
    Maragudk,
    /// dbmate: both directions in one file.
    Dbmate,
    /// goose SQL files.
    Goose,
    /// node-pg-migrate SQL files.
    NodePgMigrate,
    /// Liquibase formatted SQL changelogs.
    Liquibase,
}

/// Every layout, in the order detection tries them.
pub const ALL: [Layout; 8] = [
    Layout::Liquibase,
    Layout::Diesel,
    Layout::Popx,
    Layout::Dbmate,
    Layout::Goose,
    Layout::NodePgMigrate,
    Layout::Maragudk,
    Layout::Ferry,
];

impl Layout {
    /// The layout named `name` in ferry.toml; other tools whose names ferry's own layout
    /// reads as they are (`sqlx`, `golang-migrate`, `flyway`, `postgres-migrations`) are
    /// accepted as names for it.
    pub fn from_name(name: &str) -> Option<Layout> {
        Some(match name.to_ascii_lowercase().as_str() {
            "ferry"
            | "sqlx"
            | "golang-migrate"
            | "migrate"
            | "flyway"
            | "postgres-migrations"
            | "refinery" => Layout::Ferry,
            "diesel" => Layout::Diesel,
            "popx" | "fizz" | "ory" => Layout::Popx,
            "maragudk" => Layout::Maragudk,
            "dbmate" => Layout::Dbmate,
            "goose" => Layout::Goose,
            "node-pg-migrate" => Layout::NodePgMigrate,
            "liquibase" => Layout::Liquibase,
            _ => return None,
        })
    }

    /// The names `layout =` accepts, for error messages.
    pub const NAMES: &str = "ferry (also sqlx, golang-migrate, flyway, postgres-migrations), diesel, popx, maragudk, dbmate, goose, node-pg-migrate, liquibase";

    /// The layout's name.
    pub fn name(self) -> &'static str {
        self.convention().name()
    }

    /// How the layout's versions compare.
    pub fn version_kind(self) -> VersionKind {
        self.convention().version_kind()
    }

    /// The rules of this layout.
    pub fn convention(self) -> &'static dyn Convention {
        match self {
            Layout::Ferry => &ferry::Ferry,
            Layout::Diesel => &diesel::Diesel,
            Layout::Popx => &popx::Popx,
            Layout::Maragudk => &maragudk::Maragudk,
            Layout::Dbmate => &dbmate::Dbmate,
            Layout::Goose => &goose::Goose,
            Layout::NodePgMigrate => &node_pg_migrate::NodePgMigrate,
            Layout::Liquibase => &liquibase::Liquibase,
        }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One entry of a migrations folder, as listed.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    /// The path inside the migrations folder, `/`-separated (`001_a.sql`,
    /// `rollback/001_a.sql`, `2020-01-01-000000_init/up.sql`).
    pub path: &'a str,
    /// A folder (or a symlink to one).
    pub is_dir: bool,
}

impl Entry<'_> {
    /// The last part of the path.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }

    /// The entry's name, if it is a file at the top of the folder (where one-file-per-
    /// migration conventions keep their migrations).
    pub fn top_file(&self) -> Option<&str> {
        (!self.is_dir && self.parent().is_none()).then(|| self.file_name())
    }

    /// The folder the entry is in, `None` at the top.
    pub fn parent(&self) -> Option<&str> {
        self.path.rsplit_once('/').map(|(p, _)| p)
    }
}

/// What an entry of a migrations folder is, to one convention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// A script file.
    Script {
        /// What its name says.
        name: ParsedName,
        /// The file holds both directions, in sections ([`Convention::sections`]).
        both: bool,
        /// What in the name says the script runs without a transaction (popx's
        /// `.autocommit`), if anything.
        no_transaction: Option<&'static str>,
    },
    /// A folder whose entries are listed too (`rollback/`, diesel's migration folders).
    Folder,
    /// Per-migration settings (diesel's `metadata.toml`), read with
    /// [`Convention::settings`].
    Settings,
    /// A file of many migrations (a Liquibase changelog), read with
    /// [`Convention::changesets`].
    Changelog,
    /// A portable JSON migration (`NNN_name.json`), read with [`crate::portable`].
    Portable(ParsedName),
    /// Another engine's variant, tagged for an engine ferry does not run: skipped.
    OtherEngine(String),
    /// Not a migration (a README, a data file): skipped.
    NotMigration,
    /// Looks like a migration, but ferry cannot run it: reported, and commands refuse
    /// until it is fixed or listed in `ignore`.
    Unread(String),
}

/// Settings a migration's own file gives it (diesel's `metadata.toml`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Says the migration runs without a transaction, as written.
    pub no_transaction: Option<String>,
}

/// The rules of one folder convention.
pub trait Convention: Sync {
    /// The layout's name, as `layout =` takes it.
    fn name(&self) -> &'static str;

    /// How versions compare in this convention.
    fn version_kind(&self) -> VersionKind {
        VersionKind::Numeric
    }

    /// What `entry` is.
    fn classify(&self, entry: Entry<'_>) -> Found;

    /// The scripts of a file that holds both directions.
    fn sections(&self, text: &str) -> Result<Sections, SectionError> {
        let _ = text;
        Err(SectionError {
            line: 1,
            message: format!("the {} layout keeps one direction per file", self.name()),
        })
    }

    /// The changesets of a changelog file.
    fn changesets(&self, text: &str) -> Result<Vec<liquibase::Changeset>, SectionError> {
        let _ = text;
        Err(SectionError {
            line: 1,
            message: format!("the {} layout keeps one migration per file", self.name()),
        })
    }

    /// Reads a settings file; `Err` says what is wrong.
    fn settings(&self, text: &str) -> Result<Settings, String> {
        let _ = text;
        Ok(Settings::default())
    }

    /// The version a settings file at `path` belongs to.
    fn settings_version(&self, path: &str) -> Option<crate::Version> {
        let _ = path;
        None
    }

    /// Whether every top-level folder is one migration that must hold an up script.
    fn folders_are_migrations(&self) -> bool {
        false
    }
}

/// Whether a name not read as a migration still looks like one: a `.sql` file, or a name
/// starting with a digit. Such entries are never skipped in silence.
pub fn looks_like_migration(file_name: &str) -> bool {
    file_name.to_ascii_lowercase().ends_with(".sql")
        || file_name.starts_with(|c: char| c.is_ascii_digit())
}

/// Why a file in another language is not read, if its extension says it is a migration
/// in code (goose's `.go`, node-pg-migrate's `.js`, popx's `.fizz`, ...).
pub fn code_migration(file_name: &str) -> Option<String> {
    // Only a name that starts like a migration's (`00002_x.go`, `V3__Backfill.java`):
    // `package.json` or `schema.yml` beside the migrations are not migrations.
    let mut chars = file_name.chars();
    let versioned = match (chars.next(), chars.next()) {
        (Some(c), _) if c.is_ascii_digit() => true,
        (Some('V' | 'v' | 'U' | 'u' | 'R' | 'r'), Some(n)) => n.is_ascii_digit() || n == '_',
        _ => false,
    };
    if !versioned {
        return None;
    }
    let (_, ext) = file_name.rsplit_once('.')?;
    let what = match ext.to_ascii_lowercase().as_str() {
        "go" => "a Go migration",
        "js" | "cjs" | "mjs" | "ts" => "a JavaScript/TypeScript migration",
        "fizz" => "a fizz migration",
        "py" => "a Python migration",
        "rb" => "a Ruby migration",
        "java" | "class" | "kt" => "a Java migration",
        "json" => {
            return Some(
                "a JSON file that is not named like a portable migration (`NNN_name.json`, outside rollback/)".into(),
            );
        }
        "xml" | "yaml" | "yml" => "a changelog in XML/YAML",
        _ => return None,
    };
    Some(format!(
        "{what}: ferry runs SQL migrations only; port it to SQL, or list it in `ignore` if it is not a migration"
    ))
}
