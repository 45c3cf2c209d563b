//! `ferry test`: the rollback rehearsal on a scratch database.

use crate::cli::Global;
use crate::error::CliError;
use crate::render::out;
use crate::session::{Session, connect_options};
use ferry_core::plan::{self, MigrateOptions, State};
use ferry_core::redact_url;
use ferry_engine::runner::{self, Checked, Job, RehearseOptions};
use ferry_engine::scratch::{self, Scratch};
use ferry_engine::{Discard, Driver, EngineError};

/// What `ferry test` was asked.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Every migration from an empty database.
    pub all: bool,
    /// Keep the scratch database.
    pub keep: bool,
    /// Column order is not compared.
    pub ignore_column_order: bool,
}

/// Rehearses the pending migrations (or all of them) on a scratch database.
pub async fn run(g: &Global, options: Options) -> Result<(), CliError> {
    let session = Session::open(g, true, false).await?;
    let Session {
        config,
        files,
        mut db,
        layout,
    } = session;
    let kind = layout.0.version_kind();
    let applied = applied_target(db.as_mut(), &files, &config.plugin, kind).await;
    // PostgreSQL copies only a database nobody is connected to, ferry included.
    db.close().await;
    let (applied, pending) = applied?;
    if pending == 0 && !options.all {
        out(
            "nothing pending to rehearse; `ferry test --all` rehearses every migration from an empty database",
        );
        return Ok(());
    }
    refuse_other_databases(&config.url, files.get().await?)?;
    let connect = connect_options(&config, true);
    let scratch = scratch::create(&config.url, &connect, !options.all).await?;
    // The scratch database is dropped: no snapshots to keep there.
    let ctx = ferry_engine::runner::RunContext {
        snapshots: false,
        ..config.run_context()
    };
    let job = Job {
        files: &files,
        plugin: &config.plugin,
        version_kind: kind,
        ctx: &ctx,
    };
    let rehearsal = tokio::select! {
        r = on_scratch(g, (&scratch, &connect), (&job, &config), options, applied.as_ref()) => r,
        signal = interrupted() => {
            // The rehearsal's connection is dropped with its future; then the scratch goes.
            let dropped = scratch.drop(&connect).await;
            let what = if dropped.is_ok() { "dropped" } else { "could not be dropped" };
            return Err(CliError::Interrupted(format!("{signal}: the rehearsal stopped; the scratch database {what}")));
        }
    };
    let kept = options.keep.then(|| redact_url(&scratch.url));
    if !options.keep {
        scratch.drop(&connect).await?;
    }
    let checked = rehearsal?;
    let migrations = files.get().await?;
    let locks: Vec<_> = (checked.iter())
        .map(|c| super::locks::verdicts(c, migrations, &config))
        .collect();
    finish(g, &checked, &locks, kept)
}

/// Waits for Ctrl-C or SIGTERM; the signal's name.
async fn interrupted() -> &'static str {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let terminated = async {
        match term.as_mut() {
            Some(t) => t.recv().await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "interrupted",
        _ = terminated => "terminated",
    }
}

/// Refuses (exit 5) to rehearse migrations that name the target database itself
/// (`app.users` on MySQL, where a database is a schema): on the scratch database they would
/// change the target.
fn refuse_other_databases(url: &str, migrations: &[ferry_core::Migration]) -> Result<(), CliError> {
    let dialect = ferry_engine::dialect_of(url)?;
    for m in migrations {
        if let Some(statement) = server_wide(m, dialect) {
            return Err(CliError::Refused(format!(
                "{}: `{statement}` changes the server, not only the database: a rehearsal on a scratch database would change it for real; rehearse the rest without it",
                m.up.path.display()
            )));
        }
    }
    let Some(target) = ferry_core::database_url::database_name(url) else {
        return Ok(());
    };
    if dialect != ferry_core::Dialect::Mysql {
        return Ok(());
    }
    for m in migrations {
        let down = m.down.as_ref().and_then(|d| d.load().ok());
        let texts = [m.up.text().ok(), down.as_ref().and_then(|d| d.text().ok())];
        for text in texts.into_iter().flatten() {
            let names = ferry_core::schema::touched(text, dialect).unwrap_or_default();
            let named = names.iter().find(|n| {
                let parts = ferry_core::schema::split_name(n);
                parts.len() == 2 && parts[0].eq_ignore_ascii_case(&target)
            });
            if let Some(name) = named {
                return Err(CliError::Refused(format!(
                    "{}: names the database itself (`{name}`): rehearsed on a scratch database it would change `{target}`; write the table's name without the database's",
                    m.up.path.display()
                )));
            }
        }
    }
    Ok(())
}

