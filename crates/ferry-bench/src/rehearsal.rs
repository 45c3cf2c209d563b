//! The rehearsal benchmark: `ferry test --all` over N generated migrations against
//! `ferry migrate` of the same migrations, each on a fresh database.

use crate::generate;
use crate::measure::{median, time};
use ferry_testkit::{Engine, TestDb};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Medians of applying once and of rehearsing.
pub struct Rehearsal {
    /// The engine.
    pub engine: Engine,
    /// `ferry migrate` from empty.
    pub migrate: Duration,
    /// `ferry test --all`.
    pub rehearse: Duration,
}

/// Times both commands `runs` times each, alternating, on fresh databases.
pub fn run(
    ferry: &Path,
    engine: Engine,
    work: &Path,
    migrations: usize,
    runs: usize,
) -> Result<Rehearsal, String> {
    let dir = work.join(format!("rehearsal-{migrations}"));
    if !dir.exists() {
        generate::migrations(&dir, migrations).map_err(|e| e.to_string())?;
    }
    let cache = work.join("rehearsal-cache");
    let ferry_on = |db: &TestDb, args: &[&str]| {
        let mut cmd = Command::new(ferry);
        cmd.arg("-d").arg(&db.url).arg("--dir").arg(&dir).args(args);
        cmd.env("FERRY_CACHE_DIR", &cache);
        cmd
    };
    let (mut applies, mut rehearsals) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let db = TestDb::new(engine);
        applies.push(time(&mut ferry_on(&db, &["migrate"]))?);
        let db = TestDb::new(engine);
        rehearsals.push(time(&mut ferry_on(&db, &["test", "--all"]))?);
    }
    Ok(Rehearsal {
        engine,
        migrate: median(applies),
        rehearse: median(rehearsals),
    })
}
