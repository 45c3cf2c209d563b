//! `ferry-bench`: applies generated migrations with ferry and with each engine's own client
//! (one transaction per file, one session), then times no-op `status` and `migrate` runs.
//! It needs release builds of both binaries:
//!
//! ```text
//! cargo build --release -p ferry-cli -p ferry-bench && target/release/ferry-bench
//! ```
//!
//! It prints Markdown tables for the README. Every database it uses is created fresh and
//! dropped afterwards (PostgreSQL and MariaDB must be reachable, as for the tests).

#![allow(clippy::print_stdout)]

mod baseline;
mod generate;
mod lint;
mod measure;
mod plugins;
mod rehearsal;

use clap::Parser;
use ferry_testkit::{Engine, TestDb};
use measure::{median, ms};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

#[derive(Parser)]
#[command(about = "Benchmarks ferry against psql, mariadb and sqlite3")]
struct Args {
    /// Engines to run: postgres, mysql, sqlite.
    #[arg(long, value_delimiter = ',', default_value = "postgres,mysql,sqlite")]
    engines: Vec<String>,
    /// Migrations applied in the comparison.
    #[arg(long, default_value_t = 1000)]
    migrations: usize,
    /// Runs of each side; the median is reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Runs of each no-op command; the median is reported.
    #[arg(long, default_value_t = 30)]
    noop_runs: usize,
    /// A second, larger history for the no-op timings (0 to skip).
    #[arg(long, default_value_t = 10_000)]
    large: usize,
    /// The ferry binary (default: beside this one).
    #[arg(long)]
    ferry: Option<PathBuf>,
    /// Plugins in the planning benchmark (0 to skip it).
    #[arg(long, default_value_t = 50)]
    plugins: usize,
    /// Migrations per plugin in the planning benchmark.
    #[arg(long, default_value_t = 40)]
    plugin_migrations: usize,
    /// Run only the planning benchmark.
    #[arg(long)]
    plan_only: bool,
    /// Migrations in the rehearsal benchmark (`ferry test --all` against `ferry migrate`;
    /// 0 to skip it).
    #[arg(long, default_value_t = 100)]
    rehearsal: usize,
    /// Run only the rehearsal benchmark.
    #[arg(long)]
    rehearsal_only: bool,
    /// Files in the lint benchmark (`ferry lint` against `squawk`; 0 to skip it).
    #[arg(long, default_value_t = 1000)]
    lint_files: usize,
    /// Run only the lint benchmark.
    #[arg(long)]
    lint_only: bool,
    /// The squawk binary (default: `squawk` on PATH; a pyenv shim adds its own start-up
    /// time, so pass `$(pyenv which squawk)` there).
    #[arg(long)]
    squawk: Option<PathBuf>,
    /// Keep the planning benchmark's project and database (their paths are printed), to
    /// look into them.
    #[arg(long)]
    keep: bool,
}

/// The result of applying every migration with both tools.
struct Apply {
    engine: Engine,
    client: Duration,
    ferry: Duration,
    ferry_peak_kib: u64,
    commits_per_migration: Option<f64>,
}