/// The first statement of `m`'s scripts that reaches beyond its database: roles and users,
/// other databases and their settings, tablespaces, server settings (found by an
/// adversarial trial: a role made by a rehearsal stayed on the server).
fn server_wide(m: &ferry_core::Migration, dialect: ferry_core::Dialect) -> Option<String> {
    let down = m.down.as_ref().and_then(|d| d.load().ok());
    let texts = [m.up.text().ok(), down.as_ref().and_then(|d| d.text().ok())];
    for text in texts.into_iter().flatten() {
        for s in ferry_core::split(text, dialect).unwrap_or_default() {
            let w: Vec<&str> = s.words.iter().map(String::as_str).collect();
            let reaches = matches!(
                w.as_slice(),
                ["CREATE" | "ALTER" | "DROP", "ROLE" | "USER" | "GROUP" | "DATABASE" | "TABLESPACE" | "SCHEMA" | "SERVER", ..]
                    if !matches!(w.get(1), Some(&"SCHEMA")) || dialect == ferry_core::Dialect::Mysql
            ) || matches!(
                w.as_slice(),
                ["ALTER", "SYSTEM", ..] | ["REASSIGN", "OWNED", ..] | ["DROP", "OWNED", ..]
            );
            if reaches {
                return Some(w.join(" "));
            }
        }
    }
    None
}

/// The newest applied version on the target (to replay onto a scratch database that is
/// not a copy), and how many migrations are pending there.
async fn applied_target(
    db: &mut dyn Driver,
    files: &ferry_engine::Files,
    plugin: &str,
    kind: ferry_core::VersionKind,
) -> Result<(Option<ferry_core::Version>, usize), CliError> {
    let history = runner::read_history(db, false, plugin, kind).await?;
    let migrations = files.get().await?;
    let entries = plan::status(migrations, &history, plugin);
    let newest = (entries.iter())
        .filter(|e| e.state == State::Applied && !e.version.is_repeatable())
        .map(|e| e.version.clone())
        .max();
    let pending = (entries.iter())
        .filter(|e| matches!(e.state, State::Pending | State::RolledBack))
        .count();
    Ok((newest, pending))
}

