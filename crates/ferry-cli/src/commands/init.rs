//! `ferry init`

use crate::cli::Global;
use crate::error::CliError;
use crate::render::out;
use std::path::Path;

const TEMPLATE: &str = r#"# ferry configuration. Flags and environment variables override what is here:
# --database-url/-d, then [environments.NAME].url (with --env/FERRY_ENV), then DATABASE_URL,
# then database.url below, then the embedded default sqlite://ferry.db.

# env = "development"          # `production` makes rollback/redo/repair ask, and refuses reset
# lock_timeout = "60s"         # how long to wait for another runner
# connect_timeout = "10s"      # how long to wait for the server, and for each of ferry's own queries

[database]
# url = "postgres://app:secret@127.0.0.1:5432/app"
# url = "mysql://root@127.0.0.1:3306/app"
url = "sqlite://ferry.db"
# statements run on every connection; every migration starts from the state they leave:
# session = ["SET search_path = app, public"]
# SQLite: ferry's connection enforces foreign keys; to turn that off:
# session = ["PRAGMA foreign_keys = OFF"]

[migrations]
dir = "migrations"
# table = "ferry_migrations"   # schema-qualify on PostgreSQL: "app.ferry_migrations"
# events_table = "ferry_events"
# plugin = "app"
# allow_out_of_order = false
# layout = "ferry"             # or diesel, popx, maragudk, dbmate, goose, node-pg-migrate, liquibase (detected when unset)
# ignore = ["data_*.sql"]      # entries of the folder that are not migrations

# [environments.production]
# url = "postgres://app@db.internal/app"
# protected = true
"#;

/// Writes ferry.toml and the migrations folders.
pub fn run(global: &Global, force: bool) -> Result<(), CliError> {
    let config = global.config.clone().unwrap_or_else(|| "ferry.toml".into());
    if config.exists() && !force {
        return Err(CliError::Usage(format!(
            "{} already exists; pass --force to overwrite it",
            config.display()
        )));
    }
    let dir = global.dir.clone().unwrap_or_else(|| "migrations".into());
    let io = |p: &Path, e: std::io::Error| CliError::Usage(format!("{}: {e}", p.display()));
    std::fs::write(&config, TEMPLATE).map_err(|e| io(&config, e))?;
    let rollback = dir.join(ferry_core::ROLLBACK_DIR);
    std::fs::create_dir_all(&rollback).map_err(|e| io(&rollback, e))?;
    out(&format!(
        "created {} and {}/ (with rollback/)",
        config.display(),
        dir.display()
    ));
    out("next: ferry new add_customers");
    Ok(())
}