/// No-op timings at one history size.
struct Noop {
    engine: Engine,
    applied: usize,
    status: Duration,
    migrate: Duration,
    peak_kib: u64,
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("ferry-bench: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    let ferry = match &args.ferry {
        Some(p) => p.clone(),
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .with_file_name("ferry"),
    };
    if !ferry.is_file() {
        return Err(format!(
            "{} not found; run `cargo build --release -p ferry-cli` first",
            ferry.display()
        ));
    }
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    let small_dir = work.path().join("small");
    let files = generate::migrations(&small_dir, args.migrations).map_err(|e| e.to_string())?;
    let large_dir = work.path().join("large");
    if args.large > 0 {
        generate::migrations(&large_dir, args.large).map_err(|e| e.to_string())?;
    }
    let bench = Bench {
        ferry,
        cache: work.path().join("cache"),
        args,
    };
    if args.lint_files > 0 && !args.plan_only && !args.rehearsal_only {
        eprintln!("lint: {} files, {} runs", args.lint_files, args.runs);
        let l = lint::run(
            &bench.ferry,
            args.squawk.as_deref(),
            work.path(),
            (args.lint_files, args.runs),
        )?;
        print_lint(&l, args.runs);
        if args.lint_only {
            return Ok(());
        }
    }
    let (mut applies, mut noops, mut plans) = (Vec::new(), Vec::new(), Vec::new());
    let mut rehearsals = Vec::new();
    for name in &args.engines {
        let engine = parse_engine(name)?;
        if args.rehearsal > 0 && !args.plan_only {
            eprintln!(
                "{name}: rehearsing {} migrations, {} runs",
                args.rehearsal, args.runs
            );
            let r = rehearsal::run(&bench.ferry, engine, work.path(), args.rehearsal, args.runs)?;
            rehearsals.push(r);
        }
        if args.rehearsal_only {
            continue;
        }
        if args.plugins > 0 {
            let shape = plugins::Shape {
                plugins: args.plugins,
                per_plugin: args.plugin_migrations,
            };
            eprintln!("{name}: planning over {} plugins", args.plugins);
            let root = tempfile::tempdir().map_err(|e| e.to_string())?;
            let db = TestDb::new(engine);
            let planned = plugins::run(&bench.ferry, &db, root.path(), &shape, args.noop_runs)?;
            plans.push((engine, planned));
            if args.keep {
                eprintln!("kept: {} with {}", root.keep().display(), db.url);
                std::mem::forget(db);
            }
        }
        if args.plan_only {
            continue;
        }
        eprintln!(
            "{name}: applying {} migrations, {} runs",
            args.migrations, args.runs
        );
        let (apply, db) = bench.apply(engine, &small_dir, &files, work.path())?;
        applies.push(apply);
        noops.push(bench.noop(&db, &small_dir, args.migrations)?);
        drop(db);
        if args.large > 0 {
            eprintln!("{name}: no-op runs at {} applied", args.large);
            let db = TestDb::new(engine);
            bench.ferry_migrate(&db, &large_dir)?;
            noops.push(bench.noop(&db, &large_dir, args.large)?);
        }
    }
    print_report(args, &applies, &noops);
    print_plans(args, &plans);
    print_rehearsals(args, &rehearsals);
    Ok(())
}

fn parse_engine(name: &str) -> Result<Engine, String> {
    match name {
        "postgres" | "postgresql" => Ok(Engine::Postgres),
        "mysql" | "mariadb" => Ok(Engine::Mysql),
        "sqlite" => Ok(Engine::Sqlite),
        other => Err(format!(
            "unknown engine `{other}`; use postgres, mysql or sqlite"
        )),
    }
}

struct Bench<'a> {
    ferry: PathBuf,
    /// Where ferry keeps its summary cache during the bench (inside the bench's temp folder).
    cache: PathBuf,
    args: &'a Args,
}

