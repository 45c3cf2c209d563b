//! From another tool's rows to ferry's: which versions are applied (or failed), with
//! their times and checksums, matched with the files.

use super::ForeignRow;
use crate::checksum::{FLYWAY_ALGORITHM, SQLX_ALGORITHM};
use crate::tools::Tool;
use crate::{Checksum, Migration, RowState, Version, VersionKind};
use std::collections::BTreeMap;
use std::fmt;

/// A ferry history row to record for an imported one.
#[derive(Clone, Debug)]
pub struct Imported<'a> {
    /// The file it matches.
    pub migration: &'a Migration,
    /// The tool's checksum where ferry verifies it the tool's way (sqlx, Flyway), else
    /// ferry's own of the file.
    pub checksum: Checksum,
    /// Applied, or failed (a failed or dirty entry).
    pub state: RowState,
    /// Why it failed.
    pub error: Option<String>,
    /// When the tool applied it (UTC text), if it kept that.
    pub applied_at: Option<String>,
    /// The tool's baseline marker.
    pub baseline: bool,
}

/// A way the old table and the files disagree.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Difference {
    /// Applied per the old table, and no file has its version.
    NoFile {
        /// The version as the tool stored it.
        version: String,
    },
    /// The file changed since the old tool applied it (its checksum differs).
    Changed {
        /// The version.
        version: String,
        /// The file.
        file: String,
    },
    /// A version ferry cannot read as one of this folder's.
    BadVersion {
        /// The text.
        version: String,
    },
    /// The old table names the migration otherwise than its file (node-pg-migrate).
    Renamed {
        /// The version.
        version: String,
        /// The name in the old table.
        theirs: String,
        /// The file.
        file: String,
    },
    /// Something ferry does not import.
    Unsupported {
        /// What.
        what: String,
    },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::NoFile { version } => write!(
                f,
                "{}: applied per the old table, but no file has this version",
                version.escape_debug()
            ),
            Difference::Changed { version, file } => {
                write!(
                    f,
                    "{version}: {file} changed since it was applied (its checksum differs from the old table's)"
                )
            }
            Difference::BadVersion { version } => write!(
                f,
                "`{}`: not a version of this folder's convention",
                version.escape_debug()
            ),
            Difference::Renamed {
                version,
                theirs,
                file,
            } => write!(
                f,
                "{version}: the old table calls it `{}`, and the file is {file}",
                theirs.escape_debug()
            ),
            Difference::Unsupported { what } => f.write_str(what),
        }
    }
}

/// What one of the tool's rows says, normalised.
#[derive(Clone, Debug)]
struct Said {
    version: Version,
    label: String,
    state: Option<RowState>,
    applied_at: Option<String>,
    checksum: Option<String>,
    baseline: bool,
    /// The whole name the tool recorded, where it is more than the version.
    recorded_name: Option<String>,
}

/// The ferry history equivalent to `tool`'s `rows`, in the order the tool applied them,
/// matched with `migrations` (whose versions are of `kind`); or every disagreement.
pub fn plan<'a>(
    tool: Tool,
    rows: Vec<ForeignRow>,
    migrations: &'a [Migration],
    kind: VersionKind,
) -> Result<Vec<Imported<'a>>, Vec<Difference>> {
    let mut differences = Vec::new();
    let said = match tool {
        Tool::GolangMigrate => golang_migrate(&rows, migrations, kind, &mut differences),
        _ => rows
            .into_iter()
            .filter_map(|r| said(tool, r, kind, &mut differences))
            .collect(),
    };
    // Matched by text: a changeset's place in its changelog is known from the files only.
    let by_version: BTreeMap<&str, &Migration> = (migrations.iter())
        .map(|m| (m.version.as_str(), m))
        .collect();
    let mut imported = Vec::new();
    let mut said = latest(said);
    if tool == Tool::Flyway {
        below_baseline(&mut said, migrations);
    }
    for s in said {
        let Some(state) = s.state else { continue };
        let Some(m) = by_version.get(s.version.as_str()).copied() else {
            // A baseline need not have a file: the files may start after it.
            if !s.baseline {
                differences.push(Difference::NoFile { version: s.label });
            }
            continue;
        };
        let stem =
            m.up.path
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned());
        if let Some(theirs) = s
            .recorded_name
            .as_ref()
            .filter(|n| Some(*n) != stem.as_ref())
        {
            differences.push(Difference::Renamed {
                version: s.label.clone(),
                theirs: theirs.clone(),
                file: m.up.path.display().to_string(),
            });
            continue;
        }
        match verified(tool, &s, m) {
            Ok(checksum) => imported.push(Imported {
                migration: m,
                checksum,
                state,
                error: (state == RowState::Failed).then(|| {
                    format!(
                        "failed or dirty in {}; check the database by hand",
                        tool.name()
                    )
                }),
                applied_at: s.applied_at,
                baseline: s.baseline,
            }),
            Err(d) => differences.push(d),
        }
    }
    match differences.is_empty() {
        true => Ok(imported),
        false => Err(differences),
    }
}

