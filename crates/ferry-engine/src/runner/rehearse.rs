//! `ferry test`: the rollback rehearsal. On a scratch database, each pending migration is
//! applied, rolled back and applied again; after the down the schema must equal the one
//! before the up (the differences are the failures: "down of 004 leaves index idx_x"), and
//! the rows of every table the migration does not drop must be as they were.

use super::{Job, migrate, rollback};
use crate::{Discard, Driver, EngineError};
use ferry_core::plan::{self, MigrateOptions, RollbackTarget, State};
use ferry_core::schema::{Change, DiffOptions, Schema, diff};
use ferry_core::{Dialect, Version};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::Instant;

/// How to rehearse.
#[derive(Clone, Copy, Debug, Default)]
pub struct RehearseOptions {
    /// Columns in another order after the down are not a failure.
    pub ignore_column_order: bool,
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
    let pending = pending(db, job).await?;
    let mut before = read_schema(db).await?;
    let mut done = Vec::new();
    for (version, label, name) in pending {
        let (checked, after) = one(db, job, (&version, label, name), &before, options).await?;
        let stopped = after.is_none();
        let mut checked = checked;
        if stopped {
            checked.notes.push(
                "the rehearsal stops here: the migrations after it were not rehearsed".into(),
            );
        }
        report(&checked);
        done.push(checked);
        match after {
            Some(after) => before = after,
            None => break,
        }
    }
    Ok(done)
}

/// The migrations pending on `db`, in the order migrate applies them (repeatable ones,
/// which have no down, are left out).
async fn pending(
    db: &mut dyn Driver,
    job: &Job<'_>,
) -> Result<Vec<(Version, String, String)>, EngineError> {
    let history = super::read_history(db, false, job.plugin, job.version_kind).await?;
    let migrations = job.files.get().await?;
    let entries = plan::status(migrations, &history, job.plugin);
    Ok((entries.iter())
        .filter(|e| matches!(e.state, State::Pending | State::RolledBack))
        .filter(|e| !e.version.is_repeatable())
        .map(|e| (e.version.clone(), e.label.to_owned(), e.name.to_owned()))
        .collect())
}

/// Up, down, compare, up again; the schema after, unless a step failed.
async fn one(
    db: &mut dyn Driver,
    job: &Job<'_>,
    (version, label, name): (&Version, String, String),
    before: &Schema,
    options: RehearseOptions,
) -> Result<(Checked, Option<Schema>), EngineError> {
    let mut c = Checked {
        version: label.clone(),
        name,
        ..Checked::default()
    };
    let dialect = db.dialect();
    let checks = Instant::now();
    let rows_before = read_rows(db, dialect, before).await?;
    let mut checks_ms = ms(checks);
    let up = MigrateOptions {
        only: Some(version.clone()),
        allow_out_of_order: true,
        ignore_other_tools: true,
        ..MigrateOptions::default()
    };
    let (took, ran) = timed(migrate(db, job, &up, &mut Discard)).await;
    c.up_ms = took;
    if let Err(e) = ran {
        c.failures
            .push(format!("up of {label} failed: {}", first_line(&e)));
        return Ok((c, None));
    }
    let down = RollbackTarget::Only(vec![version.as_str().to_owned()]);
    let (took, ran) = timed(rollback(db, job, &down, "test", &mut Discard)).await;
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
    let after_down = read_schema(db).await?;
    let diff_options = DiffOptions {
        ignore_column_order: options.ignore_column_order,
    };
    c.failures
        .extend(diff(before, &after_down, diff_options).iter().map(|d| {
            let verb = match d.change {
                Change::Added => "leaves",
                Change::Removed => "does not restore",
                Change::Changed => "changes",
            };
            format!("down of {label} {verb} {}: {}", d.object, d.detail)
        }));
    let rows_after_down = read_rows(db, dialect, before).await?;
    checks_ms += ms(checks);
    let (took, ran) = timed(migrate(db, job, &up, &mut Discard)).await;
    c.reup_ms = Some(took);
    if let Err(e) = ran {
        c.failures
            .push(format!("second up of {label} failed: {}", first_line(&e)));
        return Ok((c, None));
    }
    let checks = Instant::now();
    let after = read_schema(db).await?;
    compare_rows(&mut c, before, &after, &rows_before, &rows_after_down);
    verify(&mut c, &after);
    c.checks_ms = checks_ms + ms(checks);
    Ok((c, Some(after)))
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
        for (name, index) in t.indexes.iter().filter(|(_, i)| !i.valid) {
            c.failures.push(format!(
                "up of {} leaves index {name} on {table} invalid",
                c.version
            ));
            let _ = index;
        }
    }
}

async fn read_schema(db: &mut dyn Driver) -> Result<Schema, EngineError> {
    db.schema()
        .await
        .map_err(EngineError::db("reading the schema"))
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
