//! `ferry plugin ...`: list, updates, install, update, rollback, changelog, status.

use super::summary;
use crate::cli::{Global, PluginCommand};
use crate::error::CliError;
use crate::project::{self, Asked, Project};
use crate::render::{EventPrinter, out};
use ferry_core::plugin::changelog;
use ferry_core::plugin::upgrade::Change;
use ferry_engine::runner::{self, Upgrade};
use semver::Version;
use std::io::IsTerminal;

/// Runs one plugin command.
pub async fn run(g: &Global, command: PluginCommand) -> Result<(), CliError> {
    let creates = matches!(
        command,
        PluginCommand::Install { .. } | PluginCommand::Update { .. }
    );
    let mut p = Project::open(g, creates).await?;
    let result = match command {
        PluginCommand::List => list(&p, g),
        PluginCommand::Updates => updates(&p, g),
        PluginCommand::Install { name, version } => install(&mut p, g, &name, version).await,
        PluginCommand::Update {
            name,
            version,
            minor,
            major,
        } => update(&mut p, g, &name, version, (minor, major)).await,
        PluginCommand::Rollback {
            name,
            to_version,
            cascade,
        } => rollback(&mut p, g, &name, &to_version, cascade).await,
        PluginCommand::Changelog { name, version } => changelog(&p, &name, version),
        PluginCommand::Repair {
            name,
            accept_checksums,
            clear_failed,
            mark_applied,
            mark_rolled_back,
        } => {
            let mark = match (mark_applied, mark_rolled_back) {
                (Some(v), _) => Some((v, ferry_core::RowState::Applied)),
                (_, Some(v)) => Some((v, ferry_core::RowState::RolledBack)),
                _ => None,
            };
            repair(&mut p, g, &name, (accept_checksums, clear_failed), mark).await
        }
        PluginCommand::Status { name } => status(&mut p, g, &name).await,
    };
    p.close().await;
    result
}

/// A version given on the command line.
pub fn parse_version(text: &str) -> Result<Version, CliError> {
    Version::parse(text.trim_start_matches('v')).map_err(|e| {
        CliError::Usage(format!(
            "`{text}` is not a semantic version like 1.2.0 ({e})"
        ))
    })
}

/// One line of `plugin list`.
#[derive(serde::Serialize)]
struct Listed {
    name: String,
    installed: Option<String>,
    available: Vec<String>,
    state: &'static str,
}

fn list(p: &Project, g: &Global) -> Result<(), CliError> {
    let mut names: Vec<&String> = p.catalogs.keys().collect();
    names.extend(p.installed.iter().map(|i| &i.name));
    names.sort();
    names.dedup();
    let mut rows = Vec::new();
    for name in names {
        let installed = p.installed_version(name)?;
        let catalog = p.catalogs.get(name.as_str());
        let newest = catalog.and_then(|c| c.newest_stable());
        let release_there = |v: &Version| catalog.is_some_and(|c| c.releases.contains_key(v));
        let state = match (&installed, newest) {
            (None, _) => "not installed",
            (Some(_), None) => "installed, source missing",
            (Some(i), _) if !release_there(i) => "installed, its release is missing",
            (Some(i), Some(n)) if n > i => "update available",
            (Some(_), Some(_)) => "up to date",
        };
        rows.push(Listed {
            name: name.clone(),
            installed: installed.map(|v| v.to_string()),
            available: catalog.map(|c| c.versions()).unwrap_or_default(),
            state,
        });
    }
    if g.json {
        out(&serde_json::to_string_pretty(&rows).unwrap_or_default());
        return Ok(());
    }
    if rows.is_empty() {
        out(&format!(
            "no plugins: none in {} and none installed",
            p.config.plugins_dir.display()
        ));
        return Ok(());
    }
    let mut table = vec![["PLUGIN", "INSTALLED", "AVAILABLE", "STATE"].map(String::from)];
    for r in &rows {
        table.push([
            r.name.clone(),
            r.installed.clone().unwrap_or_else(|| "-".into()),
            r.available.join(", "),
            r.state.into(),
        ]);
    }
    out(&columns(&table));
    Ok(())
}

/// Rows as aligned columns.
fn columns<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let lines: Vec<String> = (rows.iter())
        .map(|row| {
            let cells: Vec<String> = (row.iter().zip(widths))
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            cells.join("  ").trim_end().to_owned()
        })
        .collect();
    lines.join("\n")
}

