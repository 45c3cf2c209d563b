//! `ferry convert`: a folder of SQL migrations to portable JSON and back, keeping what the
//! target can hold and saying what it cannot. SQL to JSON keeps each engine's SQL (the
//! text most engines share as `universal`, the others under their engine), the directives
//! (`since` as the version, `requires` as dependencies, `conflicts`, the description, and
//! no-transaction as `transactional: false`). JSON to SQL writes the plain file and the
//! engine variants ferry's layout reads, with the directives at the top; validations,
//! timeouts, expected changes, skipOnError, risk, backup and duration have no place in a
//! SQL file and are listed as dropped.

use super::types::*;
use crate::{Dialect, Directives};
use std::collections::BTreeMap;

/// One SQL migration as the converter reads it: its scripts per engine (the same text
/// for engines that share the plain file).
#[derive(Clone, Debug, Default)]
pub struct SqlMigration {
    /// The plugin it belongs to.
    pub plugin: String,
    /// Its version as written in the file name.
    pub label: String,
    /// The descriptive part of the name.
    pub name: String,
    /// The plugin version to write when the file names none (`ferry:since`).
    pub default_version: String,
    /// The up script per engine.
    pub up: BTreeMap<Dialect, String>,
    /// The down script per engine (empty: none).
    pub down: BTreeMap<Dialect, String>,
    /// The up script's directives.
    pub directives: Directives,
}

const ENGINES: [Dialect; 3] = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite];

/// A SQL migration as a portable one. Its id is `plugin-label-name`: ids are kept forever,
/// so a converted migration is named by what named it before.
pub fn from_sql(m: &SqlMigration) -> PortableFile {
    let d = &m.directives;
    let transactional = d.no_transaction.is_none();
    let step = |id: &str, scripts: &BTreeMap<Dialect, String>| Step {
        id: id.to_owned(),
        kind: MigrationType::Schema,
        name: format!("{} ({id})", m.name.replace('_', " ")),
        description: None,
        sql: Some(sql_of(scripts)),
        transform: None,
        transactional,
        rollback_supported: true,
        skip_on_error: false,
        timeout: None,
        dependencies: Vec::new(),
        pre_validation: None,
        post_validation: None,
        expected_changes: None,
    };
    let engines: Vec<Engine> = match m.up.len() == ENGINES.len() {
        true => Vec::new(),
        false => m.up.keys().map(|d| engine_of(*d)).collect(),
    };
    PortableFile {
        format: Format::V1,
        migration: PortableMigration {
            id: format!("{}-{}-{}", m.plugin, m.label, m.name),
            plugin_id: m.plugin.clone(),
            version: (d.since.as_ref())
                .map_or_else(|| m.default_version.clone(), ToString::to_string),
            name: m.name.replace('_', " "),
            description: d.description.clone(),
            kind: MigrationType::Schema,
            dependencies: d.requires.clone(),
            conflicts: d.conflicts.clone(),
            category: None,
            estimated_duration: None,
            risk_level: None,
            requires_backup: false,
            database_engines: engines,
            steps: Steps {
                up: vec![step("up", &m.up)],
                down: match m.down.is_empty() {
                    true => Vec::new(),
                    false => vec![step("down", &m.down)],
                },
            },
            created_at: None,
            updated_at: None,
        },
    }
}

fn engine_of(d: Dialect) -> Engine {
    match d {
        Dialect::Postgres => Engine::Postgresql,
        Dialect::Mysql => Engine::Mysql,
        Dialect::Sqlite => Engine::Sqlite,
    }
}

/// Scripts per engine as `sql`: the text most engines share is `universal`, the others
/// keep their own; ferry's directive lines are left out (they are the JSON's fields now).
fn sql_of(scripts: &BTreeMap<Dialect, String>) -> Sql {
    let texts: BTreeMap<Dialect, String> = (scripts.iter())
        .map(|(d, t)| (*d, without_directives(t)))
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for t in texts.values() {
        *counts.entry(t.as_str()).or_default() += 1;
    }
    let shared = (counts.iter())
        .filter(|(_, n)| **n > 1 || texts.len() == 1)
        .max_by_key(|(_, n)| **n)
        .map(|(t, _)| (*t).to_owned());
    let own = |d: Dialect| {
        texts
            .get(&d)
            .filter(|t| Some(*t) != shared.as_ref())
            .cloned()
    };
    Sql {
        postgresql: own(Dialect::Postgres),
        mysql: own(Dialect::Mysql),
        sqlite: own(Dialect::Sqlite),
        mssql: None,
        universal: shared,
    }
}