/// The migrations among `migrations` that `tool`'s rows say are applied (or failed part-way):
/// what `migrate` would run a second time if the old history were ignored.
pub fn claimed(
    tool: Tool,
    rows: Vec<ForeignRow>,
    migrations: &[Migration],
    kind: VersionKind,
) -> Vec<&Migration> {
    let mut ignored = Vec::new();
    let said = match tool {
        Tool::GolangMigrate => golang_migrate(&rows, migrations, kind, &mut ignored),
        _ => rows
            .into_iter()
            .filter_map(|r| said(tool, r, kind, &mut ignored))
            .collect(),
    };
    let mut said = latest(said);
    if tool == Tool::Flyway {
        below_baseline(&mut said, migrations);
    }
    // By text: a changeset's place in its changelog is known from the files only.
    let applied: std::collections::BTreeSet<String> = (said.into_iter())
        .filter(|s| s.state.is_some())
        .map(|s| s.version.as_str().to_owned())
        .collect();
    (migrations.iter())
        .filter(|m| applied.contains(m.version.as_str()))
        .collect()
}

/// One row of a tool that keeps a row per migration; `None` for rows that are not
/// migrations (Flyway's schema marker, goose's and postgres-migrations' table creation).
fn said(
    tool: Tool,
    row: ForeignRow,
    kind: VersionKind,
    differences: &mut Vec<Difference>,
) -> Option<Said> {
    let kind_text = row.kind.as_deref().unwrap_or("").to_ascii_uppercase();
    let text = match (tool, &row.version) {
        (Tool::Flyway, _) if kind_text == "SCHEMA" => return None,
        (Tool::Flyway, _)
            if !matches!(
                kind_text.as_str(),
                "SQL" | "BASELINE" | "UNDO_SQL" | "SQL_BASELINE" | "DELETE"
            ) =>
        {
            differences.push(Difference::Unsupported {
                what: format!(
                    "{}: a {kind_text} migration in Flyway's history; ferry runs SQL only",
                    row.script.as_deref().unwrap_or("?")
                ),
            });
            return None;
        }
        (Tool::Flyway, None) => format!(
            "R__{}",
            repeatable_name(row.script.as_deref().unwrap_or_default())
        ),
        (Tool::Goose | Tool::PostgresMigrations, Some(v)) if v == "0" => return None,
        (Tool::NodePgMigrate, Some(name)) => {
            name.chars().take_while(char::is_ascii_digit).collect()
        }
        // DATABASECHANGELOG keeps the id in `id` and the author beside it.
        (Tool::Liquibase, Some(id)) => format!("{}:{id}", row.name.as_deref().unwrap_or_default()),
        (_, Some(v)) => v.clone(),
        (_, None) => {
            differences.push(Difference::BadVersion {
                version: "NULL".into(),
            });
            return None;
        }
    };
    let Some(version) = Version::parse_as(kind, &text) else {
        differences.push(Difference::BadVersion { version: text });
        return None;
    };
    let state = match (tool, row.ok) {
        // An undo, or `flyway repair` marking a migration deleted, leaves it not applied.
        (Tool::Flyway, _) if kind_text.starts_with("UNDO") || kind_text == "DELETE" => None,
        (Tool::Goose, Some(false)) => None,
        (Tool::Liquibase, _) => match kind_text.as_str() {
            "FAILED" => Some(RowState::Failed),
            "SKIPPED" => None,
            _ => Some(RowState::Applied),
        },
        (_, Some(false)) => Some(RowState::Failed),
        _ => Some(RowState::Applied),
    };
    Some(Said {
        version,
        label: text,
        state,
        applied_at: row.applied_at,
        checksum: row.checksum,
        baseline: kind_text.contains("BASELINE") || kind_text == "MARK_RAN",
        recorded_name: (tool == Tool::NodePgMigrate)
            .then(|| row.version.clone())
            .flatten(),
    })
}

/// Flyway's `R__name.sql` script name without its prefix and suffix.
fn repeatable_name(script: &str) -> &str {
    let file = script.rsplit(['/', '\\']).next().unwrap_or(script);
    let file = file.strip_prefix("R__").unwrap_or(file);
    file.strip_suffix(".sql").unwrap_or(file)
}

