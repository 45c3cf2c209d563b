//! Helpers for the CLI tests: a migrations folder per test and a way to run ferry on it.
#![allow(dead_code)] // each test binary uses a different part of this module

use assert_cmd::Command;
use ferry_testkit::TestDb;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A temporary project: a migrations folder and a database.
pub struct Project {
    pub dir: tempfile::TempDir,
    pub db: TestDb,
}

impl Project {
    pub fn new(db: TestDb) -> Project {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("migrations/rollback")).expect("mkdir");
        Project { dir, db }
    }

    /// A project whose migrations folder is a copy of `tests/fixtures/<name>` (no
    /// `rollback/` folder of its own).
    pub fn from_fixture(db: TestDb, name: &str) -> Project {
        let p = Project::new(db);
        std::fs::remove_dir(p.migrations().join("rollback")).expect("rmdir");
        copy_tree(&fixtures().join(name), &p.migrations());
        p
    }

    /// Writes `ferry.toml` in the project folder.
    pub fn config(&self, text: &str) {
        std::fs::write(self.dir.path().join("ferry.toml"), text).expect("write ferry.toml");
    }

    pub fn migrations(&self) -> PathBuf {
        self.dir.path().join("migrations")
    }

    /// Writes a file under migrations/.
    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.migrations().join(name), text).expect("write");
    }

    pub fn remove(&self, name: &str) {
        std::fs::remove_file(self.migrations().join(name)).expect("remove");
    }

    /// Where this project's runs keep their summary cache (inside the temporary folder,
    /// so that tests leave nothing behind).
    pub fn cache_dir(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    /// A ferry command for this project.
    pub fn cmd(&self) -> Command {
        self.cmd_for(&self.db.url)
    }

    /// A ferry command for this project's migrations against another database URL.
    pub fn cmd_for(&self, url: &str) -> Command {
        let mut cmd = Command::cargo_bin("ferry").expect("binary");
        cmd.current_dir(self.dir.path())
            .env("FERRY_CACHE_DIR", self.cache_dir())
            .env_remove("DATABASE_URL")
            .env_remove("FERRY_ENV")
            .arg("-d")
            .arg(url)
            .arg("--dir")
            .arg(self.migrations());
        cmd
    }

    /// Runs ferry with `args` against `url`; returns (exit code, stdout, stderr).
    pub fn run_for(&self, url: &str, args: &[&str]) -> (i32, String, String) {
        let out: Output = self.cmd_for(url).args(args).output().expect("run ferry");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs ferry with `args`; returns (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_for(&self.db.url, args)
    }

    /// Runs ferry and asserts the exit code.
    pub fn expect(&self, args: &[&str], code: i32) -> (String, String) {
        let (got, out, err) = self.run(args);
        assert_eq!(
            got, code,
            "ferry {args:?} exited {got}\nstdout:\n{out}\nstderr:\n{err}"
        );
        (out, err)
    }

    /// States by version from `status --json`.
    pub fn states(&self) -> Vec<(String, String)> {
        let (out, _) = self.expect(&["status", "--json"], 0);
        let doc: serde_json::Value = serde_json::from_str(&out).expect("status json");
        doc["migrations"]
            .as_array()
            .expect("migrations")
            .iter()
            .map(|m| {
                (
                    m["version"].as_str().unwrap().to_owned(),
                    m["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }
}

/// (version, state) pairs as `Project::states` returns them.
pub fn states(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(v, s)| (v.to_string(), s.to_string()))
        .collect()
}

/// The folders of other tools' conventions written for the tests.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies the files and folders under `from` into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("fixture") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// The repository's examples folder.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/migrations")
}

/// Copies the examples into a project.
pub fn copy_examples(p: &Project) {
    for sub in ["", "rollback"] {
        for entry in std::fs::read_dir(examples().join(sub)).expect("examples") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                std::fs::copy(
                    &path,
                    p.migrations().join(sub).join(path.file_name().unwrap()),
                )
                .expect("copy");
            }
        }
    }
}

/// The first JSON document of a command's output (a failing `--json` command prints its
/// report, then an error event).
pub fn first_json(out: &str) -> serde_json::Value {
    let mut docs = serde_json::Deserializer::from_str(out).into_iter::<serde_json::Value>();
    docs.next()
        .unwrap_or_else(|| panic!("no JSON in {out}"))
        .unwrap_or_else(|e| panic!("{e}: {out}"))
}
