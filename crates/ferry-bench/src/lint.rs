//! The lint benchmark: `ferry lint` against squawk (`pip install squawk-cli`) on the same
//! generated migration files, both with their default rules.

use crate::measure::median;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Statements a migration of the corpus is made of: the common shapes, safe and not.
const SHAPES: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS t{i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, org_id bigint NOT NULL, email text NOT NULL, name varchar(200), created_at timestamptz NOT NULL DEFAULT now());",
    "ALTER TABLE t{i} ADD COLUMN IF NOT EXISTS nickname text;",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS t{i}_email ON t{i} (email);",
    "ALTER TABLE t{i} ADD CONSTRAINT t{i}_org FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;",
    "ALTER TABLE t{i} VALIDATE CONSTRAINT t{i}_org;",
    "CREATE INDEX t{i}_created ON t{i} (created_at);",
    "ALTER TABLE t{i} ALTER COLUMN name TYPE text;",
    "UPDATE t{i} SET nickname = name WHERE nickname IS NULL;",
    "ALTER TABLE t{i} ADD CONSTRAINT t{i}_email_at CHECK (email LIKE '%@%');",
    "COMMENT ON TABLE t{i} IS 'table {i}';",
];

/// Medians of both linters over `files` generated files.
pub struct Lint {
    /// Files linted.
    pub files: usize,
    /// Their total size in bytes.
    pub bytes: u64,
    /// `ferry lint --engine postgres DIR`.
    pub ferry: Duration,
    /// `squawk DIR/*.sql`, if squawk is installed.
    pub squawk: Option<Duration>,
}

/// Writes the corpus and times both linters `runs` times each, alternating.
pub fn run(
    ferry: &Path,
    squawk: Option<&Path>,
    work: &Path,
    (files, runs): (usize, usize),
) -> Result<Lint, String> {
    let dir = work.join("lint-corpus");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut bytes = 0;
    let mut paths = Vec::new();
    for n in 1..=files {
        let text: String = (SHAPES.iter())
            .map(|s| s.replace("{i}", &n.to_string()))
            .collect::<Vec<_>>()
            .join("\n");
        bytes += text.len() as u64;
        let path = dir.join(format!("{n:05}_migration_{n}.sql"));
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        paths.push(path);
    }
    let squawk = squawk.map(Path::to_path_buf).or_else(|| which("squawk"));
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ours.push(time(
            Command::new(ferry)
                .args(["lint", "--engine", "postgres"])
                .arg(&dir),
        )?);
        if let Some(squawk) = &squawk {
            theirs.push(time(Command::new(squawk).args(&paths))?);
        }
    }
    Ok(Lint {
        files,
        bytes,
        ferry: median(ours),
        squawk: squawk.map(|_| median(theirs)),
    })
}

/// Wall time of a run that may exit non-zero (both linters do when they find something).
fn time(cmd: &mut Command) -> Result<Duration, String> {
    let started = Instant::now();
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.stdout.is_empty() && !out.status.success() {
        return Err(format!(
            "{:?}: {}",
            cmd.get_program(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(started.elapsed())
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}