/// golang-migrate keeps one row: every version up to it is applied, and it is failed if
/// the row is dirty.
fn golang_migrate(
    rows: &[ForeignRow],
    migrations: &[Migration],
    kind: VersionKind,
    differences: &mut Vec<Difference>,
) -> Vec<Said> {
    let Some(row) = rows.last() else {
        return Vec::new();
    };
    if rows.len() > 1 {
        differences.push(Difference::Unsupported {
            what: format!(
                "golang-migrate keeps one row, and its table holds {}; check which is right",
                rows.len()
            ),
        });
        return Vec::new();
    }
    let text = row.version.clone().unwrap_or_default();
    let Some(current) = Version::parse_as(kind, &text) else {
        differences.push(Difference::BadVersion { version: text });
        return Vec::new();
    };
    if !migrations.iter().any(|m| m.version == current) {
        differences.push(Difference::NoFile { version: text });
        return Vec::new();
    }
    // `ok` reads the `dirty` column: true means the last migration failed part-way.
    let dirty = row.ok == Some(true);
    (migrations.iter())
        .filter(|m| m.version <= current && !m.version.is_repeatable())
        .map(|m| Said {
            version: m.version.clone(),
            label: m.label.clone(),
            state: Some(if dirty && m.version == current {
                RowState::Failed
            } else {
                RowState::Applied
            }),
            applied_at: None,
            checksum: None,
            baseline: false,
            recorded_name: None,
        })
        .collect()
}

/// Flyway treats every versioned migration below a baseline as applied: they are recorded
/// as baselined, before the baseline row.
fn below_baseline(said: &mut Vec<Said>, migrations: &[Migration]) {
    let Some(at) = said.iter().position(|s| s.baseline && s.state.is_some()) else {
        return;
    };
    let baseline = said[at].version.clone();
    let known: std::collections::BTreeSet<Version> =
        said.iter().map(|s| s.version.clone()).collect();
    let below = (migrations.iter())
        .filter(|m| {
            m.version < baseline && !m.version.is_repeatable() && !known.contains(&m.version)
        })
        .map(|m| Said {
            version: m.version.clone(),
            label: m.label.clone(),
            state: Some(RowState::Applied),
            applied_at: said[at].applied_at.clone(),
            checksum: None,
            baseline: true,
            recorded_name: None,
        })
        .collect::<Vec<_>>();
    said.splice(at..at, below);
}

/// The latest row of each version, in the order those rows came.
fn latest(said: Vec<Said>) -> Vec<Said> {
    let mut at: BTreeMap<Version, usize> = BTreeMap::new();
    for (i, s) in said.iter().enumerate() {
        at.insert(s.version.clone(), i);
    }
    let keep: std::collections::BTreeSet<usize> = at.into_values().collect();
    (said.into_iter().enumerate())
        .filter(|(i, _)| keep.contains(i))
        .map(|(_, s)| s)
        .collect()
}

/// The checksum to record, after checking the tool's against the file where the tool kept
/// one.
fn verified(tool: Tool, s: &Said, m: &Migration) -> Result<Checksum, Difference> {
    let changed = || Difference::Changed {
        version: s.label.clone(),
        file: m.up.path.display().to_string(),
    };
    let Some(stored) = s.checksum.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(m.up.checksum);
    };
    let text = m.up.text().map_err(|_| changed())?;
    match tool {
        Tool::Sqlx => {
            let theirs = Checksum::from_hex(SQLX_ALGORITHM, stored).ok_or_else(changed)?;
            let ours = Checksum::with_algorithm(SQLX_ALGORITHM, text).map_err(|_| changed())?;
            (theirs == ours).then_some(theirs).ok_or_else(changed)
        }
        Tool::Flyway => {
            let number: i64 = stored.trim().parse().map_err(|_| changed())?;
            let theirs = Checksum::from_digest(FLYWAY_ALGORITHM, &(number as u32).to_be_bytes())
                .ok_or_else(changed)?;
            let ours = Checksum::with_algorithm(FLYWAY_ALGORITHM, text).map_err(|_| changed())?;
            // A changed repeatable is what Flyway would apply again: kept with Flyway's
            // checksum, ferry sees it changed and applies it again too.
            (theirs == ours || m.version.is_repeatable())
                .then_some(theirs)
                .ok_or_else(changed)
        }
        Tool::PostgresMigrations => {
            use sha1::Digest;
            let file =
                m.up.path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
            let ours = hex::encode(sha1::Sha1::digest(format!("{file}{text}").as_bytes()));
            (ours.eq_ignore_ascii_case(stored.trim()))
                .then_some(m.up.checksum)
                .ok_or_else(changed)
        }
        _ => Ok(m.up.checksum),
    }
}

#[cfg(test)]
mod tests;
