//! `ferry test`: the rollback rehearsal. On a scratch database, each pending migration is
//! applied, rolled back and applied again; after the down the schema must equal the one
//! before the up (the differences are the failures: "down of 004 leaves index idx_x"), and
//! the rows of every table the migration does not drop must be as they were.

use super::{Done, Job};
use crate::{Discard, Driver, EngineError};
use ferry_core::plan::{self, MigrateOptions, Request, RollbackTarget, State};
use ferry_core::schema::{Change, DiffOptions, Schema, diff, touched};
use ferry_core::{Dialect, History, Migration, Version};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// How to rehearse.
#[derive(Clone, Debug, Default)]
pub struct RehearseOptions {
    /// Columns in another order after the down are not a failure.
    pub ignore_column_order: bool,
    /// The migrations (versions as written) whose locks to observe: those a lint finding
    /// predicts a lock for (observing costs a run of the up script).
    pub observe_locks: Vec<String>,
}

/// What the rehearsal of one migration found.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Checked {
    /// Version as written.
    pub version: String,
    /// Name.
    pub name: String,
    /// How long the up took, the first time.
    pub up_ms: i64,
    /// How long the down took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub down_ms: Option<i64>,
    /// How long the second up took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reup_ms: Option<i64>,
    /// How long reading schemas and rows took.
    pub checks_ms: i64,
    /// What failed; empty when the migration passed.
    pub failures: Vec<String>,
    /// What the user should know but did not fail.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The table locks each statement of the up script took, observed on the scratch
    /// database (PostgreSQL, scripts that run in a transaction).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locks: Vec<StatementLocks>,
}

/// The locks one statement took: those its session held after it and not before.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct StatementLocks {
    /// Byte range of the statement in the up script.
    pub span: (usize, usize),
    /// 1-based line of the statement.
    pub line: u32,
    /// (table, PostgreSQL lock mode, `AccessExclusiveLock`) pairs.
    pub taken: Vec<(String, String)>,
    /// Every table lock the session held after the statement, earlier statements' included.
    pub held: Vec<(String, String)>,
}

impl Checked {
    /// No check failed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The rows of a table, as far as a rehearsal compares them.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Rows {
    count: u64,
    /// A digest of the sorted rows, for tables of at most [`DIGEST_LIMIT`] rows.
    digest: Option<String>,
}

/// Tables with more rows are compared by their count only.
const DIGEST_LIMIT: u64 = 100_000;

/// Rehearses every migration pending on `db` (the scratch database), in order, calling
/// `report` after each; stops after the first whose up or down fails.
pub async fn rehearse(
    db: &mut dyn Driver,
    job: &Job<'_>,
    options: RehearseOptions,
    report: &mut dyn FnMut(&Checked),
) -> Result<Vec<Checked>, EngineError> {
    // One lock for the whole rehearsal; each step then costs its scripts and a history read.
    super::locked(db, job.ctx, &mut Discard, async |db, _| {
        (db.create_history().await).map_err(EngineError::db("creating the history table"))?;
        each(db, job, options, report).await
    })
    .await
}

async fn each(
    db: &mut dyn Driver,
    job: &Job<'_>,
    options: RehearseOptions,
    report: &mut dyn FnMut(&Checked),
) -> Result<Vec<Checked>, EngineError> {
    let pending = pending(db, job).await?;
    let mut before = read_schema(db, None).await?;
    let mut done = Vec::new();
    for (label, m) in pending {
        let scope = scope(m, db.dialect(), &before);
        let (mut checked, after) = one(db, job, (label, m), &before, &scope, &options).await?;
        if after.is_none() {
            checked.notes.push(
                "the rehearsal stops here: the migrations after it were not rehearsed".into(),
            );
        }
        report(&checked);
        done.push(checked);
        match (after, &scope) {
            (Some(after), Some(only)) => before.merge(after, only),
            (Some(after), None) => before = after,
            (None, _) => break,
        }
    }
    Ok(done)
}