impl Bench<'_> {
    /// `ferry COMMAND` on `db` and `dir`, with its summary cache kept in the bench's folder.
    fn ferry(&self, db: &TestDb, dir: &Path, command: &str) -> Command {
        let mut cmd = Command::new(&self.ferry);
        cmd.arg("-d")
            .arg(&db.url)
            .arg("--dir")
            .arg(dir)
            .arg(command);
        cmd.env("FERRY_CACHE_DIR", &self.cache);
        cmd
    }

    /// Applies everything in `dir` with ferry; its wall time and peak memory.
    fn ferry_migrate(&self, db: &TestDb, dir: &Path) -> Result<(Duration, u64), String> {
        let started = std::time::Instant::now();
        let peak = measure::peak_kib(&self.ferry(db, dir, "migrate"))?;
        Ok((started.elapsed(), peak))
    }

    /// Alternates client and ferry runs on fresh databases; returns the medians and the
    /// last ferry database, for the no-op runs.
    fn apply(
        &self,
        engine: Engine,
        dir: &Path,
        files: &[PathBuf],
        work: &Path,
    ) -> Result<(Apply, TestDb), String> {
        let (mut client, mut ferry, mut peaks, mut commits) = (vec![], vec![], vec![], None);
        // Databases are dropped at the end: a drop's file deletions slow the next run.
        let (mut keep, mut last_ferry) = (Vec::new(), None);
        for run in 0..self.args.runs {
            // Alternate which side goes first, so drift in the machine's speed hits both.
            for side in [run % 2, 1 - run % 2] {
                let db = TestDb::new(engine);
                settle(&db);
                if side == 0 {
                    let took = measure::time(&mut baseline::command(&db, files, work)?)?;
                    eprintln!("  run {}: client {} ms", run + 1, ms(took));
                    client.push(took);
                    keep.push(db);
                    continue;
                }
                let before = commit_count(&db);
                let (took, peak) = self.ferry_migrate(&db, dir)?;
                commits = commit_count(&db).zip(before).map(|(a, b)| a - b);
                check_applied(&db, files.len())?;
                eprintln!("  run {}: ferry {} ms", run + 1, ms(took));
                ferry.push(took);
                peaks.push(peak);
                keep.extend(last_ferry.replace(db));
            }
        }
        let apply = Apply {
            engine,
            client: median(client),
            ferry: median(ferry),
            ferry_peak_kib: peaks.into_iter().max().unwrap_or(0),
            commits_per_migration: commits.map(|c| c as f64 / files.len() as f64),
        };
        Ok((apply, last_ferry.ok_or("--runs must be at least 1")?))
    }

    /// Median no-op `status` and `migrate` times, alternating, and their peak memory.
    fn noop(&self, db: &TestDb, dir: &Path, applied: usize) -> Result<Noop, String> {
        // As before each apply run: the server finishes what the applies left it to do.
        settle(db);
        let (mut status, mut migrate) = (vec![], vec![]);
        for _ in 0..self.args.noop_runs {
            for (command, samples) in [("status", &mut status), ("migrate", &mut migrate)] {
                samples.push(measure::time(&mut self.ferry(db, dir, command))?);
            }
        }
        let peak = ["status", "migrate"]
            .iter()
            .map(|c| measure::peak_kib(&self.ferry(db, dir, c)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Noop {
            engine: db.engine,
            applied,
            status: median(status),
            migrate: median(migrate),
            peak_kib: peak.into_iter().max().unwrap_or(0),
        })
    }
}

/// Starts a timed run from a quiet machine: the files of the database dropped by the last
/// run are flushed, and PostgreSQL writes out what CREATE DATABASE left in its buffers,
/// instead of either happening during the measurement (which made whichever side ran
/// second up to 40% slower).
fn settle(db: &TestDb) {
    let _ = Command::new("sync").status();
    std::thread::sleep(Duration::from_millis(500));
    if db.engine == Engine::Postgres {
        db.query("CHECKPOINT");
    }
}

/// Committed transactions in this PostgreSQL database so far (other engines: `None`).
fn commit_count(db: &TestDb) -> Option<i64> {
    if db.engine != Engine::Postgres {
        return None;
    }
    // Backends report their counters when they exit, just after their client does.
    std::thread::sleep(Duration::from_millis(500));
    let sql =
        "SELECT CAST(xact_commit AS TEXT) FROM pg_stat_database WHERE datname = current_database()";
    db.query(sql).first().and_then(|v| v.parse().ok())
}

fn check_applied(db: &TestDb, expected: usize) -> Result<(), String> {
    let sql = "SELECT CAST(COUNT(*) AS CHAR(20)) FROM ferry_migrations WHERE state = 'applied'";
    let sql = if db.engine == Engine::Postgres {
        "SELECT CAST(COUNT(*) AS TEXT) FROM ferry_migrations WHERE state = 'applied'"
    } else {
        sql
    };
    let count: usize = db
        .query(sql)
        .first()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if count == expected {
        Ok(())
    } else {
        Err(format!("ferry applied {count} of {expected} migrations"))
    }
}

fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Postgres => "PostgreSQL (psql)",
        Engine::Mysql => "MariaDB (mariadb)",
        Engine::Sqlite => "SQLite (sqlite3)",
    }
}

fn print_plans(args: &Args, plans: &[(Engine, plugins::Planned)]) {
    if plans.is_empty() {
        return;
    }
    println!(
        "\nPlanning across {} plugins ({} migrations each, every fourth portable JSON), median of {}:\n",
        args.plugins, args.plugin_migrations, args.noop_runs
    );
    println!(
        "| engine | applied | cross-plugin dependencies | `ferry plan` | `ferry plan --plugin` (upgrade) | no-op `ferry migrate` | peak memory |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (engine, p) in plans {
        println!(
            "| {} | {} | {} | {} ms | {} ms | {} ms | {:.1} MB |",
            engine_name(*engine).split(' ').next().unwrap_or_default(),
            p.applied,
            p.dependencies,
            ms(p.plan),
            ms(p.upgrade),
            ms(p.migrate),
            p.peak_kib as f64 / 1024.0
        );
    }
}

fn print_lint(l: &lint::Lint, runs: usize) {
    println!(
        "\nLinting {} generated migration files ({:.1} MB, 10 statements each), default rules, median of {runs} runs:\n",
        l.files,
        l.bytes as f64 / 1e6
    );
    println!("| linter | time | per file |");
    println!("|---|---:|---:|");
    let per = |d: Duration| d.as_secs_f64() * 1000.0 / l.files as f64;
    println!(
        "| `ferry lint` | {} ms | {:.3} ms |",
        ms(l.ferry),
        per(l.ferry)
    );
    match l.squawk {
        Some(s) => println!("| `squawk` | {} ms | {:.3} ms |", ms(s), per(s)),
        None => println!("| `squawk` | not installed (`pip install squawk-cli`) | |"),
    }
}

fn print_rehearsals(args: &Args, rehearsals: &[rehearsal::Rehearsal]) {
    if rehearsals.is_empty() {
        return;
    }
    println!(
        "\nRehearsing {} generated migrations (`ferry test --all`) against applying them once (`ferry migrate`), fresh databases, median of {} runs:\n",
        args.rehearsal, args.runs
    );
    println!("| engine | `ferry migrate` | `ferry test --all` | test / migrate |");
    println!("|---|---:|---:|---:|");
    for r in rehearsals {
        println!(
            "| {} | {} ms | {} ms | {:.2}x |",
            engine_name(r.engine).split(' ').next().unwrap_or_default(),
            ms(r.migrate),
            ms(r.rehearse),
            r.rehearse.as_secs_f64() / r.migrate.as_secs_f64()
        );
    }
}

fn print_report(args: &Args, applies: &[Apply], noops: &[Noop]) {
    if applies.is_empty() {
        return;
    }
    println!(
        "Applying {} generated migrations, median of {} runs:\n",
        args.migrations, args.runs
    );
    println!(
        "| engine (client) | client, 1 tx per file | ferry | ferry / client | ferry peak memory | commits per migration |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for a in applies {
        println!(
            "| {} | {} ms | {} ms | {:.3}x | {:.1} MB | {} |",
            engine_name(a.engine),
            ms(a.client),
            ms(a.ferry),
            a.ferry.as_secs_f64() / a.client.as_secs_f64(),
            a.ferry_peak_kib as f64 / 1024.0,
            a.commits_per_migration
                .map_or("n/a".into(), |c| format!("{c:.3}"))
        );
    }
    println!(
        "\nNo-op runs (nothing pending), median of {}:\n",
        args.noop_runs
    );
    println!("| engine | applied | `ferry status` | `ferry migrate` | peak memory |");
    println!("|---|---:|---:|---:|---:|");
    for n in noops {
        println!(
            "| {} | {} | {} ms | {} ms | {:.1} MB |",
            engine_name(n.engine).split(' ').next().unwrap_or_default(),
            n.applied,
            ms(n.status),
            ms(n.migrate),
            n.peak_kib as f64 / 1024.0
        );
    }
}
