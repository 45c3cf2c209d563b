//! The floor: the engine's own client running the same files, one transaction per file, in
//! one session.

use ferry_testkit::{Engine, TestDb};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The client command and the script it reads on stdin.
pub fn command(db: &TestDb, files: &[PathBuf], workdir: &Path) -> Result<Command, String> {
    let script = script(db.engine, files);
    let script_path = workdir.join("baseline.script");
    std::fs::write(&script_path, script).map_err(|e| format!("writing the script: {e}"))?;
    let stdin = std::fs::File::open(&script_path).map_err(|e| e.to_string())?;
    let mut cmd = match db.engine {
        Engine::Postgres => {
            let mut c = Command::new("psql");
            c.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &db.url]);
            // Like ferry on the loopback interface: no TLS, so both sides use one transport.
            c.env("PGSSLMODE", "disable");
            c
        }
        Engine::Mysql => {
            let url = url::Url::parse(&db.url).map_err(|e| e.to_string())?;
            let mut c = Command::new("mariadb");
            c.arg("--batch")
                .arg(format!("--host={}", url.host_str().unwrap_or("127.0.0.1")))
                .arg(format!("--port={}", url.port().unwrap_or(3306)))
                .arg(format!("--user={}", url.username()))
                .arg(db.name());
            c
        }
        Engine::Sqlite => {
            let mut c = Command::new("sqlite3");
            c.arg("-bail").arg(db.url.trim_start_matches("sqlite://"));
            c
        }
    };
    cmd.stdin(stdin).stdout(Stdio::null());
    Ok(cmd)
}

fn script(engine: Engine, files: &[PathBuf]) -> String {
    let mut out = String::new();
    for f in files {
        let f = f.display();
        let _ = match engine {
            Engine::Postgres => writeln!(out, "BEGIN;\n\\i '{f}'\nCOMMIT;"),
            Engine::Mysql => writeln!(out, "START TRANSACTION;\nsource {f}\nCOMMIT;"),
            Engine::Sqlite => writeln!(out, "BEGIN;\n.read '{f}'\nCOMMIT;"),
        };
    }
    out
}