/// What kind of update `to` is from `from`.
fn kind(from: &Version, to: &Version) -> &'static str {
    match (to.major != from.major, to.minor != from.minor) {
        (true, _) => "major",
        (false, true) => "minor",
        _ => "patch",
    }
}

/// One line of `plugin updates`.
#[derive(serde::Serialize)]
struct Updates {
    name: String,
    installed: String,
    state: String,
    patch: Option<String>,
    minor: Option<String>,
    major: Option<String>,
}

fn updates(p: &Project, g: &Global) -> Result<(), CliError> {
    let mut rows = Vec::new();
    for row in &p.installed {
        let Some(installed) = p.installed_version(&row.name)? else {
            continue;
        };
        let newer: Vec<&Version> = (p.catalogs.get(&row.name).into_iter())
            .flat_map(|c| c.stable())
            .filter(|v| *v > &installed)
            .collect();
        let newest = |k: &str| {
            (newer.iter())
                .filter(|v| kind(&installed, v) == k)
                .max()
                .map(|v| v.to_string())
        };
        let (patch, minor, major) = (newest("patch"), newest("minor"), newest("major"));
        let state = match (&patch, &minor, &major) {
            (None, None, None) => "up to date".to_owned(),
            _ => {
                let offers: Vec<String> = [("patch", &patch), ("minor", &minor), ("major", &major)]
                    .into_iter()
                    .filter_map(|(k, v)| Some(format!("{k} {}", v.as_ref()?)))
                    .collect();
                format!("{} available", offers.join(", "))
            }
        };
        rows.push(Updates {
            name: row.name.clone(),
            installed: installed.to_string(),
            state,
            patch,
            minor,
            major,
        });
    }
    if g.json {
        out(&serde_json::to_string_pretty(&rows).unwrap_or_default());
    } else if rows.is_empty() {
        out("no plugins installed");
    } else {
        let mut table = vec![["PLUGIN", "INSTALLED", "UPDATES"].map(String::from)];
        table.extend(
            rows.iter()
                .map(|r| [r.name.clone(), r.installed.clone(), r.state.clone()]),
        );
        out(&columns(&table));
    }
    Ok(())
}

async fn install(
    p: &mut Project,
    g: &Global,
    name: &str,
    version: Option<String>,
) -> Result<(), CliError> {
    let catalog = p.catalog(name)?;
    if let Some(installed) = p.installed_version(name)? {
        return Err(CliError::Usage(format!(
            "{name} is installed already, at {installed}; use `ferry plugin update {name}`"
        )));
    }
    let to = match version {
        Some(v) => parse_version(&v)?,
        None => (catalog.newest_stable().cloned()).ok_or_else(|| {
            CliError::Usage(format!(
                "{name} has no stable release; name a prerelease with --version"
            ))
        })?,
    };
    catalog.release(&to).map_err(CliError::Usage)?;
    let asked = Asked {
        plugin: name,
        to,
        change: Change::Up,
    };
    apply(p, g, "plugin install", &asked, false).await
}

async fn update(
    p: &mut Project,
    g: &Global,
    name: &str,
    version: Option<String>,
    (minor, major): (bool, bool),
) -> Result<(), CliError> {
    let catalog = p.catalog(name)?;
    let Some(installed) = p.installed_version(name)? else {
        return Err(CliError::Usage(format!(
            "{name} is not installed; use `ferry plugin install {name}`"
        )));
    };
    let allowed = |v: &Version| match kind(&installed, v) {
        "major" => major,
        "minor" => minor || major,
        _ => true,
    };
    let to = match version {
        Some(v) => {
            let v = parse_version(&v)?;
            catalog.release(&v).map_err(CliError::Usage)?;
            if v < installed {
                return Err(CliError::Usage(format!(
                    "{name} {v} is older than the installed {installed}; use `ferry plugin rollback {name} --to-version {v}`"
                )));
            }
            v
        }
        None => {
            let newest = (catalog.stable())
                .filter(|v| **v > installed && allowed(v))
                .max()
                .cloned();
            match newest {
                Some(v) => v,
                None => installed.clone(),
            }
        }
    };
    if to == installed {
        let newer = catalog.stable().filter(|v| **v > installed).max();
        let hint = match newer {
            Some(v) => format!(
                "; {v} is a {} update: pass --{}",
                kind(&installed, v),
                kind(&installed, v)
            ),
            None => String::new(),
        };
        out(&format!("{name} is up to date at {installed}{hint}"));
        return Ok(());
    }
    let k = kind(&installed, &to);
    if !allowed(&to) {
        return Err(CliError::Refused(format!(
            "{name} {installed} -> {to} is a {k} update; pass --{k} to allow it"
        )));
    }
    if k == "major" {
        confirm_breaking(p, g, name, &installed, &to)?;
    }
    let asked = Asked {
        plugin: name,
        to,
        change: Change::Up,
    };
    apply(p, g, "plugin update", &asked, false).await
}

