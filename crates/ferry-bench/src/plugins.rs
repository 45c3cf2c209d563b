//! The planning benchmark: an ecosystem of plugins (SQL and portable JSON migrations mixed,
//! cross-plugin dependencies), each installed at 1.0.0 while 2.0.0 is available, then
//! `ferry plan`, `ferry plan --plugin` (an upgrade) and a no-op `ferry migrate` timed.

use crate::measure::{self, median};
use ferry_testkit::TestDb;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The shape of the generated ecosystem.
pub struct Shape {
    /// Plugins.
    pub plugins: usize,
    /// Migrations per plugin; the last quarter come with 2.0.0.
    pub per_plugin: usize,
}

impl Shape {
    /// Migrations introduced by 1.0.0 in each plugin.
    fn installed(&self) -> usize {
        self.per_plugin - self.per_plugin / 4
    }
}

/// Writes the project into `root`: `plugins/pNN/` at 2.0.0 and `releases/pNN/1.0.0/`.
/// Each plugin requires the one before it; every fifth migration requires a migration of
/// that plugin, every fourth is portable JSON. Returns how many cross-plugin dependencies
/// there are.
pub fn write(root: &Path, shape: &Shape) -> std::io::Result<usize> {
    std::fs::write(
        root.join("ferry.toml"),
        "[plugins]\ndir = \"plugins\"\nreleases = \"releases\"\n",
    )?;
    let mut dependencies = 0;
    for p in 0..shape.plugins {
        for (version, dir) in [
            ("2.0.0", root.join(format!("plugins/p{p:02}"))),
            ("1.0.0", root.join(format!("releases/p{p:02}/1.0.0"))),
        ] {
            let migrations = dir.join("migrations");
            std::fs::create_dir_all(migrations.join("rollback"))?;
            let requires = match p {
                0 => String::new(),
                _ => format!("[requires]\np{:02} = \">=1.0\"\n", p - 1),
            };
            std::fs::write(
                dir.join("plugin.toml"),
                format!("name = \"p{p:02}\"\nversion = \"{version}\"\n{requires}"),
            )?;
            let count = match version {
                "1.0.0" => shape.installed(),
                _ => shape.per_plugin,
            };
            for m in 1..=count {
                let cross = p > 0 && m.is_multiple_of(5);
                dependencies += usize::from(cross && version == "2.0.0");
                write_migration(&migrations, p, m, shape, cross)?;
            }
        }
    }
    Ok(dependencies)
}

fn write_migration(
    dir: &Path,
    p: usize,
    m: usize,
    shape: &Shape,
    cross: bool,
) -> std::io::Result<()> {
    let since = if m > shape.installed() {
        "2.0.0"
    } else {
        "1.0.0"
    };
    let table = format!("p{p:02}_t{m:03}");
    let create = format!("CREATE TABLE {table} (id INTEGER PRIMARY KEY, v VARCHAR(20))");
    // A migration of the plugin before, introduced with its 1.0.0.
    let needs = format!(
        "p{:02}:{:03}",
        p.saturating_sub(1),
        m.min(shape.installed())
    );
    if m.is_multiple_of(4) {
        let deps = if cross {
            format!("\"dependencies\": [\"{needs}\"],")
        } else {
            String::new()
        };
        let json = format!(
            r#"{{"format": "portable-migration-v1", "migration": {{"id": "{table}", "pluginId": "p{p:02}",
  "version": "{since}", "name": "{table}", "type": "schema", {deps} "riskLevel": "low",
  "steps": {{"up": [{{"id": "up", "type": "schema", "name": "create", "sql": {{"universal": "{create}"}}}}],
            "down": [{{"id": "down", "type": "schema", "name": "drop", "sql": {{"universal": "DROP TABLE {table}"}}}}]}}}}}}"#
        );
        return std::fs::write(dir.join(format!("{m:03}_{table}.json")), json);
    }
    let requires = if cross {
        format!("-- ferry:requires {needs}\n")
    } else {
        String::new()
    };
    let name = format!("{m:03}_{table}.sql");
    std::fs::write(
        dir.join(&name),
        format!("-- ferry:since {since}\n{requires}{create};\n"),
    )?;
    std::fs::write(
        dir.join("rollback").join(&name),
        format!("DROP TABLE {table};\n"),
    )
}

/// Timings of the planning commands.
pub struct Planned {
    /// Migrations applied when they ran.
    pub applied: usize,
    /// Cross-plugin dependencies.
    pub dependencies: usize,
    /// `ferry plan`: what migrate would run across every plugin.
    pub plan: Duration,
    /// `ferry plan --plugin LAST`: an upgrade of the last plugin to 2.0.0.
    pub upgrade: Duration,
    /// A no-op `ferry migrate`.
    pub migrate: Duration,
    /// The largest peak memory of the three.
    pub peak_kib: u64,
}

/// Installs every plugin at 1.0.0 on `db`, then times the planning commands `runs` times.
pub fn run(
    ferry: &Path,
    db: &TestDb,
    root: &Path,
    shape: &Shape,
    runs: usize,
) -> Result<Planned, String> {
    let dependencies = write(root, shape).map_err(|e| e.to_string())?;
    let cmd = |args: &[&str]| {
        let mut c = Command::new(ferry);
        c.current_dir(root).arg("-d").arg(&db.url).args(args);
        c.env("FERRY_CACHE_DIR", root.join("cache"));
        c
    };
    for p in 0..shape.plugins {
        let name = format!("p{p:02}");
        measure::time(&mut cmd(&[
            "plugin",
            "install",
            &name,
            "--version",
            "1.0.0",
        ]))?;
    }
    let last = format!("p{:02}", shape.plugins - 1);
    let commands: [Vec<&str>; 3] = [
        vec!["plan"],
        vec!["plan", "--plugin", &last],
        vec!["migrate"],
    ];
    let mut samples: [Vec<Duration>; 3] = Default::default();
    for _ in 0..runs {
        for (args, taken) in commands.iter().zip(&mut samples) {
            taken.push(measure::time(&mut cmd(args))?);
        }
    }
    let peaks = (commands.iter())
        .map(|args| measure::peak_kib(&cmd(args)))
        .collect::<Result<Vec<_>, _>>()?;
    let [plan, upgrade, migrate] = samples.map(median);
    Ok(Planned {
        applied: shape.plugins * shape.installed(),
        dependencies,
        plan,
        upgrade,
        migrate,
        peak_kib: peaks.into_iter().max().unwrap_or(0),
    })
}
