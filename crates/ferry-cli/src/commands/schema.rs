//! `ferry schema dump`, `ferry schema diff`

use crate::cli::{Global, SchemaCommand};
use crate::config::Config;
use crate::error::CliError;
use crate::render::out;
use ferry_core::schema::{self, DiffOptions, Schema};

/// Runs a schema subcommand.
pub async fn run(g: &Global, command: SchemaCommand) -> Result<(), CliError> {
    let config = Config::load(g)?;
    match command {
        SchemaCommand::Dump => {
            let schema = inspect(&config, &config.url).await?;
            match g.json {
                true => out(&schema.to_json()),
                false => out(schema::render(&schema).trim_end()),
            }
            Ok(())
        }
        SchemaCommand::Diff {
            a,
            b,
            ignore_column_order,
        } => {
            let first = load(&config, &a).await?;
            let second = match &b {
                Some(b) => load(&config, b).await?,
                None => inspect(&config, &config.url).await?,
            };
            let options = DiffOptions {
                ignore_column_order,
            };
            report(g, &schema::diff(&first, &second, options))
        }
    }
}

/// Prints the differences; exit 4 when there are any.
fn report(g: &Global, differences: &[schema::Difference]) -> Result<(), CliError> {
    if g.json {
        let doc = serde_json::json!({ "same": differences.is_empty(), "differences": differences });
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else if differences.is_empty() {
        out("no differences");
    } else {
        for d in differences {
            out(&d.to_string());
        }
    }
    match differences.len() {
        0 => Ok(()),
        n => Err(CliError::Check(format!("{n} difference(s)"))),
    }
}

/// A schema from a database URL or a dump file.
async fn load(config: &Config, source: &str) -> Result<Schema, CliError> {
    if ferry_engine::dialect_of(source).is_ok() {
        return inspect(config, source).await;
    }
    let text = std::fs::read_to_string(source).map_err(|e| {
        CliError::Usage(format!(
            "`{}` is neither a database URL nor a readable dump file: {e}",
            ferry_core::redact_url(source)
        ))
    })?;
    Schema::from_json(&text).map_err(|e| {
        CliError::Usage(format!(
            "{source}: {e}; write one with `ferry schema dump --json`"
        ))
    })
}

/// Refuses a SQLite URL whose file does not exist: read as an empty database it would show
/// nothing, or every object as removed.
pub fn require_sqlite_file(url: &str) -> Result<(), CliError> {
    let Some(rest) = url.strip_prefix("sqlite:") else {
        return Ok(());
    };
    let path = rest.strip_prefix("//").unwrap_or(rest);
    let path = path.split('?').next().unwrap_or_default();
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    if path.is_empty() || path == ":memory:" || std::path::Path::new(&*path).exists() {
        return Ok(());
    }
    Err(CliError::Usage(format!(
        "{path}: the SQLite database file does not exist; check the URL (`{}`)",
        ferry_core::redact_url(url)
    )))
}

/// The schema of the database at `url`, read through the inspector.
pub async fn inspect(config: &Config, url: &str) -> Result<Schema, CliError> {
    require_sqlite_file(url)?;
    let options = crate::session::connect_options(config, false);
    let mut db = ferry_engine::connect(url, &options).await?;
    let schema = db.schema().await;
    db.close().await;
    Ok(schema.map_err(ferry_engine::EngineError::db("reading the schema"))?)
}