/// Prints the BREAKING CHANGES between the versions and asks (unless `--yes`).
fn confirm_breaking(
    p: &Project,
    g: &Global,
    name: &str,
    from: &Version,
    to: &Version,
) -> Result<(), CliError> {
    let catalog = p.catalog(name)?;
    let text = (catalog.releases.get(to))
        .and_then(|r| r.changelog())
        .or_else(|| catalog.newest().and_then(|r| r.changelog()))
        .unwrap_or_default();
    let breaking = changelog::breaking_between(&text, from, to);
    let mut message = format!("{name} {from} -> {to} is a major update.\nBREAKING CHANGES:\n");
    if breaking.is_empty() {
        message.push_str("  (the changelog lists none)\n");
    }
    for (version, item) in &breaking {
        message.push_str(&format!("  {version}: {item}\n"));
    }
    crate::render::err(message.trim_end());
    if g.yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Refused(format!(
            "a major update of {name} needs confirmation; read the breaking changes above and pass --yes; nothing was changed"
        )));
    }
    crate::render::err("Type `yes` to apply it:");
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    match answer.trim() {
        "yes" => Ok(()),
        _ => Err(CliError::Refused(
            "not confirmed; nothing was changed".into(),
        )),
    }
}

async fn rollback(
    p: &mut Project,
    g: &Global,
    name: &str,
    to: &str,
    cascade: bool,
) -> Result<(), CliError> {
    let catalog = p.catalog(name)?;
    let to = parse_version(to)?;
    let Some(installed) = p.installed_version(name)? else {
        return Err(CliError::Usage(format!("{name} is not installed")));
    };
    catalog.release(&to).map_err(CliError::Usage)?;
    // The installed version itself takes back what a failed update left applied.
    if to > installed {
        return Err(CliError::Usage(format!(
            "{name} is at {installed}; a rollback goes to an earlier version (use `ferry plugin update` to go up)"
        )));
    }
    let asked = Asked {
        plugin: name,
        to,
        change: Change::Down,
    };
    apply(p, g, "plugin rollback", &asked, cascade).await
}

/// `ferry migrate` in a project with plugins installed: the application's and every
/// installed plugin's pending migrations (at its installed version), in one plan.
pub async fn migrate_all(
    g: &Global,
    dry_run: bool,
    allow_out_of_order: bool,
) -> Result<(), CliError> {
    if dry_run {
        let options = super::plan::Options {
            plugin: None,
            to_version: None,
            verbose: true,
        };
        return super::plan::run(g, options).await;
    }
    let mut p = Project::open(g, true).await?;
    let result = run_members(&mut p, g, "migrate", None, (false, allow_out_of_order)).await;
    p.close().await;
    super::migrate::applied(g, &result?);
    Ok(())
}

/// Plans the change across every plugin, checks it, and runs it.
async fn apply(
    p: &mut Project,
    g: &Global,
    command: &str,
    asked: &Asked<'_>,
    cascade: bool,
) -> Result<(), CliError> {
    if asked.change == Change::Down && p.config.protected && !g.yes {
        return Err(CliError::Refused(format!(
            "{command} in the `{}` environment needs confirmation; pass --yes",
            p.config.env
        )));
    }
    let done = run_members(p, g, command, Some(asked), (cascade, false)).await?;
    let verb = if asked.change == Change::Down {
        "rolled back"
    } else {
        "applied"
    };
    let mut text = format!(
        "{verb} {} migration(s); {} is now at {}",
        done.len(),
        asked.plugin,
        asked.to
    );
    let prefix = format!("{}:", asked.plugin);
    let others: Vec<&str> = (done.iter())
        .map(|d| d.version.as_str())
        .filter(|v| !v.starts_with(&prefix))
        .collect();
    if !others.is_empty() {
        text.push_str(&format!(
            "\nalso rolled back (--cascade): {}; their plugins keep their recorded versions with these migrations pending: roll those plugins back to an earlier version (`ferry plugin rollback NAME --to-version V`), or update {} again and run `ferry migrate --allow-out-of-order`",
            others.join(", "),
            asked.plugin
        ));
    }
    summary(g, command, verb, &done, Some(text));
    Ok(())
}