/// The migrations pending on `db`, in the order migrate applies them (repeatable ones,
/// which have no down, are left out), with their versions as written.
async fn pending<'a>(
    db: &mut dyn Driver,
    job: &Job<'a>,
) -> Result<Vec<(String, &'a Migration)>, EngineError> {
    let history = super::read_history(db, false, job.plugin, job.version_kind).await?;
    let migrations: &'a [Migration] = job.files.get().await?;
    let entries = plan::status(migrations, &history, job.plugin);
    let wanted: Vec<(String, Version)> = (entries.iter())
        .filter(|e| matches!(e.state, State::Pending | State::RolledBack))
        .filter(|e| !e.version.is_repeatable() && e.migration.is_some())
        .map(|e| (e.label.to_owned(), e.version.clone()))
        .collect();
    Ok((wanted.into_iter())
        .filter_map(|(label, v)| Some((label, migrations.iter().find(|m| m.version == v)?)))
        .collect())
}

/// The tables a migration's up and down scripts name, with the tables owning the indexes
/// they name and, transitively, the tables whose foreign keys point at them (a cascade
/// reaches those); `None` (everything) when the scripts may reach further: a statement
/// sqlparser cannot vouch for, a view, a table with triggers, or a bare name that a table
/// in another schema also has.
fn scope(m: &Migration, dialect: Dialect, before: &Schema) -> Option<Vec<String>> {
    let down = m.down.as_ref()?.load().ok()?;
    let mut names = touched(m.up.text().ok()?, dialect)?;
    names.extend(touched(down.text().ok()?, dialect)?);
    let bare: Vec<String> = (names.iter())
        .filter_map(|n| n.rsplit_once('.').map(|(_, t)| t.to_owned()))
        .collect();
    names.extend(bare);
    let has = |names: &BTreeSet<String>, n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    // A view or a trigger reaches tables the script does not name; so may a name that the
    // search path resolves to a table in another schema: compare everything then.
    let bare_of = |key: &str| key.rsplit('.').next().unwrap_or(key).to_owned();
    let through_view = before
        .views
        .keys()
        .any(|v| has(&names, v) || has(&names, &bare_of(v)));
    let elsewhere = (before.tables.keys()).any(|k| k.contains('.') && has(&names, &bare_of(k)));
    let triggered = (before.tables.iter()).any(|(k, t)| has(&names, k) && !t.triggers.is_empty());
    if through_view || elsewhere || triggered {
        return None;
    }
    for (table, t) in &before.tables {
        if t.indexes.keys().any(|i| has(&names, i)) {
            names.insert(table.clone());
        }
    }
    loop {
        let reached: Vec<String> = (before.tables.iter())
            .filter(|(table, t)| {
                !has(&names, table)
                    && t.foreign_keys
                        .values()
                        .any(|fk| has(&names, &fk.references))
            })
            .map(|(table, _)| table.clone())
            .collect();
        if reached.is_empty() {
            return Some(names.into_iter().collect());
        }
        names.extend(reached);
    }
}