/// `text` without the `-- ferry:` directive lines of its leading comments.
fn without_directives(text: &str) -> String {
    let mut leading = true;
    let kept: Vec<&str> = (text.lines())
        .filter(|line| {
            let t = line.trim_start();
            let directive = t.starts_with("--")
                && t.trim_start_matches('-')
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("ferry:");
            leading &= t.is_empty() || t.starts_with("--");
            !(leading && directive)
        })
        .collect();
    let mut out = kept.join("\n").trim_start_matches('\n').to_owned();
    out.push('\n');
    out
}

/// A portable migration as SQL files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlFiles {
    /// `(path under the folder, text)`: the plain file, each engine's variant where it
    /// differs, and the same under `rollback/`.
    pub files: Vec<(String, String)>,
    /// What a SQL file cannot hold, dropped.
    pub dropped: Vec<String>,
}

/// The SQL files of a portable migration; `Err` if no engine can run it.
pub fn to_sql(file: &PortableFile, stem: &str) -> Result<SqlFiles, String> {
    let m = &file.migration;
    let mut ups = BTreeMap::new();
    let mut downs = BTreeMap::new();
    let mut no_transaction = false;
    let mut why_not = Vec::new();
    for d in ENGINES {
        match super::for_engine(file, d) {
            Ok(s) => {
                no_transaction |= s.no_transaction.is_some();
                ups.insert(d, tidy(&s.up, &s.up_steps));
                if let Some(down) = s.down {
                    downs.insert(d, tidy(&down, &s.down_steps));
                }
            }
            Err(e) => why_not.push(e),
        }
    }
    if ups.is_empty() {
        return Err(why_not.join("; "));
    }
    // 0.0.0 is what an application's migration, which names no version, converts to.
    let mut head = match m.version.as_str() {
        "0.0.0" => String::new(),
        v => format!("-- ferry:since {v}\n"),
    };
    let lists = [("requires", &m.dependencies), ("conflicts", &m.conflicts)];
    for (name, list) in lists.into_iter().filter(|(_, l)| !l.is_empty()) {
        head.push_str(&format!("-- ferry:{name} {}\n", list.join(", ")));
    }
    if let Some(description) = &m.description {
        head.push_str(&format!(
            "-- ferry:description {}\n",
            description.replace('\n', " ")
        ));
    }
    if no_transaction {
        head.push_str("-- ferry:no-transaction\n");
    }
    let mut files = variants(stem, &ups, &head);
    files.extend(variants(&format!("rollback/{stem}"), &downs, ""));
    let mut lost = dropped(m);
    if m.id != format!("{}-{}", m.plugin_id, stem.replacen('_', "-", 1)) {
        lost.insert(
            0,
            format!("id `{}` (a SQL migration is named by its file)", m.id),
        );
    }
    if m.kind != MigrationType::Schema {
        lost.push("type".into());
    }
    let mut all = m.steps.up.iter().chain(&m.steps.down);
    if all.any(|s| s.sql.as_ref().is_some_and(|q| q.mssql.is_some())) {
        lost.push("mssql SQL".into());
    }
    if m.steps.up.len() + m.steps.down.len() > 2 {
        lost.push("step ids and names (the steps are joined)".into());
    }
    Ok(SqlFiles {
        files,
        dropped: lost,
    })
}

/// A script made of steps, each ending `;` on its own line, written the way people write
/// SQL: the `;` goes at the end of the step's last line unless that line has a comment.
fn tidy(text: &str, steps: &[crate::StepGuard]) -> String {
    let mut out = String::with_capacity(text.len());
    for step in steps {
        let part = text.get(step.start..step.end).unwrap_or_default();
        let body = part.strip_suffix("\n;\n").unwrap_or(part);
        let last_line = body.rsplit('\n').next().unwrap_or_default();
        match last_line.contains("--") {
            true => out.push_str(part),
            false => {
                out.push_str(body);
                out.push_str(";\n");
            }
        }
    }
    out
}