/// Runs the plan that brings every member to its version (`asked` changes one plugin;
/// without it, every member's pending migrations are applied).
async fn run_members(
    p: &mut Project,
    g: &Global,
    command: &str,
    asked: Option<&Asked<'_>>,
    (cascade, allow_out_of_order): (bool, bool),
) -> Result<Vec<runner::Done>, CliError> {
    let members = p.members(asked, asked.is_none())?;
    p.check(&members)?;
    let ctx = p.config.run_context();
    let job = Upgrade {
        command,
        targets: project::targets(&members),
        options: ferry_core::plugin::upgrade::Options {
            cascade,
            allow_out_of_order: allow_out_of_order || p.config.allow_out_of_order,
        },
        installed: p.installed.clone(),
        record: asked
            .map(|a| (a.plugin.to_owned(), a.to.to_string()))
            .into_iter()
            .collect(),
        ctx: &ctx,
    };
    if p.config.protected {
        // The plan the run will make, linted first: production needs --allow-risk high
        // for a high-risk step.
        let rolls_back = members
            .iter()
            .any(|m| m.change == ferry_core::plugin::upgrade::Change::Down);
        let history =
            runner::read_history(p.db.as_mut(), rolls_back, project::APP, Default::default())
                .await?;
        let plan = ferry_core::plugin::upgrade::plan(&job.targets, &history, job.options)
            .map_err(ferry_engine::EngineError::from)?;
        let prepared = runner::prepare_plan(p.db.as_ref(), plan)?;
        let mut view = runner::view(command, &prepared);
        super::risk::gate_steps(g, &p.config, &mut view.steps, p.db.dialect())?;
    }
    let mut printer = EventPrinter::new(g.json);
    let result = runner::upgrade(p.db.as_mut(), &job, &mut printer).await;
    printer.finish();
    Ok(result?)
}

/// `ferry repair` on a plugin's history, with its newest release's files (which hold every
/// migration an update may have left failed).
async fn repair(
    p: &mut Project,
    g: &Global,
    name: &str,
    (accept_checksums, clear_failed): (bool, bool),
    mark: Option<(String, ferry_core::RowState)>,
) -> Result<(), CliError> {
    if !accept_checksums && !clear_failed && mark.is_none() {
        return Err(CliError::Usage(
            "say what to repair: --accept-checksums, --clear-failed, or --mark-applied/--mark-rolled-back VERSION".into(),
        ));
    }
    let release = (p.catalog(name)?.newest())
        .ok_or_else(|| CliError::Usage(format!("{name} has no release")))?;
    let files = ferry_engine::Files::ready(p.read_release(release)?);
    let kind = ferry_core::VersionKind::Numeric;
    let mark = match mark {
        Some((v, state)) => Some((super::parse_version(&v, kind)?, state)),
        None => None,
    };
    if p.config.protected && !g.yes {
        return Err(CliError::Refused(format!(
            "`ferry plugin repair` in the `{}` environment needs confirmation; pass --yes",
            p.config.env
        )));
    }
    let ctx = p.config.run_context();
    let job = runner::Job {
        files: &files,
        plugin: name,
        version_kind: kind,
        ctx: &ctx,
    };
    let request = ferry_core::plan::RepairRequest {
        accept_checksums,
        clear_failed,
        accept_downs: false,
        mark,
    };
    let mut printer = EventPrinter::new(g.json);
    let result = runner::repair(p.db.as_mut(), &job, request, &mut printer).await;
    printer.finish();
    let done = result?;
    let text = done
        .is_empty()
        .then(|| "repair: nothing to repair".to_owned());
    summary(g, "plugin repair", "repaired", &done, text);
    Ok(())
}

fn changelog(p: &Project, name: &str, version: Option<String>) -> Result<(), CliError> {
    let catalog = p.catalog(name)?;
    let Some(text) = catalog.newest().and_then(|r| r.changelog()) else {
        return Err(CliError::Usage(format!(
            "{name} has no CHANGELOG.md beside its plugin.toml"
        )));
    };
    let wanted = version.as_deref().map(parse_version).transpose()?;
    let sections: Vec<String> = (changelog::releases(&text).into_iter())
        .filter(|r| wanted.as_ref().is_none_or(|w| *w == r.version))
        .map(|r| r.text.trim_end().to_owned())
        .collect();
    if sections.is_empty() {
        return Err(CliError::Usage(format!(
            "{name}'s changelog has no section for {}",
            version.unwrap_or_default()
        )));
    }
    out(&sections.join("\n\n"));
    Ok(())
}