/// Up, down, compare, up again; the schema after (of the scope only, if scoped), unless a
/// step failed.
async fn one(
    db: &mut dyn Driver,
    job: &Job<'_>,
    (label, m): (String, &Migration),
    before: &Schema,
    scope: &Option<Vec<String>>,
    options: &RehearseOptions,
) -> Result<(Checked, Option<Schema>), EngineError> {
    let mut c = Checked {
        version: label.clone(),
        name: m.name.to_string(),
        ..Checked::default()
    };
    let version = &m.version;
    let before = match scope {
        Some(only) => before.restricted(only),
        None => before.clone(),
    };
    let dialect = db.dialect();
    if m.up.directives.no_transaction.is_none() && options.observe_locks.contains(&label) {
        c.locks = observe_locks(db, m, dialect).await?;
    }
    let checks = Instant::now();
    let rows_before = read_rows(db, dialect, &before).await?;
    let mut checks_ms = ms(checks);
    let up = MigrateOptions {
        only: Some(version.clone()),
        allow_out_of_order: true,
        ignore_other_tools: true,
        ..MigrateOptions::default()
    };
    let up = Request::Migrate(up);
    let (took, ran) = timed(step(db, job, &up)).await;
    c.up_ms = took;
    if let Err(e) = ran {
        c.failures
            .push(format!("up of {label} failed: {}", first_line(&e)));
        return Ok((c, None));
    }
    let down = RollbackTarget::Only(vec![version.as_str().to_owned()]);
    let (took, ran) = timed(step(db, job, &Request::Rollback(down))).await;
    c.down_ms = Some(took);
    match ran {
        Err(e) => {
            c.failures
                .push(format!("down of {label} failed: {}", first_line(&e)));
            return Ok((c, None));
        }
        Ok(done) => c.notes.extend(done.into_iter().filter_map(|d| d.note)),
    }
    let checks = Instant::now();
    let after_down = read_schema(db, scope.as_deref()).await?;
    let diff_options = DiffOptions {
        ignore_column_order: options.ignore_column_order,
    };
    c.failures
        .extend(diff(&before, &after_down, diff_options).iter().map(|d| {
            let verb = match d.change {
                Change::Added => "leaves",
                Change::Removed => "does not restore",
                Change::Changed => "changes",
            };
            format!("down of {label} {verb} {}: {}", d.object, d.detail)
        }));
    let rows_after_down = read_rows(db, dialect, &before).await?;
    checks_ms += ms(checks);
    let (took, ran) = timed(step(db, job, &up)).await;
    c.reup_ms = Some(took);
    if let Err(e) = ran {
        c.failures
            .push(format!("second up of {label} failed: {}", first_line(&e)));
        return Ok((c, None));
    }
    let checks = Instant::now();
    let after = read_schema(db, scope.as_deref()).await?;
    compare_rows(&mut c, &before, &after, &rows_before, &rows_after_down);
    verify(&mut c, &after);
    c.checks_ms = checks_ms + ms(checks);
    Ok((c, Some(after)))
}

/// Runs the up script statement by statement in a transaction that is rolled back, reading
/// after each statement the table locks the session holds; empty where the engine cannot
/// tell, or a statement fails (the real up then reports it).
async fn observe_locks(
    db: &mut dyn Driver,
    m: &Migration,
    dialect: Dialect,
) -> Result<Vec<StatementLocks>, EngineError> {
    let read = |e| EngineError::db("reading the session's locks")(e);
    let Some(mut held) = db.held_locks().await.map_err(read)? else {
        return Ok(Vec::new());
    };
    let Ok(statements) = ferry_core::split(m.up.text()?, dialect) else {
        return Ok(Vec::new());
    };
    // A script that manages its own transaction, or must run outside one, is not probed: its
    // COMMIT would keep what the probe means to roll back (found by an adversarial trial).
    let own_transaction = statements.iter().any(|s| {
        let first = s.words.first().map(String::as_str);
        matches!(
            first,
            Some("BEGIN" | "START" | "COMMIT" | "END" | "ROLLBACK" | "SAVEPOINT" | "RELEASE")
        ) || s.sql.to_ascii_uppercase().contains("CONCURRENTLY")
    });
    if own_transaction {
        return Ok(Vec::new());
    }
    db.begin()
        .await
        .map_err(EngineError::db("starting the lock probe"))?;
    let mut out = Vec::new();
    for s in &statements {
        if db.execute(&s.sql).await.is_err() {
            break;
        }
        let now = db.held_locks().await.map_err(read)?.unwrap_or_default();
        let taken = now.iter().filter(|l| !held.contains(l)).cloned().collect();
        out.push(StatementLocks {
            span: (s.offset, s.offset + s.sql.len()),
            line: s.line,
            taken,
            held: now.clone(),
        });
        held = now;
    }
    db.rollback()
        .await
        .map_err(EngineError::db("ending the lock probe"))?;
    Ok(out)
}

/// Plans `request` on the history as it is and runs it, the lock being held.
async fn step(
    db: &mut dyn Driver,
    job: &Job<'_>,
    request: &Request,
) -> Result<Vec<Done>, EngineError> {
    let history = History::new(db.read_history(true, job.plugin, job.version_kind).await?);
    let migrations = job.files.get().await?;
    let entries = plan::status(migrations, &history, job.plugin);
    let plan = plan::plan(request, &entries)?;
    let prepared = super::prepare_plan(db, plan)?;
    super::execute::execute(db, prepared, history.next_batch(), job.ctx, &mut Discard).await
}