/// Connects to the scratch database, brings it to the target's history if it is not a
/// copy, and rehearses.
async fn on_scratch(
    g: &Global,
    (scratch, connect): (&Scratch, &ferry_engine::ConnectOptions),
    (job, config): (&Job<'_>, &crate::config::Config),
    options: Options,
    applied: Option<&ferry_core::Version>,
) -> Result<Vec<Checked>, CliError> {
    let mut db = ferry_engine::connect(&scratch.url, connect).await?;
    // A scratch database is thrown away: its commits need not wait for the disk.
    // Captured again, so that the reset after each migration keeps it.
    let relaxed = match db.relax_durability().await {
        Ok(()) => db.capture_session().await,
        Err(e) => Err(e),
    };
    relaxed.map_err(EngineError::db("setting up the scratch database"))?;
    let result = rehearse(g, db.as_mut(), scratch, (job, config), options, applied).await;
    db.close().await;
    result
}

async fn rehearse(
    g: &Global,
    db: &mut dyn Driver,
    scratch: &Scratch,
    (job, config): (&Job<'_>, &crate::config::Config),
    options: Options,
    applied: Option<&ferry_core::Version>,
) -> Result<Vec<Checked>, CliError> {
    let how = match (options.all, scratch.copied, &scratch.not_copied) {
        (true, _, _) => "empty".to_owned(),
        (false, true, _) => "a copy of the database".to_owned(),
        (false, false, why) => {
            let why = why.as_deref().unwrap_or("not copied");
            format!("the history replayed from the files, without rows ({why})")
        }
    };
    if !g.json {
        out(&format!("scratch database {}: {how}", scratch.name));
    }
    if let (false, false, Some(v)) = (options.all, scratch.copied, applied) {
        replay(db, job, v).await?;
    }
    let migrations = job.files.get().await?;
    let rehearse_options = RehearseOptions {
        ignore_column_order: options.ignore_column_order,
        observe_locks: super::locks::predicting(migrations, db.dialect(), config),
    };
    let mut print = |c: &Checked| {
        if !g.json {
            print_checked(c);
            for v in super::locks::verdicts(c, migrations, config) {
                print_verdict(&v);
            }
        }
    };
    Ok(runner::rehearse(db, job, rehearse_options, &mut print).await?)
}

/// Applies the target's migrations up to `newest` on an empty scratch database.
async fn replay(
    db: &mut dyn Driver,
    job: &Job<'_>,
    newest: &ferry_core::Version,
) -> Result<(), EngineError> {
    let options = MigrateOptions {
        target: Some(newest.clone()),
        allow_out_of_order: true,
        ignore_other_tools: true,
        ..MigrateOptions::default()
    };
    runner::migrate(db, job, &options, &mut Discard).await?;
    Ok(())
}

fn print_verdict(v: &super::locks::LockVerdict) {
    let held = match v.held.is_empty() {
        true => "no new table lock".to_owned(),
        false => v.held.join(", "),
    };
    let verdict = if v.confirmed { "confirmed" } else { "MISMATCH" };
    out(&format!(
        "     lock {verdict}: line {} [{}] predicted {}; held {held}",
        v.line, v.rule, v.predicted
    ));
}

fn print_checked(c: &Checked) {
    let status = if c.passed() { "ok  " } else { "FAIL" };
    let mut times = format!("up {} ms", c.up_ms);
    if let Some(d) = c.down_ms {
        times.push_str(&format!(", down {d} ms"));
    }
    if let Some(u) = c.reup_ms {
        times.push_str(&format!(", up again {u} ms"));
    }
    times.push_str(&format!(", checks {} ms", c.checks_ms));
    out(&format!("{status} {} {} ({times})", c.version, c.name));
    for f in &c.failures {
        out(&format!("     {f}"));
    }
    for n in &c.notes {
        out(&format!("     note: {n}"));
    }
}

/// The summary, and exit 4 if any check failed.
fn finish(
    g: &Global,
    checked: &[Checked],
    locks: &[Vec<super::locks::LockVerdict>],
    kept: Option<String>,
) -> Result<(), CliError> {
    let failed = checked.iter().filter(|c| !c.passed()).count();
    if g.json {
        let doc = serde_json::json!({
            "passed": failed == 0,
            "migrations": checked,
            "lock_checks": locks,
            "kept": kept,
        });
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        let kept = match &kept {
            Some(url) => format!("; scratch database kept: {url}"),
            None => "; scratch database dropped".to_owned(),
        };
        out(&format!(
            "rehearsed {} migration(s): {} passed, {failed} failed{kept}",
            checked.len(),
            checked.len() - failed
        ));
    }
    match failed {
        0 => Ok(()),
        n => Err(CliError::Check(format!(
            "the rehearsal failed for {n} migration(s)"
        ))),
    }
}