/// What `plugin status` says.
#[derive(serde::Serialize)]
struct PluginStatus {
    name: String,
    installed: Option<String>,
    updated_at: Option<String>,
    updated_by: Option<String>,
    migrations: usize,
    applied: usize,
    pending: Vec<String>,
    last_change: Option<String>,
    /// Applied migrations that do not belong to the installed version (a failed update).
    beyond_version: Vec<String>,
    /// Migrations that failed and need a human.
    failed: Vec<String>,
}

async fn status(p: &mut Project, g: &Global, name: &str) -> Result<(), CliError> {
    let catalog = p.catalog(name)?;
    let installed = p.installed_version(name)?;
    let row = p.installed.iter().find(|i| i.name == name).cloned();
    let version = installed
        .clone()
        .or_else(|| catalog.newest_stable().cloned());
    let migrations = match &version {
        Some(v) => {
            let release = catalog.releases.get(v).or(catalog.newest());
            match release {
                Some(r) => p.read_release(r)?,
                None => Vec::new(),
            }
        }
        None => Vec::new(),
    };
    let belonging: Vec<_> = (migrations.iter())
        .filter(|m| ferry_core::plugin::upgrade::belongs(m, version.as_ref()))
        .cloned()
        .collect();
    let history =
        ferry_engine::runner::read_history(p.db.as_mut(), false, name, Default::default()).await?;
    let entries = ferry_core::plan::status(&belonging, &history, name);
    let last = (history.rows().iter())
        .filter(|r| &*r.plugin == name)
        .max_by_key(|r| r.id);
    // What the history holds beyond the installed version (a failed update), or failed.
    // The rows the files matched (a renumbered portable migration's row has its old number).
    let belongs: std::collections::BTreeSet<&str> = (entries.iter())
        .filter(|e| e.migration.is_some())
        .filter_map(|e| e.row)
        .map(|r| r.version.as_str())
        .collect();
    let current = history.current(name);
    let beyond: Vec<String> = (current.values())
        .filter(|r| r.state == ferry_core::RowState::Applied)
        .filter(|r| !belongs.contains(r.version.as_str()))
        .map(|r| format!("{name}:{} {}", r.version, r.name))
        .collect();
    let failed: Vec<String> = (current.values())
        .filter(|r| r.problem().is_some() && r.state != ferry_core::RowState::Applied)
        .map(|r| format!("{name}:{} {} ({})", r.version, r.name, r.state))
        .collect();
    let st = PluginStatus {
        name: name.to_owned(),
        installed: installed.map(|v| v.to_string()),
        updated_at: row.as_ref().map(|r| r.updated_at.clone()),
        updated_by: row.as_ref().map(|r| r.updated_by.clone()),
        migrations: belonging.len(),
        applied: (entries.iter())
            .filter(|e| e.migration.is_some() && e.is_applied())
            .count(),
        pending: (entries.iter())
            .filter(|e| e.is_pending())
            .map(|e| format!("{} {}", e.label, e.name))
            .collect(),
        last_change: last
            .map(|r| format!("{} {} {} ({})", r.version, r.name, r.state, r.applied_at)),
        beyond_version: beyond,
        failed,
    };
    if g.json {
        out(&serde_json::to_string_pretty(&st).unwrap_or_default());
        return Ok(());
    }
    let mut text = match &st.installed {
        Some(v) => format!(
            "{name} {v} (since {}, by {})\n",
            st.updated_at.as_deref().unwrap_or("?"),
            st.updated_by.as_deref().unwrap_or("?")
        ),
        None => format!(
            "{name}: not installed (newest release {})\n",
            version.map(|v| v.to_string()).unwrap_or_default()
        ),
    };
    text.push_str(&format!(
        "migrations: {} ({} applied, {} pending)\n",
        st.migrations,
        st.applied,
        st.pending.len()
    ));
    for pending in &st.pending {
        text.push_str(&format!("  pending: {pending}\n"));
    }
    if !st.beyond_version.is_empty() {
        let at = st.installed.as_deref().unwrap_or("its recorded version");
        text.push_str(&format!(
            "incomplete: applied beyond {at}: {}; finish with `ferry plugin update {name}` or take them back with `ferry plugin rollback {name} --to-version {at}`\n",
            st.beyond_version.join(", ")
        ));
    }
    for failed in &st.failed {
        text.push_str(&format!("  failed: {failed}\n"));
    }
    if let Some(last) = &st.last_change {
        text.push_str(&format!("last change: {last}\n"));
    }
    out(text.trim_end());
    Ok(())
}