/// The plain file (the text most engines share) and each differing engine's variant.
fn variants(stem: &str, scripts: &BTreeMap<Dialect, String>, head: &str) -> Vec<(String, String)> {
    if scripts.is_empty() {
        return Vec::new();
    }
    let sql = sql_of(scripts);
    let mut files = Vec::new();
    if let Some(plain) = &sql.universal {
        files.push((format!("{stem}.sql"), format!("{head}{plain}")));
    }
    for (d, own) in [
        (Dialect::Postgres, &sql.postgresql),
        (Dialect::Mysql, &sql.mysql),
        (Dialect::Sqlite, &sql.sqlite),
    ] {
        if let Some(text) = own {
            files.push((format!("{stem}.{d}.sql"), format!("{head}{text}")));
        }
    }
    files
}

/// What of `m` a SQL file cannot hold.
fn dropped(m: &PortableMigration) -> Vec<String> {
    let mut lost = Vec::new();
    let mut say = |what: &str, has: bool| {
        if has {
            lost.push(what.to_owned());
        }
    };
    say("riskLevel", m.risk_level.is_some());
    say("requiresBackup", m.requires_backup);
    say("estimatedDuration", m.estimated_duration.is_some());
    say("category", m.category.is_some());
    let steps = m.steps.up.iter().chain(&m.steps.down);
    for s in steps {
        let at = format!("step `{}`", s.id);
        say(&format!("{at} preValidation"), s.pre_validation.is_some());
        say(&format!("{at} postValidation"), s.post_validation.is_some());
        say(&format!("{at} timeout"), s.timeout.is_some());
        say(
            &format!("{at} expectedChanges"),
            s.expected_changes.is_some(),
        );
        say(&format!("{at} skipOnError"), s.skip_on_error);
    }
    lost
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migration() -> SqlMigration {
        let same = "CREATE TABLE t (id INTEGER)\n";
        SqlMigration {
            plugin: "jobs".into(),
            label: "002".into(),
            name: "add_t".into(),
            default_version: "1.0.0".into(),
            up: [
                (
                    Dialect::Postgres,
                    "-- ferry:since 1.1.0\n-- ferry:requires app:1\nCREATE TABLE t (id BIGSERIAL)\n"
                        .to_owned(),
                ),
                (Dialect::Mysql, format!("-- ferry:since 1.1.0\n-- ferry:requires app:1\n{same}")),
                (Dialect::Sqlite, format!("-- ferry:since 1.1.0\n-- ferry:requires app:1\n{same}")),
            ]
            .into(),
            down: ENGINES.map(|d| (d, "DROP TABLE t\n".to_owned())).into(),
            directives: crate::parse_directives("-- ferry:since 1.1.0\n-- ferry:requires app:1\n-- ferry:no-transaction\nSELECT 1;").unwrap(),
        }
    }

    #[test]
    fn sql_becomes_portable_json_and_back_without_losing_what_sql_holds() {
        let file = from_sql(&migration());
        let m = &file.migration;
        assert_eq!(
            (m.id.as_str(), m.version.as_str()),
            ("jobs-002-add_t", "1.1.0")
        );
        assert_eq!(m.dependencies, ["app:1"]);
        let sql = m.steps.up[0].sql.as_ref().unwrap();
        assert_eq!(
            sql.universal.as_deref(),
            Some("CREATE TABLE t (id INTEGER)\n")
        );
        assert_eq!(
            sql.postgresql.as_deref(),
            Some("CREATE TABLE t (id BIGSERIAL)\n")
        );
        assert!(sql.mysql.is_none() && !m.steps.up[0].transactional);
        super::super::check(&file).unwrap();

        let SqlFiles { files, dropped } = to_sql(&file, "002_add_t").unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "002_add_t.sql",
                "002_add_t.postgres.sql",
                "rollback/002_add_t.sql"
            ]
        );
        let plain = &files[0].1;
        let back = crate::parse_directives(plain).unwrap();
        assert_eq!(back.since, Some(semver::Version::new(1, 1, 0)));
        assert_eq!(back.requires, ["app:1"]);
        assert!(back.no_transaction.is_some());
        assert!(plain.ends_with("CREATE TABLE t (id INTEGER);\n"), "{plain}");
        assert!(dropped.is_empty());

        let mut guarded = file.clone();
        guarded.migration.steps.up[0].timeout = Some(5);
        guarded.migration.risk_level = Some(RiskLevel::High);
        let dropped = to_sql(&guarded, "002_add_t").unwrap().dropped;
        assert_eq!(dropped, ["riskLevel", "step `up` timeout"]);
    }
}