/// Rows that the up and down changed, in tables the up does not drop.
fn compare_rows(
    c: &mut Checked,
    before: &Schema,
    after: &Schema,
    rows_before: &BTreeMap<String, Rows>,
    rows_after_down: &BTreeMap<String, Rows>,
) {
    for (table, was) in rows_before {
        if !after.tables.contains_key(table) {
            if was.count > 0 {
                c.notes.push(format!(
                    "up of {} drops table {table} ({} row(s)); its rows are not compared",
                    c.version, was.count
                ));
            }
            continue;
        }
        let Some(now) = rows_after_down.get(table) else {
            continue;
        };
        if now.count != was.count {
            let lost = format!("{} row(s) → {}", was.count, now.count);
            c.failures.push(format!(
                "up and down of {} change the rows of {table}: {lost}",
                c.version
            ));
        } else if now.digest != was.digest && before.tables.contains_key(table) {
            c.failures.push(format!(
                "up and down of {} change the contents of {table} ({} row(s))",
                c.version, was.count
            ));
        }
    }
}

/// After the up: indexes left invalid.
fn verify(c: &mut Checked, after: &Schema) {
    for (table, t) in &after.tables {
        for name in (t.indexes.iter()).filter(|(_, i)| !i.valid).map(|(n, _)| n) {
            c.failures.push(format!(
                "up of {} leaves index {name} on {table} invalid",
                c.version
            ));
        }
    }
}

async fn read_schema(db: &mut dyn Driver, only: Option<&[String]>) -> Result<Schema, EngineError> {
    (db.schema_of(only).await).map_err(EngineError::db("reading the schema"))
}

/// Every table's row count, and a digest of its rows (columns in name order, rows sorted)
/// when it has at most [`DIGEST_LIMIT`] rows. A table whose columns cannot all be read is
/// left out (its schema difference is reported already).
async fn read_rows(
    db: &mut dyn Driver,
    dialect: Dialect,
    schema: &Schema,
) -> Result<BTreeMap<String, Rows>, EngineError> {
    let quote = crate::sql::quote_char(dialect);
    let names: Vec<&str> = schema.tables.keys().map(String::as_str).collect();
    let counts = (db.row_counts(&names).await).map_err(EngineError::db("counting rows"))?;
    let mut out: BTreeMap<String, Rows> = (counts.into_iter())
        .map(|(t, count)| {
            (
                t,
                Rows {
                    count,
                    digest: None,
                },
            )
        })
        .collect();
    for (table, rows) in out
        .iter_mut()
        .filter(|(_, r)| r.count > 0 && r.count <= DIGEST_LIMIT)
    {
        let mut columns: Vec<&str> = schema.tables[table]
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        columns.sort_unstable();
        let list = (columns.iter())
            .map(|c| crate::sql::quote_ident(c, quote))
            .collect::<Vec<_>>()
            .join(", ");
        let select = format!(
            "SELECT {list} FROM {}",
            crate::sql::quote_name(table, quote)
        );
        if let Ok(mut found) = db.query_text(&select).await {
            found.sort_unstable();
            let mut hash = Sha256::new();
            for cell in found.iter().flatten() {
                hash.update(cell.as_deref().map_or(b"\x00N".as_slice(), str::as_bytes));
                hash.update(b"\x00");
            }
            rows.digest = Some(hex::encode(hash.finalize()));
        }
    }
    Ok(out)
}

/// An error's first line: what failed, without the runner's advice on repairing a real
/// database (this one is dropped).
fn first_line(e: &EngineError) -> String {
    e.to_string().lines().next().unwrap_or_default().to_owned()
}

async fn timed<T>(f: impl Future<Output = T>) -> (i64, T) {
    let started = Instant::now();
    let out = f.await;
    (ms(started), out)
}

fn ms(since: Instant) -> i64 {
    i64::try_from(since.elapsed().as_millis()).unwrap_or(i64::MAX)
}
